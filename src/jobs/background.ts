/**
 * What a serving process (`earworm start`) runs in the background, in one call: the configured job queue (BullMQ,
 * or in-process running the processors here), scheduled retraining from config.retrainCron, and a ModelWatcher that
 * reloads the serving models when the active versions change. `close()` stops them in order.
 */
import type { Config } from '../config/config.ts';
import type { Db } from '../db/db.ts';
import type { Logger } from '../logging/logger.ts';
import { ModelWatcher } from '../serving/models/model-watcher.ts';
import { createJobQueue } from './create-job-queue.ts';
import type { JobEvents } from './job-events.ts';
import { createJobProcessors } from './job-processors.ts';
import type { JobQueue } from './job-queue.ts';
import type { JobProcessor } from './job-types.ts';

/** Options; defaults in brackets. */
interface BackgroundOptions {
  readonly config: Pick<Config, 'redisUrl' | 'retrainCron' | 'home' | 'dataDir' | 'downloads' | 'onnxProvider'>;
  readonly db: Db;
  readonly logger: Logger;
  /** What to reload when the active model versions change: `services.models` of createToolServices [none]. */
  readonly models?: { reload(): Promise<unknown> } | undefined;
  /** Job lifecycle events of jobs run in this process (metrics) [none]. */
  readonly events?: JobEvents;
  /** PSI past which a drift check retrains [0.2]. */
  readonly driftThreshold?: number;
  /** The Spotify sync processor, where Spotify is configured [none]. */
  readonly spotifySync?: JobProcessor<'spotify-sync'>;
  /** Run jobs in-process when Redis is unreachable instead of failing [false]. */
  readonly fallbackInProcess?: boolean;
  /** Poll interval of the model watcher [5000 ms]. */
  readonly watchIntervalMs?: number;
}

/** The running background parts. */
export interface Background {
  readonly queue: JobQueue;
  readonly watcher: ModelWatcher | undefined;
  /** Stops the watcher, then the queue (an in-process queue lets running jobs finish). */
  close(): Promise<void>;
}

/** Starts the job queue, the retraining schedule and the model watcher. */
export async function startBackground(o: BackgroundOptions): Promise<Background> {
  // Drift checks queue their retrain on this same queue, which exists only once the processors are built.
  const self: { queue?: JobQueue } = {};
  const processors = createJobProcessors({
    db: o.db,
    config: o.config,
    logger: o.logger,
    ...(o.driftThreshold !== undefined ? { driftThreshold: o.driftThreshold } : {}),
    enqueue: (request) => {
      if (self.queue === undefined) throw new Error('the job queue is not running yet');
      return self.queue.enqueue(request);
    },
    ...(o.spotifySync !== undefined ? { spotifySync: o.spotifySync } : {}),
  });
  const queue = await createJobQueue(o.config, {
    db: o.db,
    processors,
    logger: o.logger,
    ...(o.events !== undefined ? { events: o.events } : {}),
    ...(o.fallbackInProcess !== undefined ? { fallbackInProcess: o.fallbackInProcess } : {}),
  });
  self.queue = queue;
  let watcher: ModelWatcher | undefined;
  const models = o.models;
  if (models !== undefined) {
    watcher = new ModelWatcher({ db: o.db, logger: o.logger, onChange: () => models.reload(), ...(o.watchIntervalMs !== undefined ? { intervalMs: o.watchIntervalMs } : {}) });
    try {
      await watcher.start();
    } catch (err) {
      await queue.close();
      throw err;
    }
  }
  return {
    queue,
    watcher,
    async close() {
      await watcher?.stop();
      await queue.close();
    },
  };
}
