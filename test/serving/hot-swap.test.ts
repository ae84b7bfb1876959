/**
 * Model versions switched into running tool services without a restart: a new version trained elsewhere is picked
 * up by the ModelWatcher, a rollback too, calls in flight during a swap all complete, and a corrupt new version is
 * refused while the old one keeps serving.
 */
import { open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activateModelVersion, activeModelVersion, listModelVersions, modelFilePath, TRACK_MODEL_KIND } from '../../src/db/model-versions.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { trainCfModel } from '../../src/pipeline/train-cf-model.ts';
import { ModelFileCorruptError } from '../../src/recsys/errors.ts';
import { rollbackModel, NoEarlierVersionError } from '../../src/serving/models/model-rollback.ts';
import { ModelWatcher } from '../../src/serving/models/model-watcher.ts';
import type { ReloadOutcome } from '../../src/serving/recommender/serving-models.ts';
import { DRIVERS } from '../support/db.ts';
import { openHarness, valueOf, type Harness } from '../tools/support/tool-harness.ts';

const ask = { seeds: { artists: ['Daft Punk'] }, count: 5 };

describe.each(DRIVERS)('hot model swap (%s)', (driver) => {
  let h: Harness;
  let watcher: ModelWatcher;
  let outcomes: ReloadOutcome[];

  beforeEach(async () => {
    h = await openHarness(driver);
    outcomes = [];
    watcher = new ModelWatcher({ db: h.db, intervalMs: 60_000, onChange: async () => outcomes.push(await h.services.models!.reload()) });
    await watcher.start();
  });
  afterEach(async () => {
    await watcher.stop();
    await h.close();
  });

  const servedModel = async () => valueOf(await h.call('listener', 'recommend', ask)).model;

  it('picks up a newly trained version and a rollback, without a restart', async () => {
    expect(await servedModel()).toBe('hybrid v1');
    expect(await watcher.check()).toBe(false);

    // Another process (a worker) trains and activates v2.
    await trainCfModel(h.db, h.home, silentLogger, { version: 'v2', ials: { factors: 8, iterations: 3 } });
    expect(await watcher.check()).toBe(true);
    expect(outcomes.at(-1)).toMatchObject({ status: 'swapped', from: 'v1', to: 'v2' });
    expect(await servedModel()).toBe('hybrid v2');
    expect(h.services.models!.model.version).toBe('v2');

    const back = await rollbackModel(h.db, h.home, TRACK_MODEL_KIND);
    expect(back).toEqual({ kind: TRACK_MODEL_KIND, from: 'v2', to: 'v1' });
    expect(await watcher.check()).toBe(true);
    expect(await servedModel()).toBe('hybrid v1');
    await expect(rollbackModel(h.db, h.home, TRACK_MODEL_KIND)).rejects.toThrow(NoEarlierVersionError);

    expect(await rollbackModel(h.db, h.home, TRACK_MODEL_KIND, 'v2')).toMatchObject({ from: 'v1', to: 'v2' });
    expect(await watcher.check()).toBe(true);
    expect(await servedModel()).toBe('hybrid v2');
  });

  it('completes every call in flight while the models are swapped', async () => {
    await trainCfModel(h.db, h.home, silentLogger, { version: 'v2', ials: { factors: 8, iterations: 3 } });
    const calls = Array.from({ length: 12 }, (_, i) => h.call(`p${i}`, 'recommend', ask));
    const swap = watcher.check();
    const later = Array.from({ length: 12 }, (_, i) => h.call(`q${i}`, 'recommend', ask));
    const results = await Promise.all([...calls, ...later]);
    expect(await swap).toBe(true);
    for (const r of results) expect((valueOf(r).recommendations as unknown[]).length).toBe(5);
    for (const r of results) expect(['hybrid v1', 'hybrid v2']).toContain(valueOf(r).model);
    expect(await servedModel()).toBe('hybrid v2');
  });

  it('refuses a corrupt new version and keeps serving the old one', async () => {
    await trainCfModel(h.db, h.home, silentLogger, { version: 'v2', ials: { factors: 8, iterations: 3 } });
    await activateModelVersion(h.db, TRACK_MODEL_KIND, 'v1');
    const v2 = (await listModelVersions(h.db, TRACK_MODEL_KIND)).find((v) => v.version === 'v2')!;
    // Flip one byte in the middle of v2's model file.
    const bytes = await readFile(modelFilePath(h.home, v2));
    const fh = await open(modelFilePath(h.home, v2), 'r+');
    await fh.write(Buffer.from([bytes[bytes.length >> 1]! ^ 0xff]), 0, 1, bytes.length >> 1);
    await fh.close();

    await expect(rollbackModel(h.db, h.home, TRACK_MODEL_KIND, 'v2')).rejects.toThrow(ModelFileCorruptError);
    expect((await activeModelVersion(h.db, TRACK_MODEL_KIND))?.version).toBe('v1');

    // Activated anyway (by hand, or a broken deploy): the running service refuses it.
    await activateModelVersion(h.db, TRACK_MODEL_KIND, 'v2');
    expect(await watcher.check()).toBe(true);
    expect(outcomes.at(-1)).toMatchObject({ status: 'refused', kept: 'v1', problem: { code: 'MODEL_FILE_CORRUPT' } });
    expect(await servedModel()).toBe('hybrid v1');

    // A version whose track-id map is missing is refused the same way.
    await writeFile(path.join(path.dirname(modelFilePath(h.home, v2)), 'track-ids.json'), 'not json');
    await expect(h.services.models!.reload()).resolves.toMatchObject({ status: 'refused', kept: 'v1' });
    expect(await servedModel()).toBe('hybrid v1');
  });
});
