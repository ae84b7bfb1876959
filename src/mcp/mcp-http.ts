/**
 * The `/mcp` route: MCP over Streamable HTTP with sessions. An initialize request opens a session (its own MCP
 * server and transport, so each client maps to its own person); later requests name it in `Mcp-Session-Id`.
 * Bearer authentication wraps this route (see src/server/bearer-auth.ts).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../logging/logger.ts';
import { BodyError, readJsonBody, sendJson, type Route } from '../server/http-server.ts';
import { requireBearer } from '../server/bearer-auth.ts';

/** Header an HTTP client may send at initialize to name the person it acts for. */
export const USER_HEADER = 'x-earworm-user';

/** Builds the MCP server of a new session; `user` is the X-Earworm-User header, if sent. */
export type SessionServerFactory = (user: string | undefined) => McpServer;

/** The /mcp route and a way to close every open session. */
export interface McpHttpRoute {
  readonly route: Route;
  /** Open sessions. */
  readonly sessions: () => number;
  closeAll(): Promise<void>;
}

const jsonRpcError = (code: number, message: string) => ({ jsonrpc: '2.0', error: { code, message }, id: null });

/** Options of the /mcp route. */
export interface McpHttpOptions {
  readonly token: string;
  readonly newServer: SessionServerFactory;
  readonly logger: Logger;
  readonly path?: string;
  /** A session with no request for this long is closed (clients that vanish without DELETE). Default 30 min. */
  readonly idleMs?: number;
  /** How often idle sessions are looked for. Default 60 s. */
  readonly sweepMs?: number;
}

/** Creates the bearer-protected /mcp route. */
export function createMcpHttpRoute(options: McpHttpOptions): McpHttpRoute {
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: McpServer; lastSeen: number }>();
  const idleMs = options.idleMs ?? 30 * 60_000;
  const sweep = setInterval(() => {
    const cutoff = Date.now() - idleMs;
    for (const [sid, s] of sessions) {
      if (s.lastSeen >= cutoff) continue;
      sessions.delete(sid);
      options.logger.info({ session: sid }, 'closing an idle MCP session');
      void s.server.close().catch((err: unknown) => options.logger.warn({ err }, 'closing an idle MCP session failed'));
    }
  }, options.sweepMs ?? 60_000);
  sweep.unref();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const sessionId = req.headers['mcp-session-id'];
    const id = Array.isArray(sessionId) ? sessionId[0] : sessionId;
    let body: unknown;
    if (req.method === 'POST') {
      try {
        body = await readJsonBody(req);
      } catch (err) {
        if (err instanceof BodyError) return sendJson(res, err.status, jsonRpcError(-32700, err.message));
        throw err;
      }
    }
    if (id !== undefined) {
      const session = sessions.get(id);
      if (session === undefined) return sendJson(res, 404, jsonRpcError(-32001, 'Session not found: initialize a new session'));
      session.lastSeen = Date.now();
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      return sendJson(res, 400, jsonRpcError(-32000, 'Bad request: send an initialize request first (no Mcp-Session-Id header)'));
    }
    const userHeader = req.headers[USER_HEADER];
    const server = options.newServer(Array.isArray(userHeader) ? userHeader[0] : userHeader);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sid) => {
        sessions.set(sid, { transport, server, lastSeen: Date.now() });
      },
      onsessionclosed: (sid) => {
        sessions.delete(sid);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  };

  return {
    route: { path: options.path ?? '/mcp', methods: ['GET', 'POST', 'DELETE'], handler: requireBearer(options.token, handle) },
    sessions: () => sessions.size,
    async closeAll() {
      clearInterval(sweep);
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(open.map((s) => s.server.close()));
    },
  };
}
