/**
 * `earworm worker [--queues import,train,index,spotify] [--concurrency <n>]`: runs the job processors against the
 * Redis at REDIS_URL until SIGINT/SIGTERM (finishing the running jobs first), and keeps scheduled retraining set from
 * EARWORM_RETRAIN_CRON. Run one or more beside `earworm start`; without REDIS_URL jobs run inside `earworm start`.
 */
import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.ts';
import { QUEUE_NAMES, type QueueName } from '../../jobs/job-types.ts';
import { createLogger } from '../../logging/logger.ts';
import { createHttpServer, listen } from '../../http/http-server.ts';
import { openApp, startJobWorker } from '../../server/composition.ts';
import { metricsRoute } from '../../server/metrics.ts';
import { installSafetyNet } from '../../server/safety-net.ts';
import { UsageError } from '../usage-error.ts';

const USAGE = `Usage: earworm worker [--queues ${QUEUE_NAMES.join(',')}] [--concurrency <n>]`;

/** Runs the worker until a signal. */
export async function run(args: string[], config: Config): Promise<number> {
  let values: { queues?: string | undefined; concurrency?: string | undefined };
  try {
    ({ values } = parseArgs({ args, options: { queues: { type: 'string' }, concurrency: { type: 'string' } }, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}. ${USAGE}`);
  }
  if (config.redisUrl === undefined) {
    throw new UsageError('earworm worker needs REDIS_URL (e.g. redis://127.0.0.1:6379). Without Redis, jobs run inside `earworm start`.');
  }
  if (config.databaseUrl === undefined) {
    throw new UsageError('earworm worker needs DATABASE_URL (Postgres): the embedded database cannot be shared with `earworm start` and other workers.');
  }
  const queues = values.queues === undefined ? [...QUEUE_NAMES] : values.queues.split(',').map((q) => q.trim());
  for (const q of queues) if (!(QUEUE_NAMES as readonly string[]).includes(q)) throw new UsageError(`unknown queue "${q}". ${USAGE}`);
  const concurrency = values.concurrency === undefined ? 1 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive integer. ${USAGE}`);

  const logger = createLogger({ logLevel: config.logLevel, name: 'worker' });
  // The composition root's app: database, metrics with the job durations of this worker, and the shutdown order.
  const app = await openApp({ config, logger });
  const { metrics, lifecycle } = app;
  app.jobEvents.on('progress', (e) => logger.debug({ queue: e.queue, name: e.name, key: e.key, progress: e.progress }, 'job progress'));
  const untrap = lifecycle.trapSignals();
  try {
    // Job durations of this worker are served at /metrics on PORT (the service's own /metrics sees only its jobs).
    const http = await listen(createHttpServer([metricsRoute(metrics, config.dashboardToken)], logger), config.port, config.host).catch((err: unknown) => {
      logger.warn({ err }, 'worker metrics are not served (the port is taken); set PORT to another port for this worker');
      return undefined;
    });
    if (http !== undefined) lifecycle.onShutdown('metrics server', () => http.close(), 'intake');
    // Errors nothing handles: fatal until the worker runs, then logged, counted and survived.
    const net = installSafetyNet({ logger, count: (origin) => metrics.unhandledError(origin) });
    lifecycle.onShutdown('safety net', () => net.remove(), 'storage');
    await startJobWorker(app, { queues: queues as QueueName[], concurrency });
    net.serving();
    logger.info({ queues, concurrency, retrainCron: config.retrainCron ?? 'off' }, 'worker started');
    await lifecycle.stopRequested();
    logger.info('stopping: finishing running jobs');
    return 0;
  } finally {
    untrap();
    await app.shutdown('stopped');
  }
}
