/**
 * `earworm mcp [--http] [--port N] [--host H]`: serves Earworm's tools to MCP clients, over stdio (default; what
 * Claude Desktop and the MCP Inspector launch; one local person) or over Streamable HTTP at /mcp, where the bearer
 * token is who the caller is (client tokens from `earworm mcp-token`, or the operator's MCP_TOKEN).
 * stdout belongs to the protocol in stdio mode: logs go to stderr.
 */
import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.ts';
import { createLogger, type Logger } from '../../logging/logger.ts';
import { serveMcpStdio } from '../../mcp/mcp-front-end.ts';
import { openApp, openServing } from '../../server/composition.ts';
import { createRuntime } from '../../server/runtime.ts';
import { installSafetyNet } from '../../server/safety-net.ts';
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
  if (values.http !== true) return serveStdio(config, logger);
  return serveHttp(config, logger, port, values.host ?? config.host);
}

/** One local MCP client over stdio, served by the composition root's services (cache, metrics, model watcher). */
async function serveStdio(config: Config, logger: Logger): Promise<number> {
  const app = await openApp({ config, logger });
  try {
    const { services } = await openServing(app);
    await serveMcpStdio({ db: app.db, services, logger });
    return 0;
  } finally {
    await app.shutdown('client closed');
  }
}

/**
 * MCP over Streamable HTTP: the runtime `earworm start` builds, serving only its own routes (/mcp, /readyz, /metrics)
 * with no other front end, until SIGINT or SIGTERM.
 */
async function serveHttp(config: Config, logger: Logger, port: number, host: string): Promise<number> {
  const rt = await createRuntime({ config, logger });
  const untrap = rt.lifecycle.trapSignals();
  // Errors nothing handles: fatal until the server listens, then logged, counted and survived.
  const net = installSafetyNet({ logger, count: (origin) => rt.metrics.unhandledError(origin) });
  try {
    const running = await rt.serve([], { port, host });
    net.serving();
    console.error(
      `Earworm MCP server on ${running.url}/mcp (bearer: a client token from \`earworm mcp-token create --name NAME\`${config.mcpToken !== undefined ? ', or MCP_TOKEN' : ''}); ` +
        `readiness ${running.url}/readyz, metrics ${running.url}/metrics${config.dashboardToken !== undefined ? ' (DASHBOARD_TOKEN)' : ''}; Ctrl-C stops it.`,
    );
    await rt.lifecycle.stopRequested();
    return 0;
  } finally {
    untrap();
    await rt.shutdown('stopped');
    net.remove();
  }
}
