/** The composed runtime: /readyz, /metrics with real traffic behind it, and the graceful shutdown of its parts. */
import { EventEmitter } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Speaker } from '../../src/desk/front-desk.ts';
import { loadConfig } from '../../src/config/config.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';
import type { RunningServer } from '../../src/http/http-server.ts';
import { observeJobEvents } from '../../src/server/metrics.ts';
import { createRuntime, type Runtime } from '../../src/server/runtime.ts';
import { DRIVERS } from '../support/db.ts';
import { startRedis, type LocalRedis } from '../support/local-servers.ts';
import { HAS_REDIS_SERVER, NO_REDIS_SERVER } from '../support/test-services.ts';
import { startFakeOpenAi, type FakeOpenAi } from '../load/support/fake-openai.ts';
import { openHarness, type Harness } from '../tools/support/tool-harness.ts';

const MCP_TOKEN = 'mcp-token-0123456789';
const DASHBOARD_TOKEN = 'dashboard-token-0123456789';

/** The value of one series in Prometheus text (sum over series matching every label given). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    found = true;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return found ? total : Number.NaN;
}

/** Without redis-server the runtime runs without REDIS_URL, and the Redis checks are reported as skipped. */
const itWithRedis = it.skipIf(!HAS_REDIS_SERVER);
const redisNote = NO_REDIS_SERVER === undefined ? '' : ` [skipped: ${NO_REDIS_SERVER}]`;

describe.each(DRIVERS)('runtime on %s', (driver) => {
  let h: Harness;
  let rt: Runtime;
  let running: RunningServer;
  let llm: FakeOpenAi;
  let redis: LocalRedis | undefined;
  const scrape = async () => {
    const res = await fetch(`${running.url}/metrics`, { headers: { authorization: `Bearer ${DASHBOARD_TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };
  beforeAll(async () => {
    h = await openHarness(driver);
    llm = await startFakeOpenAi();
    if (HAS_REDIS_SERVER) redis = await startRedis();
    const config = loadConfig({ EARWORM_HOME: h.home, MCP_TOKEN, DASHBOARD_TOKEN, LLM_BASE_URL: llm.baseURL, ...(redis !== undefined ? { REDIS_URL: redis.url } : {}), LOG_LEVEL: 'silent' });
    let seed = 1;
    rt = await createRuntime({ config, db: h.db, logger: silentLogger, random: () => new SeededRandom(seed++), llmClient: { maxRetries: 0, timeoutMs: 5000 }, drainMs: 1000 });
    running = await rt.serve([], { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await rt?.shutdown('test end');
    await llm?.stop();
    await redis?.stop();
    await h?.close();
  });

  it('is ready when the database, Redis (when configured) and the models are, and lists each check', async () => {
    const res = await fetch(`${running.url}/readyz`);
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string; required: boolean; detail?: string }> };
    expect(res.status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.checks.database).toMatchObject({ status: 'ok', required: true, detail: driver });
    expect(body.checks.models).toMatchObject({ status: 'ok', required: true });
    expect(body.checks.models!.detail).toMatch(/^version /);
    if (redis !== undefined) expect(body.checks.redis).toMatchObject({ status: 'ok', required: true });
    else expect(body.checks.redis).toBeUndefined();
    expect(body.checks.llm).toMatchObject({ status: 'ok', required: false, detail: 'openai/gpt-oss-20b' });
  });

  itWithRedis(`is not ready (503) while Redis is down, says which and why, and ready again when it is back${redisNote}`, async () => {
    if (redis === undefined) throw new Error('no redis-server');
    await redis.stop();
    const down = await fetch(`${running.url}/readyz`);
    const body = (await down.json()) as { status: string; checks: Record<string, { status: string; detail?: string }> };
    expect(down.status).toBe(503);
    expect(body.checks.redis!.status).toBe('fail');
    expect(body.checks.redis!.detail).toMatch(new RegExp(`Redis at redis://127.0.0.1:${redis.port}/? does not answer .*check REDIS_URL`));
    expect(body.checks.database!.status).toBe('ok');
    await redis.start();
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
  });

  it('stays ready while the LLM is down (the rule planner answers), reporting the LLM check as failed', async () => {
    await llm.stop();
    try {
      const res = await fetch(`${running.url}/readyz`);
      const body = (await res.json()) as { checks: Record<string, { status: string; detail?: string }> };
      expect(res.status).toBe(200);
      expect(body.checks.llm!.status).toBe('fail');
      expect(body.checks.llm!.detail).toMatch(/unreachable .*rule planner answers meanwhile/);
    } finally {
      await llm.start();
    }
  });

  it('counts HTTP requests, tool calls, votes, LLM requests and jobs on /metrics (behind the dashboard token)', async () => {
    expect((await fetch(`${running.url}/metrics`)).status).toBe(401);
    const before = await scrape();
    expect(sample(before, 'earworm_votes_recorded_total')).toBeNaN();

    const client = new Client({ name: 'metrics-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${running.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${MCP_TOKEN}` } } }));
    const cmp = await client.callTool({ name: 'next_comparison', arguments: {} });
    const comparisonId = (cmp.structuredContent as { comparison_id: number }).comparison_id;
    const vote = { name: 'record_preference', arguments: { comparison_id: comparisonId, choice: 'b', interaction_id: 'metrics-vote' } };
    expect((await client.callTool(vote)).isError).toBeFalsy();
    expect((await client.callTool(vote)).isError).toBeFalsy(); // a repeat: stored once, counted once
    expect((await client.callTool({ name: 'play_song', arguments: {} })).isError).toBe(true);
    await client.close();

    const alice: Speaker = { platform: 'test', externalId: 'alice', channelId: 'c1' };
    const said = await rt.desk.say(alice, 'something like daft punk');
    expect(said).toMatchObject({ kind: 'reply', reply: { planner: 'llm' } });

    const events = new EventEmitter();
    observeJobEvents(events as never, rt.metrics);
    events.emit('completed', { queue: 'train', name: 'train-cf', durationMs: 1500 });
    events.emit('failed', { queue: 'import', name: 'import', durationMs: 200, willRetry: true });
    events.emit('completed', { queue: 'index', name: 'build-index', durationMs: 10 });

    const text = await scrape();
    expect(sample(text, 'earworm_http_request_duration_seconds_count', { route: '/mcp', method: 'POST', status: '200' })).toBeGreaterThanOrEqual(5);
    expect(sample(text, 'earworm_http_request_duration_seconds_count', { route: '/readyz' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'earworm_tool_calls_total', { tool: 'next_comparison', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'earworm_tool_calls_total', { tool: 'record_preference', outcome: 'ok' })).toBe(2);
    expect(sample(text, 'earworm_tool_calls_total', { tool: 'unknown', outcome: 'retry' })).toBe(1);
    expect(sample(text, 'earworm_tool_calls_total', { tool: 'search_catalog', outcome: 'ok' })).toBe(1); // the LLM's call
    expect(sample(text, 'earworm_tool_call_duration_seconds_count', { tool: 'record_preference' })).toBe(2);
    expect(sample(text, 'earworm_votes_recorded_total', { choice: 'b' })).toBe(1);
    expect(sample(text, 'earworm_llm_request_duration_seconds_count', { outcome: 'ok' })).toBe(2);
    expect(sample(text, 'earworm_job_duration_seconds_count', { queue: 'train', name: 'train-cf', outcome: 'completed' })).toBe(1);
    expect(sample(text, 'earworm_job_duration_seconds_sum', { queue: 'train' })).toBeCloseTo(1.5);
    expect(sample(text, 'earworm_job_duration_seconds_count', { queue: 'import', outcome: 'retried' })).toBe(1);
    expect(sample(text, 'earworm_job_duration_seconds_count', { queue: 'index', outcome: 'completed' })).toBe(1);
    expect(sample(text, 'earworm_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('falls back to the rule planner when the LLM stops answering, and counts the LLM error', async () => {
    await llm.stop();
    const bob: Speaker = { platform: 'test', externalId: 'bob', channelId: 'c1' };
    const said = await rt.desk.say(bob, 'something like daft punk');
    expect(said).toMatchObject({ kind: 'reply', reply: { planner: 'rules' } });
    if (said.kind === 'reply') expect(said.reply.text).toMatch(/language model is not answering/);
    expect(sample(await scrape(), 'earworm_llm_errors_total', { code: 'LLM_UNREACHABLE' })).toBe(1);
    await llm.start();
  });

  it('shuts down in order: HTTP drain, MCP sessions, the model watcher and the request log, then the database', async () => {
    const report = await rt.shutdown('test');
    expect(report.steps.map((s) => [s.name, s.phase, s.outcome])).toEqual([
      ['http server', 'intake', 'done'],
      ['mcp sessions', 'work', 'done'],
      ['model watcher', 'work', 'done'],
      ['request log', 'work', 'done'],
      ['recommend cache', 'storage', 'done'],
      ['database', 'storage', 'done'],
    ]);
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
  });
});
