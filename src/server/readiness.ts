/**
 * `GET /readyz`: whether this process can do its work now. Each check runs with a timeout, all at once, and the answer
 * lists every one; the status is 503 when a required check fails (the database; Redis when REDIS_URL is set; the
 * models being loaded). The LLM is reported but not required: when it is down the rule planner answers.
 */
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import type { Db } from '../db/db.ts';
import { sendJson, type Route } from '../http/http-server.ts';

/** The state of one check: `degraded` works with less (the popularity floor, say) and never fails readiness. */
type CheckStatus = 'ok' | 'degraded' | 'fail';

/** What a check found. */
interface CheckResult {
  readonly status: CheckStatus;
  readonly detail?: string;
}

/** One readiness check. */
export interface ReadinessCheck {
  readonly name: string;
  /** A required check that fails makes the process not ready (503). */
  readonly required: boolean;
  /** Resolves with the result; a rejection (or running past the timeout) counts as `fail` with the error's message. */
  run(signal: AbortSignal): Promise<CheckResult>;
}

/** The report `/readyz` answers with. */
interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Record<string, CheckResult & { readonly required: boolean; readonly ms: number }>;
}

/** Runs every check at once, each within `timeoutMs`. */
export async function checkReadiness(checks: readonly ReadinessCheck[], timeoutMs = 2000): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      const started = performance.now();
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<CheckResult>((resolve) => {
        timer = setTimeout(() => {
          controller.abort();
          resolve({ status: 'fail', detail: `no answer within ${timeoutMs} ms` });
        }, timeoutMs);
      });
      const result = await Promise.race([
        c.run(controller.signal).catch((err: unknown): CheckResult => ({ status: 'fail', detail: err instanceof Error ? err.message : String(err) })),
        timeout,
      ]);
      clearTimeout(timer);
      return [c.name, { ...result, required: c.required, ms: Math.round(performance.now() - started) }] as const;
    }),
  );
  const ready = results.every(([, r]) => !r.required || r.status !== 'fail');
  return { ready, checks: Object.fromEntries(results) };
}

/** The `/readyz` route over these checks (200 when ready, 503 otherwise; the body lists every check). */
export function readinessRoute(checks: readonly ReadinessCheck[], timeoutMs = 2000): Route {
  return {
    path: '/readyz',
    methods: ['GET', 'HEAD'],
    handler: async (_req, res) => {
      const report = await checkReadiness(checks, timeoutMs);
      sendJson(res, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not ready', checks: report.checks });
    },
  };
}

/** The database answers a query. */
export function databaseCheck(db: Db): ReadinessCheck {
  return {
    name: 'database',
    required: true,
    run: async () => {
      try {
        await db.rows(sql`select 1 as one`);
      } catch (err) {
        throw new Error(`${db.driver === 'postgres' ? 'Postgres' : 'the embedded database'} does not answer: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      return { status: 'ok', detail: db.driver };
    },
  };
}

/** Redis answers PING (a fresh connection each time, so a restarted Redis is seen at once). */
export function redisCheck(url: string): ReadinessCheck {
  return {
    name: 'redis',
    required: true,
    run: async (signal) => {
      const client = new Redis(url, { lazyConnect: true, connectTimeout: 1500, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
      // ioredis rejects connect() with "Connection is closed."; the socket's own error says why.
      let socketError: Error | undefined;
      client.on('error', (err: Error) => {
        socketError = err;
      });
      const stop = () => client.disconnect();
      signal.addEventListener('abort', stop, { once: true });
      try {
        await client.connect();
        await client.ping();
        return { status: 'ok' };
      } catch (err) {
        const why = socketError ?? err;
        throw new Error(`Redis at ${redactUrl(url)} does not answer (${why instanceof Error ? why.message : String(why)}): check REDIS_URL and that Redis is running`, { cause: err });
      } finally {
        signal.removeEventListener('abort', stop);
        client.disconnect();
      }
    },
  };
}

/** What the models check sees of the serving model. */
export interface ModelStatus {
  readonly source: 'model' | 'popularity-fallback';
  readonly version: string | undefined;
  readonly problem?: { readonly message: string } | undefined;
  /** The active version that could not be loaded (missing or corrupt files), if that is why the floor serves. */
  readonly unloadable?: string | undefined;
}

/**
 * The serving model is loaded: `ok` with its version, `degraded` on the popularity floor when no version is active
 * yet, `fail` when none is loaded or when the active version's files are missing or corrupt (say which and why).
 */
export function modelsCheck(status: () => ModelStatus | undefined): ReadinessCheck {
  return {
    name: 'models',
    required: true,
    run: () => {
      const s = status();
      if (s === undefined) return Promise.resolve({ status: 'fail', detail: 'the recommender is not loaded yet' });
      if (s.source === 'model') return Promise.resolve({ status: 'ok', detail: `version ${s.version ?? '?'}` });
      if (s.unloadable !== undefined) {
        return Promise.resolve({
          status: 'fail',
          detail: `the active model version ${s.unloadable} cannot be loaded (${s.problem?.message ?? 'unknown problem'}); serving the popularity floor meanwhile. Restore the state folder's models/ or retrain with \`earworm train\``,
        });
      }
      return Promise.resolve({ status: 'degraded', detail: `popularity floor: ${s.problem?.message ?? 'no model version is active'}` });
    },
  };
}

/** The LLM endpoint answers `GET /models` (not required: the rule planner answers while it is down). */
export function llmCheck(llm: { readonly baseUrl: string; readonly apiKey: string; readonly model: string }, fetchImpl: typeof fetch = fetch): ReadinessCheck {
  return {
    name: 'llm',
    required: false,
    run: async (signal) => {
      const url = `${llm.baseUrl.replace(/\/+$/, '')}/models`;
      let res: Response;
      try {
        res = await fetchImpl(url, { headers: { authorization: `Bearer ${llm.apiKey}` }, signal });
      } catch (err) {
        const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
        return { status: 'fail', detail: `${redactUrl(url)} is unreachable (${cause}); the rule planner answers meanwhile` };
      }
      await res.body?.cancel();
      if (!res.ok) return { status: 'fail', detail: `${redactUrl(url)} answered HTTP ${res.status}; the rule planner answers meanwhile` };
      return { status: 'ok', detail: llm.model };
    },
  };
}

/** The URL with any password replaced by `***`. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
