/** Finds catalogue tracks from what a person types ("daft punk one more time", "radiohead") and describes tracks. */
import { sql } from 'drizzle-orm';
import { foldAscii } from '../catalog/normalize.ts';
import type { Db } from '../db/db.ts';

/** A track as people see it. */
export interface TrackSummary {
  readonly id: number;
  readonly title: string;
  readonly artists: readonly string[];
  readonly album: string | null;
  readonly year: number | null;
  /** How many playlists or people have it: the tie-breaker when a search is ambiguous. */
  readonly plays: number;
}

const STOP_WORDS = new Set(['by', 'the', 'a', 'an', 'song', 'track', 'from', 'of']);

/** The words of a query as the catalogue's keys spell them (lower-case ASCII letters and digits). */
export function searchTerms(text: string): string[] {
  return foldAscii(text)
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '' && !STOP_WORDS.has(w));
}

/**
 * Tracks whose normalised title and primary artist contain every word of `text`, most played first. An artist's
 * name alone finds that artist's most played tracks.
 */
export async function searchTracks(db: Db, text: string, limit = 5): Promise<TrackSummary[]> {
  const terms = searchTerms(text);
  if (terms.length === 0) return [];
  const patterns = sql.join(
    terms.map((t) => sql`${`%${t}%`}`),
    sql`, `,
  );
  const rows = await db.rows<{ id: number }>(sql`
    select t.id from tracks t
    where t.norm_key like all (array[${patterns}])
    order by (${sql.join(
      terms.map((t) => sql`(t.norm_key ~ ${`\\m${t}\\M`})::int`),
      sql` + `,
    )}) desc, (select count(*) from interactions i where i.track_id = t.id) desc, t.id
    limit ${limit}`);
  const byId = await describeTracks(
    db,
    rows.map((r) => Number(r.id)),
  );
  return rows.map((r) => byId.get(Number(r.id))!).filter((t) => t !== undefined);
}

/** Titles, credited artists (in order), album, year and play counts of the given tracks. */
export async function describeTracks(db: Db, ids: readonly number[]): Promise<Map<number, TrackSummary>> {
  const out = new Map<number, TrackSummary>();
  if (ids.length === 0) return out;
  const list = sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );
  const rows = await db.rows<{ id: number; title: string; album: string | null; year: number | null; artists: string[] | null; plays: number }>(sql`
    select t.id, t.title, t.album, t.year,
      (select array_agg(a.name order by ta.position) from track_artists ta join artists a on a.id = ta.artist_id where ta.track_id = t.id) as artists,
      (select count(*)::int from interactions i where i.track_id = t.id) as plays
    from tracks t where t.id in (${list})`);
  for (const r of rows) {
    out.set(Number(r.id), {
      id: Number(r.id),
      title: r.title,
      artists: r.artists ?? [],
      album: r.album,
      year: r.year === null ? null : Number(r.year),
      plays: Number(r.plays),
    });
  }
  return out;
}

/** "Title — Artist, Artist (Album, 1999)". */
export function formatTrack(t: TrackSummary): string {
  const details = [t.album, t.year].filter((x) => x !== null && x !== '').join(', ');
  return `${t.title} — ${t.artists.length > 0 ? t.artists.join(', ') : 'unknown artist'}${details === '' ? '' : ` (${details})`}`;
}
