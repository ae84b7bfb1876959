/**
 * Prometheus metrics of one Earworm process, in a registry of its own (never prom-client's global one, so tests and
 * several runtimes in one process do not share counters): HTTP latency by route, tool calls and their latency, votes
 * recorded, job durations, LLM latency and errors, plus Node's default process metrics. Served at `/metrics`.
 * Observers here never throw: a metrics bug must not fail a request, a tool call or a job.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { cacheStats } from '../serving/cache/recommend-cache.ts';
import { findTool, type ToolCallOutcome } from '../tools/registry.ts';
import type { ToolObserver } from '../tools/tool-context.ts';
import type { Route } from '../http/http-server.ts';
import { requireBearer } from '../http/bearer-auth.ts';

/** How a job ended, as the `outcome` label: done, failed for good, or failed with another attempt scheduled. */
type JobOutcome = 'completed' | 'failed' | 'retried';

/** How an LLM request ended: `ok`, or the LlmError code (LLM_TIMEOUT, LLM_UNREACHABLE, …). */
type LlmOutcome = 'ok' | string;

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The metrics of one process. */
export class Metrics implements ToolObserver {
  readonly registry = new Registry();
  private readonly http: Histogram<'route' | 'method' | 'status'>;
  private readonly toolCalls: Counter<'tool' | 'outcome'>;
  private readonly toolSeconds: Histogram<'tool' | 'outcome'>;
  private readonly votes: Counter<'choice'>;
  private readonly jobSeconds: Histogram<'queue' | 'name' | 'outcome'>;
  private readonly llmSeconds: Histogram<'outcome'>;
  private readonly llmErrors: Counter<'code'>;
  #modelStatus: () => { readonly unloadable?: string | undefined } | undefined = () => undefined;
  private readonly unhandled: Counter<'origin'>;

  constructor(options: { readonly processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.http = new Histogram({
      name: 'earworm_http_request_duration_seconds',
      help: 'HTTP requests by route (the matched route pattern), method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.toolCalls = new Counter({ name: 'earworm_tool_calls_total', help: 'Tool calls by tool and outcome (ok, retry, user, system)', labelNames: ['tool', 'outcome'], registers });
    this.toolSeconds = new Histogram({
      name: 'earworm_tool_call_duration_seconds',
      help: 'Tool call latency by tool and outcome',
      labelNames: ['tool', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.votes = new Counter({ name: 'earworm_votes_recorded_total', help: 'A/B votes stored (a repeated delivery is not counted again)', labelNames: ['choice'], registers });
    this.jobSeconds = new Histogram({
      name: 'earworm_job_duration_seconds',
      help: 'Job run time by queue, job name and outcome (completed, failed, retried)',
      labelNames: ['queue', 'name', 'outcome'],
      buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    });
    this.llmSeconds = new Histogram({
      name: 'earworm_llm_request_duration_seconds',
      help: 'LLM completion requests (including the SDK retries) by outcome: ok or the error code',
      labelNames: ['outcome'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
      registers,
    });
    this.llmErrors = new Counter({ name: 'earworm_llm_errors_total', help: 'Failed LLM requests by error code', labelNames: ['code'], registers });
    this.unhandled = new Counter({
      name: 'earworm_unhandled_errors_total',
      help: 'Errors nothing handled (unhandledRejection, uncaughtException) caught by the safety net, by origin',
      labelNames: ['origin'],
      registers,
    });
    // The recommend cache's process-wide counters, read at scrape time.
    new Gauge({
      name: 'earworm_recommend_cache_hit_ratio',
      help: 'Recommend cache hits / lookups since the process started',
      registers,
      collect() {
        this.set(cacheStats().hitRatio);
      },
    });
    new Gauge({
      name: 'earworm_recommend_cache_events',
      help: 'Recommend cache lookups and invalidations since the process started, by event (hit, miss, invalidation, error)',
      labelNames: ['event'],
      registers,
      collect() {
        const s = cacheStats();
        this.set({ event: 'hit' }, s.hits);
        this.set({ event: 'miss' }, s.misses);
        this.set({ event: 'invalidation' }, s.invalidations);
        this.set({ event: 'error' }, s.errors);
      },
    });
    // 1 while the active chat model's files are missing or corrupt (the popularity floor serves; /readyz fails).
    const modelStatus = () => this.#modelStatus();
    new Gauge({
      name: 'earworm_model_unloadable',
      help: '1 while the active chat model version cannot be loaded (missing or corrupt files) and the popularity floor serves',
      registers,
      collect() {
        this.set(modelStatus()?.unloadable !== undefined ? 1 : 0);
      },
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'earworm_' });
  }

  /** Where `earworm_model_unloadable` reads the serving model's state from (the runtime's model status). */
  followModel(status: () => { readonly unloadable?: string | undefined } | undefined): void {
    this.#modelStatus = status;
  }

  /** One finished HTTP request; `route` is the route pattern (`/mcp`, `/web/*`) or `unmatched`, never the raw path. */
  observeHttp(route: string, method: string, status: number, seconds: number): void {
    this.http.observe({ route, method: HTTP_METHODS.has(method) ? method : 'other', status: String(status) }, seconds);
  }

  /**
   * One tool call (ToolObserver); names that are not tools count as `unknown`, so a model cannot grow the labels. A
   * record_preference that stored its vote (committed; not a repeat of a stored one) counts as a vote recorded.
   */
  toolCall(tool: string, outcome: ToolCallOutcome, seconds: number): void {
    const label = findTool(tool) === undefined ? 'unknown' : tool;
    this.toolCalls.inc({ tool: label, outcome: outcome.kind });
    this.toolSeconds.observe({ tool: label, outcome: outcome.kind }, seconds);
    if (outcome.kind === 'ok' && outcome.tool === 'record_preference' && outcome.value.recorded) this.voteRecorded(outcome.value.choice);
  }

  /** One vote stored for the first time, by choice (a, b or skip). */
  voteRecorded(choice: string): void {
    this.votes.inc({ choice });
  }

  /** One job run (call it from the worker or the in-process queue). */
  observeJob(queue: string, name: string, seconds: number, outcome: JobOutcome): void {
    this.jobSeconds.observe({ queue, name, outcome }, seconds);
  }

  /** One LLM request (the OpenAiLlmClient `observe` option). */
  observeLlm(seconds: number, outcome: LlmOutcome): void {
    this.llmSeconds.observe({ outcome }, seconds);
    if (outcome !== 'ok') this.llmErrors.inc({ code: outcome });
  }

  /** One error the process-level safety net caught (src/server/safety-net.ts). */
  unhandledError(origin: 'unhandledRejection' | 'uncaughtException'): void {
    this.unhandled.inc({ origin });
  }

  /** The exposition text Prometheus scrapes. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * Subscribes the job-duration histogram to a job lifecycle emitter (src/jobs JobEvents: `completed` and `failed`
 * events carrying queue, name, durationMs and, for failures, willRetry).
 */
export function observeJobEvents(
  events: {
    on(event: 'completed', listener: (e: { readonly queue: string; readonly name: string; readonly durationMs: number }) => void): unknown;
    on(event: 'failed', listener: (e: { readonly queue: string; readonly name: string; readonly durationMs: number; readonly willRetry: boolean }) => void): unknown;
  },
  metrics: Pick<Metrics, 'observeJob'>,
): void {
  events.on('completed', (e) => metrics.observeJob(e.queue, e.name, e.durationMs / 1000, 'completed'));
  events.on('failed', (e) => metrics.observeJob(e.queue, e.name, e.durationMs / 1000, e.willRetry ? 'retried' : 'failed'));
}

/** `GET /metrics` in Prometheus text format; behind `Authorization: Bearer <token>` when a token is given. */
export function metricsRoute(metrics: Metrics, token?: string): Route {
  const handler: Route['handler'] = async (_req, res) => {
    const body = await metrics.text();
    res.writeHead(200, { 'content-type': metrics.registry.contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  return { path: '/metrics', methods: ['GET'], handler: token === undefined ? handler : requireBearer(token, handler) };
}

/** p50/p99 (ms) and counts of request routes and tools, estimated from the histogram buckets (for the dashboard). */
export async function latencyFigures(metrics: Metrics): Promise<{ name: string; p50: number; p99: number; count: number }[]> {
  const out: { name: string; p50: number; p99: number; count: number }[] = [];
  const all = await metrics.registry.getMetricsAsJSON();
  for (const [metric, label, prefix] of [
    ['earworm_http_request_duration_seconds', 'route', 'HTTP '],
    ['earworm_tool_call_duration_seconds', 'tool', 'tool '],
  ] as const) {
    const m = all.find((x) => x.name === metric);
    if (m === undefined) continue;
    // Sum the cumulative buckets over the other labels (method, status, outcome).
    const byName = new Map<string, Map<number, number>>();
    for (const v of m.values as { value: number; labels: Record<string, string | number>; metricName?: string }[]) {
      if (v.metricName !== `${metric}_bucket`) continue;
      const name = String(v.labels[label] ?? '?');
      const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le);
      const buckets = byName.get(name) ?? new Map<number, number>();
      buckets.set(le, (buckets.get(le) ?? 0) + v.value);
      byName.set(name, buckets);
    }
    for (const [name, buckets] of byName) {
      const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
      const count = sorted.at(-1)?.[1] ?? 0;
      if (count === 0) continue;
      out.push({ name: prefix + name, p50: quantile(sorted, count, 0.5) * 1000, p99: quantile(sorted, count, 0.99) * 1000, count });
    }
  }
  return out.sort((a, b) => b.count - a.count);
}

/** Linear interpolation inside the bucket holding the q-quantile (Prometheus' histogram_quantile). */
function quantile(sorted: readonly (readonly [number, number])[], count: number, q: number): number {
  const rank = q * count;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, c] of sorted) {
    if (c >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(1e-12, c - prevCount);
    }
    prevLe = le;
    prevCount = c;
  }
  return prevLe;
}
