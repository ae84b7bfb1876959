/**
 * Earworm's own HTTP server (node:http) with a route table: exact paths, allowed methods, one handler each. Other
 * front ends (Slack events, Discord interactions, metrics, OAuth callbacks) add routes; `/healthz` is always there.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logging/logger.ts';

/** Handles one request; it must end the response. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** One route. */
export interface Route {
  /** An exact path (`/healthz`), or a prefix ending in `/*` (`/web/*` matches `/web` and everything under `/web/`). */
  readonly path: string;
  /** Allowed methods (default: any). */
  readonly methods?: readonly string[];
  readonly handler: RouteHandler;
}

/** A running server and how to stop it. */
export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly server: http.Server;
  close(): Promise<void>;
}

/** `GET /healthz`: 200 "ok" while the process serves. */
const healthRoute: Route = {
  path: '/healthz',
  methods: ['GET', 'HEAD'],
  handler: (_req, res) => sendJson(res, 200, { status: 'ok' }),
};

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Options of the server; all optional. */
interface HttpServerOptions {
  /** Told about each finished request (metrics): the matched route's pattern (or `unmatched`), method, status, time; not standing event streams. */
  readonly observe?: (route: string, method: string, status: number, seconds: number) => void;
}

/** Requests each server is working on, for a bounded graceful drain (see `drainServer`). */
const working = new WeakMap<http.Server, { closing: boolean; requests: Set<IncomingMessage> }>();

/** Creates (does not start) the server over a route table; `/healthz` is added when missing. */
export function createHttpServer(routes: readonly Route[], logger: Logger, options: HttpServerOptions = {}): http.Server {
  const table = new Map<string, Route>();
  const prefixes: Route[] = [];
  for (const r of [healthRoute, ...routes]) {
    if (r.path.endsWith('/*')) prefixes.push(r);
    else table.set(r.path, r);
  }
  // Longest prefix first, so `/web/api/*` wins over `/web/*`.
  prefixes.sort((a, b) => b.path.length - a.path.length);
  const match = (path: string): Route | undefined =>
    table.get(path) ??
    prefixes.find((r) => {
      const base = r.path.slice(0, -2);
      return path === base || path.startsWith(`${base}/`);
    });
  const state = { closing: false, requests: new Set<IncomingMessage>() };
  const server = http.createServer((req, res) => {
    if (state.closing) return sendJson(res, 503, { error: 'Earworm is shutting down; retry shortly' }, { connection: 'close', 'retry-after': '5' });
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = match(path);
    const started = performance.now();
    // A standing event stream (MCP's GET /mcp) is not work to wait for at shutdown.
    const standing = req.method === 'GET' && (req.headers.accept ?? '').includes('text/event-stream');
    if (!standing) state.requests.add(req);
    let done = false;
    const finished = () => {
      if (done) return;
      done = true;
      state.requests.delete(req);
      if (!standing) options.observe?.(route?.path ?? 'unmatched', req.method ?? 'GET', res.statusCode, (performance.now() - started) / 1000);
    };
    res.once('finish', finished);
    res.once('close', finished);
    if (route === undefined) return sendJson(res, 404, { error: `no route ${path}` });
    if (route.methods !== undefined && !route.methods.includes(req.method ?? 'GET')) {
      return sendJson(res, 405, { error: `${req.method ?? ''} is not allowed on ${path}` }, { allow: route.methods.join(', ') });
    }
    Promise.resolve()
      .then(() => route.handler(req, res))
      .catch((err: unknown) => {
        logger.error({ err, path }, 'HTTP handler failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.end();
      });
  });
  working.set(server, state);
  return server;
}

/**
 * Graceful stop: refuses new requests (503) and new connections, waits up to `graceMs` for the requests in flight to
 * finish, then closes every connection (standing event streams included). Resolves with how many requests were cut.
 */
export async function drainServer(server: http.Server, graceMs: number): Promise<{ readonly unfinished: number }> {
  const state = working.get(server);
  const closed = new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
  if (state !== undefined) {
    state.closing = true;
    const deadline = Date.now() + graceMs;
    while (state.requests.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
  const unfinished = state?.requests.size ?? 0;
  server.closeAllConnections();
  await closed;
  return { unfinished };
}

/** Starts listening (port 0 picks a free port) and returns the running server. */
export async function listen(server: http.Server, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${addr.port}`,
    port: addr.port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
