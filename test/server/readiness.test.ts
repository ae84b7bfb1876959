import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.ts';
import { createHttpServer, listen, type RunningServer } from '../../src/http/http-server.ts';
import { checkReadiness, databaseCheck, llmCheck, modelsCheck, readinessRoute, redisCheck, type ReadinessCheck } from '../../src/server/readiness.ts';
import { freshDb } from '../support/db.ts';
import { freePort } from '../support/local-servers.ts';

const hanging: ReadinessCheck = { name: 'slow', required: true, run: () => new Promise(() => {}) };
const optionalFail: ReadinessCheck = { name: 'extra', required: false, run: () => Promise.reject(new Error('down')) };

describe('readiness checks', () => {
  let running: RunningServer;
  let closedPort: number;
  beforeAll(async () => {
    closedPort = await freePort();
  });
  afterAll(async () => {
    await running?.close();
  });

  it('fails a required check that does not answer in time, and ignores a failing optional one', async () => {
    const report = await checkReadiness([hanging, optionalFail], 50);
    expect(report.ready).toBe(false);
    expect(report.checks.slow).toMatchObject({ status: 'fail', required: true, detail: 'no answer within 50 ms' });
    expect(report.checks.extra).toMatchObject({ status: 'fail', required: false, detail: 'down' });
    expect((await checkReadiness([optionalFail], 50)).ready).toBe(true);
  });

  it('answers 503 with a message per check when the database is gone and Redis is unreachable', async () => {
    const db = await freshDb('pglite');
    const checks = [databaseCheck(db), redisCheck(`redis://:secret@127.0.0.1:${closedPort}`), modelsCheck(() => ({ source: 'popularity-fallback', version: undefined, problem: { message: 'no model version is active' } }))];
    running = await listen(createHttpServer([readinessRoute(checks, 1000)], silentLogger), 0);
    const ok = await fetch(`${running.url}/readyz`);
    expect(ok.status).toBe(503); // Redis only
    await db.close();
    const res = await fetch(`${running.url}/readyz`);
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string; detail: string }> };
    expect(res.status).toBe(503);
    expect(body.status).toBe('not ready');
    expect(body.checks.database!.status).toBe('fail');
    expect(body.checks.database!.detail).toMatch(/^the embedded database does not answer/);
    expect(body.checks.redis!.detail).toMatch(new RegExp(`^Redis at redis://:\\*\\*\\*@127.0.0.1:${closedPort}/? does not answer \\(.*ECONNREFUSED.*\\): check REDIS_URL`));
    expect(body.checks.redis!.detail).not.toContain('secret');
    expect(body.checks.models).toMatchObject({ status: 'degraded', detail: 'popularity floor: no model version is active' });
  });

  it('reports an LLM endpoint that is down or answers an error, without failing readiness', async () => {
    const down = await checkReadiness([llmCheck({ baseUrl: `http://127.0.0.1:${closedPort}/v1`, apiKey: 'EMPTY', model: 'm' })]);
    expect(down.ready).toBe(true);
    expect(down.checks.llm!.detail).toMatch(/\/v1\/models is unreachable \(.*ECONNREFUSED.*\); the rule planner answers meanwhile/);
    const erroring = await listen(createHttpServer([], silentLogger), 0);
    try {
      const r = await checkReadiness([llmCheck({ baseUrl: `${erroring.url}/v1/`, apiKey: 'EMPTY', model: 'm' })]);
      expect(r.checks.llm).toMatchObject({ status: 'fail', detail: `${erroring.url}/v1/models answered HTTP 404; the rule planner answers meanwhile` });
    } finally {
      await erroring.close();
    }
  });
});
