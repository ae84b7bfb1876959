/**
 * Load and fault run of the composed service (the same runtime `earworm start` builds) on loopback: 50 concurrent
 * MCP conversations of 20 turns through the SDK's client and 50 through the Slack endpoint, then Redis stopped and
 * restarted, the LLM stopped (the rule planner answers), a real training job run through the job queue, and finally
 * /metrics scraped and checked. Prints its figures.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Speaker } from '../../src/desk/front-desk.ts';
import { loadConfig } from '../../src/config/config.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { createJobProcessors } from '../../src/jobs/job-processors.ts';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue.ts';
import { JobEvents } from '../../src/jobs/job-events.ts';
import { observeJobEvents } from '../../src/server/metrics.ts';
import { waitForRun } from '../jobs/support/backends.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';
import type { RunningServer } from '../../src/http/http-server.ts';
import { createRuntime, type Runtime } from '../../src/server/runtime.ts';
import { createMcpToken } from '../../src/mcp/mcp-identity.ts';
import { DRIVERS } from '../support/db.ts';
import { startRedis, type LocalRedis } from '../support/local-servers.ts';
import { openHarness, type Harness } from '../tools/support/tool-harness.ts';
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.ts';
import { formatFigures, percentile, runLoad, type LoadTarget } from './support/load-harness.ts';
import { mcpTarget } from './support/mcp-target.ts';
import { slackTarget } from './support/slack-target.ts';
import { createSlackFrontEnd } from '../../src/bots/slack/slack-app.ts';
import { startFakeSlack, type FakeSlack } from '../bots/slack/support/fake-slack.ts';

const MCP_TOKEN = 'load-mcp-token-0123456789';
const METRICS_TOKEN = 'load-dashboard-token-0123';
const SLACK_SECRET = 'load-slack-signing-secret';
const CONVERSATIONS = 50;
const TURNS = 20;
/** Postgres (the system of record) when the run has one, else the embedded database. */
const DRIVER = DRIVERS.includes('postgres') ? 'postgres' : 'pglite';

const report: string[] = [];
let tokensMade = 0;

describe(`service under load (${DRIVER})`, () => {
  let h: Harness;
  let rt: Runtime;
  let running: RunningServer;
  let llm: FakeOpenAi;
  let redis: LocalRedis;
  let slackApi: FakeSlack;
  /** Each MCP conversation is its own person: its own client token. */
  const clientToken = async (conversation: number) => (await createMcpToken(h.db, `load-${tokensMade++}-${conversation}`)).token;
  beforeAll(async () => {
    slackApi = await startFakeSlack();
    h = await openHarness(DRIVER);
    llm = await startFakeOpenAi();
    redis = await startRedis();
    const config = loadConfig({ EARWORM_HOME: h.home, MCP_TOKEN, DASHBOARD_TOKEN: METRICS_TOKEN, LLM_BASE_URL: llm.baseURL, REDIS_URL: redis.url, LOG_LEVEL: 'silent', SLACK_BOT_TOKEN: 'xoxb-load', SLACK_SIGNING_SECRET: SLACK_SECRET, EARWORM_RATE_LIMIT: '100' });
    let seed = 1;
    rt = await createRuntime({ config, db: h.db, logger: silentLogger, random: () => new SeededRandom(seed++), llmClient: { maxRetries: 0, timeoutMs: 5000 }, agent: { llmCooldownMs: 0 } });
    const slack = createSlackFrontEnd({ desk: rt.desk, db: rt.db, logger: silentLogger, slack: config.slack, publicUrl: config.publicUrl, clientOptions: { slackApiUrl: slackApi.apiUrl } });
    await slack.start();
    running = await rt.serve(slack.routes, { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await rt?.shutdown('load test end');
    await llm?.stop();
    await redis?.stop();
    await h?.close();
    await slackApi?.close();
    console.log(`\n=== load and fault figures (${DRIVER})\n${report.join('\n')}\n`);
  });

  it(`${CONVERSATIONS} concurrent conversations × ${TURNS} turns through MCP over HTTP and the Slack endpoint: no errors, every vote stored`, async () => {
    const targets: LoadTarget[] = [mcpTarget(`${running.url}/mcp`, clientToken, h.fixture), slackTarget(`${running.url}/slack/events`, SLACK_SECRET, slackApi)];
    const figures = await runLoad(targets, { conversations: CONVERSATIONS, turns: TURNS });
    report.push(formatFigures(figures));
    for (const f of figures) {
      expect(f.errorSamples).toEqual([]);
      expect(f.errors).toBe(0);
      expect(f.turns).toBe(CONVERSATIONS * TURNS);
    }
    const [{ n } = { n: -1 }] = await h.db.rows<{ n: number }>(sql`select count(*)::int as n from votes where interaction_id like 'load-%'`);
    expect(n).toBe(CONVERSATIONS * 4);
    expect(rt.mcp!.sessions()).toBe(0);
  });

  it('Redis down: /readyz answers 503 naming Redis and why, MCP keeps answering, ready again once Redis is back', async () => {
    await redis.stop();
    const t0 = performance.now();
    const down = await fetch(`${running.url}/readyz`);
    const detectMs = performance.now() - t0;
    const body = (await down.json()) as { checks: Record<string, { status: string; detail?: string }> };
    expect(down.status).toBe(503);
    expect(body.checks.redis!.detail).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:\d+\/? does not answer \(.*ECONNREFUSED.*\): check REDIS_URL and that Redis is running$/);
    const during = await runLoad([mcpTarget(`${running.url}/mcp`, clientToken, h.fixture)], { conversations: 5, turns: 4 });
    expect(during[0]!.errors).toBe(0);
    await redis.start();
    const t1 = performance.now();
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
    report.push(`redis down: /readyz 503 in ${detectMs.toFixed(0)} ms ("${body.checks.redis!.detail}"); 20 MCP turns meanwhile, 0 errors; ready again ${(performance.now() - t1).toFixed(0)} ms after restart`);
  });

  it('LLM down: the rule planner answers every turn, /readyz stays 200, the error is counted', async () => {
    const speaker = (i: number): Speaker => ({ platform: 'load', externalId: `llm-${i}`, channelId: 'c' });
    const up = await rt.desk.say(speaker(0), 'something like daft punk');
    expect(up).toMatchObject({ kind: 'reply', reply: { planner: 'llm' } });
    await llm.stop();
    const latencies: number[] = [];
    for (let i = 1; i <= 10; i++) {
      const t0 = performance.now();
      const r = await rt.desk.say(speaker(i), 'something like daft punk');
      latencies.push(performance.now() - t0);
      expect(r).toMatchObject({ kind: 'reply', reply: { planner: 'rules' } });
      if (r.kind === 'reply') {
        expect(r.reply.text).toMatch(/language model is not answering/);
        expect(r.reply.cards.length).toBeGreaterThan(0);
      }
    }
    const ready = await fetch(`${running.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: { llm: { status: string } } }).checks.llm.status).toBe('fail');
    await llm.start();
    latencies.sort((a, b) => a - b);
    report.push(`llm down: 10/10 turns answered by the rule planner, latency p50 ${percentile(latencies, 50).toFixed(0)} ms, max ${latencies[latencies.length - 1]!.toFixed(0)} ms; /readyz 200 with llm: fail`);
  });

  it('runs a real job (training the recommender) through the job queue, whose events feed the job histogram', async () => {
    const events = new JobEvents();
    observeJobEvents(events, rt.metrics);
    const queue = new InProcessJobQueue({ db: h.db, processors: createJobProcessors({ db: h.db, config: rt.config, logger: silentLogger, driftThreshold: rt.config.driftThreshold }), events, backoffMs: 10 });
    const started = performance.now();
    try {
      await queue.enqueue({ name: 'train', data: { targets: ['cf'] }, key: 'load-retrain' });
      expect((await waitForRun(h.db, 'train', 'load-retrain', 60_000)).status).toBe('completed');
    } finally {
      await queue.close();
    }
    report.push(`job: train (cf) on the fixture catalogue through the in-process queue in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  });

  it('/metrics after the run shows HTTP, tool, vote, job and LLM series with non-zero values', async () => {
    expect((await fetch(`${running.url}/metrics`)).status).toBe(401);
    const res = await fetch(`${running.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const series = (name: string, labels: Record<string, string> = {}) =>
      text
        .split('\n')
        .filter((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
        .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    const turns = CONVERSATIONS * TURNS;
    expect(series('earworm_http_request_duration_seconds_count', { route: '/mcp', method: 'POST', status: '200' })).toBeGreaterThanOrEqual(turns);
    expect(series('earworm_http_request_duration_seconds_sum', { route: '/mcp' })).toBeGreaterThan(0);
    expect(series('earworm_http_request_duration_seconds_count', { route: '/readyz', status: '503' })).toBeGreaterThanOrEqual(1);
    expect(series('earworm_tool_calls_total', { outcome: 'ok' })).toBeGreaterThanOrEqual(turns);
    expect(series('earworm_tool_calls_total', { outcome: 'system' })).toBe(0);
    expect(series('earworm_tool_call_duration_seconds_count', { tool: 'recommend' })).toBeGreaterThanOrEqual(2 * CONVERSATIONS);
    expect(series('earworm_tool_call_duration_seconds_sum', { tool: 'recommend' })).toBeGreaterThan(0);
    expect(series('earworm_votes_recorded_total')).toBe(CONVERSATIONS * 4);
    expect(series('earworm_job_duration_seconds_count', { queue: 'train', name: 'train', outcome: 'completed' })).toBe(1);
    expect(series('earworm_job_duration_seconds_sum', { queue: 'train' })).toBeGreaterThan(0);
    expect(series('earworm_llm_request_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(series('earworm_llm_request_duration_seconds_sum', { outcome: 'ok' })).toBeGreaterThan(0);
    expect(series('earworm_llm_errors_total', { code: 'LLM_UNREACHABLE' })).toBeGreaterThanOrEqual(10);
    const shown = text.split('\n').filter((l) => /^earworm_(http|tool|votes|job|llm)\w*(_count|_sum|_total)[{ ]/.test(l));
    report.push(`/metrics after the run (counts and sums; buckets omitted):\n  ${shown.join('\n  ')}`);
  });
});
