/** Resolving track and artist arguments inside tools, turning failures into results that say how to retry. */
import { normalizeArtistName } from '../catalog/normalize.ts';
import type { TrackCard } from '../serving/ports/catalog.ts';
import { resolveTrack, toCandidate, type TrackRef } from './resolve-track.ts';
import { retry, type Retry } from './tool.ts';
import type { ToolContext } from './tool-context.ts';

/** One track, or the Retry to send back (unknown track, or candidates when ambiguous). */
export async function trackArg(ctx: ToolContext, ref: TrackRef, argument: string): Promise<TrackCard | Retry> {
  const r = await resolveTrack(ctx.catalog, ref);
  if (r.kind === 'found') return r.track;
  if (r.kind === 'none') return retry('unknown_track', `${argument}: ${r.message}`);
  return retry(
    'ambiguous_track',
    `${argument}: "${String(ref)}" matches several tracks. Ask which one is meant, or call again with one of the candidate ids.`,
    r.candidates.map(toCandidate),
  );
}

/** Whether a value is a Retry. */
export function isRetry(x: unknown): x is Retry {
  return typeof x === 'object' && x !== null && (x as { ok?: unknown }).ok === false;
}

/** The most played tracks by an artist that the recommender can use as seeds (at most `limit`), or a Retry. */
export async function artistSeeds(ctx: ToolContext, name: string, limit = 3): Promise<TrackCard[] | Retry> {
  const found = await ctx.catalog.search(name, 25);
  const wanted = normalizeArtistName(name);
  const byArtist = found.filter((t) => t.artists.some((a) => normalizeArtistName(a) === wanted));
  const pool = byArtist.length > 0 ? byArtist : found.filter((t) => t.artists.some((a) => normalizeArtistName(a).includes(wanted)));
  if (pool.length === 0) {
    return retry('unknown_artist', `No artist called "${name}" is in the catalogue. Check the spelling, or use search_catalog to find them.`);
  }
  const usable = pool.filter((t) => ctx.recommender.knows(t.id));
  return (usable.length > 0 ? usable : pool).slice(0, limit);
}
