/**
 * Yes.com radio playlists (Cornell LME dataset): for each variant folder (`yes_small`, `yes_complete`) the song map
 * (`song_hash.txt`: id, title, artist with `\/` escapes), Last.fm tags per song (`tags.txt` + `tag_hash.txt`) and,
 * where present, the playlists (`train.txt`: two header lines, then one playlist of song ids per line). A
 * playlist's repeated song is one interaction `<playlistIndex>|<songId>` whose weight is the number of occurrences.
 */
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/db.ts';
import { allExist, type DatasetSpec } from '../dataset-files.ts';
import { insertInteractions, resolvePlaylists, writeTrackTags, writeTracks, type TrackRecord } from '../catalog-writer.ts';
import { requireInt } from '../field-parsers.ts';
import { importFile, type FileResult, type ImportContext } from '../file-import.ts';
import { ImportError } from '../import-error.ts';
import { trackKey } from '../normalize.ts';
import type { DatasetLocation } from '../dataset-files.ts';
import { readLines } from '../text-reader.ts';
import type { SourceImporter } from '../source-importer.ts';

const VARIANTS = [
  { name: 'yes_small', required: ['song_hash.txt', 'tags.txt', 'tag_hash.txt', 'train.txt'] },
  { name: 'yes_complete', required: ['song_hash.txt', 'tags.txt', 'tag_hash.txt'] },
] as const;

/** The Yes.com folder (`yes_small/`, `yes_complete/`) and the original `dataset.tar.gz` on the LME data page. */
const yesDataset: DatasetSpec = {
  folder: 'yes-com-playlists',
  expected: 'yes_small/{song_hash,tags,tag_hash,train}.txt and yes_complete/{song_hash,tags,tag_hash}.txt',
  async findFiles(dir) {
    const files: string[] = [];
    for (const v of VARIANTS) {
      const vdir = path.join(dir, v.name);
      if (!(await allExist(vdir, v.required))) return undefined;
      files.push(...v.required.map((f) => `${v.name}/${f}`));
      if (!(v.required as readonly string[]).includes('train.txt') && (await allExist(vdir, ['train.txt']))) files.push(`${v.name}/train.txt`);
    }
    return files;
  },
  download: {
    url: 'https://www.cs.cornell.edu/~shuochen/lme/dataset.tar.gz',
    kind: 'tar.gz',
    pick: (member) => {
      const m = /(?:^|\/)(yes_small|yes_complete)\/(song_hash|tags|tag_hash|train)\.txt$/.exec(member);
      return m === null ? undefined : `${m[1]}/${m[2]}.txt`;
    },
  },
};

interface SongRow {
  readonly line: number;
  readonly track: TrackRecord;
}
interface TagRow {
  readonly line: number;
  readonly songId: number;
  readonly tagIds: readonly number[];
}
interface PlaylistRow {
  readonly line: number;
  readonly index: number;
  readonly songs: readonly number[];
}

const unescape = (s: string) => s.replace(/\\\//g, '/').trim();

/** Reads a small `tag_hash.txt` (`id, name` per line) into a map. */
async function readTagHash(file: string): Promise<Map<number, string>> {
  const tags = new Map<number, string>();
  for await (const { text, line } of readLines(file, { encoding: 'utf8' })) {
    if (text.trim() === '') continue;
    const comma = text.indexOf(',');
    if (comma === -1) throw new ImportError('is not an "id, name" line.', { code: 'BAD_VALUE', file, line });
    tags.set(requireInt({ file, line }, 'tag id', text.slice(0, comma), 0), text.slice(comma + 1).trim().toLowerCase());
  }
  return tags;
}

/** All song id -> track id of one variant, for the tag and playlist files (75K entries at most). */
async function songTracks(db: Db, namespace: string): Promise<Map<number, number>> {
  const rows = await db.rows<{ external_id: string; track_id: number }>(
    sql`select external_id, track_id from track_external_ids where namespace = ${namespace}`,
  );
  return new Map(rows.map((r) => [Number(r.external_id), r.track_id]));
}

function ids(text: string, file: string, line: number, what: string): number[] {
  const out: number[] = [];
  for (const token of text.split(' ')) {
    if (token === '') continue;
    out.push(requireInt({ file, line }, what, token, 0));
  }
  return out;
}

async function importVariant(ctx: ImportContext, location: DatasetLocation, variant: string): Promise<FileResult[]> {
  const file = (name: string) => location.files.find((f) => f.label.endsWith(`/${variant}/${name}`));
  const results: FileResult[] = [];
  const songs = file('song_hash.txt')!;
  results.push(
    await importFile<SongRow>(ctx, {
      source: variant,
      path: songs.path,
      label: songs.label,
      lineOf: (r) => r.line,
      async *read(onBytes) {
        for await (const { text, line } of readLines(songs.path, { encoding: 'utf8', onBytes })) {
          if (text.trim() === '') continue;
          const [rawId, rawTitle, rawArtist] = text.split('\t');
          if (rawTitle === undefined || rawArtist === undefined) {
            throw new ImportError('is not an "id<TAB>title<TAB>artist" line.', { code: 'BAD_VALUE', file: songs.path, line });
          }
          const id = String(requireInt({ file: songs.path, line }, 'song id', rawId, 0));
          const title = unescape(rawTitle);
          const artist = unescape(rawArtist);
          yield {
            line,
            track: {
              source: variant,
              sourceId: id,
              key: title !== '' && artist !== '' ? trackKey(title, artist) : `${variant}:${id}`,
              title: title === '' ? '(unknown title)' : title,
              artists: artist === '' ? [] : [{ name: artist }],
              externalIds: [{ namespace: variant, id }],
            },
          };
        }
      },
      async write(ex, batch) {
        await writeTracks(ex, batch.map((r) => r.track));
      },
    }),
  );

  const tagNames = await readTagHash(file('tag_hash.txt')!.path);
  const tracks = await songTracks(ctx.db, variant);
  const trackOf = (songId: number, f: string, line: number): number => {
    const t = tracks.get(songId);
    if (t === undefined) throw new ImportError(`names song ${songId}, which song_hash.txt does not list.`, { code: 'BAD_VALUE', file: f, line });
    return t;
  };

  const tags = file('tags.txt')!;
  results.push(
    await importFile<TagRow>(ctx, {
      source: variant,
      path: tags.path,
      label: tags.label,
      lineOf: (r) => r.line,
      async *read(onBytes) {
        for await (const { text, line } of readLines(tags.path, { encoding: 'utf8', onBytes })) {
          const t = text.trim();
          const tagIds = t === '#' || t === '' ? [] : ids(t, tags.path, line, 'tag id');
          for (const id of tagIds) {
            if (!tagNames.has(id)) throw new ImportError(`names tag ${id}, which tag_hash.txt does not list.`, { code: 'BAD_VALUE', file: tags.path, line });
          }
          trackOf(line - 1, tags.path, line);
          yield { line, songId: line - 1, tagIds };
        }
      },
      async write(ex, batch) {
        await writeTrackTags(
          ex,
          batch.flatMap((r) => {
            const trackId = trackOf(r.songId, tags.path, r.line);
            return r.tagIds.map((id) => ({ trackId, source: variant, kind: 'tag' as const, name: tagNames.get(id)!, weight: 1 }));
          }),
        );
      },
    }),
  );

  const train = file('train.txt');
  if (train !== undefined) {
    results.push(
      await importFile<PlaylistRow>(ctx, {
        source: variant,
        path: train.path,
        label: train.label,
        lineOf: (r) => r.line,
        async *read(onBytes) {
          for await (const { text, line } of readLines(train.path, { encoding: 'utf8', onBytes })) {
            // Line 1 holds the crawl's own song ids, line 2 each song's frequency; playlists start on line 3.
            if (line <= 2) continue;
            const songIds = ids(text, train.path, line, 'song id');
            for (const s of songIds) trackOf(s, train.path, line);
            yield { line, index: line - 3, songs: songIds };
          }
        },
        async write(ex, batch) {
          const playlistIds = await resolvePlaylists(ex, variant, batch.map((p) => ({ externalId: String(p.index) })));
          await insertInteractions(
            ex,
            batch.flatMap((p) => {
              const counts = new Map<number, number>();
              for (const s of p.songs) counts.set(s, (counts.get(s) ?? 0) + 1);
              return [...counts].map(([songId, n]) => ({
                source: variant,
                sourceKey: `${p.index}|${songId}`,
                playlistId: playlistIds.get(String(p.index))!,
                trackId: trackOf(songId, train.path, p.line),
                kind: 'playlist',
                weight: n,
              }));
            }),
          );
        },
      }),
    );
  }
  return results;
}

/** Imports yes_small (songs, tags, playlists) and yes_complete (songs, tags, and playlists if train.txt is there). */
export const yesImporter: SourceImporter = {
  name: 'yes',
  sources: VARIANTS.map((v) => v.name),
  dataset: yesDataset,
  async importFiles(ctx, location) {
    const results: FileResult[] = [];
    for (const v of VARIANTS) results.push(...(await importVariant(ctx, location, v.name)));
    return results;
  },
};
