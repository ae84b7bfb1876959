/**
 * TidyTuesday 2020-01-21 `spotify_songs.csv`: one row per (playlist, track) with the track's audio features and the
 * playlist's genre/subgenre. Writes tracks (+features, genre and subgenre tags), 471 playlists and one interaction
 * per CSV row (source key = row number), so the 582 duplicate (playlist, track) rows are kept and summed later.
 */
import { readCsv } from '../csv-reader.ts';
import { allExist, type DatasetSpec } from '../dataset-files.ts';
import { insertInteractions, resolvePlaylists, writeTracks, type PlaylistRecord, type TrackRecord } from '../catalog-writer.ts';
import { audioFeatures, optionalInt, optionalText, yearOf } from '../field-parsers.ts';
import { importFile } from '../file-import.ts';
import { ImportError } from '../import-error.ts';
import { trackKey } from '../normalize.ts';
import { fileNamed, type SourceImporter } from '../source-importer.ts';

const SOURCE = 'tidytuesday';
const FILE = 'spotify_songs.csv';
const COLUMNS = [
  'track_id', 'track_name', 'track_artist', 'track_popularity', 'track_album_id', 'track_album_name', 'track_album_release_date',
  'playlist_name', 'playlist_id', 'playlist_genre', 'playlist_subgenre', 'danceability', 'energy', 'key', 'loudness', 'mode',
  'speechiness', 'acousticness', 'instrumentalness', 'liveness', 'valence', 'tempo', 'duration_ms',
];

interface TidyRow {
  readonly line: number;
  readonly row: number;
  readonly track: TrackRecord;
  readonly playlist: PlaylistRecord;
}

/** The TidyTuesday dataset folder and its public source (the raw CSV in rfordatascience/tidytuesday). */
const tidyTuesdayDataset: DatasetSpec = {
  folder: 'spotify-songs-tidytuesday',
  expected: FILE,
  findFiles: async (dir) => ((await allExist(dir, [FILE])) ? [FILE] : undefined),
  download: {
    url: 'https://raw.githubusercontent.com/rfordatascience/tidytuesday/master/data/2020/2020-01-21/spotify_songs.csv',
    kind: 'file',
    fileName: FILE,
  },
};

/** Imports `spotify_songs.csv`. */
export const tidyTuesdayImporter: SourceImporter = {
  name: 'tidy',
  sources: [SOURCE],
  dataset: tidyTuesdayDataset,
  async importFiles(ctx, location) {
    const file = fileNamed(location, FILE);
    return [
      await importFile<TidyRow>(ctx, {
        source: SOURCE,
        path: file.path,
        label: file.label,
        lineOf: (r) => r.line,
        async *read(onBytes) {
          let row = 0;
          for await (const { fields, line } of readCsv(file.path, { encoding: 'utf8', onBytes, requiredColumns: COLUMNS })) {
            row++;
            const site = { file: file.path, line };
            const get = (c: string) => fields.get(c);
            const id = optionalText(get('track_id'));
            if (id === null) throw new ImportError('has no track_id; every row needs one.', { code: 'BAD_VALUE', file: file.path, line });
            const title = optionalText(get('track_name'));
            const artist = optionalText(get('track_artist'));
            const releaseDate = optionalText(get('track_album_release_date'));
            const genre = optionalText(get('playlist_genre'));
            const subgenre = optionalText(get('playlist_subgenre'));
            const tags: { kind: 'genre' | 'subgenre'; name: string; weight: number }[] = [];
            if (genre !== null) tags.push({ kind: 'genre', name: genre.toLowerCase(), weight: 1 });
            if (subgenre !== null) tags.push({ kind: 'subgenre', name: subgenre.toLowerCase(), weight: 1 });
            yield {
              line,
              row,
              track: {
                source: SOURCE,
                sourceId: id,
                key: title !== null && artist !== null ? trackKey(title, artist) : `spotify:${id}`,
                title: title ?? '(unknown title)',
                artists: artist === null ? [] : [{ name: artist }],
                externalIds: [{ namespace: 'spotify', id }],
                album: optionalText(get('track_album_name')),
                releaseDate,
                year: yearOf(releaseDate),
                durationMs: optionalInt(site, 'duration_ms', get('duration_ms'), 0),
                popularity: optionalInt(site, 'track_popularity', get('track_popularity'), 0, 100),
                features: audioFeatures(site, get, false),
                tags,
              },
              playlist: {
                externalId: optionalText(get('playlist_id')) ?? `row-${row}`,
                name: optionalText(get('playlist_name')),
                genre,
                subgenre,
              },
            };
          }
        },
        async write(ex, batch) {
          const trackIds = await writeTracks(ex, batch.map((r) => r.track));
          const playlistIds = await resolvePlaylists(ex, SOURCE, batch.map((r) => r.playlist));
          await insertInteractions(
            ex,
            batch.map((r) => ({
              source: SOURCE,
              sourceKey: String(r.row),
              playlistId: playlistIds.get(r.playlist.externalId)!,
              trackId: trackIds.get(r.track.sourceId)!,
              kind: 'playlist',
              weight: 1,
            })),
          );
        },
      }),
    ];
  },
};
