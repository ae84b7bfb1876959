/**
 * The job and model commands end to end, in-process (no REDIS_URL): import and train through `jobs:enqueue`, the
 * same key twice runs once, `jobs` lists the runs, `models` lists versions, `models:rollback` switches back.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { writeTidy } from '../catalog/fixtures.ts';

const BIN = fileURLToPath(new URL('../../bin/earworm.mjs', import.meta.url));

/** TidyTuesday rows: two genres, 20 songs each, 10 playlists per genre of 8 songs. */
function tidyRows(): string[] {
  const rng = new SeededRandom(5);
  const rows: string[] = [];
  for (const genre of ['rock', 'edm']) {
    for (let p = 0; p < 10; p++) {
      const picks = new Set<number>();
      while (picks.size < 8) picks.add(Math.floor(rng.next() * 20));
      for (const s of picks) {
        rows.push(
          `${genre}${s},Song ${genre} ${s},Artist ${genre} ${s % 4},50,al${genre}${s},Album ${s},2001-01-01,` +
            `${genre} list ${p},${genre}pl${p},${genre},${genre} sub,0.5,0.6,1,-5,1,0.05,0.1,0,0.1,0.5,120,200000`,
        );
      }
    }
  }
  return rows;
}

/** The JSON after `completed: ` in a command's output. */
function resultOf(stdout: string): unknown {
  const line = stdout.split('\n').find((l) => l.startsWith('completed: '));
  if (line === undefined) throw new Error(`no completed line in: ${stdout}`);
  return JSON.parse(line.slice('completed: '.length));
}

describe('earworm jobs and models commands (in-process)', () => {
  let dir: string;
  let env: Record<string, string>;
  const earworm = (...argsAndEnv: (string | Record<string, string>)[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const args = argsAndEnv.filter((a): a is string => typeof a === 'string');
      const extra = argsAndEnv.find((a): a is Record<string, string> => typeof a !== 'string') ?? {};
      execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env, ...extra }, timeout: 120_000 }, (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
      });
    });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'earworm-jobs-cli-'));
    await writeTidy(path.join(dir, 'data'), tidyRows());
    env = { EARWORM_HOME: path.join(dir, 'home'), EARWORM_DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent', EARWORM_DOWNLOADS: 'off', EARWORM_RETRAIN_CRON: 'off' };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('imports, trains twice, lists, and rolls back', async () => {
    const imp = await earworm('jobs:enqueue', 'import', '--source', 'tidy', '--key', 'import-tidy');
    expect(imp.stderr).toBe('');
    expect(imp.stdout).toMatch(/queued import\/import key import-tidy \(run 1\) on this process/);
    expect(resultOf(imp.stdout)).toMatchObject({ sources: [{ source: 'tidy', records: 160, files: 1, unchanged: false }] });
    expect(imp.code).toBe(0);

    const again = await earworm('jobs:enqueue', 'import', '--source', 'tidy', '--key', 'import-tidy');
    expect(again.stdout).toMatch(/not queued: import\/import key import-tidy is already completed \(run 1\)/);

    const versions: string[] = [];
    for (const key of ['train-a', 'train-b']) {
      const t = await earworm('jobs:enqueue', 'train', '--targets', 'cf', '--key', key);
      expect(t.code).toBe(0);
      const result = resultOf(t.stdout) as { version: string; cf: { version: string; users: number } };
      expect(result.version).toMatch(/^\d{8}T\d{6}Z-j\d+$/);
      expect(result.cf).toMatchObject({ version: result.version, users: 20 });
      versions.push(result.version);
    }

    const jobs = await earworm('jobs');
    expect(jobs.code).toBe(0);
    const lines = jobs.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id\s+created \(UTC\)\s+job\s+key\s+status\s+progress\s+attempts/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[3])).toEqual(['train-b', 'train-a', 'import-tidy']);
    for (const l of lines.slice(1)) expect(l).toMatch(/completed\s+100%\s+1\s/);

    const models = await earworm('models');
    const hybrid = models.stdout.split('\n').filter((l) => /^\s+[* ] \d{8}T/.test(l) && /validation/.test(l));
    expect(hybrid).toHaveLength(2);
    expect(hybrid[0]).toMatch(new RegExp(`^\\s+\\* ${versions[1]} .*validation\\.ndcg20 \\d`));
    expect(hybrid[1]).toMatch(new RegExp(`^\\s{4}${versions[0]} `));
    // Global track strengths had no reader and are no longer trained.
    expect(models.stdout).not.toMatch(/bt-global/);

    const back = await earworm('models:rollback', '--kind', 'hybrid');
    expect(back.code).toBe(0);
    expect(back.stdout.trim()).toBe(`hybrid: active version ${versions[1]} -> ${versions[0]}`);
    const after = await earworm('models', '--kind', 'hybrid');
    expect(after.stdout).toContain(`* ${versions[0]} `);

    const none = await earworm('models:rollback', '--kind', 'hybrid');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`No hybrid version is older than the active ${versions[0]}. Name one with --to`);
  }, 300_000);

  it('explains bad calls', async () => {
    const w = await earworm('worker');
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(/earworm worker needs REDIS_URL/);
    const noPg = await earworm('worker', { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(noPg.code).toBe(2);
    expect(noPg.stderr).toMatch(/earworm worker needs DATABASE_URL \(Postgres\)/);
    const bad = await earworm('jobs:enqueue', 'train', '--targets', 'everything');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad data for job train: targets\.0/);
    const unknown = await earworm('jobs:enqueue', 'dance');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown job "dance"/);
  }, 120_000);
});
