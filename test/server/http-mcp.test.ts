import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPerson } from '../../src/serving/state/people.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { mcpHttpRoute } from '../../src/mcp/mcp-front-end.ts';
import { createMcpToken, MCP_OPERATOR_ID, MCP_PROVIDER, revokeMcpToken } from '../../src/mcp/mcp-identity.ts';
import type { McpHttpRoute } from '../../src/mcp/mcp-http.ts';
import { createHttpServer, listen, type RunningServer } from '../../src/http/http-server.ts';
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
    mcp = mcpHttpRoute({ db: h.db, services: h.services, logger: silentLogger, token: TOKEN, maxSessions: 12, maxSessionsPerCredential: 3 });
    running = await listen(createHttpServer([mcp.route], silentLogger), 0);
  });
  afterAll(async () => {
    await mcp?.closeAll();
    await running?.close();
    await h?.close();
  });

  const connect = async (name: string, headers: Record<string, string> = {}, token = TOKEN): Promise<Client> => {
    const client = new Client({ name, version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${running.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}`, ...headers } } }));
    return client;
  };
  const initialize = (token: string, headers: Record<string, string> = {}) =>
    fetch(`${running.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
    });
  const done = async (...clients: Client[]) => {
    for (const c of clients) {
      await (c.transport as StreamableHTTPClientTransport).terminateSession().catch(() => {});
      await c.close();
    }
  };
  const liked = async (c: Client) => (((await c.callTool({ name: 'get_taste_profile', arguments: {} })).structuredContent as { counts: { liked: number } }).counts.liked);

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
    await done(client);
  });

  it('binds identity to the token: the same clientInfo.name with two tokens is two people, the name alone is nobody', async () => {
    const alice = await createMcpToken(h.db, 'alice-laptop');
    const bob = await createMcpToken(h.db, 'bob-laptop');
    const a = await connect('Claude Desktop', {}, alice.token);
    const b = await connect('Claude Desktop', {}, bob.token);
    expect((await a.callTool({ name: 'rate_track', arguments: { track: 'nirvana come as you are', rating: 'like' } })).isError).toBeFalsy();
    expect(await liked(a)).toBe(1);
    expect(await liked(b)).toBe(0);
    expect(await findPerson(h.db, MCP_PROVIDER, 'Claude Desktop')).toBeUndefined();
    // Another session with the same token is the same person, whatever it calls itself.
    const a2 = await connect('some-other-client', {}, alice.token);
    expect(await liked(a2)).toBe(1);
    // The operator token is one person (not whatever name the client sends), distinct from the client tokens.
    const op1 = await connect('Claude Desktop');
    const op2 = await connect('alice-laptop');
    const before = await liked(op1);
    const operator = (await findPerson(h.db, MCP_PROVIDER, MCP_OPERATOR_ID))!;
    const seen = new Set((await h.services.ratings.opinions(operator)).liked);
    const fresh = h.fixture.rock.find((id) => !seen.has(id))!;
    expect((await op1.callTool({ name: 'rate_track', arguments: { track: fresh, rating: 'like' } })).isError).toBeFalsy();
    expect(await liked(op2)).toBe(before + 1);
    expect(await liked(a)).toBe(1);
    await done(a, b, a2, op1, op2);
  });

  it('refuses X-Earworm-User, a revoked token, and a session id used with another token', async () => {
    const named = await initialize(TOKEN, { 'x-earworm-user': 'carol' });
    expect(named.status).toBe(400);
    expect(JSON.stringify(await named.json())).toMatch(/X-Earworm-User no longer selects a person.*earworm mcp-token create/);
    const carol = await createMcpToken(h.db, 'carol');
    const mallory = await createMcpToken(h.db, 'mallory');
    const transport = new StreamableHTTPClientTransport(new URL(`${running.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${carol.token}` } } });
    const c = new Client({ name: 'carol', version: '1' });
    await c.connect(transport);
    const stolen = await fetch(`${running.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${mallory.token}`, 'mcp-session-id': transport.sessionId! },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'get_taste_profile', arguments: {} } }),
    });
    expect(stolen.status).toBe(404);
    expect(await revokeMcpToken(h.db, 'carol')).toBe(true);
    expect((await initialize(carol.token)).status).toBe(401);
    await c.close();
  });

  it('caps open sessions per token (429) and in all (503), with a clear message', async () => {
    const t = await createMcpToken(h.db, 'many-sessions');
    const opened: Client[] = [];
    for (let i = 0; i < 3; i++) opened.push(await connect(`s${i}`, {}, t.token));
    const over = await initialize(t.token);
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('60');
    expect(JSON.stringify(await over.json())).toMatch(/already has 3 MCP sessions open/);
    // Another token still gets in until the global cap.
    while (mcp.sessions() < 12) opened.push(await connect('filler', {}, (await createMcpToken(h.db, `filler-${mcp.sessions()}`)).token));
    const full = await initialize((await createMcpToken(h.db, 'late')).token);
    expect(full.status).toBe(503);
    expect(JSON.stringify(await full.json())).toMatch(/12 MCP sessions open, its limit/);
    // Closing sessions frees their slots.
    const first = opened.shift()!;
    await done(first);
    expect((await initialize(t.token)).status).toBe(200);
    await done(...opened);
  });
});
