/**
 * `earworm worker` as a process over the composition root, against a real redis-server and a throwaway Postgres: it
 * runs a queued job, counts it in its own /metrics, and on SIGTERM finishes, then closes the producer and the database
 * last (the shutdown report's order) and exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EARWORM_BIN, runEarworm } from '../cli/support/run-earworm.ts';
import { freePort, postgresBin, startPgCluster, startRedis, type LocalRedis, type PgCluster } from '../support/local-servers.ts';
import { NO_REDIS_SERVER, skippedSuite } from '../support/test-services.ts';

/** Why this suite cannot run here (it starts its own Redis and Postgres); undefined when it can. */
const MISSING = NO_REDIS_SERVER ?? postgresMissing();

function postgresMissing(): string | undefined {
  try {
    postgresBin();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

skippedSuite('earworm worker (a spawned process, real Redis and Postgres)', MISSING);

describe.skipIf(MISSING !== undefined)('earworm worker (a spawned process, real Redis and Postgres)', () => {
  let redis: LocalRedis | undefined;
  let pg: PgCluster | undefined;
  let home: string;
  let env: Record<string, string>;
  let child: ChildProcess | undefined;
  let stderr = '';
  let port: number;
  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'earworm-worker-'));
    redis = await startRedis();
    pg = await startPgCluster();
    port = await freePort();
    env = { EARWORM_HOME: home, EARWORM_DATA_DIR: path.join(home, 'data'), EARWORM_DOWNLOADS: 'off', REDIS_URL: redis.url, DATABASE_URL: pg.url, PORT: String(port), LOG_LEVEL: 'info' };
    child = spawn(process.execPath, [EARWORM_BIN, 'worker', '--queues', 'train'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      child!.stderr!.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes('"worker started"')) resolve();
      });
      child!.once('exit', (code) => reject(new Error(`earworm worker exited with ${code}:\n${stderr}`)));
    });
  }, 240_000);
  afterAll(async () => {
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await pg?.destroy();
    await redis?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('runs a queued job and counts it at /metrics; SIGTERM closes the worker and producer before the database, exit 0', async () => {
    const queued = await runEarworm(['jobs:enqueue', 'drift-check'], env, '');
    expect(queued.code, queued.stderr).toBe(0);
    const jobsCounted = async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return text.split('\n').filter((l) => l.startsWith('earworm_job_duration_seconds_count{') && l.includes('name="drift-check"'));
    };
    await vi.waitFor(async () => expect(await jobsCounted()).not.toEqual([]), { timeout: 60_000, interval: 200 });

    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
    const report = stderr
      .split('\n')
      .filter((l) => l.includes('"shutdown complete"'))
      .map((l) => JSON.parse(l) as { steps: { name: string; phase: string; outcome: string }[] })[0];
    expect(report, stderr).toBeDefined();
    const order = report!.steps.map((s) => s.name);
    expect(order).toEqual(expect.arrayContaining(['job worker', 'metrics server', 'job producer', 'database']));
    expect(order.indexOf('job producer')).toBeGreaterThan(order.indexOf('job worker'));
    expect(order.indexOf('database')).toBeGreaterThan(order.indexOf('job producer'));
    expect(report!.steps.every((s) => s.outcome === 'done')).toBe(true);
  });
});
