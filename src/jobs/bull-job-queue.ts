/**
 * The Redis job queue (BullMQ): enqueues onto one BullMQ queue per QueueName with the job key as BullMQ job id (so a
 * key is queued once), attempts with exponential backoff, and repeatable jobs through BullMQ job schedulers. The
 * processors run in `earworm worker` (BullJobWorker).
 */
import { Queue, type JobsOptions } from 'bullmq';
import type { Db } from '../db/db.ts';
import { silentLogger, type Logger } from '../logging/logger.ts';
import { CronPattern } from './cron.ts';
import { RedisUnavailableError } from './job-errors.ts';
import type { JobQueue, ScheduledJob } from './job-queue.ts';
import { validateJob } from './job-runner.ts';
import { deleteQueuedRun, openJobRun, requeueFailedRun } from './job-runs.ts';
import type { EnqueuedJob, JobName, JobRequest, QueueName } from './job-types.ts';
import { assertRedisReachable } from './redis-check.ts';

/** Default BullMQ key prefix of Earworm's queues. */
export const DEFAULT_QUEUE_PREFIX = 'earworm';

/** What a BullMQ job carries: the job key (absent on scheduled jobs) and the validated data. */
export interface BullPayload {
  readonly key?: string;
  readonly data: Record<string, unknown>;
}

/** Options; defaults in brackets. */
interface BullJobQueueOptions {
  /** redis:// URL (config.redisUrl). */
  readonly url: string;
  readonly db: Db;
  /** BullMQ key prefix [earworm]; tests use their own. */
  readonly prefix?: string;
  readonly logger?: Logger;
  /** Attempts per job [3]. */
  readonly attempts?: number;
  /** First retry delay, doubling each retry [1000 ms]. */
  readonly backoffMs?: number;
  /** How long the reachability check may take [3000 ms]. */
  readonly timeoutMs?: number;
  /** How long one enqueue may wait for Redis [10000 ms]; a Redis that is down fails at once, not after this. */
  readonly commandTimeoutMs?: number;
}

/** BullMQ job id of a key: never an integer, and without `:` (which BullMQ reserves). */
function bullJobId(key: string): string {
  return `k-${key.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'))}`;
}

/** Producer side of the Redis backend. */
export class BullJobQueue implements JobQueue {
  readonly backend = 'redis' as const;
  readonly #queues = new Map<QueueName, Queue>();
  readonly #opts: Required<Omit<BullJobQueueOptions, 'db' | 'logger'>> & { db: Db; logger: Logger };

  private constructor(options: BullJobQueueOptions) {
    this.#opts = {
      url: options.url,
      db: options.db,
      prefix: options.prefix ?? DEFAULT_QUEUE_PREFIX,
      logger: options.logger ?? silentLogger,
      attempts: options.attempts ?? 3,
      backoffMs: options.backoffMs ?? 1000,
      timeoutMs: options.timeoutMs ?? 3000,
      commandTimeoutMs: options.commandTimeoutMs ?? 10_000,
    };
  }

  /** Checks that Redis answers (RedisUnavailableError otherwise) and returns the queue. */
  static async connect(options: BullJobQueueOptions): Promise<BullJobQueue> {
    await assertRedisReachable(options.url, options.timeoutMs ?? 3000);
    return new BullJobQueue(options);
  }

  /** Default options of every job: attempts and exponential backoff; finished jobs are trimmed from Redis (job_runs keeps them). */
  get jobOptions(): JobsOptions {
    return {
      attempts: this.#opts.attempts,
      backoff: { type: 'exponential', delay: this.#opts.backoffMs },
      removeOnComplete: { age: 7 * 86_400, count: 1000 },
      removeOnFail: { age: 30 * 86_400, count: 1000 },
    };
  }

  async enqueue<N extends JobName>(request: JobRequest<N>): Promise<EnqueuedJob> {
    const job = validateJob(request);
    const { row, created } = await openJobRun(this.#opts.db, { queue: job.queue, name: job.name, key: job.key, data: job.data });
    const out = { runId: row.id, queue: job.queue, name: job.name, key: job.key };
    if (!created && row.status === 'completed') return { ...out, status: row.status, enqueued: false };
    const queue = this.#queue(job.queue);
    const jobId = bullJobId(job.key);
    const payload: BullPayload = { key: job.key, data: job.data };
    try {
      if (!created && row.status === 'failed') {
        // A retry asked for by enqueueing the key again: drop the failed BullMQ job so the id can be added afresh.
        await this.#withTimeout(async () => {
          await this.#assertConnected(queue);
          const old = await queue.getJob(jobId);
          if (old !== undefined && (await old.isFailed())) await old.remove();
        });
        await requeueFailedRun(this.#opts.db, row.id, job.data);
      }
      // Adding an id that exists is a no-op in BullMQ, so a queued or running key is not queued twice; a queued row
      // whose BullMQ job was lost (Redis flushed) is queued again.
      await this.#withTimeout(async () => {
        await this.#assertConnected(queue);
        return queue.add(job.name, payload, { ...this.jobOptions, jobId });
      });
    } catch (err) {
      if (created) await deleteQueuedRun(this.#opts.db, row.id);
      throw err instanceof RedisUnavailableError ? err : new RedisUnavailableError(this.#opts.url, { cause: err });
    }
    const enqueued = created || row.status === 'failed';
    return { ...out, status: enqueued ? 'queued' : row.status, enqueued };
  }

  async setSchedule(id: string, cron: string | undefined, scheduled: ScheduledJob): Promise<void> {
    const job = validateJob({ ...scheduled, key: 'schedule-check' });
    const queue = this.#queue(job.queue);
    if (cron === undefined) {
      await this.#withTimeout(() => queue.removeJobScheduler(id));
      return;
    }
    CronPattern.parse(cron);
    const payload: BullPayload = { data: job.data };
    const { attempts, backoff } = this.jobOptions;
    await this.#withTimeout(() =>
      queue.upsertJobScheduler(id, { pattern: cron, tz: 'UTC' }, { name: job.name, data: payload, opts: { ...(attempts !== undefined ? { attempts } : {}), ...(backoff !== undefined ? { backoff } : {}) } }),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((q) => q.close()));
    this.#queues.clear();
  }

  #queue(name: QueueName): Queue {
    let q = this.#queues.get(name);
    if (q === undefined) {
      // An enqueue while Redis is down fails at once (no offline queue, one retry of a command cut off mid-flight)
      // instead of waiting for Redis to come back.
      q = new Queue(name, { connection: { url: this.#opts.url, enableOfflineQueue: false, maxRetriesPerRequest: 1 }, prefix: this.#opts.prefix });
      q.on('error', (err) => this.#opts.logger.warn({ err, queue: name }, 'Redis connection error'));
      this.#queues.set(name, q);
    }
    return q;
  }

  /** Fails at once while the connection is down (BullMQ would otherwise wait for it to come back). */
  async #assertConnected(queue: Queue): Promise<void> {
    const client = await queue.backend.client;
    const status = (client as { status?: string }).status;
    if (status !== undefined && status !== 'ready') throw new Error(`the connection is ${status}`);
  }

  async #withTimeout<T>(fn: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        fn(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.#opts.commandTimeoutMs} ms`)), this.#opts.commandTimeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
