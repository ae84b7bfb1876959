/** The operator dashboard over HTTP: token gate, login cookie, CSRF, switch and rollback, the sections it shows. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeModelVersion, listModelVersions, modelFilePath, recordModelVersion } from '../../src/db/model-versions.ts';
import { evalRuns, jobRuns } from '../../src/db/schema.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { createHttpServer, listen } from '../../src/http/http-server.ts';
import { dashboardRoutes, numericMetrics } from '../../src/web/dashboard.ts';
import { DRIVERS } from '../support/db.ts';
import { hiddenValue, PageClient } from './support/http-client.ts';
import { DASHBOARD_TOKEN, openWeb, type WebHarness } from './support/web-harness.ts';

describe.each(DRIVERS)('dashboard over HTTP on %s', (driver) => {
  let w: WebHarness;
  let kind: string;
  let current: string;
  const reloaded: string[] = [];
  beforeAll(async () => {
    w = await openWeb(driver, { latency: async () => [{ name: 'tool recommend', p50: 12.5, p99: 80, count: 42 }], onActivate: (row) => void reloaded.push(`${row.kind} ${row.version}`) });
    const active = await activeModelVersion(w.h.db, 'hybrid');
    kind = active!.kind;
    current = active!.version;
    await recordModelVersion(w.h.db, w.h.home, { kind, version: 'candidate-2', path: modelFilePath(w.h.home, active!), metrics: { validation: { ndcg20: 0.11, recall20: 0.2 } } });
    await w.h.db.orm.insert(evalRuns).values([
      { dataset: 'tidy', task: 'C', model: 'hybrid', seed: 0, users: 500, metrics: { 'ndcg@20': 0.21, 'recall@20': 0.3 }, createdAt: new Date('2026-01-02T00:00:00Z') },
      { dataset: 'tidy', task: 'C', model: 'hybrid', seed: 0, users: 500, metrics: { 'ndcg@20': 0.24, 'recall@20': 0.33 }, createdAt: new Date('2026-02-02T00:00:00Z') },
    ]);
    await w.h.db.orm.insert(jobRuns).values({ queue: 'train', name: 'train-cf', jobKey: 'k1', status: 'running', progress: 0.4, attempts: 1, startedAt: new Date() });
  });
  afterAll(() => w.close());

  it('asks for the token, and takes a bearer token', async () => {
    const anon = new PageClient(w.server.url);
    const gate = await anon.get('/dashboard');
    expect(gate.status).toBe(401);
    expect(gate.text).toContain('<label for="token">Dashboard token</label>');
    const wrong = await anon.get('/dashboard', { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('That bearer token is not right.');
    const ok = await anon.get('/dashboard', { authorization: `Bearer ${DASHBOARD_TOKEN}` });
    expect(ok.status).toBe(200);
    for (const id of ['catalogue', 'models', 'evals', 'experiments', 'jobs', 'latency']) expect(ok.text).toContain(`id="${id}"`);
    expect(ok.text).toMatch(/data-count="Tracks">24</);
    expect(ok.text).toContain(`data-version="${current}"`);
    expect(ok.text).toContain(`aria-label="Switch ${kind} to candidate-2"`);
    expect(ok.text).toContain('tidy · task C: ndcg@20 over time');
    expect(ok.text).toContain('data-arm="hybrid"');
    expect(ok.text).toContain('strategy');
    expect(ok.text).toMatch(/<progress max="1" value="0.4"/);
    expect(ok.text).toContain('tool recommend');
    expect(ok.text).not.toContain('<script');
  });

  it('logs in with a signed HttpOnly cookie; a POST needs its CSRF token; switch and rollback work', async () => {
    const c = new PageClient(w.server.url);
    const bad = await c.post('/dashboard/login', { token: 'guess' });
    expect(bad.status).toBe(401);
    expect(bad.text).toContain('That token is not right.');
    const login = await c.post('/dashboard/login', { token: DASHBOARD_TOKEN });
    expect(login.status).toBe(303);
    expect(login.res.headers.get('set-cookie')).toMatch(/^ew_dash=\d+\.[A-Za-z0-9_-]+; Path=\/dashboard; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    const page = await c.get('/dashboard');
    expect(page.status).toBe(200);
    const csrf = hiddenValue(page.text, 'csrf');
    // A forged cookie is not accepted.
    const forged = new PageClient(w.server.url);
    forged.cookies.set('ew_dash', `${Date.now() + 1e6}.AAAA`);
    expect((await forged.get('/dashboard')).status).toBe(401);

    const noToken = await c.post('/dashboard/models/activate', { kind, version: 'candidate-2' });
    expect(noToken.status).toBe(403);
    expect((await activeModelVersion(w.h.db, kind))!.version).toBe(current);

    const back = await c.post('/dashboard/models/activate', { csrf, kind, version: 'candidate-2' });
    expect(back.status).toBe(303);
    expect((await activeModelVersion(w.h.db, kind))!.version).toBe('candidate-2');
    const shown = await c.get(back.res.headers.get('location')!);
    expect(shown.text).toContain(`Activated ${kind} candidate-2.`);
    expect(shown.text).toContain(`aria-label="Roll back ${kind} to ${current}"`);
    expect(shown.text).toMatch(/data-version="candidate-2">.*?<span class="tag">active<\/span>/);

    const unknown = await c.post('/dashboard/models/activate', { csrf, kind, version: 'nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('nothing changed');
    expect((await activeModelVersion(w.h.db, kind))!.version).toBe('candidate-2');

    const forward = await c.post('/dashboard/models/activate', { csrf, kind, version: current });
    expect(forward.status).toBe(303);
    expect((await activeModelVersion(w.h.db, kind))!.version).toBe(current);
    expect((await listModelVersions(w.h.db, kind)).filter((v) => v.active)).toHaveLength(1);
    expect(reloaded).toEqual([`${kind} candidate-2`, `${kind} ${current}`]);

    const out = await c.post('/dashboard/logout', { csrf });
    expect(out.status).toBe(303);
    expect((await c.get('/dashboard')).status).toBe(401);
  });

  it('takes a bearer POST without a CSRF token (no cookie involved)', async () => {
    const c = new PageClient(w.server.url);
    const r = await c.post('/dashboard/models/activate', { kind, version: current }, { headers: { authorization: `Bearer ${DASHBOARD_TOKEN}` } });
    expect(r.status).toBe(303);
    // A control character (Postgres cannot take U+0000) is a clear 400, not a failed request.
    const nul = await c.post('/dashboard/models/activate', { kind: `${kind}\u0000`, version: current }, { headers: { authorization: `Bearer ${DASHBOARD_TOKEN}` } });
    expect(nul.status).toBe(400);
    expect(nul.text).toContain('holds a control character, so nothing changed');
  });

  it('throttles wrong tokens per client address: 429 with Retry-After, then lets the right token in once the minute passes', async () => {
    let clock = Date.parse('2026-12-05T12:00:00Z');
    const server = await listen(createHttpServer(dashboardRoutes({ db: w.h.db, services: w.h.services, logger: silentLogger, token: DASHBOARD_TOKEN, now: () => clock, loginFailuresPerMinute: 5 }), silentLogger), 0, '127.0.0.1');
    try {
      const c = new PageClient(server.url);
      for (let i = 0; i < 5; i++) expect((await c.post('/dashboard/login', { token: `guess-${i}` })).status).toBe(401);
      const limited = await c.post('/dashboard/login', { token: DASHBOARD_TOKEN });
      expect(limited.status).toBe(429);
      expect(Number(limited.res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.text).toContain('Too many wrong dashboard tokens from your address');
      // Bearer guesses are the same door.
      expect((await c.get('/dashboard', { authorization: `Bearer ${DASHBOARD_TOKEN}` })).status).toBe(429);
      clock += 61_000;
      const ok = await c.post('/dashboard/login', { token: DASHBOARD_TOKEN });
      expect(ok.status).toBe(303);
      expect((await c.get('/dashboard')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('dashboard without a token', () => {
  it('is off, and says how to turn it on', async () => {
    const server = await listen(createHttpServer(dashboardRoutes({ db: undefined as never, services: undefined as never, logger: silentLogger, token: undefined }), silentLogger), 0);
    try {
      const r = await fetch(`${server.url}/dashboard`, { headers: { authorization: 'Bearer x' } });
      expect(r.status).toBe(404);
      expect(await r.text()).toContain('Set DASHBOARD_TOKEN');
    } finally {
      await server.close();
    }
  });

});

describe('metric flattening', () => {
  it('keeps numeric leaves two levels deep', () => {
    const m = numericMetrics({ validation: { ndcg20: 0.2, task: 'C', deep: { x: 1 } }, macroF1: 0.7, perClass: [1, 2], n: null });
    expect([...m]).toEqual([['validation.ndcg20', 0.2], ['macroF1', 0.7]]);
  });
});
