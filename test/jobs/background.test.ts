/**
 * `startBackground`, as `earworm start` uses it without Redis: a train job queued through it runs in-process, its
 * new version reaches the running tool services through the watcher, and close() stops everything.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBackground } from '../../src/jobs/background.ts';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue.ts';
import { JobEvents } from '../../src/jobs/job-events.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { createToolServices } from '../../src/tools/tool-context.ts';
import { DRIVERS, freshDb } from '../support/db.ts';
import { buildFixture } from '../tools/support/catalogue-fixture.ts';
import { waitForRun } from './support/backends.ts';

describe.each(DRIVERS)('startBackground (%s)', (driver) => {
  it('runs jobs in-process and swaps the models they publish into the running services', async () => {
    const db = await freshDb(driver);
    const home = await mkdtemp(path.join(os.tmpdir(), 'earworm-bg-'));
    try {
      await buildFixture(db, home);
      const services = await createToolServices({ db, home, logger: silentLogger });
      const events = new JobEvents();
      const durations: number[] = [];
      events.on('completed', (e) => durations.push(e.durationMs));
      const bg = await startBackground({
        config: { redisUrl: undefined, retrainCron: '0 4 * * *', home, dataDir: home, downloads: false, onnxProvider: 'cpu' },
        db,
        logger: silentLogger,
        models: services.models,
        events,
        watchIntervalMs: 20,
      });
      try {
        expect(bg.queue).toBeInstanceOf(InProcessJobQueue);
        expect(services.recommender.description).toBe('hybrid v1');
        await bg.queue.enqueue({ name: 'train', data: { targets: ['cf'] }, key: 'retrain-now' });
        const run = await waitForRun(db, 'train', 'retrain-now', 60_000);
        expect(run.status).toBe('completed');
        const version = (run.result as { version: string }).version;
        await expect.poll(() => services.recommender.description, { timeout: 55_000, interval: 20 }).toBe(`hybrid ${version}`);
        expect(durations).toHaveLength(1);
      } finally {
        await bg.close();
      }
      await expect(bg.queue.enqueue({ name: 'index', data: {} })).rejects.toThrow(/closed/);
    } finally {
      await db.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});
