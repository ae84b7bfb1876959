/**
 * The Redis backend's guarantees: two workers on one Redis never run one job twice; a job enqueued many times, from
 * many producers, runs once; and an unreachable Redis gives a clear typed error (or the in-process fallback).
 */
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { BullJobQueue } from '../../src/jobs/bull-job-queue.ts';
import { BullJobWorker } from '../../src/jobs/bull-job-worker.ts';
import { createJobQueue } from '../../src/jobs/create-job-queue.ts';
import { RedisUnavailableError } from '../../src/jobs/job-errors.ts';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue.ts';
import { recentJobRuns } from '../../src/jobs/job-runs.ts';
import type { JobProcessors } from '../../src/jobs/job-types.ts';
import { DRIVERS, freshDb } from '../support/db.ts';
import { createExecutionLog, dropPrefix, executionsByKey, logExecution, openRig, TEST_REDIS_URL, testPrefix, waitForRun, type JobRig } from './support/backends.ts';
import { sql } from 'drizzle-orm';
import { NO_TEST_REDIS, skippedSuite } from '../support/test-services.ts';

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('an unreachable Redis', () => {
  it('fails enqueueing and workers with a typed error naming the URL and what to do', async () => {
    const db = await freshDb('pglite');
    try {
      const url = `redis://:secret@127.0.0.1:${await closedPort()}`;
      const err = await BullJobQueue.connect({ url, db, timeoutMs: 1000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RedisUnavailableError);
      const e = err as RedisUnavailableError;
      expect(e.code).toBe('REDIS_UNAVAILABLE');
      expect(e.message).toContain(`Redis at redis://:***@127.0.0.1:${new URL(url).port} is unreachable`);
      expect(e.message).toMatch(/unset REDIS_URL to run jobs in-process/);
      expect(e.message).not.toContain('secret');
      await expect(BullJobWorker.start({ url, db, processors: {} })).rejects.toThrow(RedisUnavailableError);
      await expect(createJobQueue({ redisUrl: url, retrainCron: undefined }, { db, processors: {}, logger: silentLogger })).rejects.toThrow(RedisUnavailableError);
      expect(await recentJobRuns(db)).toHaveLength(0);
    } finally {
      await db.close();
    }
  });

  it('falls back to running jobs in-process when configured to', async () => {
    const db = await freshDb('pglite');
    try {
      const url = `redis://127.0.0.1:${await closedPort()}`;
      const processors: JobProcessors = { import: async (d) => ({ imported: d.source }) };
      const queue = await createJobQueue({ redisUrl: url, retrainCron: undefined }, { db, processors, logger: silentLogger, fallbackInProcess: true });
      expect(queue).toBeInstanceOf(InProcessJobQueue);
      await queue.enqueue({ name: 'import', data: { source: 'tidy' }, key: 'fallback' });
      expect((await waitForRun(db, 'import', 'fallback')).result).toEqual({ imported: 'tidy' });
      await queue.close();
    } finally {
      await db.close();
    }
  });
});

skippedSuite('two workers on one Redis', NO_TEST_REDIS);
const redisCases = TEST_REDIS_URL === undefined ? [] : DRIVERS;

describe.each(redisCases)('two workers on one Redis (%s)', (driver) => {
  let db: Db;
  let rig: JobRig | undefined;
  beforeEach(async () => {
    db = await freshDb(driver);
    await createExecutionLog(db);
  });
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
    await db.close();
  });

  it('never run the same job twice, and a key enqueued by several producers runs once', async () => {
    const counting = (worker: string): JobProcessors => ({
      import: async (_d, ctx) => {
        await logExecution(db, ctx.key, worker, ctx.attempt);
        // Long enough that the other worker is free to take the next job.
        await new Promise((r) => setTimeout(r, 25));
        return { worker };
      },
    });
    rig = await openRig('redis', db, counting('w1'));
    await rig.addWorker(counting('w2'));
    // A second producer on the same Redis and database.
    const keys = Array.from({ length: 24 }, (_, i) => `job-${i}`);
    const results = await Promise.all(keys.flatMap((key) => [1, 2, 3].map(() => rig!.queue.enqueue({ name: 'import', data: { source: 'tidy' }, key }))));
    expect(results.filter((r) => r.enqueued)).toHaveLength(keys.length);
    for (const key of keys) expect((await waitForRun(db, 'import', key)).status).toBe('completed');
    await new Promise((r) => setTimeout(r, 100));
    const counts = await executionsByKey(db);
    expect([...counts.keys()].sort()).toEqual([...keys].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const workers = await db.rows<{ worker: string }>(sql`select distinct worker from test_job_executions order by worker`);
    expect(workers.map((w) => w.worker)).toEqual(['w1', 'w2']);
  });

  it('gives the typed error, and keeps no job row, when Redis goes away after the queue connected', async () => {
    // A loopback TCP proxy in front of the test Redis, closed to make Redis unreachable.
    const target = new URL(TEST_REDIS_URL!);
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 6379), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const url = `redis://127.0.0.1:${(proxy.address() as net.AddressInfo).port}${target.pathname}`;
    const prefix = testPrefix();
    const queue = await BullJobQueue.connect({ url, db, prefix });
    try {
      expect((await queue.enqueue({ name: 'import', data: { source: 'tidy' }, key: 'before' })).enqueued).toBe(true);
      await new Promise<void>((r) => {
        proxy.close(() => r());
        for (const s of sockets) s.destroy();
      });
      const err = await queue.enqueue({ name: 'import', data: { source: 'tidy' }, key: 'after' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RedisUnavailableError);
      expect((err as Error).message).toContain(`Redis at ${url} is unreachable`);
      expect((await recentJobRuns(db)).map((r) => r.jobKey)).toEqual(['before']);
    } finally {
      await queue.close().catch(() => {});
      await dropPrefix(TEST_REDIS_URL!, prefix);
    }
  });

  it('a second producer process enqueueing the same keys adds nothing', async () => {
    const processors: JobProcessors = { import: async (_d, ctx) => logExecution(db, ctx.key, 'w', ctx.attempt) };
    const url = TEST_REDIS_URL!;
    const prefix = testPrefix();
    const a = await BullJobQueue.connect({ url, db, prefix });
    const b = await BullJobQueue.connect({ url, db, prefix });
    const worker = await BullJobWorker.start({ url, db, processors, prefix });
    try {
      const [ra, rb] = await Promise.all([a.enqueue({ name: 'import', data: { source: 'yes' }, key: 'shared' }), b.enqueue({ name: 'import', data: { source: 'yes' }, key: 'shared' })]);
      expect([ra.enqueued, rb.enqueued].filter(Boolean)).toHaveLength(1);
      await waitForRun(db, 'import', 'shared');
      expect((await b.enqueue({ name: 'import', data: { source: 'yes' }, key: 'shared' })).enqueued).toBe(false);
      await new Promise((r) => setTimeout(r, 100));
      expect((await executionsByKey(db)).get('shared')).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close(), worker.close()]);
      await dropPrefix(url, prefix);
    }
  });
});
