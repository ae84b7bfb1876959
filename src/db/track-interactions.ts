/**
 * The track-level interaction matrix from the database: playlists and people as rows, tracks as columns, weights
 * summed over repeated events. Dislikes and skips are negative feedback and never count as interactions.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import type { InteractionPairs } from '../recsys/interaction-pairs.ts';

/** Interaction pairs whose item ids are catalogue track ids (as strings) and user ids `p<playlist>` / `u<person>`. */
interface TrackInteractions extends InteractionPairs {
  /** Catalogue track id of each item index. */
  readonly trackIds: Int32Array;
  /** Highest interaction row id included: the data snapshot a model was trained on. */
  readonly maxInteractionId: number;
}

/** Kinds of interaction that say a subject wants a track. */
const POSITIVE_KINDS = ['play', 'playlist', 'like', 'seed'] as const;

/** Loads every positive track interaction; items are indexed in order of first appearance (lowest row id). */
export async function loadTrackInteractions(db: Db): Promise<TrackInteractions> {
  const kinds = sql.join(
    POSITIVE_KINDS.map((k) => sql`${k}`),
    sql`, `,
  );
  const rows = await db.rows<{ s: string; t: number; w: number; f: number }>(sql`
    select coalesce('p' || playlist_id, 'u' || person_id) as s, track_id as t, sum(weight)::float8 as w, min(id)::float8 as f
    from interactions
    where track_id is not null and kind in (${kinds})
    group by 1, 2
    order by f`);
  const userIndex = new Map<string, number>();
  const itemIndex = new Map<number, number>();
  const userIds: string[] = [];
  const trackIdList: number[] = [];
  const users = new Int32Array(rows.length);
  const items = new Int32Array(rows.length);
  const weights = new Float32Array(rows.length);
  let maxId = 0;
  rows.forEach((r, k) => {
    let u = userIndex.get(r.s);
    if (u === undefined) {
      u = userIds.length;
      userIndex.set(r.s, u);
      userIds.push(r.s);
    }
    const t = Number(r.t);
    let i = itemIndex.get(t);
    if (i === undefined) {
      i = trackIdList.length;
      itemIndex.set(t, i);
      trackIdList.push(t);
    }
    users[k] = u;
    items[k] = i;
    weights[k] = Number(r.w);
    maxId = Math.max(maxId, Number(r.f));
  });
  const [last] = await db.rows<{ m: number | null }>(sql`select max(id)::float8 as m from interactions`);
  return {
    userIds,
    itemIds: trackIdList.map(String),
    trackIds: Int32Array.from(trackIdList),
    users,
    items,
    weights,
    maxInteractionId: Number(last?.m ?? maxId),
  };
}
