/**
 * What the person has told Earworm, as recommending uses it: likes and tracks imported from their linked Spotify
 * account (person_seeds) as default seeds, ratings to leave out, votes, and stated tastes (onboarding) as faded seeds
 * and prior — see stated-tastes.ts for the fade schedule.
 */
import { hasTastes, STATED_CONFIDENCE } from '../serving/ports/stated-tastes.ts';
import type { PreferenceInput } from '../serving/ports/track-recommender.ts';
import type { ToolContext } from './tool-context.ts';

/** The person's signals. */
interface Personalisation {
  readonly liked: readonly number[];
  readonly disliked: readonly number[];
  /** Liked, skipped and imported tracks: never recommended again. */
  readonly known: readonly number[];
  /** Default seeds when none are given: liked tracks interleaved with imported ones (strongest first). */
  readonly seeds: readonly number[];
  /** The Bradley–Terry utility, once the person has voted or stated tastes. */
  readonly preference?: PreferenceInput;
  /** Seeds from stated tastes (stated artists' tracks, then popular tracks of stated genres and moods), already faded. */
  readonly statedSeeds: readonly number[];
  /** The fade weight of stated tastes now (0 when none were stated, or they have faded out). */
  readonly statedWeight: number;
}

/** Stated seeds per artist, genre and mood before fading. */
const SEEDS_PER_STATED = 3;

/** Loads the person's ratings, imported seeds, taste model and stated tastes. */
export async function personalisation(ctx: ToolContext): Promise<Personalisation> {
  const opinions = await ctx.ratings.opinions(ctx.personId);
  const taste = await ctx.preferences.taste(ctx.personId);
  // A track the person's A/B answers say does not fit them is left out like a disliked one.
  const disliked = new Set([...opinions.disliked, ...taste.notFitting]);
  const imported = ctx.spotify === undefined ? [] : (await ctx.spotify.seedTracks(ctx.personId)).filter((t) => !disliked.has(t));
  const seeds: number[] = [];
  for (let i = 0; i < Math.max(opinions.liked.length, imported.length); i++) {
    for (const t of [opinions.liked[i], imported[i]]) if (t !== undefined && !seeds.includes(t)) seeds.push(t);
  }
  const base = { liked: opinions.liked, disliked: [...disliked], known: [...new Set([...opinions.liked, ...opinions.skipped, ...imported])], seeds };
  const weight = taste.statedWeight ?? 0;
  const statedSeeds = weight > 0 ? await statedSeedTracks(ctx, weight, new Set([...base.known, ...base.disliked])) : [];
  // A person with stated tastes but no votes still has a prior worth using; votes then add their own confidence.
  const confidence = Math.max(taste.confidence, STATED_CONFIDENCE * weight);
  const usePreference = taste.votes > 0 || weight > 0;
  return {
    ...base,
    statedSeeds,
    statedWeight: weight,
    ...(usePreference ? { preference: { confidence, utility: (t: number) => taste.utility(t) } } : {}),
  };
}

/** ceil(weight · k) of the k stated seeds, interleaving artists, genres and moods so that fading keeps variety. */
async function statedSeedTracks(ctx: ToolContext, weight: number, exclude: ReadonlySet<number>): Promise<number[]> {
  const tastes = await ctx.tastes.stated(ctx.personId);
  if (!hasTastes(tastes)) return [];
  const usable = (ids: readonly number[]) => ids.filter((id) => ctx.recommender.knows(id) && !exclude.has(id)).slice(0, SEEDS_PER_STATED);
  const groups: number[][] = [];
  for (const a of tastes.artists) groups.push(usable(await ctx.tastes.artistTracks([a.id], 10)));
  for (const g of tastes.genres) groups.push(usable(await ctx.catalog.topWithLabel('genre', g, 20)));
  for (const m of tastes.moods) groups.push(usable(await ctx.catalog.topWithLabel('mood', m, 20)));
  const all: number[] = [];
  for (let round = 0; round < SEEDS_PER_STATED; round++) for (const g of groups) if (g[round] !== undefined && !all.includes(g[round]!)) all.push(g[round]!);
  return all.slice(0, Math.ceil(weight * all.length));
}
