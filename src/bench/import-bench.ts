/**
 * Import benchmark: imports every source from the data folder into a fresh PGlite (in a temp dir) and, when a
 * Postgres URL is given, into a fresh database created on that server for the run (dropped afterwards), and
 * prints records/s per importer and the total wall time per driver.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { IMPORTERS, runImporter } from '../catalog/import-runner.ts';
import { silentProgress } from '../catalog/progress.ts';
import type { Config } from '../config/config.ts';
import { openDb, type Db } from '../db/db.ts';
import { silentLogger } from '../logging/logger.ts';

/** Options of the import benchmark. */
export interface ImportBenchOptions {
  /** A Postgres server to measure too (a scratch database is created on it); defaults to config.databaseUrl. */
  readonly postgresUrl?: string | undefined;
  /** Records per transaction (default 5000, as `earworm import`). */
  readonly batchSize?: number;
  /** Where results go (default console.log). */
  readonly print?: (line: string) => void;
}

async function benchDriver(label: string, db: Db, config: Config, home: string, batchSize: number, print: (l: string) => void) {
  const started = performance.now();
  let records = 0;
  for (const importer of IMPORTERS) {
    try {
      const r = await runImporter(importer, { db, dataDir: config.dataDir, home, logger: silentLogger, progress: silentProgress, batchSize });
      records += r.records;
      print(`  ${label.padEnd(8)} ${importer.name.padEnd(15)} ${r.records.toLocaleString('en-US').padStart(9)} records  ${(r.ms / 1000).toFixed(2).padStart(7)} s  ${Math.round(r.records / (r.ms / 1000)).toLocaleString('en-US').padStart(8)} rows/s`);
    } catch (err) {
      print(`  ${label.padEnd(8)} ${importer.name.padEnd(15)} skipped: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const s = (performance.now() - started) / 1000;
  print(`  ${label.padEnd(8)} ${'all'.padEnd(15)} ${records.toLocaleString('en-US').padStart(9)} records  ${s.toFixed(2).padStart(7)} s  ${Math.round(records / s).toLocaleString('en-US').padStart(8)} rows/s`);
}

/** Runs the import benchmark on PGlite and, if a Postgres URL is configured or given, on Postgres. */
export async function runImportBench(config: Config, options: ImportBenchOptions = {}): Promise<void> {
  const print = options.print ?? ((l: string) => console.log(l));
  const batchSize = options.batchSize ?? 5000;
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'earworm-import-bench-'));
  try {
    print(`import benchmark: datasets from ${config.dataDir}, batch ${batchSize}`);
    const pglite = await openDb({ pgliteDir: path.join(tmp, 'pgdata') });
    try {
      await benchDriver('pglite', pglite, config, tmp, batchSize, print);
    } finally {
      await pglite.close();
    }
    const url = options.postgresUrl ?? config.databaseUrl;
    if (url === undefined) {
      print('  postgres skipped: set DATABASE_URL (or pass postgresUrl) to measure Postgres too');
      return;
    }
    const name = `earworm_bench_${randomBytes(4).toString('hex')}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`CREATE DATABASE ${name}`);
      const u = new URL(url);
      u.pathname = `/${name}`;
      const pg = await openDb({ databaseUrl: u.toString() });
      try {
        await benchDriver('postgres', pg, config, tmp, batchSize, print);
      } finally {
        await pg.close();
      }
    } finally {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await admin.end();
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
