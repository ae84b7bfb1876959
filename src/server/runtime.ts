/**
 * The serving runtime: the composition root's app and serving services (composition.ts: database, logger, metrics,
 * lifecycle, serving models with the model watcher, recommend cache, request log) plus the agent (LLM planner when
 * LLM_BASE_URL is set, rule planner otherwise), the FrontDesk shared by the chat front ends, the /mcp route, readiness
 * checks and the HTTP server. `earworm start`, `earworm chat` and `earworm mcp --http` build it, then pick their
 * front ends; front ends receive its parts (`desk`, `services`, `db`, `logger`) and add routes and start/stop handles.
 */
import { Agent } from '../agent/agent.ts';
import type { LlmClient } from '../agent/llm-client.ts';
import { OpenAiLlmClient } from '../agent/openai-llm-client.ts';
import { PgConversationStore } from '../desk/pg-conversation-store.ts';
import { FrontDesk } from '../desk/front-desk.ts';
import { createHttpServer, drainServer, listen, type Route, type RunningServer } from '../http/http-server.ts';
import { mcpHttpRoute } from '../mcp/mcp-front-end.ts';
import type { McpHttpRoute } from '../mcp/mcp-http.ts';
import { openApp, openServing, type App, type AppOptions, type Serving, type ServingOptions } from './composition.ts';
import { metricsRoute } from './metrics.ts';
import { databaseCheck, llmCheck, modelsCheck, readinessRoute, redisCheck, type ModelStatus, type ReadinessCheck } from './readiness.ts';

/** What `createRuntime` needs (the composition root's options plus these); all but `config` have defaults in brackets. */
interface RuntimeOptions extends AppOptions, ServingOptions {
  /** The LLM planner [OpenAiLlmClient when config.llm is set; none otherwise]. */
  readonly llm?: LlmClient;
  /** Options of the LLM client built from config (timeouts and retries; tests shorten them). */
  readonly llmClient?: { readonly timeoutMs?: number; readonly maxRetries?: number };
  /** Agent options that tests shorten [the agent's defaults]. */
  readonly agent?: { readonly llmCooldownMs?: number; readonly turnTimeoutMs?: number };
  /** Most time in-flight HTTP requests get at shutdown [10,000 ms]. */
  readonly drainMs?: number;
  /** Bearer token of `/metrics` [config.dashboardToken: the operator's token; open when unset]. */
  readonly metricsToken?: string;
}

/** The running service's parts. */
export interface Runtime extends App, Serving {
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
}

/** Builds the runtime over the composition root (openApp, openServing); on failure everything it opened is closed again. */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config } = options;
  const app = await openApp(options);
  const { db, logger, lifecycle, metrics } = app;
  try {
    const serving = await openServing(app, options);
    const { model, services } = serving;
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
      ...app,
      ...serving,
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
