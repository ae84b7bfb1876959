/**
 * The service as `earworm start` wires it (runtime, front ends, jobs on Redis): after real activity `/metrics` shows
 * the recommend cache's hit ratio and the PSI of a drift check run on the requests just made, the dashboard shows the
 * latency measured on those requests and the recorded drift reports, and shutdown closes the job queue.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue.ts';
import { createJobProcessors } from '../../src/jobs/job-processors.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { latestDrift } from '../../src/pipeline/drift-check.ts';
import { waitForRun } from '../jobs/support/backends.ts';
import { DRIVERS } from '../support/db.ts';
import { startRedis, type LocalRedis } from '../support/local-servers.ts';
import { HAS_REDIS_SERVER, NO_REDIS_SERVER } from '../support/test-services.ts';
import { openService, type WiredService } from './support/wired-service.ts';

const MCP_TOKEN = 'mcp-token-0123456789';
const DASHBOARD_TOKEN = 'dashboard-token-0123456789';
/** Identical recommend calls: one miss, then hits; enough requests (≥ 50) for the requested-genre feature. */
const CALLS = 60;

/** The value of one series in Prometheus text (sum over series matching every label given); NaN when absent. */
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

/** Connections the Redis server has, besides the one asking. */
async function redisClients(url: string): Promise<number> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await probe.connect();
    const list = String(await probe.client('LIST'));
    return list.split('\n').filter((l) => l.trim() !== '').length - 1;
  } finally {
    probe.disconnect();
  }
}

describe.each(DRIVERS)('the service as earworm start wires it, on %s', (driver) => {
  let s: WiredService;
  let redis: LocalRedis | undefined;
  const auth = { authorization: `Bearer ${DASHBOARD_TOKEN}` };
  beforeAll(async () => {
    // Jobs and the recommend cache on Redis where redis-server is installed; in-process otherwise.
    if (HAS_REDIS_SERVER) redis = await startRedis();
    s = await openService(driver, { MCP_TOKEN, DASHBOARD_TOKEN, ...(redis !== undefined ? { REDIS_URL: redis.url } : {}) });
  });
  afterAll(async () => {
    await s?.close();
    await redis?.stop();
  });

  it('scrapes the recommend cache hit ratio and the drift PSI from /metrics after real requests and a drift check', async () => {
    const client = new Client({ name: 'wired-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${s.server.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${MCP_TOKEN}` } } }));
    try {
      for (let i = 0; i < CALLS; i++) {
        const r = await client.callTool({ name: 'recommend', arguments: { seeds: { text: 'daft punk' }, constraints: { genres: ['pop'] }, count: 5 } });
        expect(r.isError).toBeFalsy();
      }
    } finally {
      await client.close();
    }
    await s.rt.services.requests.flush(); // the rows are written in batches, off the answer path
    const before = await (await fetch(`${s.server.url}/metrics`, { headers: auth })).text();
    expect(sample(before, 'earworm_recommend_cache_events', { event: 'hit' })).toBeGreaterThanOrEqual(CALLS - 1);
    expect(sample(before, 'earworm_drift_psi')).toBeNaN(); // no drift check yet

    // A drift check, as the hourly drift-check job runs it (here in this process; nothing to retrain with).
    const queue = new InProcessJobQueue({ db: s.h.db, processors: createJobProcessors({ db: s.h.db, config: s.rt.config, logger: silentLogger, driftThreshold: s.rt.config.driftThreshold }), backoffMs: 10 });
    try {
      await queue.enqueue({ name: 'drift-check', data: {}, key: 'wired-check' });
      expect((await waitForRun(s.h.db, 'train', 'wired-check', 30_000)).status).toBe('completed');
    } finally {
      await queue.close();
    }

    const res = await fetch(`${s.server.url}/metrics`, { headers: auth });
    expect(res.status).toBe(200);
    const text = await res.text();
    // Every request asked for pop, a small share of the training interactions: a large PSI.
    const recorded = (await latestDrift(s.h.db)).find((d) => d.feature === 'requested_genre');
    expect(recorded!.value).toBeGreaterThan(0.2);
    expect(sample(text, 'earworm_drift_psi', { feature: 'requested_genre' })).toBeCloseTo(recorded!.value, 6);
    const ratio = sample(text, 'earworm_recommend_cache_hit_ratio');
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(1);
    expect(sample(text, 'earworm_tool_calls_total', { tool: 'recommend', outcome: 'ok' })).toBe(CALLS);
  });

  it('serves the dashboard with the latency measured on those requests and the drift reports', async () => {
    const res = await fetch(`${s.server.url}/dashboard`, { headers: auth });
    expect(res.status).toBe(200);
    const html = await res.text();
    const latency = html.slice(html.indexOf('id="latency"'));
    const row = /<th scope="row">tool recommend<\/th><td class="num">([^<]+)<\/td><td class="num">([^<]+)<\/td><td class="num">([^<]+)<\/td>/.exec(latency);
    expect(row).not.toBeNull();
    expect(Number(row![1])).toBeGreaterThan(0);
    expect(Number(row![2])).toBeGreaterThanOrEqual(Number(row![1]));
    expect(row![3]).toBe(String(CALLS));
    expect(latency).toMatch(/<th scope="row">HTTP \/mcp<\/th>/);

    const drift = html.slice(html.indexOf('id="drift"'), html.indexOf('id="latency"'));
    const reports = await latestDrift(s.h.db);
    expect(reports.length).toBeGreaterThan(0);
    for (const d of reports) {
      expect(drift).toContain(`<th scope="row">${d.feature}</th><td class="num${d.value > d.threshold ? ' status-failed' : ''}">${d.value.toFixed(3)}</td>`);
    }
    expect(drift).toContain('<th scope="row">requested_genre</th><td class="num status-failed">');
  });

  it(`closes the job queue at shutdown: the jobs step runs and no Redis connection is left${NO_REDIS_SERVER === undefined ? '' : ` (Redis part skipped: ${NO_REDIS_SERVER})`}`, async () => {
    if (redis !== undefined) expect(await redisClients(redis.url)).toBeGreaterThan(0);
    const report = await s.close();
    expect(report.steps.map((step) => [step.name, step.phase, step.outcome])).toEqual(
      expect.arrayContaining([
        ['http server', 'intake', 'done'],
        ['jobs', 'work', 'done'],
        ['request log', 'work', 'done'],
        ['housekeeping', 'work', 'done'],
        ['recommend cache', 'storage', 'done'],
        ['database', 'storage', 'done'],
      ]),
    );
    expect(report.steps.map((step) => step.name).indexOf('jobs')).toBeLessThan(report.steps.map((step) => step.name).indexOf('database'));
    if (redis !== undefined) expect(await redisClients(redis.url)).toBe(0);
  });
});
