/**
 * A state folder can move: model versions are stored relative to it, so a folder trained at one path and renamed to
 * another serves its own trained model from the new path; a model file that goes missing is a readiness failure that
 * operators see (/readyz 503 naming the version and the file, an error log line, `earworm_model_unloadable` 1), not
 * a quiet downgrade to the popularity floor. Paths written as absolute ones by earlier versions are rewritten by the
 * 0007 migration and re-rooted on load.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { MIGRATIONS_DIR, openDb } from '../../src/db/db.ts';
import { activeModelVersion, modelFilePath, storedModelPath, TRACK_MODEL_KIND } from '../../src/db/model-versions.ts';
import { trainCfModel } from '../../src/pipeline/train-cf-model.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { createRuntime } from '../../src/server/runtime.ts';
import { seedCatalogue } from '../tools/support/catalogue-fixture.ts';

/** A logger that keeps every line it writes (JSON objects). */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** Starts the service on a state folder as `earworm start` does (database and models from config), asks /readyz and /metrics, stops it. */
async function serveFrom(home: string) {
  const { logger, lines } = capturingLogger();
  const config = loadConfig({ EARWORM_HOME: home, DASHBOARD_TOKEN: 'dashboard-token-0123456789', LOG_LEVEL: 'silent' });
  const rt = await createRuntime({ config, logger, drainMs: 1000 });
  try {
    const running = await rt.serve([], { port: 0, host: '127.0.0.1' });
    const ready = await fetch(`${running.url}/readyz`);
    const body = (await ready.json()) as { status: string; checks: Record<string, { status: string; detail?: string }> };
    const metrics = await (await fetch(`${running.url}/metrics`, { headers: { authorization: 'Bearer dashboard-token-0123456789' } })).text();
    const recommended = rt.model.recommendFromTracks([], 3);
    return { status: ready.status, body, metrics, lines, source: rt.model.source, version: rt.model.version, recommended };
  } finally {
    await rt.shutdown('test end');
  }
}

describe('a state folder that moves', () => {
  let root: string;
  let a: string;
  let b: string;
  let modelFile: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'earworm-move-'));
    a = path.join(root, 'a');
    b = path.join(root, 'b');
    const db = await openDb({ pgliteDir: path.join(a, 'pgdata') });
    try {
      await seedCatalogue(db);
      await trainCfModel(db, a, silentLogger, { version: 'v1', ials: { factors: 8, iterations: 3 } });
      const row = (await activeModelVersion(db, TRACK_MODEL_KIND))!;
      // Stored relative to the state folder, not as an absolute path under a/.
      expect(row.path).toBe(`models/${TRACK_MODEL_KIND}/v1/model.ewm`);
    } finally {
      await db.close();
    }
    await rename(a, b);
    modelFile = path.join(b, 'models', TRACK_MODEL_KIND, 'v1', 'model.ewm');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('serves the model trained before the move from the new path, and is ready', async () => {
    const s = await serveFrom(b);
    expect(s.source).toBe('model');
    expect(s.version).toBe('v1');
    expect(s.recommended.length).toBeGreaterThan(0);
    expect(s.status).toBe(200);
    expect(s.body.checks.models).toMatchObject({ status: 'ok', detail: 'version v1' });
    expect(s.metrics).toMatch(/^earworm_model_unloadable 0$/m);
  });

  it('re-roots an absolute path left by an earlier version at the current state folder', async () => {
    const db = await openDb({ pgliteDir: path.join(b, 'pgdata') });
    try {
      await db.orm.execute(sql`update model_versions set path = ${path.join(a, 'models', TRACK_MODEL_KIND, 'v1', 'model.ewm')} where kind = ${TRACK_MODEL_KIND}`);
    } finally {
      await db.close();
    }
    const s = await serveFrom(b);
    expect(s.source).toBe('model');
    expect(s.status).toBe(200);
  });

  it('reports a deleted model file as not ready, with the version and file, an error line and a metric', async () => {
    await rm(modelFile);
    const s = await serveFrom(b);
    expect(s.source).toBe('popularity-fallback');
    expect(s.status).toBe(503);
    expect(s.body.status).toBe('not ready');
    expect(s.body.checks.models!.status).toBe('fail');
    expect(s.body.checks.models!.detail).toContain('the active model version v1 cannot be loaded');
    expect(s.body.checks.models!.detail).toContain(modelFile);
    expect(s.body.checks.database!.status).toBe('ok');
    expect(s.metrics).toMatch(/^earworm_model_unloadable 1$/m);
    const errors = s.lines.filter((l) => l.level === 50);
    expect(errors.map((l) => l.msg)).toContain('the active chat model cannot be loaded; serving the popularity floor and reporting not ready');
    expect(errors.find((l) => l.version === 'v1')).toBeDefined();
  });
});

describe('model paths', () => {
  it('are stored relative to the state folder when under it, and resolved against the current one', () => {
    expect(storedModelPath('/srv/state', '/srv/state/models/hybrid/v1/model.ewm')).toBe('models/hybrid/v1/model.ewm');
    expect(storedModelPath('/srv/state', '/opt/elsewhere/model.ewm')).toBe('/opt/elsewhere/model.ewm');
    expect(storedModelPath('/srv/state', '/srv/state-other/models/x')).toBe('/srv/state-other/models/x');
    expect(modelFilePath('/mnt/restored', { kind: 'hybrid', version: 'v1', path: 'models/hybrid/v1/model.ewm' })).toBe('/mnt/restored/models/hybrid/v1/model.ewm');
    // An absolute path under an old state folder that is gone: where the file belongs under the current one.
    expect(modelFilePath('/nonexistent-home', { kind: 'hybrid', version: 'v1', path: '/srv/state/models/hybrid/v1/model.ewm' })).toBe('/nonexistent-home/models/hybrid/v1/model.ewm');
    // An absolute path outside any state folder layout is kept as written.
    expect(modelFilePath('/srv/state', { kind: 'hybrid', version: 'v1', path: '/opt/elsewhere/model.ewm' })).toBe('/opt/elsewhere/model.ewm');
  });

  it('written as absolute by an earlier version are made relative by the 0007 migration', async () => {
    const db = await openDb({ pglite: await (await import('@electric-sql/pglite')).PGlite.create() });
    try {
      const rows: [string, string, string, string][] = [
        ['hybrid', '20260101.1', '/old/home/models/hybrid/20260101.1/model.ewm', 'models/hybrid/20260101.1/model.ewm'],
        ['content-vectors', 'v1', '/a/models/x/models/content-vectors/v1', 'models/content-vectors/v1'],
        ['genre-classifier', 'v2', '/elsewhere/genre', '/elsewhere/genre'],
        ['track-strengths', 'v3', 'models/track-strengths/v3/strengths.json', 'models/track-strengths/v3/strengths.json'],
        // A "." in the version is not a wildcard: 2026a1 does not match the folder 2026.1.
        ['hybrid', '2026a1', '/h/models/hybrid/2026.1/model.ewm', '/h/models/hybrid/2026.1/model.ewm'],
        // v5 is not the folder v50.
        ['hybrid', 'v5', '/h/models/hybrid/v50/model.ewm', '/h/models/hybrid/v50/model.ewm'],
      ];
      for (const [kind, version, p] of rows) await db.orm.execute(sql`insert into model_versions (kind, version, path) values (${kind}, ${version}, ${p})`);
      const file = readFileSync(path.join(MIGRATIONS_DIR, '0007_relative-model-paths.sql'), 'utf8');
      await db.orm.execute(sql.raw(file));
      const after = await db.rows<{ kind: string; version: string; path: string }>(sql`select kind, version, path from model_versions order by id`);
      expect(after.map((r) => r.path)).toEqual(rows.map((r) => r[3]));
    } finally {
      await db.close();
    }
  });
});
