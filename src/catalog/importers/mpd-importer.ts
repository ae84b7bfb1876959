/**
 * Spotify Million Playlist Dataset JSON slices (`mpd.slice.<from>-<to>.json`, or fragments of one): each playlist
 * becomes a playlist, its tracks become tracks (matched by Spotify id first) with Spotify artist ids, and each
 * entry an interaction keyed `<pid>|<pos>`. The MPD is available on request only, so it is never downloaded.
 */
import { readJsonArray } from '../json-array-reader.ts';
import { matchingFiles, type DatasetSpec } from '../dataset-files.ts';
import { insertInteractions, resolvePlaylists, writeTracks, type TrackRecord } from '../catalog-writer.ts';
import { importFile, type FileResult } from '../file-import.ts';
import { ImportError } from '../import-error.ts';
import { trackKey } from '../normalize.ts';
import type { SourceImporter } from '../source-importer.ts';

const SOURCE = 'mpd';

interface MpdPlaylist {
  readonly line: number;
  readonly pid: string;
  readonly name: string | null;
  readonly entries: readonly { readonly pos: number; readonly track: TrackRecord }[];
}

/** The MPD folder: every `mpd.slice.*.json` in it, in slice order. */
const mpdDataset: DatasetSpec = {
  folder: 'mpd',
  expected: 'one or more MPD slice files named mpd.slice.<from>-<to>.json (from the MPD zip, which Spotify Research gives out on request)',
  async findFiles(dir) {
    const files = await matchingFiles(dir, /^mpd\.slice\..+\.json$/);
    return files.length > 0 ? files : undefined;
  },
  noDownloadReason: 'the Million Playlist Dataset cannot be downloaded automatically (Spotify Research gives it out on request only)',
};

function spotifyId(uri: unknown, kind: 'track' | 'artist'): string | undefined {
  if (typeof uri !== 'string') return undefined;
  const prefix = `spotify:${kind}:`;
  return uri.startsWith(prefix) && uri.length > prefix.length ? uri.slice(prefix.length) : undefined;
}

/** Checks one playlist object of a slice and turns it into records; a wrong shape names the playlist's line. */
function toPlaylist(value: unknown, file: string, line: number): MpdPlaylist {
  const bad = (what: string) =>
    new ImportError(`the playlist starting here ${what}; is this an intact MPD slice?`, { code: 'BAD_JSON', file, line });
  if (typeof value !== 'object' || value === null) throw bad('is not an object');
  const p = value as Record<string, unknown>;
  if (typeof p.pid !== 'number' || !Number.isInteger(p.pid)) throw bad('has no integer "pid"');
  if (!Array.isArray(p.tracks)) throw bad('has no "tracks" array');
  const pid = String(p.pid);
  const entries = p.tracks.map((t: unknown, i: number) => {
    if (typeof t !== 'object' || t === null) throw bad(`has a track ${i} that is not an object`);
    const e = t as Record<string, unknown>;
    const id = spotifyId(e.track_uri, 'track');
    if (id === undefined) throw bad(`has a track ${i} without a spotify:track: uri`);
    if (typeof e.track_name !== 'string' || typeof e.artist_name !== 'string') throw bad(`has a track ${i} without track_name/artist_name`);
    const artistId = spotifyId(e.artist_uri, 'artist');
    const pos = typeof e.pos === 'number' && Number.isInteger(e.pos) ? e.pos : i;
    const track: TrackRecord = {
      source: SOURCE,
      sourceId: id,
      key: trackKey(e.track_name, e.artist_name),
      title: e.track_name,
      artists: [artistId === undefined ? { name: e.artist_name } : { name: e.artist_name, spotifyId: artistId }],
      externalIds: [{ namespace: 'spotify', id }],
      album: typeof e.album_name === 'string' ? e.album_name : null,
      durationMs: typeof e.duration_ms === 'number' && Number.isInteger(e.duration_ms) && e.duration_ms >= 0 ? e.duration_ms : null,
    };
    return { pos, track };
  });
  return { line, pid, name: typeof p.name === 'string' ? p.name : null, entries };
}

/** Imports every MPD slice in the folder. */
export const mpdImporter: SourceImporter = {
  name: 'mpd',
  sources: [SOURCE],
  dataset: mpdDataset,
  async importFiles(ctx, location) {
    const results: FileResult[] = [];
    for (const file of location.files) {
      results.push(
        await importFile<MpdPlaylist>(ctx, {
          source: SOURCE,
          path: file.path,
          label: file.label,
          // A playlist holds about 66 tracks: keep a transaction near the size of the others.
          batchSize: Math.ceil(ctx.batchSize / 50),
          lineOf: (p) => p.line,
          async *read(onBytes) {
            for await (const { value, line } of readJsonArray(file.path, 'playlists', onBytes)) yield toPlaylist(value, file.path, line);
          },
          async write(ex, batch) {
            const trackIds = await writeTracks(ex, batch.flatMap((p) => p.entries.map((e) => e.track)));
            const playlistIds = await resolvePlaylists(ex, SOURCE, batch.map((p) => ({ externalId: p.pid, name: p.name })));
            await insertInteractions(
              ex,
              batch.flatMap((p) =>
                p.entries.map((e) => ({
                  source: SOURCE,
                  sourceKey: `${p.pid}|${e.pos}`,
                  playlistId: playlistIds.get(p.pid)!,
                  trackId: trackIds.get(e.track.sourceId)!,
                  kind: 'playlist',
                  weight: 1,
                })),
              ),
            );
          },
        }),
      );
    }
    return results;
  },
};
