import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.ts';
import { createMcpHttpRoute, type McpHttpRoute } from '../../src/mcp/mcp-http.ts';
import { createHttpServer, listen, type RunningServer } from '../../src/http/http-server.ts';

const TOKEN = 'idle-token';
const IDLE_MS = 30 * 60_000;

describe('MCP HTTP sessions', () => {
  let mcp: McpHttpRoute;
  let running: RunningServer;
  /** The route's clock: it stands still until the test moves it, so a slow machine cannot make a session look idle. */
  let clock = 1_000_000;
  beforeAll(async () => {
    mcp = createMcpHttpRoute({
      token: TOKEN,
      newServer: () => new McpServer({ name: 'idle-test', version: '1.0.0' }),
      logger: silentLogger,
      idleMs: IDLE_MS,
      sweepMs: 25,
      now: () => clock,
    });
    running = await listen(createHttpServer([mcp.route], silentLogger), 0);
  });
  afterAll(async () => {
    await mcp.closeAll();
    await running.close();
  });

  it('closes a session that stays idle, and then answers its id with 404', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${running.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
    });
    const client = new Client({ name: 'vanishing-client', version: '1.0.0' });
    await client.connect(transport);
    const sid = transport.sessionId;
    expect(sid).toBeDefined();
    expect(mcp.sessions()).toBe(1);
    clock += IDLE_MS - 1;
    await new Promise((r) => setTimeout(r, 100));
    expect(mcp.sessions()).toBe(1);
    // Past the idle time (again after any late request of the client's, such as its event stream opening), the next
    // sweep closes it; the test's own timeout bounds the wait.
    while (mcp.sessions() > 0) {
      clock += IDLE_MS + 1;
      await new Promise((r) => setTimeout(r, 50));
    }
    const res = await fetch(`${running.url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': sid!,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list', params: {} }),
    });
    expect(res.status).toBe(404);
  });
});
