/**
 * Builds the configured job queue: BullMQ when REDIS_URL is set (processors then run in `earworm worker`), else
 * the in-process queue running the processors here. Either way, scheduled retraining follows config.retrainCron.
 */
import type { Config } from '../config/config.ts';
import type { Db } from '../db/db.ts';
import type { Logger } from '../logging/logger.ts';
import { BullJobQueue } from './bull-job-queue.ts';
import { InProcessJobQueue } from './in-process-job-queue.ts';
import { RedisUnavailableError } from './job-errors.ts';
import type { JobEvents } from './job-events.ts';
import { scheduleDriftChecks, scheduleRetraining, type JobQueue } from './job-queue.ts';
import type { JobProcessors } from './job-types.ts';

/** Dependencies of `createJobQueue`; defaults in brackets. */
interface JobQueueDeps {
  readonly db: Db;
  /** Processors of the in-process queue (createJobProcessors); unused with Redis, where the worker runs them. */
  readonly processors: JobProcessors;
  readonly logger: Logger;
  /** Lifecycle events of jobs run in this process (in-process backend) [a new JobEvents]. */
  readonly events?: JobEvents;
  /** When Redis is unreachable, run jobs in-process instead of throwing RedisUnavailableError [false]. */
  readonly fallbackInProcess?: boolean;
  /** Set scheduled retraining from config.retrainCron [true]; a CLI that only enqueues passes false. */
  readonly schedule?: boolean;
  /** BullMQ key prefix [earworm]. */
  readonly prefix?: string;
}

/** The queue Config describes, with its retraining schedule set. */
export async function createJobQueue(config: Pick<Config, 'redisUrl' | 'retrainCron'>, deps: JobQueueDeps): Promise<JobQueue> {
  let queue: JobQueue | undefined;
  if (config.redisUrl !== undefined) {
    try {
      queue = await BullJobQueue.connect({ url: config.redisUrl, db: deps.db, logger: deps.logger, ...(deps.prefix !== undefined ? { prefix: deps.prefix } : {}) });
    } catch (err) {
      if (!(err instanceof RedisUnavailableError) || deps.fallbackInProcess !== true) throw err;
      deps.logger.warn({ err }, 'Redis is unreachable: running jobs in this process');
    }
  }
  queue ??= new InProcessJobQueue({ db: deps.db, processors: deps.processors, logger: deps.logger, ...(deps.events !== undefined ? { events: deps.events } : {}) });
  if (deps.schedule ?? true) {
    try {
      await scheduleRetraining(queue, config.retrainCron);
      await scheduleDriftChecks(queue, config.retrainCron);
    } catch (err) {
      await queue.close();
      throw err;
    }
  }
  return queue;
}
