/** TasteStore over stated_tastes, artists and the evidence tables (votes, rating interactions). */
import { eq, sql } from 'drizzle-orm';
import { normalizeArtistName } from '../../catalog/normalize.ts';
import type { Db } from '../../db/db.ts';
import { statedTastes } from '../../db/schema.ts';
import type { ArtistMatch, StatedTastes, StatedTastesChange, TasteStore } from '../ports/stated-tastes.ts';
import { RATING_SOURCE } from './db-rating-store.ts';

const sameList = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Stated tastes in the database. */
export class DbTasteStore implements TasteStore {
  constructor(private readonly db: Db) {}

  async stated(personId: number): Promise<StatedTastes | undefined> {
    const [row] = await this.db.orm.select().from(statedTastes).where(eq(statedTastes.personId, personId));
    if (row === undefined) return undefined;
    const names = await this.artistNames(row.artistIds);
    return {
      genres: row.genres,
      moods: row.moods,
      energy: row.energy,
      artists: row.artistIds.flatMap((id) => (names.has(id) ? [{ id, name: names.get(id)! }] : [])),
      updatedAt: row.updatedAt,
    };
  }

  async state(personId: number, change: StatedTastesChange): Promise<{ changed: boolean; tastes: StatedTastes }> {
    const changed = await this.db.orm.transaction(async (tx) => {
      await tx.insert(statedTastes).values({ personId }).onConflictDoNothing();
      const [row] = await tx.select().from(statedTastes).where(eq(statedTastes.personId, personId)).for('update');
      const next = {
        genres: change.genres !== undefined ? [...new Set(change.genres)] : row!.genres,
        moods: change.moods !== undefined ? [...new Set(change.moods)] : row!.moods,
        energy: change.energy !== undefined ? change.energy : row!.energy,
        artistIds: change.artistIds !== undefined ? [...new Set(change.artistIds)] : row!.artistIds,
      };
      const same = sameList(next.genres, row!.genres) && sameList(next.moods, row!.moods) && next.energy === row!.energy && sameList(next.artistIds, row!.artistIds);
      if (!same) await tx.update(statedTastes).set({ ...next, updatedAt: new Date() }).where(eq(statedTastes.personId, personId));
      return !same;
    });
    return { changed, tastes: (await this.stated(personId))! };
  }

  async clear(personId: number): Promise<boolean> {
    const gone = await this.db.orm.delete(statedTastes).where(eq(statedTastes.personId, personId)).returning({ personId: statedTastes.personId });
    return gone.length > 0;
  }

  async findArtists(name: string, limit = 5): Promise<ArtistMatch[]> {
    const norm = normalizeArtistName(name);
    if (norm === '') return [];
    const plays = sql<number>`(select count(*)::int from track_artists ta join interactions i on i.track_id = ta.track_id where ta.artist_id = a.id)`;
    const exact = await this.db.rows<{ id: number; name: string; plays: number }>(sql`select a.id, a.name, ${plays} as plays from artists a where a.norm_name = ${norm}`);
    if (exact.length > 0) return exact.map((r) => ({ id: Number(r.id), name: r.name, plays: Number(r.plays) }));
    const like = `%${norm.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    const rows = await this.db.rows<{ id: number; name: string; plays: number }>(
      sql`select a.id, a.name, ${plays} as plays from artists a where a.norm_name like ${like} order by plays desc, a.id limit ${limit}`,
    );
    return rows.map((r) => ({ id: Number(r.id), name: r.name, plays: Number(r.plays) }));
  }

  async artistTracks(artistIds: readonly number[], perArtist: number): Promise<number[]> {
    const out: number[] = [];
    for (const id of artistIds) {
      const rows = await this.db.rows<{ id: number }>(sql`
        select ta.track_id as id from track_artists ta
        where ta.artist_id = ${id}
        order by (select count(*) from interactions i where i.track_id = ta.track_id) desc, ta.track_id
        limit ${perArtist}`);
      out.push(...rows.map((r) => Number(r.id)));
    }
    return out;
  }

  async evidence(personId: number): Promise<number> {
    const [row] = await this.db.rows<{ n: number }>(sql`
      select (select count(*)::int from votes where person_id = ${personId} and choice in ('a', 'b'))
        + (select count(*)::int from (
            select distinct on (track_id) kind from interactions
            where source = ${RATING_SOURCE} and person_id = ${personId} and track_id is not null
            order by track_id, created_at desc, id desc) latest where kind = 'like') as n`);
    return Number(row?.n ?? 0);
  }

  private async artistNames(ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.rows<{ id: number; name: string }>(sql`select id, name from artists where id in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`);
    return new Map(rows.map((r) => [Number(r.id), r.name]));
  }
}
