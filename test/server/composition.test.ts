/**
 * The composition root serves `earworm chat` and `earworm mcp` as it serves `earworm start`: the recommend cache, the
 * metrics observer and the model watcher are there. In process: chat's runtime (createRuntime, what `earworm chat`
 * builds) and the stdio MCP services (openApp + openServing, what `earworm mcp` builds); as a process: `earworm mcp
 * --http`, whose /metrics counts a second identical recommend as a cache hit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { openDb } from '../../src/db/db.ts';
import { resolvePerson } from '../../src/serving/state/people.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { trainCfModel } from '../../src/pipeline/train-cf-model.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { openApp, openServing, type App, type Serving } from '../../src/server/composition.ts';
import type { Metrics } from '../../src/server/metrics.ts';
import { createRuntime } from '../../src/server/runtime.ts';
import { callTool } from '../../src/tools/registry.ts';
import { contextFor, type ToolServices } from '../../src/tools/tool-context.ts';
import { EARWORM_BIN } from '../cli/support/run-earworm.ts';
import { DRIVERS } from '../support/db.ts';
import { buildFixture } from '../tools/support/catalogue-fixture.ts';
import { openHarness, valueOf, type Harness } from '../tools/support/tool-harness.ts';

const ask = { seeds: { artists: ['Daft Punk'] }, count: 5 };

/** The value of one series in Prometheus text (summed over the series that carry every label given); NaN when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = Number.NaN;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total = (Number.isNaN(total) ? 0 : total) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Calls recommend twice with the same request as one person; returns the metrics text before and after. */
async function recommendTwice(db: App['db'], services: ToolServices, metrics: Metrics, person: string) {
  const before = await metrics.registry.metrics();
  const ctx = contextFor(services, await resolvePerson(db, 'terminal', person), { platform: 'terminal' });
  const first = valueOf(await callTool('recommend', ask, ctx));
  const second = valueOf(await callTool('recommend', ask, ctx));
  return { before, after: await metrics.registry.metrics(), first, second };
}

/** A new version of the chat model trained and activated, as a worker in another process would. */
async function publishV2(h: Harness): Promise<void> {
  await trainCfModel(h.db, h.home, silentLogger, { version: 'v2', ials: { factors: 8, iterations: 3 } });
}

describe.each(DRIVERS)('composition root on %s', (driver) => {
  it("gives chat's runtime the recommend cache, the metrics observer and the model watcher", async () => {
    const h = await openHarness(driver);
    const config = loadConfig({ EARWORM_HOME: h.home, LOG_LEVEL: 'silent' });
    let seed = 1;
    const rt = await createRuntime({ config, db: h.db, logger: silentLogger, random: () => new SeededRandom(seed++), watchIntervalMs: 60_000 });
    try {
      const { before, after, first, second } = await recommendTwice(rt.db, rt.services, rt.metrics, 'chat-person');
      expect(second).toEqual(first);
      expect(sample(after, 'earworm_tool_calls_total', { tool: 'recommend', outcome: 'ok' })).toBe(2);
      expect(sample(after, 'earworm_recommend_cache_events', { event: 'hit' }) - sample(before, 'earworm_recommend_cache_events', { event: 'hit' })).toBe(1);

      expect(first.model).toBe('hybrid v1');
      await publishV2(h);
      expect(await rt.watcher.check()).toBe(true);
      expect(rt.services.models?.model.version).toBe('v2');
      expect(rt.modelStatus()).toMatchObject({ version: 'v2' });
      const ctx = contextFor(rt.services, await resolvePerson(rt.db, 'terminal', 'chat-person'), { platform: 'terminal' });
      expect(valueOf(await callTool('recommend', ask, ctx)).model).toBe('hybrid v2');
    } finally {
      await rt.shutdown('test end');
      await h.close();
    }
  });

  it("gives the stdio MCP services the cache and metrics, and a watcher that picks up a new version by itself; shutdown closes the database last", async () => {
    const h = await openHarness(driver);
    const config = loadConfig({ EARWORM_HOME: h.home, LOG_LEVEL: 'silent' });
    let app: App | undefined;
    let serving: Serving;
    try {
      app = await openApp({ config, db: h.db, logger: silentLogger });
      serving = await openServing(app, { watchIntervalMs: 50 });
      const { before, after, first, second } = await recommendTwice(app.db, serving.services, app.metrics, 'mcp-person');
      expect(second).toEqual(first);
      expect(sample(after, 'earworm_tool_calls_total', { tool: 'recommend' })).toBe(2);
      expect(sample(after, 'earworm_recommend_cache_events', { event: 'hit' }) - sample(before, 'earworm_recommend_cache_events', { event: 'hit' })).toBe(1);

      await publishV2(h);
      // Nobody calls check(): the watcher's own polling swaps the model in.
      await vi.waitFor(() => expect(serving.services.models?.model.version).toBe('v2'), { timeout: 20_000, interval: 50 });
    } finally {
      const report = await app?.shutdown('test end');
      await h.close();
      if (report !== undefined) {
        const order = report.steps.map((s) => `${s.phase}:${s.name}`);
        expect(order).toEqual(expect.arrayContaining(['work:model watcher', 'work:request log', 'storage:recommend cache', 'storage:database']));
        expect(order.indexOf('storage:database')).toBeGreaterThan(order.indexOf('work:model watcher'));
        expect(report.steps.every((s) => s.outcome === 'done')).toBe(true);
      }
    }
  });
});

describe('earworm mcp --http (a spawned process, embedded PGlite)', () => {
  const TOKEN = 'mcp-token-for-the-composition-test';
  let home: string;
  let child: ChildProcess | undefined;
  let url: string;
  let stderr = '';
  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'earworm-mcp-http-'));
    const db = await openDb({ pgliteDir: path.join(home, 'pgdata') });
    try {
      await buildFixture(db, home);
    } finally {
      await db.close();
    }
    child = spawn(process.execPath, [EARWORM_BIN, 'mcp', '--http', '--port', '0'], {
      env: { PATH: process.env.PATH ?? '', EARWORM_HOME: home, EARWORM_DATA_DIR: path.join(home, 'data'), EARWORM_DOWNLOADS: 'off', LOG_LEVEL: 'warn', MCP_TOKEN: TOKEN },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    url = await new Promise<string>((resolve, reject) => {
      child!.stderr!.on('data', (c: Buffer) => {
        stderr += c.toString();
        const m = /MCP server on (http:\/\/\S+)\/mcp /.exec(stderr);
        if (m !== null) resolve(m[1]!);
      });
      child!.once('exit', (code) => reject(new Error(`earworm mcp --http exited with ${code}:\n${stderr}`)));
    });
  }, 240_000);
  afterAll(async () => {
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(home, { recursive: true, force: true });
  });

  it('serves /readyz and /metrics beside /mcp, counts tool calls, and a second identical recommend is a cache hit; SIGTERM stops it cleanly', async () => {
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, unknown> }).checks).toHaveProperty('models');

    const client = new Client({ name: 'composition-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }));
    try {
      const first = await client.callTool({ name: 'recommend', arguments: ask });
      const second = await client.callTool({ name: 'recommend', arguments: ask });
      expect(first.isError).toBeFalsy();
      expect(second.structuredContent).toEqual(first.structuredContent);
    } finally {
      await client.close();
    }
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(sample(metrics, 'earworm_tool_calls_total', { tool: 'recommend', outcome: 'ok' })).toBe(2);
    expect(sample(metrics, 'earworm_recommend_cache_events', { event: 'hit' })).toBe(1);
    expect(sample(metrics, 'earworm_recommend_cache_events', { event: 'miss' })).toBe(1);
    expect(sample(metrics, 'earworm_http_request_duration_seconds_count', { route: '/mcp' })).toBeGreaterThan(0);

    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
