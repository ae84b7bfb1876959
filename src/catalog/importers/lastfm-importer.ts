/**
 * Last.fm HetRec 2011 (hetrec2011-lastfm-2k): `artists.dat` (UTF-8), `tags.dat` (ISO-8859-1), `user_artists.dat`
 * (play counts) and `user_taggedartists.dat` (who tagged which artist with what, and when). All are plain TSV with a
 * header and no quoting (names contain quote characters). Each user becomes a person with a `lastfm` identity.
 * `user_taggedartists.dat` names 390 artist ids that `artists.dat` lacks; they become placeholder artists under the
 * namespace `lastfm_unlisted`, so that all 186,479 assignments are kept (keyed by the source's own ids) and `lastfm` still counts 17,632 artists.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/db.ts';
import {
  addArtistExternalIds,
  insertInteractions,
  insertTagAssignments,
  resolveArtistsByNorm,
  resolvePeople,
  resolveTags,
} from '../catalog-writer.ts';
import { allExist, type DatasetSpec } from '../dataset-files.ts';
import { dateFrom, requireInt } from '../field-parsers.ts';
import { importFile, type FileResult } from '../file-import.ts';
import { ImportError } from '../import-error.ts';
import { normalizeArtistName } from '../normalize.ts';
import { fileNamed, type SourceImporter } from '../source-importer.ts';
import { readLines, type TextEncoding } from '../text-reader.ts';

const SOURCE = 'lastfm';
const UNLISTED = 'lastfm_unlisted';
const FILES = ['artists.dat', 'tags.dat', 'user_artists.dat', 'user_taggedartists.dat'];

/** The Last.fm folder and the original GroupLens zip. */
const lastfmDataset: DatasetSpec = {
  folder: 'lastfm-hetrec2011',
  expected: FILES.join(', '),
  findFiles: async (dir) => ((await allExist(dir, FILES)) ? FILES : undefined),
  download: {
    url: 'https://files.grouplens.org/datasets/hetrec2011/hetrec2011-lastfm-2k.zip',
    kind: 'zip',
    pick: (member) => {
      const base = member.split('/').pop() ?? '';
      return FILES.includes(base) ? base : undefined;
    },
  },
};

interface TsvRow {
  readonly line: number;
  readonly cols: readonly string[];
}

/** Streams the data rows of a HetRec TSV file, checking the header and the number of columns of every row. */
async function* readTsv(
  file: string,
  encoding: TextEncoding,
  header: readonly string[],
  onBytes: (n: number) => void,
): AsyncGenerator<TsvRow> {
  for await (const { text, line } of readLines(file, { encoding, onBytes })) {
    if (line === 1) {
      if (text.split('\t').join('|') !== header.join('|')) {
        throw new ImportError(`does not start with the header ${header.join('<TAB>')}; is this the right file?`, { code: 'BAD_CSV', file, line });
      }
      continue;
    }
    if (text === '') continue;
    const cols = text.split('\t');
    if (cols.length !== header.length) {
      throw new ImportError(
        `has ${cols.length} tab-separated fields where ${header.length} were expected; the file may be truncated or damaged. Use an intact copy and run the import again: it resumes.`,
        { code: 'BAD_CSV', file, line },
      );
    }
    yield { line, cols };
  }
}

async function artistMap(db: Db): Promise<Map<string, number>> {
  const rows = await db.rows<{ external_id: string; artist_id: number }>(sql`
    select external_id, artist_id from artist_external_ids where namespace in (${SOURCE}, ${UNLISTED})`);
  return new Map(rows.map((r) => [r.external_id, r.artist_id]));
}

/** Imports the four Last.fm files in dependency order. */
export const lastfmImporter: SourceImporter = {
  name: 'lastfm',
  sources: [SOURCE],
  dataset: lastfmDataset,
  async importFiles(ctx, location) {
    const results: FileResult[] = [];
    const artistsFile = fileNamed(location, 'artists.dat');
    results.push(
      await importFile<TsvRow>(ctx, {
        source: SOURCE,
        path: artistsFile.path,
        label: artistsFile.label,
        lineOf: (r) => r.line,
        read: (onBytes) => readTsv(artistsFile.path, 'utf8', ['id', 'name', 'url', 'pictureURL'], onBytes),
        async write(ex, batch) {
          const rows = batch.map((r) => {
            requireInt({ file: artistsFile.path, line: r.line }, 'id', r.cols[0], 0);
            const name = r.cols[1]!.trim();
            return { id: r.cols[0]!, name, norm: normalizeArtistName(name), url: r.cols[2] || null, image: r.cols[3] || null };
          });
          const ids = await resolveArtistsByNorm(
            ex,
            rows.map((r) => ({ name: r.name, norm_name: r.norm, url: r.url, image_url: r.image })),
          );
          await addArtistExternalIds(ex, rows.map((r) => ({ namespace: SOURCE, externalId: r.id, artistId: ids.get(r.norm)! })));
        },
      }),
    );

    // tags.dat is small (12K lines): keep tagID -> tag id in memory for user_taggedartists.dat.
    const tagsFile = fileNamed(location, 'tags.dat');
    const tagIds = new Map<string, number>();
    results.push(
      await importFile<TsvRow>(ctx, {
        source: SOURCE,
        path: tagsFile.path,
        label: tagsFile.label,
        lineOf: (r) => r.line,
        read: (onBytes) => readTsv(tagsFile.path, 'latin1', ['tagID', 'tagValue'], onBytes),
        async write(ex, batch) {
          await resolveTags(ex, batch.map((r) => ({ kind: 'tag', name: r.cols[1]!.trim().toLowerCase() })));
        },
      }),
    );
    {
      const names = new Map<string, string>();
      for await (const r of readTsv(tagsFile.path, 'latin1', ['tagID', 'tagValue'], () => {})) names.set(r.cols[0]!, r.cols[1]!.trim().toLowerCase());
      const byName = await resolveTags(
        { rows: (q) => ctx.db.rows(q) },
        [...names.values()].map((name) => ({ kind: 'tag' as const, name })),
      );
      for (const [id, name] of names) tagIds.set(id, byName.get(`tag|${name}`)!);
    }

    const artists = await artistMap(ctx.db);
    const listenersFile = fileNamed(location, 'user_artists.dat');
    results.push(
      await importFile<TsvRow>(ctx, {
        source: SOURCE,
        path: listenersFile.path,
        label: listenersFile.label,
        lineOf: (r) => r.line,
        async *read(onBytes) {
          for await (const r of readTsv(listenersFile.path, 'utf8', ['userID', 'artistID', 'weight'], onBytes)) {
            const site = { file: listenersFile.path, line: r.line };
            requireInt(site, 'userID', r.cols[0], 0);
            requireInt(site, 'weight', r.cols[2], 0);
            if (!artists.has(r.cols[1]!)) {
              throw new ImportError(`names artistID ${r.cols[1]}, which artists.dat does not list.`, { code: 'BAD_VALUE', file: listenersFile.path, line: r.line });
            }
            yield r;
          }
        },
        async write(ex, batch) {
          const people = await resolvePeople(ex, SOURCE, batch.map((r) => r.cols[0]!));
          await insertInteractions(
            ex,
            batch.map((r) => ({
              source: SOURCE,
              sourceKey: `${r.cols[0]}|${r.cols[1]}`,
              personId: people.get(r.cols[0]!)!,
              artistId: artists.get(r.cols[1]!)!,
              kind: 'play',
              weight: Number(r.cols[2]),
            })),
          );
        },
      }),
    );

    const taggedFile = fileNamed(location, 'user_taggedartists.dat');
    results.push(
      await importFile<TsvRow & { date: string | null }>(ctx, {
        source: SOURCE,
        path: taggedFile.path,
        label: taggedFile.label,
        lineOf: (r) => r.line,
        async *read(onBytes) {
          const header = ['userID', 'artistID', 'tagID', 'day', 'month', 'year'];
          for await (const r of readTsv(taggedFile.path, 'utf8', header, onBytes)) {
            const site = { file: taggedFile.path, line: r.line };
            requireInt(site, 'userID', r.cols[0], 0);
            requireInt(site, 'artistID', r.cols[1], 0);
            if (!tagIds.has(r.cols[2]!)) {
              throw new ImportError(`names tagID ${r.cols[2]}, which tags.dat does not list.`, { code: 'BAD_VALUE', file: taggedFile.path, line: r.line });
            }
            const date = dateFrom(requireInt(site, 'day', r.cols[3]), requireInt(site, 'month', r.cols[4]), requireInt(site, 'year', r.cols[5]));
            yield { ...r, date };
          }
        },
        async write(ex, batch) {
          const unlisted = [...new Set(batch.map((r) => r.cols[1]!).filter((id) => !artists.has(id)))];
          if (unlisted.length > 0) {
            // Never a real normalised name: those hold only letters, digits and spaces.
            const norm = (id: string) => `#lastfm:${id}`;
            const made = await resolveArtistsByNorm(
              ex,
              unlisted.map((id) => ({ name: `Last.fm artist ${id}`, norm_name: norm(id), url: null, image_url: null })),
            );
            await addArtistExternalIds(ex, unlisted.map((id) => ({ namespace: UNLISTED, externalId: id, artistId: made.get(norm(id))! })));
            for (const id of unlisted) artists.set(id, made.get(norm(id))!);
          }
          const people = await resolvePeople(ex, SOURCE, batch.map((r) => r.cols[0]!));
          await insertTagAssignments(
            ex,
            batch.map((r) => ({
              source: SOURCE,
              sourceKey: `${r.cols[0]!}|${r.cols[1]!}|${r.cols[2]!}`,
              personId: people.get(r.cols[0]!)!,
              artistId: artists.get(r.cols[1]!)!,
              tagId: tagIds.get(r.cols[2]!)!,
              assignedOn: r.date,
            })),
          );
        },
      }),
    );
    return results;
  },
};
