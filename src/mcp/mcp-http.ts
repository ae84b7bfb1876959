/**
 * The `/mcp` route: MCP over Streamable HTTP with sessions. An initialize request opens a session (its own MCP
 * server and transport) for the credential that sent it; later requests name it in `Mcp-Session-Id` and must carry
 * the same credential. Who the caller is comes from the bearer token alone (see mcp-identity.ts). Open sessions
 * are capped globally and per credential; over the cap, initialize gets a clear error instead of a new session.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../logging/logger.ts';
import { hasBearer } from '../http/bearer-auth.ts';
import { BodyError, readJsonBody } from '../http/request-body.ts';
import { sendJson, type Route } from '../http/http-server.ts';

/** Header that once named a person at initialize; refused now (identity is the token). */
const USER_HEADER = 'x-earworm-user';

/** Who sent a request, as the route's authenticator found it. */
interface McpCaller {
  /** Stable key of the credential (a token id, `operator`): sessions and caps are per key. */
  readonly key: string;
}

/** Builds the MCP server of a new session for an authenticated caller. */
type SessionServerFactory<C extends McpCaller = McpCaller> = (caller: C) => McpServer;

/** The /mcp route and a way to close every open session. */
export interface McpHttpRoute {
  readonly route: Route;
  /** Open sessions. */
  readonly sessions: () => number;
  closeAll(): Promise<void>;
}

const jsonRpcError = (code: number, message: string) => ({ jsonrpc: '2.0', error: { code, message }, id: null });

/** Default cap on open sessions, all callers together. */
const DEFAULT_MAX_MCP_SESSIONS = 500;
/** Default cap on open sessions of one credential. */
const DEFAULT_MAX_MCP_SESSIONS_PER_CREDENTIAL = 25;

/** Options of the /mcp route. */
interface McpHttpOptions<C extends McpCaller = McpCaller> {
  /** The bearer token's caller, or undefined (401). Give this or `token`. */
  readonly authenticate?: (bearer: string) => Promise<C | undefined>;
  /** A single operator token (caller key `operator`), for a route with no token store. */
  readonly token?: string;
  readonly newServer: SessionServerFactory<C>;
  readonly logger: Logger;
  readonly path?: string;
  /** A session with no request for this long is closed (clients that vanish without DELETE). Default 30 min. */
  readonly idleMs?: number;
  /** How often idle sessions are looked for. Default 60 s. */
  readonly sweepMs?: number;
  /** The clock idle time is measured on (ms). Default Date.now; tests pass their own. */
  readonly now?: () => number;
  /** Open sessions allowed at once (default 500). */
  readonly maxSessions?: number;
  /** Open sessions allowed per credential (default 25). */
  readonly maxSessionsPerCredential?: number;
  /** Called when a session opens (e.g. to note when a token was last used). */
  readonly onSessionOpened?: (caller: C) => Promise<void> | void;
}

const UNAUTHORIZED = { error: 'missing or wrong bearer token: send Authorization: Bearer <token> (MCP_TOKEN, or a client token from `earworm mcp-token create --name NAME`)' };

/** Creates the bearer-protected /mcp route. */
export function createMcpHttpRoute<C extends McpCaller = McpCaller>(options: McpHttpOptions<C>): McpHttpRoute {
  const operatorToken = options.token;
  if (options.authenticate === undefined && (operatorToken === undefined || operatorToken === '')) throw new Error('createMcpHttpRoute needs authenticate or a non-empty token');
  const authenticate = async (req: IncomingMessage): Promise<C | undefined> => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (m === null) return undefined;
    if (options.authenticate !== undefined) return options.authenticate(m[1]!);
    return hasBearer(req, operatorToken!) ? ({ key: 'operator' } as C) : undefined;
  };
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_MCP_SESSIONS;
  const maxPerCredential = options.maxSessionsPerCredential ?? DEFAULT_MAX_MCP_SESSIONS_PER_CREDENTIAL;
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: McpServer; lastSeen: number; key: string }>();
  /** Sessions being opened (initialize in flight), per credential, so a burst cannot pass the caps. */
  const opening = new Map<string, number>();
  let openingTotal = 0;
  const idleMs = options.idleMs ?? 30 * 60_000;
  const now = options.now ?? Date.now;
  const sweep = setInterval(() => {
    const cutoff = now() - idleMs;
    for (const [sid, s] of sessions) {
      if (s.lastSeen >= cutoff) continue;
      sessions.delete(sid);
      options.logger.info({ session: sid }, 'closing an idle MCP session');
      void s.server.close().catch((err: unknown) => options.logger.warn({ err }, 'closing an idle MCP session failed'));
    }
  }, options.sweepMs ?? 60_000);
  sweep.unref();

  const countFor = (key: string) => {
    let n = opening.get(key) ?? 0;
    for (const s of sessions.values()) if (s.key === key) n++;
    return n;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const caller = await authenticate(req);
    if (caller === undefined) return sendJson(res, 401, UNAUTHORIZED, { 'www-authenticate': 'Bearer realm="earworm"' });
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
      // A session belongs to the credential that opened it: another token cannot use (or probe) it.
      if (session === undefined || session.key !== caller.key) return sendJson(res, 404, jsonRpcError(-32001, 'Session not found: initialize a new session'));
      session.lastSeen = now();
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      return sendJson(res, 400, jsonRpcError(-32000, 'Bad request: send an initialize request first (no Mcp-Session-Id header)'));
    }
    if (req.headers[USER_HEADER] !== undefined) {
      return sendJson(res, 400, jsonRpcError(-32000, 'X-Earworm-User no longer selects a person: who you are comes from your bearer token. Give each person their own token (earworm mcp-token create --name NAME) and drop the header.'));
    }
    if (sessions.size + openingTotal >= maxSessions) {
      options.logger.warn({ open: sessions.size, max: maxSessions }, 'MCP session cap reached; refusing a new session');
      return sendJson(res, 503, jsonRpcError(-32000, `Earworm has ${maxSessions} MCP sessions open, its limit: try again in a minute (idle sessions close after ${Math.round(idleMs / 60_000)} minutes).`), { 'retry-after': '60' });
    }
    if (countFor(caller.key) >= maxPerCredential) {
      return sendJson(
        res,
        429,
        jsonRpcError(-32000, `This token already has ${maxPerCredential} MCP sessions open, its limit: close sessions you no longer use (DELETE /mcp with their Mcp-Session-Id) or wait until idle ones close (after ${Math.round(idleMs / 60_000)} minutes).`),
        { 'retry-after': '60' },
      );
    }
    opening.set(caller.key, (opening.get(caller.key) ?? 0) + 1);
    openingTotal++;
    try {
      const server = options.newServer(caller);
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sid) => {
          sessions.set(sid, { transport, server, lastSeen: now(), key: caller.key });
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
    } finally {
      const left = (opening.get(caller.key) ?? 1) - 1;
      if (left > 0) opening.set(caller.key, left);
      else opening.delete(caller.key);
      openingTotal--;
    }
    try {
      await options.onSessionOpened?.(caller);
    } catch (err) {
      options.logger.warn({ err }, 'noting an opened MCP session failed');
    }
  };

  return {
    route: { path: options.path ?? '/mcp', methods: ['GET', 'POST', 'DELETE'], handler: handle },
    sessions: () => sessions.size,
    async closeAll() {
      clearInterval(sweep);
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(open.map((s) => s.server.close()));
    },
  };
}
