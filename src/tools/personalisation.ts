/** What the person has told Earworm, as recommending uses it: likes as default seeds, ratings to leave out, votes. */
import type { PreferenceInput } from './track-recommender.ts';
import type { ToolContext } from './tool-context.ts';

/** The person's signals. */
export interface Personalisation {
  readonly liked: readonly number[];
  readonly disliked: readonly number[];
  /** Liked and skipped tracks: never recommended again. */
  readonly known: readonly number[];
  /** The Bradley–Terry utility, once the person has voted. */
  readonly preference?: PreferenceInput;
}

/** Loads the person's ratings and taste model. */
export async function personalisation(ctx: ToolContext): Promise<Personalisation> {
  const opinions = await ctx.ratings.opinions(ctx.personId);
  const taste = await ctx.preferences.taste(ctx.personId);
  const base = { liked: opinions.liked, disliked: opinions.disliked, known: [...opinions.liked, ...opinions.skipped] };
  return taste.votes > 0 ? { ...base, preference: { confidence: taste.confidence, utility: (t: number) => taste.utility(t) } } : base;
}
