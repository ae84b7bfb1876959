/**
 * Runs once per `vitest run`: migrates one PGlite template and dumps it to a file each test file loads (about 1 s
 * instead of 4 s for a fresh start), and, when EARWORM_TEST_DATABASE_URL names a real Postgres, migrates a
 * template database there that test files copy with CREATE DATABASE ... TEMPLATE.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openDb } from '../../src/db/db.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDump: string;
    postgresTemplate: { url: string; template: string } | null;
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'earworm-test-'));
  const pg = await PGlite.create();
  const db = await openDb({ pglite: pg });
  const dump = await pg.dumpDataDir('none');
  await db.close();
  const dumpFile = path.join(dir, 'template.tar');
  await writeFile(dumpFile, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteDump', dumpFile);

  const url = process.env.EARWORM_TEST_DATABASE_URL;
  let template: string | null = null;
  if (url !== undefined && url !== '') {
    template = `earworm_tpl_${process.pid}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`DROP DATABASE IF EXISTS ${template}`);
    await admin.unsafe(`CREATE DATABASE ${template}`);
    const tplDb = await openDb({ databaseUrl: withDatabase(url, template), maxConnections: 1 });
    await tplDb.close();
    await admin.end();
    project.provide('postgresTemplate', { url, template });
  } else {
    project.provide('postgresTemplate', null);
  }
  // Say once what this run covers: a fresh clone has no Redis or Postgres, and their tests are skipped, not failed.
  const skipped = [
    ...(url === undefined || url === '' ? ['Postgres (set EARWORM_TEST_DATABASE_URL to run every database test on Postgres too; PGlite runs them now)'] : []),
    ...(!process.env.EARWORM_TEST_REDIS_URL ? ['Redis (set EARWORM_TEST_REDIS_URL to run the BullMQ and Redis cache tests)'] : []),
  ];
  if (skipped.length > 0) console.log(`earworm tests: skipping what needs ${skipped.join('; and ')}. .ci/run provides both.`);

  return async () => {
    await rm(dir, { recursive: true, force: true });
    if (url !== undefined && template !== null) {
      const admin = postgres(url, { max: 1, onnotice: () => {} });
      const dbs = await admin<{ datname: string }[]>`select datname from pg_database where datname like ${`earworm_t_${process.pid}_%`} or datname = ${template}`;
      for (const { datname } of dbs) await admin.unsafe(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      await admin.end();
    }
  };
}

/** The same connection URL pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
