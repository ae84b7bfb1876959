/**
 * Runs importers by name: locates (or downloads) each dataset, imports its files, and reports records, time and how
 * many catalogue tracks are now shared by two or more sources (merged). The order puts Spotify-based sources first,
 * so merged tracks keep Spotify's titles and album data.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import type { Logger } from '../logging/logger.ts';
import { locateDataset } from './dataset-files.ts';
import type { FileResult } from './file-import.ts';
import { lastfmImporter } from './importers/lastfm-importer.ts';
import { mpdImporter } from './importers/mpd-importer.ts';
import { spotifyTracksImporter } from './importers/spotify-tracks-importer.ts';
import { tidyTuesdayImporter } from './importers/tidytuesday-importer.ts';
import { yesImporter } from './importers/yes-importer.ts';
import type { ProgressReporter } from './progress.ts';
import type { SourceImporter } from './source-importer.ts';

/** Every importer, in the order `--source all` runs them. */
export const IMPORTERS: readonly SourceImporter[] = [tidyTuesdayImporter, spotifyTracksImporter, mpdImporter, yesImporter, lastfmImporter];

const ALIASES: Record<string, string> = { tidytuesday: 'tidy', 'spotify-songs': 'tidy', spotify_tracks: 'spotify-tracks', yes_small: 'yes', 'yes-com': 'yes', hetrec: 'lastfm' };

/** The importers a `--source` value names (`all`, or one name), or undefined when it names none. */
export function importersFor(source: string): readonly SourceImporter[] | undefined {
  if (source === 'all') return IMPORTERS;
  const name = ALIASES[source] ?? source;
  const found = IMPORTERS.find((i) => i.name === name);
  return found === undefined ? undefined : [found];
}

/** What one importer did. */
interface SourceReport {
  readonly name: string;
  readonly files: readonly FileResult[];
  /** Records read from its files (all of them, including ones already imported before). */
  readonly records: number;
  readonly ms: number;
  /** Where its files were read from, and whether they were downloaded. */
  readonly dir: string;
  readonly downloaded: boolean;
}

/** Options of `runImport`. */
export interface RunImportOptions {
  readonly db: Db;
  readonly dataDir: string;
  readonly home: string;
  readonly logger: Logger;
  readonly progress: ProgressReporter;
  readonly batchSize?: number;
  readonly fetch?: typeof globalThis.fetch;
  /** Download missing datasets from their public sources (default true; EARWORM_DOWNLOADS=off turns it off). */
  readonly downloads?: boolean;
}

/** The number of catalogue tracks that two or more sources resolved to. */
export async function countMergedTracks(db: Db): Promise<number> {
  const [row] = await db.rows<{ n: number }>(sql`
    select count(*)::int as n from (select track_id from track_sources group by track_id having count(*) > 1) m`);
  return row?.n ?? 0;
}

/** Imports one source: locate its dataset, then import its files. Throws ImportError on the first failure. */
export async function runImporter(importer: SourceImporter, options: RunImportOptions): Promise<SourceReport> {
  const started = performance.now();
  const location = await locateDataset(importer.dataset, {
    dataDir: options.dataDir,
    home: options.home,
    logger: options.logger,
    downloads: options.downloads ?? true,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const files = await importer.importFiles(
    { db: options.db, logger: options.logger, progress: options.progress, batchSize: options.batchSize ?? 5000 },
    location,
  );
  return {
    name: importer.name,
    files,
    records: files.reduce((n, f) => n + f.records, 0),
    ms: performance.now() - started,
    dir: location.dir,
    downloaded: location.downloaded,
  };
}
