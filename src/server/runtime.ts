/**
 * The running service put together in one place (the entry point's wiring): database, logger, tool services with
 * metrics, the agent (LLM planner when LLM_BASE_URL is set, rule planner otherwise), the FrontDesk shared by the chat
 * front ends, the metrics registry, readiness checks and the shutdown lifecycle. `earworm start` and the load tests
 * build it; front ends receive its parts (`desk`, `services`, `db`, `logger`) and add routes and start/stop handles.
 */
import { Agent } from '../agent/agent.ts';
import type { LlmClient } from '../agent/llm-client.ts';
import { OpenAiLlmClient } from '../agent/openai-llm-client.ts';
import { PgConversationStore } from '../agent/pg-conversation-store.ts';
import { FrontDesk } from '../desk/front-desk.ts';
import type { Config } from '../config/config.ts';
import { openConfiguredDb, type Db } from '../db/db.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { mcpHttpRoute } from '../mcp/mcp-front-end.ts';
import type { McpHttpRoute } from '../mcp/mcp-http.ts';
import type { SeededRandom } from '../recsys/rng.ts';
import { loadTrackModel, type TrackModel } from '../serving/track-model.ts';
import { spotifyDeps, type SpotifyServiceOverrides, type SpotifySettings } from '../spotify/spotify-service.ts';
import { RedisRecommendCache } from '../tools/services/redis-recommend-cache.ts';
import { createToolServices, type ToolServices } from '../tools/tool-context.ts';
import { createHttpServer, drainServer, listen, type Route, type RunningServer } from './http-server.ts';
import { Lifecycle, type ShutdownReport } from './lifecycle.ts';
import { metricsRoute, Metrics } from './metrics.ts';
import { databaseCheck, llmCheck, modelsCheck, readinessRoute, redisCheck, type ModelStatus, type ReadinessCheck } from './readiness.ts';

/** What `createRuntime` needs; all but `config` have defaults in brackets. */
export interface RuntimeOptions {
  readonly config: Config;
  /** An open database the runtime takes over (closes at shutdown) [opened from config]. */
  readonly db?: Db;
  /** [a pino logger at config.logLevel] */
  readonly logger?: Logger;
  /** The chat model [the active version from db and config.home]. */
  readonly model?: TrackModel;
  /** The LLM planner [OpenAiLlmClient when config.llm is set; none otherwise]. */
  readonly llm?: LlmClient;
  /** Options of the LLM client built from config (timeouts and retries; tests shorten them). */
  readonly llmClient?: { readonly timeoutMs?: number; readonly maxRetries?: number };
  /** Agent options that tests shorten [the agent's defaults]. */
  readonly agent?: { readonly llmCooldownMs?: number; readonly turnTimeoutMs?: number };
  /** Seeded randomness for comparisons and the bandit (tests). */
  readonly random?: () => SeededRandom;
  /** [a new Metrics with process metrics] */
  readonly metrics?: Metrics;
  /** Most time in-flight HTTP requests get at shutdown [10,000 ms]. */
  readonly drainMs?: number;
  /** Bearer token of `/metrics` [config.dashboardToken: the operator's token; open when unset]. */
  readonly metricsToken?: string;
  /** Spotify hosts and policies (a local fake in tests) [Spotify's own hosts]. */
  readonly spotify?: SpotifyServiceOverrides;
  /** Per-step shutdown timeout [15,000 ms]. */
  readonly stepTimeoutMs?: number;
}

/** The running service's parts. */
export interface Runtime {
  readonly config: Config;
  readonly db: Db;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly lifecycle: Lifecycle;
  /** The serving model as loaded at start (the models readiness check reads `modelStatus`). */
  readonly model: TrackModel;
  /** Tool services with the metrics observer: what MCP, the agent and the FrontDesk call tools through. */
  readonly services: ToolServices;
  readonly store: PgConversationStore;
  readonly llm: LlmClient | undefined;
  readonly agent: Agent;
  /** The conversation core every chat front end (Discord, Slack, web) shares. */
  readonly desk: FrontDesk;
  /** The /mcp route (per-client tokens, and MCP_TOKEN when set). */
  readonly mcp: McpHttpRoute | undefined;
  /** The readiness checks behind /readyz (front ends may push their own before `serve`). */
  readonly readiness: ReadinessCheck[];
  /** What the models readiness check reports (replace to follow hot swaps). */
  modelStatus: () => ModelStatus | undefined;
  /** The runtime's own routes: /readyz, /metrics and /mcp; /healthz is always there. */
  routes(): Route[];
  /** Listens on config.port/host with the runtime's routes plus `extra`; the drain is registered for shutdown. */
  serve(extra?: readonly Route[], where?: { readonly port?: number; readonly host?: string }): Promise<RunningServer>;
  /** Graceful shutdown (the same as lifecycle.shutdown). */
  shutdown(reason: string): Promise<ShutdownReport>;
}

/** Builds the runtime; on failure everything it opened is closed again. */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ logLevel: config.logLevel, name: 'earworm' });
  const lifecycle = new Lifecycle({ logger, ...(options.stepTimeoutMs !== undefined ? { stepTimeoutMs: options.stepTimeoutMs } : {}) });
  const db = options.db ?? (await openConfiguredDb(config));
  lifecycle.onShutdown('database', () => db.close(), 'storage');
  try {
    const metrics = options.metrics ?? new Metrics();
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
    const services: ToolServices = { ...base, observer: metrics };
    const store = new PgConversationStore(db);
    const llm =
      options.llm ??
      (config.llm === undefined
        ? undefined
        : new OpenAiLlmClient({
            baseURL: config.llm.baseUrl,
            apiKey: config.llm.apiKey,
            model: config.llm.model,
            observe: (seconds, outcome) => metrics.observeLlm(seconds, outcome),
            ...(options.llmClient?.timeoutMs !== undefined ? { timeoutMs: options.llmClient.timeoutMs } : {}),
            ...(options.llmClient?.maxRetries !== undefined ? { maxRetries: options.llmClient.maxRetries } : {}),
          }));
    const agent = new Agent({
      services,
      logger: logger.child({ component: 'agent' }),
      ...(llm !== undefined ? { llm } : {}),
      ...(options.agent?.llmCooldownMs !== undefined ? { llmCooldownMs: options.agent.llmCooldownMs } : {}),
      ...(options.agent?.turnTimeoutMs !== undefined ? { turnTimeoutMs: options.agent.turnTimeoutMs } : {}),
    });
    const desk = new FrontDesk({ db, agent, services, store, logger: logger.child({ component: 'desk' }), ratePerMinute: config.rateLimitPerMinute });
    // /mcp is always served: per-client tokens (earworm mcp-token create) and, when set, the operator's MCP_TOKEN.
    const mcp = mcpHttpRoute({ db, services, logger: logger.child({ component: 'mcp' }), token: config.mcpToken });
    lifecycle.onShutdown('mcp sessions', () => mcp.closeAll(), 'work');

    const runtime: Runtime = {
      config,
      db,
      logger,
      metrics,
      lifecycle,
      model,
      services,
      store,
      llm,
      agent,
      desk,
      mcp,
      readiness: [],
      // Follows hot swaps (the model watcher reloads services.models).
      modelStatus: () => services.models?.model ?? model,
      routes() {
        const token = options.metricsToken ?? config.dashboardToken;
        return [readinessRoute(runtime.readiness), metricsRoute(metrics, token), ...(mcp !== undefined ? [mcp.route] : [])];
      },
      async serve(extra = [], where = {}) {
        const server = createHttpServer([...runtime.routes(), ...extra], logger.child({ component: 'http' }), {
          observe: (route, method, status, seconds) => metrics.observeHttp(route, method, status, seconds),
        });
        const running = await listen(server, where.port ?? config.port, where.host ?? config.host);
        lifecycle.onShutdown(
          'http server',
          async () => {
            const { unfinished } = await drainServer(server, options.drainMs ?? 10_000);
            if (unfinished > 0) logger.warn({ unfinished }, 'HTTP requests were still running when the drain time ran out');
          },
          'intake',
        );
        return running;
      },
      shutdown: (reason) => lifecycle.shutdown(reason),
    };
    runtime.readiness.push(databaseCheck(db), modelsCheck(() => runtime.modelStatus()));
    metrics.followModel(() => runtime.modelStatus());
    if (config.redisUrl !== undefined) runtime.readiness.push(redisCheck(config.redisUrl));
    if (config.llm !== undefined) runtime.readiness.push(llmCheck(config.llm));
    return runtime;
  } catch (err) {
    await lifecycle.shutdown('start failed');
    throw err;
  }
}

function withSpotifyOverrides(deps: { spotify?: SpotifySettings }, overrides: SpotifyServiceOverrides | undefined): { spotify?: SpotifySettings & SpotifyServiceOverrides } {
  return deps.spotify === undefined || overrides === undefined ? deps : { spotify: { ...deps.spotify, ...overrides } };
}
