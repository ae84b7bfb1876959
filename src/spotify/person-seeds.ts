/**
 * A person's seeds from their Spotify library (table person_seeds, sources `spotify:*`). Seeds personalise that
 * person's recommendations only: nothing that trains shared models reads this table, and disconnecting deletes them.
 */
import { and, eq, like, sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { personSeeds } from '../db/schema.ts';

/** Where a seed came from. */
export type SpotifySeedSource = 'spotify:top_short' | 'spotify:top_medium' | 'spotify:top_long' | 'spotify:saved' | 'spotify:playlist';

/** How much each source says about taste now: recent top tracks most, playlist entries least. */
const SEED_WEIGHTS: Record<SpotifySeedSource, number> = {
  'spotify:top_short': 3,
  'spotify:top_medium': 2,
  'spotify:top_long': 1.5,
  'spotify:saved': 1,
  'spotify:playlist': 0.5,
};

const SPOTIFY_SOURCES = 'spotify:%';

/** Replaces the person's Spotify seeds with these (one transaction: an import is all or nothing, and repeatable). */
export async function replaceSpotifySeeds(db: Db, personId: number, seeds: readonly { trackId: number; source: SpotifySeedSource }[]): Promise<number> {
  const unique = new Map<string, { personId: number; trackId: number; source: string; weight: number }>();
  for (const s of seeds) unique.set(`${s.trackId}|${s.source}`, { personId, trackId: s.trackId, source: s.source, weight: SEED_WEIGHTS[s.source] });
  const rows = [...unique.values()];
  await db.orm.transaction(async (tx) => {
    await tx.delete(personSeeds).where(and(eq(personSeeds.personId, personId), like(personSeeds.source, SPOTIFY_SOURCES)));
    // A concurrent import of the same person may have inserted the same rows: theirs are identical.
    for (let i = 0; i < rows.length; i += 1000) await tx.insert(personSeeds).values(rows.slice(i, i + 1000)).onConflictDoNothing();
  });
  return rows.length;
}

/** Deletes the person's Spotify seeds; returns how many rows went. */
export async function deleteSpotifySeeds(db: Db, personId: number): Promise<number> {
  const gone = await db.orm
    .delete(personSeeds)
    .where(and(eq(personSeeds.personId, personId), like(personSeeds.source, SPOTIFY_SOURCES)))
    .returning({ trackId: personSeeds.trackId });
  return gone.length;
}

/** The person's seed tracks, strongest first (weights summed over sources). */
export async function spotifySeedTracks(db: Db, personId: number, limit: number): Promise<number[]> {
  const rows = await db.rows<{ track_id: number }>(sql`
    select track_id from person_seeds
    where person_id = ${personId} and source like ${SPOTIFY_SOURCES}
    group by track_id
    order by sum(weight) desc, track_id
    limit ${limit}`);
  return rows.map((r) => Number(r.track_id));
}
