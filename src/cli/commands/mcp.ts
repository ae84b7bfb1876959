/**
 * `earworm mcp [--http] [--port N] [--host H]`: serves Earworm's tools to MCP clients, over stdio (default; what
 * Claude Desktop and the MCP Inspector launch; one local person) or over Streamable HTTP at /mcp, where the bearer
 * token is who the caller is (client tokens from `earworm mcp-token`, or the operator's MCP_TOKEN).
 * stdout belongs to the protocol in stdio mode: logs go to stderr.
 */
import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.ts';
import { openConfiguredDb } from '../../db/db.ts';
import { createLogger } from '../../logging/logger.ts';
import { mcpHttpRoute, serveMcpStdio } from '../../mcp/mcp-front-end.ts';
import { createHttpServer, listen } from '../../http/http-server.ts';
import { installSafetyNet } from '../../server/safety-net.ts';
import { spotifyDeps } from '../../spotify/spotify-service.ts';
import { createToolServices, type ToolServices } from '../../tools/tool-context.ts';
import { UsageError } from '../usage-error.ts';

const USAGE = 'usage: earworm mcp [--http] [--port N] [--host 127.0.0.1]';

/** Serves MCP until the client disconnects (stdio) or the process is interrupted (HTTP). */
export async function run(args: string[], config: Config): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { http: { type: 'boolean' }, port: { type: 'string' }, host: { type: 'string' } }, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  const port = values.port === undefined ? config.port : Number(values.port);
  if (!(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError(`--port must be a port number\n${USAGE}`);
  const logger = createLogger({ logLevel: config.logLevel, name: 'mcp' });
  const db = await openConfiguredDb(config);
  let services: ToolServices | undefined;
  try {
    services = await createToolServices({ db, home: config.home, logger, ...spotifyDeps(config) });
    if (values.http !== true) {
      await serveMcpStdio({ db, services, logger });
      return 0;
    }
    const mcp = mcpHttpRoute({ db, services, logger, token: config.mcpToken });
    // Errors nothing handles: fatal until the server listens, then logged and survived (this process has no metrics).
    const net = installSafetyNet({ logger, count: () => undefined });
    const running = await listen(createHttpServer([mcp.route], logger), port, values.host ?? config.host);
    net.serving();
    console.error(`Earworm MCP server on ${running.url}/mcp (bearer: a client token from \`earworm mcp-token create --name NAME\`${config.mcpToken !== undefined ? ', or MCP_TOKEN' : ''}); Ctrl-C stops it.`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await mcp.closeAll();
    await running.close();
    net.remove();
    return 0;
  } finally {
    await services?.requests.flush();
    await db.close();
  }
}
