/**
 * Resolving Spotify tracks to catalogue tracks and back: by Spotify id (track_external_ids, namespace `spotify`),
 * else by the catalogue's entity-resolution key (normalised title + primary artist, as tracks.norm_key is built).
 * Read-only: nothing from a person's Spotify library is written into the shared catalogue.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { trackKey } from '../catalog/normalize.ts';
import type { Db } from '../db/db.ts';
import { trackExternalIds, tracks } from '../db/schema.ts';
import type { SpotifyTrack } from './spotify.ts';

/** The catalogue namespace of Spotify track ids. */
const SPOTIFY_NAMESPACE = 'spotify';

const CHUNK = 1000;

function chunks<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
}

/** The catalogue key of a Spotify track (title + primary artist), as tracks.norm_key is built. */
export function spotifyTrackKey(t: SpotifyTrack): string {
  return trackKey(t.name, t.artists[0] ?? '');
}

/** Spotify track id → catalogue track id, for the tracks that resolve. */
export async function matchSpotifyTracks(db: Db, list: readonly SpotifyTrack[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const ids = [...new Set(list.map((t) => t.id))];
  for (const part of chunks(ids)) {
    const rows = await db.orm
      .select({ externalId: trackExternalIds.externalId, trackId: trackExternalIds.trackId })
      .from(trackExternalIds)
      .where(and(eq(trackExternalIds.namespace, SPOTIFY_NAMESPACE), inArray(trackExternalIds.externalId, part)));
    for (const r of rows) out.set(r.externalId, r.trackId);
  }
  const rest = list.filter((t) => !out.has(t.id) && t.artists.length > 0);
  const keys = [...new Set(rest.map(spotifyTrackKey))];
  const byKey = new Map<string, number>();
  for (const part of chunks(keys)) {
    const rows = await db.orm.select({ id: tracks.id, key: tracks.normKey }).from(tracks).where(inArray(tracks.normKey, part));
    for (const r of rows) byKey.set(r.key, r.id);
  }
  for (const t of rest) {
    const id = byKey.get(spotifyTrackKey(t));
    if (id !== undefined) out.set(t.id, id);
  }
  return out;
}

/** A catalogue track as export needs it: its Spotify id if known, else what to search for. */
interface ExportTrack {
  readonly trackId: number;
  readonly spotifyId: string | undefined;
  readonly title: string;
  readonly artist: string | undefined;
  readonly normKey: string;
}

/** Looks up catalogue tracks for export, in the order given (unknown ids are left out). */
export async function exportTracks(db: Db, trackIds: readonly number[]): Promise<ExportTrack[]> {
  const found = new Map<number, ExportTrack>();
  for (const part of chunks([...new Set(trackIds)])) {
    const ids = sql.join(part.map((id) => sql`${id}`), sql`, `);
    const rows = await db.rows<{ id: number; title: string; norm_key: string; artist: string | null; spotify_id: string | null }>(sql`
      select t.id, t.title, t.norm_key, a.name as artist,
        (select min(x.external_id) from track_external_ids x where x.track_id = t.id and x.namespace = ${SPOTIFY_NAMESPACE}) as spotify_id
      from tracks t
      left join track_artists ta on ta.track_id = t.id and ta.position = 0
      left join artists a on a.id = ta.artist_id
      where t.id in (${ids})`);
    for (const r of rows) {
      found.set(Number(r.id), { trackId: Number(r.id), spotifyId: r.spotify_id ?? undefined, title: r.title, artist: r.artist ?? undefined, normKey: r.norm_key });
    }
  }
  return trackIds.flatMap((id) => found.get(id) ?? []);
}
