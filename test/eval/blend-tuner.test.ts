import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFoldPools, crossFitLearned, learnedFoldMean, singleScores, tuneBlend, tuneBlendPools, type BlendFold } from '../../src/eval/blend-tuner.ts';
import { foldCount, foldSeed, MAX_FOLDS, MIN_VALIDATION_CASES } from '../../src/eval/eval-runner.ts';
import { loadDataset } from '../../src/eval/load-dataset.ts';
import { IalsRecommender } from '../../src/recsys/ials.ts';
import type { InteractionPairs } from '../../src/recsys/interaction-pairs.ts';
import { pairsToMatrix } from '../../src/recsys/interaction-pairs.ts';
import { ItemKnnRecommender } from '../../src/recsys/item-knn.ts';
import { PopularityRecommender } from '../../src/recsys/popularity.ts';
import { WEIGHTED_FUSIONS } from '../../src/recsys/ranking/fusion.ts';
import type { LearnedFusion } from '../../src/recsys/ranking/learned-fusion.ts';
import { RankedRecommender } from '../../src/recsys/ranking/ranked-recommender.ts';
import { validationNdcg } from '../../src/recsys/ranking/ranked-tuning.ts';
import { splitCold, splitWarm } from '../../src/recsys/split.ts';
import { writeFixtureDatasets } from './dataset-fixtures.ts';

let dir: string;
let data: InteractionPairs;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'earworm-data-'));
  await writeFixtureDatasets(dir);
  data = await loadDataset('lastfm', dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const NAMES = ['ials', 'itemknn', 'popularity'];

function fold(pairs: InteractionPairs, task: 'W' | 'C', seed: number): BlendFold & { models: RankedComponentsBuilder; learned: (model: LearnedFusion) => RankedRecommender } {
  const val = task === 'W' ? { task: 'W' as const, split: splitWarm(pairs, seed) } : { task: 'C' as const, split: splitCold(pairs, seed) };
  const train = pairsToMatrix(val.split.train);
  const ials = new IalsRecommender({ factors: 8, regularization: 1, alpha: 4, iterations: 6, seed: 3 });
  const knn = new ItemKnnRecommender({ neighbours: 30, shrink: 2 });
  const pop = new PopularityRecommender();
  for (const m of [ials, knn, pop]) m.fit(train);
  const components = [ials, knn, pop];
  return {
    components,
    train,
    val,
    models: (weights, fusion) =>
      RankedRecommender.ofFitted(
        NAMES.map((name, k) => ({ name, model: components[k]!, weight: weights[k]! })).filter((c) => c.weight > 0),
        train,
        { lambda: 1, fusion },
      ),
    learned: (model) =>
      RankedRecommender.ofFitted(
        NAMES.map((name, k) => ({ name, model: components[k]!, weight: 1 })),
        train,
        { lambda: 1, fusion: 'learned', learned: model },
      ),
  };
}

type RankedComponentsBuilder = (weights: readonly number[], fusion: 'z' | 'rrf') => RankedRecommender;


describe('blend tuning on validation folds', () => {
  it('scores each fusion exactly as the ranker ranks (same candidates, same ties)', () => {
    for (const task of ['W', 'C'] as const) {
      const f = fold(data, task, 1000);
      const pools = buildFoldPools([f]);
      for (const fusion of WEIGHTED_FUSIONS) {
        const choice = tuneBlendPools(pools, fusion);
        expect(choice.weights.some((w) => w > 0)).toBe(true);
        expect(validationNdcg(f.models(choice.weights, fusion), f.val)).toBeCloseTo(choice.ndcg, 6);
      }
      // A blend is never worse on validation than its best component alone (each is a starting point).
      const alone = singleScores(pools);
      expect(tuneBlendPools(pools, 'z').ndcg).toBeGreaterThanOrEqual(Math.max(...alone) - 1e-12);
      alone.forEach((s, k) => expect(validationNdcg(f.models(NAMES.map((_n, j) => (j === k ? 1 : 0)), 'z'), f.val)).toBeCloseTo(s, 6));
    }
  });

  it('averages folds: the objective is the mean of each fold\'s ndcg, and one fold reproduces tuneBlend', () => {
    const a = fold(data, 'C', foldSeed(0, 0));
    const b = fold(data, 'C', foldSeed(0, 1));
    const both = buildFoldPools([a, b]);
    const one = tuneBlend(a.components, a.train, a.val);
    expect(tuneBlendPools(buildFoldPools([a]), 'z')).toEqual(one);
    const choice = tuneBlendPools(both, 'z');
    const mean = (validationNdcg(a.models(choice.weights, 'z'), a.val) + validationNdcg(b.models(choice.weights, 'z'), b.val)) / 2;
    expect(mean).toBeCloseTo(choice.ndcg, 6);
    expect(() => buildFoldPools([])).toThrow(/at least one/);
  });

  it('scores learned fusion exactly as the ranker ranks with it, and cross-fits its validation score', () => {
    for (const task of ['W', 'C'] as const) {
      const f = fold(data, task, 1000);
      const pools = buildFoldPools([f]);
      const z = tuneBlendPools(pools, 'z');
      const choice = crossFitLearned(pools, z.weights);
      // The ranker computes the same features over the same candidates as the tuner's pools.
      expect(validationNdcg(f.learned(choice.model), f.val)).toBeCloseTo(learnedFoldMean(pools, choice.model), 6);
      // The cross-fitted score is measured on people each model was not fitted on: it is not the in-sample score.
      expect(choice.ndcg).not.toBeCloseTo(learnedFoldMean(pools, choice.model), 6);
      expect(choice.ndcg).toBeGreaterThan(0);
    }
    const a = fold(data, 'C', foldSeed(0, 0));
    const b = fold(data, 'C', foldSeed(0, 1));
    const two = buildFoldPools([a, b]);
    expect(crossFitLearned(two, tuneBlendPools(two, 'z').weights).model.weights).toEqual(crossFitLearned(two, tuneBlendPools(two, 'z').weights).model.weights);
  });

  it('adds cold-task folds until enough validation people, within bounds; warm tasks keep one', () => {
    expect(foldCount('C', MIN_VALIDATION_CASES)).toBe(1);
    expect(foldCount('C', 2000)).toBe(1);
    expect(foldCount('C', 203)).toBe(5);
    expect(foldCount('C', 49)).toBe(MAX_FOLDS);
    expect(foldCount('C', 0)).toBe(MAX_FOLDS);
    expect(foldCount('W', 49)).toBe(1);
    expect([0, 1, 2].map((f) => foldSeed(0, f))).toEqual([1000, 2000, 3000]);
    expect(foldSeed(7, 0)).toBe(1007);
  });
});
