/**
 * The `JobQueue` seam: enqueue a job once per key, and keep a cron schedule. Two implementations pass one contract
 * suite: BullJobQueue (Redis; `earworm worker` runs the processors) and InProcessJobQueue (no REDIS_URL; runs the
 * same processors in this process, with the same retries, progress and job_runs rows).
 */
import type { EnqueuedJob, JobName, JobRequest } from './job-types.ts';
import type { JobData } from './job-types.ts';

/** A job the scheduler enqueues at each firing (the key is derived from the schedule id and firing time). */
export interface ScheduledJob<N extends JobName = JobName> {
  readonly name: N;
  readonly data: JobData<N>;
}

/** Enqueues background jobs. */
export interface JobQueue {
  /** `redis` (BullMQ) or `in-process`. */
  readonly backend: 'redis' | 'in-process';
  /** Queues a job unless its key is already queued, running or completed; a failed key is queued again. */
  enqueue<N extends JobName>(request: JobRequest<N>): Promise<EnqueuedJob>;
  /** Sets (or with `cron` undefined removes) a repeating job; cron patterns are evaluated in UTC. */
  setSchedule(id: string, cron: string | undefined, job: ScheduledJob): Promise<void>;
  /** Stops scheduling and releases connections; an in-process queue lets running jobs finish first. */
  close(): Promise<void>;
}

/** The schedule id of scheduled retraining. */
const RETRAIN_SCHEDULE_ID = 'retrain';

/** Sets scheduled retraining from config.retrainCron (undefined turns it off): a `train` job of every model. */
export function scheduleRetraining(queue: JobQueue, cron: string | undefined): Promise<void> {
  return queue.setSchedule(RETRAIN_SCHEDULE_ID, cron, { name: 'train', data: {} });
}

/** Schedule id of the drift checks. */
const DRIFT_SCHEDULE_ID = 'drift-check';

/** Drift checks run hourly (at minute 30) while scheduled retraining is on; `cron` undefined turns them off. */
export function scheduleDriftChecks(queue: JobQueue, cron: string | undefined): Promise<void> {
  return queue.setSchedule(DRIFT_SCHEDULE_ID, cron === undefined ? undefined : '30 * * * *', { name: 'drift-check', data: {} });
}

/** Job key of a scheduled firing: the same in every process, so two schedulers firing together run it once. */
export function scheduledJobKey(scheduleId: string, fireTime: Date): string {
  return `${scheduleId}-${fireTime.toISOString()}`;
}
