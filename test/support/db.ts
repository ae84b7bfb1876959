/**
 * Test databases on both drivers. `DRIVERS` lists the drivers this run covers: PGlite always, Postgres when CI
 * (or you) set EARWORM_TEST_DATABASE_URL. Use `describe.each(DRIVERS)` so one suite runs on both.
 */
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openDb, type Db } from '../../src/db/db.ts';
import { withDatabase } from './global-setup.ts';

export type Driver = 'pglite' | 'postgres';

/** The drivers this test run covers. */
export const DRIVERS: Driver[] = inject('postgresTemplate') === null ? ['pglite'] : ['pglite', 'postgres'];

/** A fresh, migrated, empty database on the given driver. Close it when done. */
export async function freshDb(driver: Driver): Promise<Db> {
  if (driver === 'pglite') {
    const dump = await readFile(inject('pgliteDump'));
    const pg = await PGlite.create({ loadDataDir: new Blob([dump]) });
    return openDb({ pglite: pg, migrate: false });
  }
  const tpl = inject('postgresTemplate');
  if (tpl === null) throw new Error('Postgres tests need EARWORM_TEST_DATABASE_URL');
  const name = `earworm_t_${tpl.template.split('_').pop()}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(tpl.url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${tpl.template}`);
  } finally {
    await admin.end();
  }
  const db = await openDb({ databaseUrl: withDatabase(tpl.url, name), migrate: false, maxConnections: 4 });
  return {
    ...db,
    close: async () => {
      await db.close();
      const a = postgres(tpl.url, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** Empties every table (keeping the schema), for tests that share one database within a file. */
export async function truncateAll(db: Db): Promise<void> {
  const tables = await db.rows<{ tablename: string }>(
    sql`select tablename from pg_tables where schemaname = 'public'`,
  );
  if (tables.length === 0) return;
  await db.orm.execute(sql.raw(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`));
}

/** The number of rows in a table. */
export async function countRows(db: Db, table: string): Promise<number> {
  const rows = await db.rows<{ n: number }>(sql.raw(`select count(*)::int as n from "${table}"`));
  return rows[0]?.n ?? 0;
}
