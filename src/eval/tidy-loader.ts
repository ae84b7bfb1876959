/** Reads the TidyTuesday spotify_songs.csv: playlists × tracks, with track metadata and playlist genres. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { CategoricalColumn } from '../recsys/item-side-info.ts';
import { DatasetError } from './dataset-error.ts';
import { InteractionCollector, type InteractionDataset } from './interaction-dataset.ts';

const NUMERIC = [
  'danceability',
  'energy',
  'loudness',
  'mode',
  'speechiness',
  'acousticness',
  'instrumentalness',
  'liveness',
  'valence',
  'tempo',
  'duration_ms',
  'track_popularity',
] as const;

/**
 * Loads the tidy dataset: users are playlist_id, items track_id, weight 1 per row (a pair listed twice weighs 2);
 * playlists with fewer than 5 distinct tracks are dropped. Side info: artist, album, release year and standardised
 * audio features per track (from the track's first kept row); genre and subgenre per playlist.
 */
export async function loadTidy(dataDir: string): Promise<InteractionDataset> {
  const file = path.join(dataDir, 'spotify-songs-tidytuesday', 'spotify_songs.csv');
  let rows: Record<string, string>[];
  try {
    rows = parse(await readFile(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  } catch (err) {
    throw new DatasetError('tidy', `cannot read ${file} as CSV`, { cause: err });
  }
  const distinct = new Map<string, Set<string>>();
  for (const r of rows) {
    const p = r['playlist_id'];
    const t = r['track_id'];
    if (p === undefined || t === undefined) throw new DatasetError('tidy', `${file}: playlist_id and track_id columns are required`);
    let s = distinct.get(p);
    if (s === undefined) distinct.set(p, (s = new Set()));
    s.add(t);
  }
  const c = new InteractionCollector();
  const itemRow: Record<string, string>[] = [];
  const userRow: Record<string, string>[] = [];
  for (const r of rows) {
    const p = r['playlist_id']!;
    if (distinct.get(p)!.size < 5) continue;
    const { user, item } = c.add(p, r['track_id']!, 1);
    if (item === itemRow.length) itemRow.push(r);
    if (user === userRow.length) userRow.push(r);
  }
  const numeric = new Float32Array(itemRow.length * NUMERIC.length);
  NUMERIC.forEach((name, d) => {
    const raw = itemRow.map((r) => Number(r[name]));
    const ok = raw.filter((v) => Number.isFinite(v));
    const mean = ok.reduce((a, b) => a + b, 0) / Math.max(1, ok.length);
    const sd = Math.sqrt(ok.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, ok.length)) || 1;
    raw.forEach((v, i) => (numeric[i * NUMERIC.length + d] = Number.isFinite(v) ? (v - mean) / sd : 0));
  });
  const year = (r: Record<string, string>) => (r['track_album_release_date'] ?? '').slice(0, 4);
  return {
    name: 'tidy',
    ...c.pairs(),
    side: {
      itemCategories: [
        categorical('artist', itemRow, (r) => r['track_artist']),
        categorical('album', itemRow, (r) => r['track_album_id']),
        categorical('year', itemRow, year),
      ],
      itemNumeric: { names: [...NUMERIC], values: numeric },
      userCategories: [
        categorical('genre', userRow, (r) => r['playlist_genre']),
        categorical('subgenre', userRow, (r) => r['playlist_subgenre']),
      ],
    },
  };
}

function categorical(name: string, rows: Record<string, string>[], get: (r: Record<string, string>) => string | undefined): CategoricalColumn {
  const index = new Map<string, number>();
  const values = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    const v = get(r);
    if (v === undefined || v === '' || v === 'NA') {
      values[i] = -1;
      return;
    }
    let at = index.get(v);
    if (at === undefined) index.set(v, (at = index.size));
    values[i] = at;
  });
  return { name, values, cardinality: index.size };
}
