/**
 * `earworm import --source <lastfm|yes|tidy|spotify-tracks|mpd|all>`: imports datasets from EARWORM_DATA_DIR (or
 * downloads them into EARWORM_HOME), with a progress bar on a terminal and structured progress lines otherwise.
 * With `all`, a source that fails does not stop the others; the exit code is 1 if any failed.
 */
import { parseArgs } from 'node:util';
import { ImportError } from '../../catalog/import-error.ts';
import { countMergedTracks, importersFor, IMPORTERS, runImporter } from '../../catalog/import-runner.ts';
import { logProgress, terminalProgress } from '../../catalog/progress.ts';
import type { Config } from '../../config/config.ts';
import { openConfiguredDb } from '../../db/db.ts';
import { createLogger } from '../../logging/logger.ts';
import { UsageError } from '../usage-error.ts';

const USAGE = `Usage: earworm import --source <${IMPORTERS.map((i) => i.name).join('|')}|all> [--batch-size <records>]`;
const n = (x: number) => Math.round(x).toLocaleString('en-US');

/** Imports the named source(s) into the configured database. */
export async function run(args: string[], config: Config): Promise<number> {
  let values: { source?: string | undefined; 'batch-size'?: string | undefined };
  try {
    ({ values } = parseArgs({ args, options: { source: { type: 'string', short: 's' }, 'batch-size': { type: 'string' } }, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}. ${USAGE}`);
  }
  if (values.source === undefined) throw new UsageError(`--source is required. ${USAGE}`);
  const importers = importersFor(values.source);
  if (importers === undefined) throw new UsageError(`unknown source "${values.source}". ${USAGE}`);
  const batchSize = values['batch-size'] === undefined ? 5000 : Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`--batch-size must be a positive integer. ${USAGE}`);

  const logger = createLogger({ logLevel: config.logLevel, name: 'import' });
  const progress = process.stderr.isTTY ? terminalProgress(process.stderr) : logProgress(logger);
  const db = await openConfiguredDb(config);
  const failures: ImportError[] = [];
  try {
    const mergedBefore = await countMergedTracks(db);
    const started = performance.now();
    for (const importer of importers) {
      try {
        const r = await runImporter(importer, { db, dataDir: config.dataDir, home: config.home, logger, progress, batchSize, downloads: config.downloads });
        const unchanged = r.files.every((f) => f.status === 'unchanged');
        console.log(
          `${importer.name}: ${n(r.records)} records from ${r.files.length} file(s) in ${(r.ms / 1000).toFixed(1)} s` +
            (unchanged ? ' (unchanged since the last import)' : ` (${n(r.records / (r.ms / 1000))} records/s)`) +
            (r.downloaded ? ` [from ${r.dir}]` : ''),
        );
      } catch (err) {
        if (!(err instanceof ImportError) || importers.length === 1) throw err;
        failures.push(err);
        console.error(`${importer.name}: FAILED: ${err.message}`);
      }
    }
    const mergedAfter = await countMergedTracks(db);
    console.log(
      `tracks merged across sources: ${n(mergedAfter)} (${mergedAfter - mergedBefore >= 0 ? '+' : ''}${n(mergedAfter - mergedBefore)} this run); total ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await db.close();
  }
  return failures.length === 0 ? 0 : 1;
}
