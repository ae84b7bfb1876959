/**
 * Ratings as rows of `interactions` (source `rating`, kind like/skip/dislike), so likes also feed the next training
 * run as positive interactions. `source_key` is the person and their interaction id (ids are scoped to their person,
 * so one person cannot pre-empt another's), or person|track|kind when none is given.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/db.ts';
import { interactions } from '../../db/schema.ts';
import type { Opinions, RatingKind, RatingStore } from '../ports/rating-store.ts';

/** Interaction source of ratings. */
export const RATING_SOURCE = 'rating';

/** RatingStore over the interactions table. */
export class DbRatingStore implements RatingStore {
  constructor(private readonly db: Db) {}

  async rate(r: { personId: number; trackId: number; kind: RatingKind; interactionId?: string }): Promise<{ recorded: boolean }> {
    const row = { source: RATING_SOURCE, personId: r.personId, trackId: r.trackId, kind: r.kind, weight: 1 };
    if (r.interactionId !== undefined) {
      const inserted = await this.db.orm
        .insert(interactions)
        .values({ ...row, sourceKey: `i:${r.personId}:${r.interactionId}` })
        .onConflictDoNothing()
        .returning({ id: interactions.id });
      return { recorded: inserted.length > 0 };
    }
    // Without an interaction id the same (person, track, kind) is one row; a repeat only makes it the latest opinion.
    const rows = await this.db.rows<{ inserted: boolean }>(sql`
      insert into interactions (source, source_key, person_id, track_id, kind, weight)
      values (${RATING_SOURCE}, ${`p:${r.personId}|${r.trackId}|${r.kind}`}, ${r.personId}, ${r.trackId}, ${r.kind}, 1)
      on conflict (source, source_key) do update set created_at = clock_timestamp()
      returning (xmax = 0) as inserted`);
    return { recorded: rows[0]?.inserted === true };
  }

  async opinions(personId: number): Promise<Opinions> {
    const rows = await this.db.rows<{ track_id: number; kind: RatingKind }>(sql`
      select distinct on (track_id) track_id, kind from interactions
      where source = ${RATING_SOURCE} and person_id = ${personId} and track_id is not null
      order by track_id, created_at desc, id desc`);
    const out: Record<RatingKind, number[]> = { like: [], skip: [], dislike: [] };
    for (const r of rows) out[r.kind]?.push(Number(r.track_id));
    return { liked: out.like, skipped: out.skip, disliked: out.dislike };
  }
}
