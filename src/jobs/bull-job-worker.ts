/**
 * The Redis worker (`earworm worker`): one BullMQ Worker per queue running the processors through the shared job
 * runner. BullMQ's job lock means two workers never run one job at once; the runner's completed-key check means a
 * key never runs again once it has completed.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Db } from '../db/db.ts';
import { silentLogger, type Logger } from '../logging/logger.ts';
import { DEFAULT_QUEUE_PREFIX, type BullPayload } from './bull-job-queue.ts';
import { JobEvents } from './job-events.ts';
import { scheduledJobKey } from './job-queue.ts';
import { isPermanent, runJobAttempt, validateJob, type JobRunnerDeps } from './job-runner.ts';
import { QUEUE_NAMES, type JobProcessors, type QueueName } from './job-types.ts';
import { assertRedisReachable } from './redis-check.ts';

/** Options; defaults in brackets. */
interface BullJobWorkerOptions {
  readonly url: string;
  readonly db: Db;
  readonly processors: JobProcessors;
  readonly events?: JobEvents;
  readonly logger?: Logger;
  /** [earworm] */
  readonly prefix?: string;
  /** Queues to consume [all]. */
  readonly queues?: readonly QueueName[];
  /** Jobs at once per queue [1]; training is CPU-bound. */
  readonly concurrency?: number;
  /** How long a job's lock lasts without renewal before another worker may take it over [30000 ms]. */
  readonly lockDurationMs?: number;
}

/** Consumes Earworm's queues. */
export class BullJobWorker {
  readonly events: JobEvents;
  readonly #workers: Worker[];

  private constructor(workers: Worker[], events: JobEvents) {
    this.#workers = workers;
    this.events = events;
  }

  /** Checks Redis (RedisUnavailableError otherwise) and starts consuming. */
  static async start(options: BullJobWorkerOptions): Promise<BullJobWorker> {
    await assertRedisReachable(options.url);
    const events = options.events ?? new JobEvents();
    const logger = options.logger ?? silentLogger;
    const deps: JobRunnerDeps = { db: options.db, processors: options.processors, events, logger };
    const workers = (options.queues ?? QUEUE_NAMES).map((queue) => {
      const w = new Worker(queue, (job: Job) => processJob(deps, job), {
        connection: { url: options.url, maxRetriesPerRequest: null },
        prefix: options.prefix ?? DEFAULT_QUEUE_PREFIX,
        concurrency: options.concurrency ?? 1,
        lockDuration: options.lockDurationMs ?? 30_000,
      });
      w.on('error', (err) => logger.warn({ err, queue }, 'worker connection error'));
      return w;
    });
    await Promise.all(workers.map((w) => w.waitUntilReady()));
    return new BullJobWorker(workers, events);
  }

  /** Stops taking jobs and waits for the running ones to finish. */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.close()));
  }
}

async function processJob(deps: JobRunnerDeps, job: Job): Promise<unknown> {
  const payload = (job.data ?? {}) as Partial<BullPayload>;
  let valid;
  try {
    valid = validateJob({ name: job.name, data: payload.data ?? {}, key: payload.key ?? keyOfScheduled(job) });
  } catch (err) {
    throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
  }
  try {
    const outcome = await runJobAttempt(deps, {
      job: valid,
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? 1,
      onProgress: (p) => job.updateProgress(p),
    });
    return outcome.result;
  } catch (err) {
    if (err instanceof Error && isPermanent(err)) throw new UnrecoverableError(err.message);
    throw err;
  }
}

/** Key of a job a scheduler created: `repeat:<schedule id>:<fire time ms>` becomes `<schedule id>-<ISO time>`. */
function keyOfScheduled(job: Job): string {
  const m = /^repeat:(.+):(\d+)$/.exec(job.id ?? '');
  if (m !== null) return scheduledJobKey(m[1]!, new Date(Number(m[2])));
  return `scheduled-${String(job.id).replace(/\s/g, '_')}`;
}
