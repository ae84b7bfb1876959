/**
 * The real processors over the fixture catalogue, on both drivers: `train` publishes and activates versions named
 * after the run and a retry of the same run publishes nothing new; `index` builds the content index, which a
 * running service picks up (the `content` strategy appears) without a restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { activeModelVersion, ARTIST_MODEL_KIND, CONTENT_MODEL_KINDS, listModelVersions, TRACK_MODEL_KIND } from '../../src/db/model-versions.ts';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue.ts';
import { createJobProcessors, runVersion } from '../../src/jobs/job-processors.ts';
import type { JobContext } from '../../src/jobs/job-types.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { ModelWatcher } from '../../src/serving/models/model-watcher.ts';
import { createToolServices } from '../../src/tools/tool-context.ts';
import { DRIVERS, freshDb } from '../support/db.ts';
import { buildFixture } from '../tools/support/catalogue-fixture.ts';
import { waitForRun } from './support/backends.ts';

describe.each(DRIVERS)('job processors (%s)', (driver) => {
  let db: Db;
  let home: string;
  beforeEach(async () => {
    db = await freshDb(driver);
    home = await mkdtemp(path.join(os.tmpdir(), 'earworm-jobs-'));
    await buildFixture(db, home);
  });
  afterEach(async () => {
    await db.close();
    await rm(home, { recursive: true, force: true });
  });

  const config = () => ({ home, dataDir: home, downloads: false, onnxProvider: 'cpu' as const });

  it('train publishes versions named after the run, and a retry of the run publishes nothing new', async () => {
    const processors = createJobProcessors({ db, config: config(), logger: silentLogger });
    const progress: number[] = [];
    const ctx: JobContext = {
      runId: 41,
      queue: 'train',
      name: 'train',
      key: 'retry-me',
      attempt: 1,
      maxAttempts: 3,
      enqueuedAt: new Date('2026-05-01T04:00:00.123Z'),
      progress: async (p) => void progress.push(p),
    };
    const version = runVersion(ctx);
    expect(version).toBe('20260501T040000Z-j41');
    const first = (await processors.train!({ targets: ['cf'] }, ctx)) as Record<string, { version: string; skipped?: string }>;
    expect(first.cf).toMatchObject({ version });
    expect(first.cf!.skipped).toBeUndefined();
    expect(progress).toEqual([0, 1]);
    expect((await activeModelVersion(db, TRACK_MODEL_KIND))?.version).toBe(version);
    expect((await activeModelVersion(db, ARTIST_MODEL_KIND))?.version).toBe(version);

    const retry = (await processors.train!({ targets: ['cf'] }, { ...ctx, attempt: 2 })) as Record<string, { skipped?: string }>;
    expect(retry.cf!.skipped).toMatch(/already trained/);
    expect((await listModelVersions(db, TRACK_MODEL_KIND)).map((v) => v.version)).toEqual([version, 'v1']);
    expect(await listModelVersions(db, ARTIST_MODEL_KIND)).toHaveLength(1);
    expect(await listModelVersions(db, 'bt-global')).toEqual([]);
  });

  it('index builds the content index, and a running service starts serving the content strategy', async () => {
    const services = await createToolServices({ db, home, logger: silentLogger });
    expect(services.recommender.strategies).not.toContain('content');
    const watcher = new ModelWatcher({ db, intervalMs: 60_000, onChange: () => services.models!.reload() });
    await watcher.start();
    const queue = new InProcessJobQueue({ db, processors: createJobProcessors({ db, config: config(), logger: silentLogger }), backoffMs: 10 });
    try {
      await queue.enqueue({ name: 'index', data: {}, key: 'index-1' });
      const run = await waitForRun(db, 'index', 'index-1', 60_000);
      expect(run.status).toBe('completed');
      const result = run.result as { version: string; vectors: number; built: boolean };
      expect(result.built).toBe(true);
      expect(result.vectors).toBe(24);
      expect((await activeModelVersion(db, CONTENT_MODEL_KINDS.content))?.version).toBe(result.version);
      expect(await watcher.check()).toBe(true);
      expect(services.recommender.strategies).toContain('content');
      const recs = await services.recommender.recommend({ seeds: [1], k: 5, strategy: 'content' });
      expect(recs.items.length).toBeGreaterThan(0);
    } finally {
      await queue.close();
      await watcher.stop();
    }
  });
});
