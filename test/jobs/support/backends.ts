/**
 * Job backends under test: in-process always, BullMQ when EARWORM_TEST_REDIS_URL names a Redis (CI always sets it).
 * Each Redis test uses its own key prefix and deletes its keys afterwards.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import type { Db } from '../../../src/db/db.ts';
import { BullJobQueue } from '../../../src/jobs/bull-job-queue.ts';
import { BullJobWorker } from '../../../src/jobs/bull-job-worker.ts';
import { InProcessJobQueue } from '../../../src/jobs/in-process-job-queue.ts';
import { JobEvents } from '../../../src/jobs/job-events.ts';
import type { JobQueue } from '../../../src/jobs/job-queue.ts';
import { findJobRun, type JobRunRow } from '../../../src/jobs/job-runs.ts';
import type { JobProcessors, QueueName } from '../../../src/jobs/job-types.ts';
import { TEST_REDIS_URL as TEST_REDIS } from '../../support/test-services.ts';

export type Backend = 'in-process' | 'redis';

/** The Redis of this run, if any. */
export const TEST_REDIS_URL: string | undefined = TEST_REDIS;

/** Backends this run covers. */
export const BACKENDS: Backend[] = TEST_REDIS_URL === undefined ? ['in-process'] : ['in-process', 'redis'];

/** A fresh BullMQ key prefix. */
export function testPrefix(): string {
  return `ewtest-${randomBytes(5).toString('hex')}`;
}

/** Deletes every key under a prefix. */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

/** A queue plus whatever runs its jobs, on one backend. */
export interface JobRig {
  readonly queue: JobQueue;
  readonly events: JobEvents;
  /** Extra workers on the same Redis (redis only). */
  addWorker(processors: JobProcessors): Promise<void>;
  close(): Promise<void>;
}

/** Builds a rig: an in-process queue, or a BullMQ queue with one worker. */
export async function openRig(backend: Backend, db: Db, processors: JobProcessors, options: { attempts?: number; backoffMs?: number } = {}): Promise<JobRig> {
  const events = new JobEvents();
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 20;
  if (backend === 'in-process') {
    const queue = new InProcessJobQueue({ db, processors, events, attempts, backoffMs });
    return {
      queue,
      events,
      addWorker: () => Promise.reject(new Error('in-process rigs have no workers')),
      close: () => queue.close(),
    };
  }
  const url = TEST_REDIS_URL!;
  const prefix = testPrefix();
  const queue = await BullJobQueue.connect({ url, db, prefix, attempts, backoffMs });
  const workers = [await BullJobWorker.start({ url, db, processors, events, prefix, lockDurationMs: 5000 })];
  return {
    queue,
    events,
    async addWorker(p) {
      workers.push(await BullJobWorker.start({ url, db, processors: p, events, prefix, lockDurationMs: 5000 }));
    },
    async close() {
      await queue.close();
      await Promise.all(workers.map((w) => w.close()));
      await dropPrefix(url, prefix);
    },
  };
}

/** Waits (polling, bounded) until a run reaches a final status, and returns its row. */
export async function waitForRun(db: Db, queue: QueueName, key: string, timeoutMs = 55_000): Promise<JobRunRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await findJobRun(db, queue, key);
    if (row !== undefined && (row.status === 'completed' || row.status === 'failed')) return row;
    if (Date.now() > deadline) throw new Error(`job ${queue}/${key} did not finish within ${timeoutMs} ms (status ${row?.status ?? 'missing'})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A scratch table in the test database where test processors count their executions. */
export async function createExecutionLog(db: Db): Promise<void> {
  await db.orm.execute(sql`create table if not exists test_job_executions (key text not null, worker text not null, attempt int not null)`);
}

/** Executions logged per key. */
export async function executionsByKey(db: Db): Promise<Map<string, number>> {
  const rows = await db.rows<{ key: string; n: number }>(sql`select key, count(*)::int as n from test_job_executions group by key`);
  return new Map(rows.map((r) => [r.key, Number(r.n)]));
}

/** Logs one execution. */
export async function logExecution(db: Db, key: string, worker: string, attempt: number): Promise<void> {
  await db.orm.execute(sql`insert into test_job_executions (key, worker, attempt) values (${key}, ${worker}, ${attempt})`);
}
