/**
 * The composition root: the one place that builds a process's services, once, for every command that serves or works
 * (`earworm start`, `earworm chat`, `earworm mcp` over stdio or HTTP, `earworm worker`). `openApp` opens what every
 * process has: the database, logger, metrics registry, job events counted in the metrics, and the shutdown lifecycle.
 * `openServing` adds what answers requests: the serving models with the model watcher that hot-swaps new versions,
 * the recommend cache (Redis with REDIS_URL, in-process otherwise), the buffered request log, and the tool services
 * observed by the metrics. `startJobs` runs a serving process's job queue, `startJobWorker` the worker's. `createRuntime`
 * (runtime.ts) adds the conversation parts and HTTP on top; each command then picks its front ends. Shutdown runs front ends first (`intake`), then work (request log, watcher, jobs, sessions),
 * then storage (the cache, the database).
 */
import type { Config } from '../config/config.ts';
import { openConfiguredDb, type Db } from '../db/db.ts';
import { startBackground, type Background } from '../jobs/background.ts';
import { BullJobQueue } from '../jobs/bull-job-queue.ts';
import { BullJobWorker } from '../jobs/bull-job-worker.ts';
import { JobEvents } from '../jobs/job-events.ts';
import { createJobProcessors } from '../jobs/job-processors.ts';
import { scheduleDriftChecks, scheduleRetraining } from '../jobs/job-queue.ts';
import type { QueueName } from '../jobs/job-types.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import type { SeededRandom } from '../recsys/rng.ts';
import { ModelWatcher } from '../serving/models/model-watcher.ts';
import { loadTrackModel, type TrackModel } from '../serving/models/track-model.ts';
import { createSpotifyService, spotifyDeps, spotifySettings, type SpotifyServiceOverrides, type SpotifySettings } from '../spotify/spotify-service.ts';
import { spotifySyncProcessor } from '../spotify/spotify-sync.ts';
import { RedisRecommendCache } from '../serving/cache/redis-recommend-cache.ts';
import { createToolServices, type ToolServices } from '../tools/tool-context.ts';
import { Lifecycle, type ShutdownReport } from './lifecycle.ts';
import { Metrics, observeJobEvents } from './metrics.ts';

/** What `openApp` needs; all but `config` have defaults in brackets. */
export interface AppOptions {
  readonly config: Config;
  /** An open database the app takes over (closes it at shutdown) [opened from config]. */
  readonly db?: Db;
  /** [a pino logger at config.logLevel] */
  readonly logger?: Logger;
  /** [a new Metrics with process metrics] */
  readonly metrics?: Metrics;
  /** Per-step shutdown timeout [15,000 ms]. */
  readonly stepTimeoutMs?: number;
}

/** What every Earworm process has. */
export interface App {
  readonly config: Config;
  readonly db: Db;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Lifecycle events of the jobs this process runs; their durations are counted in `metrics`. */
  readonly jobEvents: JobEvents;
  readonly lifecycle: Lifecycle;
  /** Graceful shutdown (the same as lifecycle.shutdown). */
  shutdown(reason: string): Promise<ShutdownReport>;
}

/** Opens the database (unless given) and builds the lifecycle, logger and metrics; the database closes last at shutdown. */
export async function openApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ logLevel: config.logLevel, name: 'earworm' });
  const lifecycle = new Lifecycle({ logger, ...(options.stepTimeoutMs !== undefined ? { stepTimeoutMs: options.stepTimeoutMs } : {}) });
  const db = options.db ?? (await openConfiguredDb(config));
  lifecycle.onShutdown('database', () => db.close(), 'storage');
  const metrics = options.metrics ?? new Metrics();
  const jobEvents = new JobEvents();
  observeJobEvents(jobEvents, metrics);
  return { config, db, logger, metrics, jobEvents, lifecycle, shutdown: (reason) => lifecycle.shutdown(reason) };
}

/** What `openServing` needs besides the app; defaults in brackets. */
export interface ServingOptions {
  /** The chat model [the active version from the database and config.home]. */
  readonly model?: TrackModel;
  /** Seeded randomness for comparisons and the bandit (tests) [a fresh seed each time]. */
  readonly random?: () => SeededRandom;
  /** Spotify hosts and policies (a local fake in tests) [Spotify's own hosts]. */
  readonly spotify?: SpotifyServiceOverrides;
  /** How often the model watcher looks for new active versions [5,000 ms]. */
  readonly watchIntervalMs?: number;
}

/** What answers requests in a serving process. */
export interface Serving {
  /** The serving model as loaded at start (hot swaps replace `services.models.model`). */
  readonly model: TrackModel;
  /** Tool services with the recommend cache, the request log and the metrics observer. */
  readonly services: ToolServices;
  /** Reloads `services.models` when another process (a worker, a rollback) activates a new version. */
  readonly watcher: ModelWatcher;
}

/**
 * Builds the serving services over the app and starts the model watcher; their shutdown steps join the app's
 * lifecycle. On failure the caller shuts the app down (what was opened here is registered there).
 */
export async function openServing(app: App, options: ServingOptions = {}): Promise<Serving> {
  const { config, db, logger, lifecycle } = app;
  const model = options.model ?? (await loadTrackModel(db, config.home));
  // Recent recommend answers: in Redis when REDIS_URL is set (shared by every process), in-process otherwise.
  const recommendCache = config.redisUrl === undefined ? undefined : RedisRecommendCache.connect(config.redisUrl, { onError: (err) => logger.warn({ err }, 'recommend cache') });
  const base = await createToolServices({
    db,
    home: config.home,
    logger,
    model,
    ...withSpotifyOverrides(spotifyDeps(config), options.spotify),
    ...(recommendCache !== undefined ? { recommendCache } : {}),
    ...(options.random !== undefined ? { random: options.random } : {}),
  });
  lifecycle.onShutdown('recommend cache', () => base.recommendCache.close(), 'storage');
  // The buffered recommend requests are written once intake has stopped, before the database closes.
  lifecycle.onShutdown('request log', () => base.requests.flush(), 'work');
  const services: ToolServices = { ...base, observer: app.metrics };
  const models = base.models;
  const watcher = new ModelWatcher({
    db,
    logger: logger.child({ component: 'model-watcher' }),
    onChange: () => models?.reload() ?? Promise.resolve(),
    ...(options.watchIntervalMs !== undefined ? { intervalMs: options.watchIntervalMs } : {}),
  });
  await watcher.start();
  lifecycle.onShutdown('model watcher', () => watcher.stop(), 'work');
  return { model, services, watcher };
}

/**
 * The job queue of a serving process: BullMQ with REDIS_URL (an `earworm worker` runs the jobs), in-process otherwise,
 * with scheduled retraining and drift checks from config.retrainCron; job durations count in the app's metrics.
 * The caller stops it (`close()`) in the `work` phase.
 */
export function startJobs(app: App, serving: Pick<Serving, 'services'>): Promise<Background> {
  const { config } = app;
  const { spotify } = serving.services;
  const spotifySync = spotify === undefined ? undefined : spotifySyncProcessor(spotify, serving.services);
  return startBackground({
    config,
    db: app.db,
    logger: app.logger.child({ component: 'jobs' }),
    events: app.jobEvents,
    driftThreshold: config.driftThreshold,
    ...(spotifySync !== undefined ? { spotifySync } : {}),
  });
}

/** Which queues a job worker takes jobs from, and how many at once. */
interface JobWorkerOptions {
  readonly queues: readonly QueueName[];
  readonly concurrency: number;
}

/**
 * The job side of `earworm worker`: a BullMQ producer (it sets the retraining and drift schedules and queues the
 * retrain a drift check triggers) and a worker running the processors. Shutdown: the worker finishes its running jobs
 * (however long they take) with the intake, the producer closes with the work, before the database.
 */
export async function startJobWorker(app: App, options: JobWorkerOptions): Promise<void> {
  const { config, db, logger, lifecycle } = app;
  if (config.redisUrl === undefined) throw new Error('startJobWorker needs config.redisUrl');
  const producer = await BullJobQueue.connect({ url: config.redisUrl, db, logger });
  lifecycle.onShutdown('job producer', () => producer.close(), 'work');
  await scheduleRetraining(producer, config.retrainCron);
  await scheduleDriftChecks(producer, config.retrainCron);
  const enqueue = producer.enqueue.bind(producer);
  // Spotify sync runs where Spotify is configured; without it those jobs fail saying what to set.
  const settings = spotifySettings(config);
  const spotifySync = settings === undefined ? undefined : spotifySyncProcessor(createSpotifyService({ db, logger, settings }));
  const processors = createJobProcessors({ db, config, logger, driftThreshold: config.driftThreshold, enqueue, ...(spotifySync !== undefined ? { spotifySync } : {}) });
  const worker = await BullJobWorker.start({ url: config.redisUrl, db, processors, events: app.jobEvents, logger, queues: [...options.queues], concurrency: options.concurrency });
  // Running jobs finish first, however long they take (a second signal stops at once).
  lifecycle.onShutdown('job worker', () => worker.close(), 'intake', { timeoutMs: Number.POSITIVE_INFINITY });
}

function withSpotifyOverrides(deps: { spotify?: SpotifySettings }, overrides: SpotifyServiceOverrides | undefined): { spotify?: SpotifySettings & SpotifyServiceOverrides } {
  return deps.spotify === undefined || overrides === undefined ? deps : { spotify: { ...deps.spotify, ...overrides } };
}
