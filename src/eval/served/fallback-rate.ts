/**
 * Fallback rate: 500 catalogue artists (artists credited on at least one track, the 500 whose folded name has the
 * smallest hash) are asked of `recommend` by name; an answer is a fallback when it is global popularity (strategy
 * `popularity`) or no answer at all (an error or a retry). Target 0.
 */
import { sql } from 'drizzle-orm';
import { fnv1a32 } from '../../recsys/fnv1a.ts';
import { figure, type ServedEnv, type ServedFigure } from './served-part.ts';
import { recommendAs } from './served-requests.ts';

/** Runs the part over `count` artists [500]. */
export async function fallbackRate(env: ServedEnv, count = 500): Promise<ServedFigure[]> {
  const rows = await env.db.rows<{ name: string; norm_name: string }>(sql`
    select a.name, a.norm_name from artists a where exists (select 1 from track_artists ta where ta.artist_id = a.id)`);
  const chosen = rows
    .map((r) => ({ name: r.name, h: fnv1a32(`served|artist|${r.norm_name}`) }))
    .sort((a, b) => a.h - b.h || (a.name < b.name ? -1 : 1))
    .slice(0, count);
  const services = await env.services();
  const fallback: number[] = [];
  const failed: number[] = [];
  for (const a of chosen) {
    const answer = await recommendAs(env.db, services, { seeds: { artists: [a.name] }, count: 10 });
    fallback.push(!answer.ok || answer.strategy === 'popularity' || answer.tracks.length === 0 ? 1 : 0);
    failed.push(answer.ok ? 0 : 1);
  }
  return [figure('fallback to global popularity', fallback, 'catalogue artists'), figure('no answer (error or retry)', failed, 'same artists')];
}
