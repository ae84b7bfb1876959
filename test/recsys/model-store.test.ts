import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelFileCorruptError, ModelFileMissingError, ModelVersionExistsError, RecsysError } from '../../src/recsys/errors.ts';
import { HybridRecommender } from '../../src/recsys/hybrid.ts';
import { featureCount, LearnedFusion } from '../../src/recsys/ranking/learned-fusion.ts';
import { IalsRecommender } from '../../src/recsys/ials.ts';
import { ItemKnnRecommender } from '../../src/recsys/item-knn.ts';
import { ModelStore } from '../../src/recsys/model-store.ts';
import { PopularityRecommender } from '../../src/recsys/popularity.ts';
import { checkerboard } from './support/checkerboard.ts';

const board = checkerboard();
let home: string;

beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'earworm-models-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

function trainedAls(): IalsRecommender {
  const m = new IalsRecommender({ factors: 4, regularization: 0.1, alpha: 5, iterations: 10, seed: 3 });
  m.fit(board.matrix);
  return m;
}

async function expectCode(p: Promise<unknown>, code: string): Promise<RecsysError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RecsysError);
  expect((err as RecsysError).code).toBe(code);
  return err as RecsysError;
}

describe('ModelStore', () => {
  it('saves a version under <home>/models/<kind>/<version>/ and loads the same model back', async () => {
    const store = ModelStore.underHome(home);
    const model = trainedAls();
    const saved = await store.save(model, '2026-01-01.1');
    expect(saved.path).toBe(path.join(home, 'models', 'ials', '2026-01-01.1', 'model.ewm'));
    expect(saved.bytes).toBe((await readFile(saved.path)).length);
    expect(saved.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(await readdir(path.dirname(saved.path))).toEqual(['model.ewm']);
    const loaded = await store.load('ials', '2026-01-01.1', saved.checksum);
    expect(loaded.recommend(0, 5)).toEqual(model.recommend(0, 5));
    expect(loaded.recommendFromSeeds([6, 7], 5)).toEqual(model.recommendFromSeeds([6, 7], 5));
  });

  it('round-trips a hybrid with neighbour tables', async () => {
    const store = ModelStore.underHome(home);
    const h = new HybridRecommender([
      { model: new ItemKnnRecommender({ neighbours: 5 }), weight: 1 },
      { model: new PopularityRecommender(), weight: 0.2 },
    ]);
    h.fit(board.matrix);
    await store.save(h, 'v1');
    const loaded = await store.load('hybrid', 'v1');
    expect(loaded.recommend(3, 6)).toEqual(h.recommend(3, 6));
    expect((loaded as HybridRecommender).learned).toBeUndefined();
  });

  it('round-trips the learned fusion a hybrid carries for the ranking stage', async () => {
    const store = ModelStore.underHome(home);
    const weights = Float64Array.from({ length: featureCount(2) }, (_v, d) => (d % 3) - 0.5);
    const h = new HybridRecommender(
      [
        { model: new ItemKnnRecommender({ neighbours: 5 }), weight: 1 },
        { model: new PopularityRecommender(), weight: 0 },
      ],
      new LearnedFusion(weights, 2, 150),
    );
    h.fit(board.matrix);
    await store.save(h, 'v-learned');
    const loaded = (await store.load('hybrid', 'v-learned')) as HybridRecommender;
    expect(Array.from(loaded.learned!.weights)).toEqual(Array.from(weights));
    expect(loaded.learned!.depth).toBe(150);
    // The zero-weight component was fitted and kept, because the learned fusion scores it.
    expect(loaded.components).toHaveLength(2);
    expect(loaded.components[1]!.model.itemCount).toBe(board.matrix.cols);
    expect(() => new HybridRecommender([{ model: new PopularityRecommender(), weight: 1 }], new LearnedFusion(weights, 2, 150))).toThrow(/2 components, not 1/);
  });

  it('refuses to overwrite a version and rejects unsafe names', async () => {
    const store = ModelStore.underHome(home);
    await store.save(trainedAls(), 'v1');
    await expectCode(store.save(trainedAls(), 'v1'), 'MODEL_VERSION_EXISTS');
    await expect(store.save(trainedAls(), 'v1')).rejects.toBeInstanceOf(ModelVersionExistsError);
    expect(() => store.pathOf('ials', '../escape')).toThrow(RecsysError);
  });

  it('reports a missing file as ModelFileMissingError', async () => {
    const store = ModelStore.underHome(home);
    await expect(store.load('ials', 'nope')).rejects.toBeInstanceOf(ModelFileMissingError);
  });

  it('detects truncated, altered and foreign files and never returns a model from them', async () => {
    const store = ModelStore.underHome(home);
    const saved = await store.save(trainedAls(), 'v1');
    const original = await readFile(saved.path);

    await truncate(saved.path, Math.floor(original.length / 2));
    const e1 = await expectCode(store.load('ials', 'v1'), 'MODEL_FILE_CORRUPT');
    expect(e1).toBeInstanceOf(ModelFileCorruptError);

    const flipped = Buffer.from(original);
    flipped[Math.floor(flipped.length / 2)]! ^= 0xff;
    await writeFile(saved.path, flipped);
    await expectCode(store.load('ials', 'v1'), 'MODEL_FILE_CORRUPT');

    await writeFile(saved.path, 'hello, not a model');
    await expectCode(store.load('ials', 'v1'), 'MODEL_FILE_CORRUPT');

    await writeFile(saved.path, Buffer.alloc(0));
    await expectCode(store.load('ials', 'v1'), 'MODEL_FILE_CORRUPT');

    await writeFile(saved.path, original);
    await expectCode(store.load('ials', 'v1', 'f'.repeat(64)), 'MODEL_FILE_CORRUPT');
    expect((await store.load('ials', 'v1', saved.checksum)).kind).toBe('ials');
  });
});
