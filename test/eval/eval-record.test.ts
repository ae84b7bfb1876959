import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { run } from '../../src/cli/commands/eval.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { DatabaseError, openConfiguredDb } from '../../src/db/db.ts';
import { listEvalRuns } from '../../src/eval/eval-record.ts';
import { DRIVERS, type Driver } from '../support/db.ts';
import { withDatabase } from '../support/global-setup.ts';
import { writeFixtureDatasets } from './dataset-fixtures.ts';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'earworm-data-'));
  await writeFixtureDatasets(dataDir);
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A config whose database is a fresh one on `driver`: embedded PGlite in a temp home, or a new Postgres database. */
async function configFor(driver: Driver): Promise<{ config: Config; cleanup: () => Promise<void> }> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'earworm-home-'));
  const env: Record<string, string> = { EARWORM_HOME: home, EARWORM_DATA_DIR: dataDir, EARWORM_DOWNLOADS: 'off' };
  let drop = async () => {};
  if (driver === 'postgres') {
    const tpl = inject('postgresTemplate')!;
    const name = `earworm_t_${tpl.template.split('_').pop()}_${randomBytes(4).toString('hex')}`;
    const admin = postgres(tpl.url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${tpl.template}`);
    await admin.end();
    env['DATABASE_URL'] = withDatabase(tpl.url, name);
    drop = async () => {
      const a = postgres(tpl.url, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    };
  }
  return {
    config: loadConfig(env),
    cleanup: async () => {
      await drop();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Runs `earworm eval` with args, returning the exit code and the JSON result lines it printed. */
async function evalCli(args: string[], config: Config): Promise<{ code: number; lines: Record<string, unknown>[] }> {
  const printed: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void printed.push(a.map(String).join(' ')));
  vi.spyOn(console, 'error').mockImplementation(() => {});
  const code = await run(args, config);
  vi.restoreAllMocks();
  const lines = printed.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, lines };
}

describe.each(DRIVERS)('earworm eval records eval_runs (%s)', (driver) => {
  it('stores one row per printed result with its metrics and parameters; --no-record stores nothing', async () => {
    const { config, cleanup } = await configFor(driver);
    try {
      const args = ['--dataset', 'lastfm', '--model', 'popularity,itemknn'];
      const first = await evalCli(args, config);
      expect(first.code).toBe(0);
      expect(first.lines.map((l) => `${String(l['task'])}/${String(l['model'])}`)).toEqual(['W/popularity', 'W/itemknn', 'C/popularity', 'C/itemknn']);

      const db = await openConfiguredDb(config);
      try {
        expect(db.driver).toBe(driver);
        const rows = await listEvalRuns(db, { dataset: 'lastfm' });
        expect(rows).toHaveLength(4);
        for (const line of first.lines) {
          const row = rows.find((r) => r.task === line['task'] && r.model === line['model'])!;
          expect(row).toBeDefined();
          expect(row.dataset).toBe('lastfm');
          expect(row.seed).toBe(0);
          expect(row.users).toBe(line['users']);
          expect(row.metrics['ndcg@20']).toBeCloseTo(line['ndcg@20'] as number, 5);
          expect(row.metrics['recall@20']).toBeCloseTo(line['recall@20'] as number, 5);
          expect(row.metrics['hr@10']).toBeCloseTo(line['hr@10'] as number, 5);
          expect(row.metrics['coverage@20']).toBeCloseTo(line['coverage@20'] as number, 5);
          expect(row.metrics['validation_ndcg20']).toBeCloseTo(line['validation_ndcg20'] as number, 5);
          expect(row.params).toEqual(line['params']);
          expect(row.createdAt).toBeInstanceOf(Date);
        }
        expect((await listEvalRuns(db, { task: 'C', model: 'itemknn' })).map((r) => r.model)).toEqual(['itemknn']);
      } finally {
        await db.close();
      }

      // A second run adds rows (a history over time); --no-record adds none.
      expect((await evalCli([...args, '--task', 'W', '--no-record'], config)).code).toBe(0);
      expect((await evalCli([...args, '--task', 'C'], config)).code).toBe(0);
      const again = await openConfiguredDb(config);
      try {
        const rows = await listEvalRuns(again);
        expect(rows).toHaveLength(6);
        expect(rows.slice(0, 2).map((r) => r.task)).toEqual(['C', 'C']);
        expect(rows[0]!.id).toBeGreaterThan(rows[5]!.id);
      } finally {
        await again.close();
      }
    } finally {
      await cleanup();
    }
  });
});

describe('earworm eval with an unreachable database', () => {
  it('fails before evaluating, naming the database; --no-record still runs', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'earworm-home-'));
    try {
      const config = loadConfig({ EARWORM_HOME: home, EARWORM_DATA_DIR: dataDir, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
      const args = ['--dataset', 'lastfm', '--model', 'popularity', '--task', 'W'];
      await expect(evalCli(args, config)).rejects.toBeInstanceOf(DatabaseError);
      const ok = await evalCli([...args, '--no-record'], config);
      expect(ok.code).toBe(0);
      expect(ok.lines).toHaveLength(1);
    } finally {
      vi.restoreAllMocks();
      await rm(home, { recursive: true, force: true });
    }
  });
});
