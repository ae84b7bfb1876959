/**
 * The MCP front end put together: per-connection servers whose credentials map to people (a client token is its
 * person; stdio is the one local person), served over stdio or as the `/mcp` route of Earworm's HTTP server.
 * Entry points (`earworm mcp`, `earworm start`) call these.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Db } from '../db/db.ts';
import type { Logger } from '../logging/logger.ts';
import type { ToolServices } from '../tools/tool-context.ts';
import { createMcpHttpRoute, type McpHttpRoute } from './mcp-http.ts';
import { findMcpToken, localPersonResolver, operatorCredential, touchMcpToken, type McpCredential } from './mcp-identity.ts';
import { createMcpServer } from './mcp-server.ts';

/** What the MCP front end needs. */
interface McpFrontEndDeps {
  readonly db: Db;
  readonly services: ToolServices;
  readonly logger: Logger;
}

/** Limits of the `/mcp` route. */
interface McpHttpLimits {
  /** Open sessions allowed at once (default 500). */
  readonly maxSessions?: number;
  /** Open sessions allowed per token (default 25). */
  readonly maxSessionsPerCredential?: number;
}

/**
 * The bearer-protected `/mcp` route; add `route` to the HTTP server's routes, call `closeAll` on shutdown. A caller
 * is a per-client token from `mcp_tokens` (its own person) or the operator token MCP_TOKEN (the operator person).
 */
export function mcpHttpRoute(deps: McpFrontEndDeps & McpHttpLimits & { readonly token?: string | undefined }): McpHttpRoute {
  const operator = deps.token === undefined || deps.token === '' ? undefined : operatorCredential(deps.db);
  const operatorDigest = deps.token === undefined ? undefined : createHash('sha256').update(deps.token).digest();
  return createMcpHttpRoute<McpCredential>({
    logger: deps.logger,
    authenticate: async (bearer) => {
      if (operator !== undefined && timingSafeEqual(createHash('sha256').update(bearer).digest(), operatorDigest!)) return operator;
      return findMcpToken(deps.db, bearer);
    },
    newServer: (caller) => createMcpServer({ services: deps.services, resolvePerson: caller.resolvePerson }),
    onSessionOpened: (caller) => touchMcpToken(deps.db, caller.key),
    ...(deps.maxSessions !== undefined ? { maxSessions: deps.maxSessions } : {}),
    ...(deps.maxSessionsPerCredential !== undefined ? { maxSessionsPerCredential: deps.maxSessionsPerCredential } : {}),
  });
}

/** Serves one MCP client over stdio until the client closes the stream. */
export async function serveMcpStdio(deps: McpFrontEndDeps & { readonly stdin?: Readable; readonly stdout?: Writable }): Promise<void> {
  const stdin = deps.stdin ?? process.stdin;
  const server = createMcpServer({ services: deps.services, resolvePerson: localPersonResolver(deps.db) });
  const transport = new StdioServerTransport(stdin, deps.stdout ?? process.stdout);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  // The SDK transport does not notice end of input; closing the server ends the session.
  const onEnd = () => void server.close();
  stdin.once('end', onEnd);
  await server.connect(transport);
  await closed;
  stdin.off('end', onEnd);
}
