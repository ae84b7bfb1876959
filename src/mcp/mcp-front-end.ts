/**
 * The MCP front end put together: per-connection servers whose callers map to people, served over stdio or as the
 * `/mcp` route of Earworm's HTTP server. Entry points (`earworm mcp`, `earworm start`) call these.
 */
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Db } from '../db/db.ts';
import type { Logger } from '../logging/logger.ts';
import type { ToolServices } from '../tools/tool-context.ts';
import { createMcpHttpRoute, type McpHttpRoute } from './mcp-http.ts';
import { mcpPersonResolver } from './mcp-identity.ts';
import { createMcpServer } from './mcp-server.ts';

/** What the MCP front end needs. */
export interface McpFrontEndDeps {
  readonly db: Db;
  readonly services: ToolServices;
  readonly logger: Logger;
}

/** The bearer-protected `/mcp` route; add `route` to the HTTP server's routes, call `closeAll` on shutdown. */
export function mcpHttpRoute(deps: McpFrontEndDeps & { readonly token: string }): McpHttpRoute {
  return createMcpHttpRoute({
    token: deps.token,
    logger: deps.logger,
    newServer: (user) => createMcpServer({ services: deps.services, resolvePerson: mcpPersonResolver(deps.db, user) }),
  });
}

/** Serves one MCP client over stdio until the client closes the stream. */
export async function serveMcpStdio(deps: McpFrontEndDeps & { readonly stdin?: Readable; readonly stdout?: Writable }): Promise<void> {
  const stdin = deps.stdin ?? process.stdin;
  const server = createMcpServer({ services: deps.services, resolvePerson: mcpPersonResolver(deps.db) });
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
