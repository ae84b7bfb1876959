/**
 * The job queue without Redis: jobs run in this process, one at a time per queue, with the same job_runs rows,
 * progress, events, retries with exponential backoff and per-key idempotence as the BullMQ backend.
 */
import type { Db } from '../db/db.ts';
import { silentLogger, type Logger } from '../logging/logger.ts';
import { CronPattern } from './cron.ts';
import { JobEvents } from './job-events.ts';
import { scheduledJobKey, type JobQueue, type ScheduledJob } from './job-queue.ts';
import { isPermanent, runJobAttempt, validateJob, type JobRunnerDeps, type ValidJob } from './job-runner.ts';
import { openJobRun, requeueFailedRun } from './job-runs.ts';
import type { EnqueuedJob, JobName, JobProcessors, JobRequest, QueueName } from './job-types.ts';

/** Options; defaults in brackets. */
interface InProcessJobQueueOptions {
  readonly db: Db;
  readonly processors: JobProcessors;
  /** Where lifecycle events go [a new JobEvents]. */
  readonly events?: JobEvents;
  readonly logger?: Logger;
  /** Attempts per job before it fails for good [3]. */
  readonly attempts?: number;
  /** First retry delay; doubles each retry [1000 ms]. */
  readonly backoffMs?: number;
  /** Clock of the scheduler [Date.now]. */
  readonly now?: () => number;
}

interface Pending {
  readonly job: ValidJob;
  readonly attempt: number;
}

/** Longest setTimeout delay Node accepts; longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Runs jobs in this process. */
export class InProcessJobQueue implements JobQueue {
  readonly backend = 'in-process' as const;
  readonly events: JobEvents;
  readonly #deps: JobRunnerDeps;
  readonly #attempts: number;
  readonly #backoffMs: number;
  readonly #now: () => number;
  readonly #pending = new Map<QueueName, Pending[]>();
  readonly #draining = new Map<QueueName, Promise<void>>();
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  readonly #schedules = new Map<string, NodeJS.Timeout>();
  #idleWaiters: (() => void)[] = [];
  #closed = false;

  constructor(options: InProcessJobQueueOptions) {
    this.events = options.events ?? new JobEvents();
    this.#deps = { db: options.db, processors: options.processors, events: this.events, logger: options.logger ?? silentLogger };
    this.#attempts = options.attempts ?? 3;
    this.#backoffMs = options.backoffMs ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  async enqueue<N extends JobName>(request: JobRequest<N>): Promise<EnqueuedJob> {
    if (this.#closed) throw new Error('the job queue is closed');
    const job = validateJob(request);
    const { row, created } = await openJobRun(this.#deps.db, { queue: job.queue, name: job.name, key: job.key, data: job.data });
    const out = { runId: row.id, queue: job.queue, name: job.name, key: job.key };
    if (!created) {
      if (row.status !== 'failed') return { ...out, status: row.status, enqueued: false };
      if ((await requeueFailedRun(this.#deps.db, row.id, job.data)) === undefined) {
        return { ...out, status: 'queued', enqueued: false };
      }
    }
    this.#push({ job, attempt: 1 });
    return { ...out, status: 'queued', enqueued: true };
  }

  async setSchedule(id: string, cron: string | undefined, scheduled: ScheduledJob): Promise<void> {
    const old = this.#schedules.get(id);
    if (old !== undefined) clearTimeout(old);
    this.#schedules.delete(id);
    if (cron === undefined) return;
    validateJob({ ...scheduled, key: 'schedule-check' });
    const pattern = CronPattern.parse(cron);
    const arm = (after: number) => {
      if (this.#closed) return;
      const fire = pattern.next(new Date(after));
      if (fire === undefined) return;
      const delay = fire.getTime() - this.#now();
      const timer = setTimeout(
        () => {
          if (delay > MAX_TIMER_MS) return arm(after);
          this.enqueue({ name: scheduled.name, data: scheduled.data, key: scheduledJobKey(id, fire) } as JobRequest).catch((err: unknown) =>
            this.#deps.logger.error({ err, schedule: id }, 'scheduled job could not be enqueued'),
          );
          arm(fire.getTime());
        },
        Math.max(0, Math.min(delay, MAX_TIMER_MS)),
      );
      timer.unref();
      this.#schedules.set(id, timer);
    };
    arm(this.#now());
  }

  /** Resolves when no job is queued, running or waiting for a retry. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#schedules.values()) clearTimeout(t);
    this.#schedules.clear();
    // A retry not yet started stays `queued` in job_runs with its error; enqueueing its key later does not rerun it.
    for (const t of this.#retryTimers) clearTimeout(t);
    this.#retryTimers.clear();
    for (const q of this.#pending.values()) q.length = 0;
    await Promise.all([...this.#draining.values()]);
    this.#notifyIdle();
  }

  #push(p: Pending): void {
    const list = this.#pending.get(p.job.queue) ?? [];
    list.push(p);
    this.#pending.set(p.job.queue, list);
    if (!this.#draining.has(p.job.queue)) {
      const run = this.#drain(p.job.queue).finally(() => {
        this.#draining.delete(p.job.queue);
        this.#notifyIdle();
      });
      this.#draining.set(p.job.queue, run);
    }
  }

  async #drain(queue: QueueName): Promise<void> {
    // Let the enqueueing caller get its answer first.
    await Promise.resolve();
    const list = this.#pending.get(queue) ?? [];
    for (let next = list.shift(); next !== undefined; next = list.shift()) await this.#attempt(next);
  }

  async #attempt(p: Pending): Promise<void> {
    try {
      await runJobAttempt(this.#deps, { job: p.job, attempt: p.attempt, maxAttempts: this.#attempts });
    } catch (err) {
      if (this.#closed || p.attempt >= this.#attempts || (err instanceof Error && isPermanent(err))) return;
      const timer = setTimeout(() => {
        this.#retryTimers.delete(timer);
        this.#push({ job: p.job, attempt: p.attempt + 1 });
      }, this.#backoffMs * 2 ** (p.attempt - 1));
      this.#retryTimers.add(timer);
    }
  }

  #isIdle(): boolean {
    return this.#draining.size === 0 && this.#retryTimers.size === 0;
  }

  #notifyIdle(): void {
    if (!this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}
