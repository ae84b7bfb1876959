/**
 * The Spotify Tracks Dataset (Kaggle maharshipandya, 114K rows; `dataset.csv`, or an excerpt such as
 * `dataset.first50rows.csv`): one row per (track, genre) with `;`-joined artists, audio features, `explicit` and
 * `track_genre`. Writes tracks with all artist credits, features and genre tags; it has no playlists or listeners.
 */
import { readCsv } from '../csv-reader.ts';
import { matchingFiles, type DatasetSpec } from '../dataset-files.ts';
import { writeTracks, type TrackRecord } from '../catalog-writer.ts';
import { audioFeatures, optionalBool, optionalInt, optionalText } from '../field-parsers.ts';
import { importFile, type FileResult } from '../file-import.ts';
import { ImportError } from '../import-error.ts';
import { trackKey } from '../normalize.ts';
import type { SourceImporter } from '../source-importer.ts';

const SOURCE = 'spotify_tracks';
const COLUMNS = [
  'track_id', 'artists', 'album_name', 'track_name', 'popularity', 'duration_ms', 'explicit', 'danceability', 'energy', 'key',
  'loudness', 'mode', 'speechiness', 'acousticness', 'instrumentalness', 'liveness', 'valence', 'tempo', 'time_signature', 'track_genre',
];

interface SpotifyTracksRow {
  readonly line: number;
  readonly track: TrackRecord;
}

/** The Spotify Tracks folder: `dataset.csv` if present, else any `dataset*.csv` excerpt; downloadable from Hugging Face. */
const spotifyTracksDataset: DatasetSpec = {
  folder: 'spotify-tracks',
  expected: 'dataset.csv (the Spotify Tracks Dataset, 114,000 rows)',
  async findFiles(dir) {
    const files = await matchingFiles(dir, /^dataset.*\.csv$/);
    if (files.includes('dataset.csv')) return ['dataset.csv'];
    return files.length > 0 ? files : undefined;
  },
  download: {
    url: 'https://huggingface.co/datasets/maharshipandya/spotify-tracks-dataset/resolve/main/dataset.csv',
    kind: 'file',
    fileName: 'dataset.csv',
  },
};

/** Imports the Spotify Tracks CSV(s). */
export const spotifyTracksImporter: SourceImporter = {
  name: 'spotify-tracks',
  sources: [SOURCE],
  dataset: spotifyTracksDataset,
  async importFiles(ctx, location) {
    const results: FileResult[] = [];
    for (const file of location.files) {
      results.push(
        await importFile<SpotifyTracksRow>(ctx, {
          source: SOURCE,
          path: file.path,
          label: file.label,
          lineOf: (r) => r.line,
          async *read(onBytes) {
            for await (const { fields, line } of readCsv(file.path, { encoding: 'utf8', onBytes, requiredColumns: COLUMNS })) {
              const site = { file: file.path, line };
              const get = (c: string) => fields.get(c);
              const id = optionalText(get('track_id'));
              if (id === null) throw new ImportError('has no track_id; every row needs one.', { code: 'BAD_VALUE', file: file.path, line });
              const title = optionalText(get('track_name'));
              const artists = (optionalText(get('artists')) ?? '')
                .split(';')
                .map((a) => a.trim())
                .filter((a) => a !== '');
              const genre = optionalText(get('track_genre'));
              yield {
                line,
                track: {
                  source: SOURCE,
                  sourceId: id,
                  key: title !== null && artists[0] !== undefined ? trackKey(title, artists[0]) : `spotify:${id}`,
                  title: title ?? '(unknown title)',
                  artists: artists.map((name) => ({ name })),
                  externalIds: [{ namespace: 'spotify', id }],
                  album: optionalText(get('album_name')),
                  durationMs: optionalInt(site, 'duration_ms', get('duration_ms'), 0),
                  popularity: optionalInt(site, 'popularity', get('popularity'), 0, 100),
                  explicit: optionalBool(site, 'explicit', get('explicit')),
                  features: audioFeatures(site, get, true),
                  tags: genre === null ? [] : [{ kind: 'genre', name: genre.toLowerCase(), weight: 1 }],
                },
              };
            }
          },
          async write(ex, batch) {
            await writeTracks(ex, batch.map((r) => r.track));
          },
        }),
      );
    }
    return results;
  },
};
