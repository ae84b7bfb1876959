/**
 * What the person has told Earworm, as recommending uses it: likes and tracks imported from their linked Spotify
 * account (person_seeds) as default seeds, ratings to leave out, votes.
 */
import type { PreferenceInput } from './track-recommender.ts';
import type { ToolContext } from './tool-context.ts';

/** The person's signals. */
export interface Personalisation {
  readonly liked: readonly number[];
  readonly disliked: readonly number[];
  /** Liked, skipped and imported tracks: never recommended again. */
  readonly known: readonly number[];
  /** Default seeds when none are given: liked tracks interleaved with imported ones (strongest first). */
  readonly seeds: readonly number[];
  /** The Bradley–Terry utility, once the person has voted. */
  readonly preference?: PreferenceInput;
}

/** Loads the person's ratings, imported seeds and taste model. */
export async function personalisation(ctx: ToolContext): Promise<Personalisation> {
  const opinions = await ctx.ratings.opinions(ctx.personId);
  const taste = await ctx.preferences.taste(ctx.personId);
  const disliked = new Set(opinions.disliked);
  const imported = ctx.spotify === undefined ? [] : (await ctx.spotify.seedTracks(ctx.personId)).filter((t) => !disliked.has(t));
  const seeds: number[] = [];
  for (let i = 0; i < Math.max(opinions.liked.length, imported.length); i++) {
    for (const t of [opinions.liked[i], imported[i]]) if (t !== undefined && !seeds.includes(t)) seeds.push(t);
  }
  const base = { liked: opinions.liked, disliked: opinions.disliked, known: [...new Set([...opinions.liked, ...opinions.skipped, ...imported])], seeds };
  return taste.votes > 0 ? { ...base, preference: { confidence: taste.confidence, utility: (t: number) => taste.utility(t) } } : base;
}
