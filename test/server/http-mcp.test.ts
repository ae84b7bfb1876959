import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPerson } from '../../src/db/people.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { mcpHttpRoute } from '../../src/mcp/mcp-front-end.ts';
import type { McpHttpRoute } from '../../src/mcp/mcp-http.ts';
import { createHttpServer, listen, type RunningServer } from '../../src/server/http-server.ts';
import { checkClient } from '../mcp/support/mcp-checks.ts';
import { DRIVERS } from '../support/db.ts';
import { openHarness, type Harness } from '../tools/support/tool-harness.ts';

const TOKEN = 'test-token-0123456789';

describe.each(DRIVERS)('MCP over Streamable HTTP on %s', (driver) => {
  let h: Harness;
  let mcp: McpHttpRoute;
  let running: RunningServer;
  beforeAll(async () => {
    h = await openHarness(driver);
    mcp = mcpHttpRoute({ db: h.db, services: h.services, logger: silentLogger, token: TOKEN });
    running = await listen(createHttpServer([mcp.route], silentLogger), 0);
  });
  afterAll(async () => {
    await mcp?.closeAll();
    await running?.close();
    await h?.close();
  });

  const connect = async (name: string, headers: Record<string, string> = {}): Promise<Client> => {
    const client = new Client({ name, version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${running.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TOKEN}`, ...headers } } }));
    return client;
  };

  it('answers /healthz and 404 for unknown paths', async () => {
    const health = await fetch(`${running.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${running.url}/nope`)).status).toBe(404);
  });

  it('refuses /mcp without the bearer token or with a wrong one (401)', async () => {
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } };
    const post = (headers: Record<string, string>) =>
      fetch(`${running.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(init) });
    const none = await post({});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await post({ authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post({ authorization: `Basic ${TOKEN}` })).status).toBe(401);
    const client = new Client({ name: 'no-token', version: '1' });
    await expect(client.connect(new StreamableHTTPClientTransport(new URL(`${running.url}/mcp`)))).rejects.toMatchObject({ code: 401 });
  });

  it('lists and runs every tool, reports mistakes as isError, and serves 20 parallel calls', async () => {
    const client = await connect('http-inspector');
    await checkClient(client, h.fixture);
    await client.close();
  });

  it('maps the client (and the X-Earworm-User it names) to a person', async () => {
    const client = await connect('team-bot', { 'x-earworm-user': 'carol' });
    const r = await client.callTool({ name: 'rate_track', arguments: { track: 'nirvana come as you are', rating: 'like' } });
    expect(r.isError).toBeFalsy();
    const person = await findPerson(h.db, 'mcp', 'team-bot/carol');
    expect(person).toBeTypeOf('number');
    const profile = await client.callTool({ name: 'get_taste_profile', arguments: {} });
    expect((profile.structuredContent as { counts: { liked: number } }).counts.liked).toBe(1);
    await client.close();
  });
});
