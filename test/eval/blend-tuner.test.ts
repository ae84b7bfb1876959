import { describe, expect, it } from 'vitest';
import { tuneBlend, tuneBlendFolds, type BlendFold } from '../../src/eval/blend-tuner.ts';
import { validationSeeds } from '../../src/eval/eval-runner.ts';
import { pairsToMatrix, type InteractionPairs } from '../../src/recsys/interaction-pairs.ts';
import type { ModelSnapshot, SnapshotArray } from '../../src/recsys/model-snapshot.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { ScoringRecommender } from '../../src/recsys/scoring-recommender.ts';
import type { CsrMatrix } from '../../src/recsys/sparse-matrix.ts';
import { splitWarm, type WarmSplit } from '../../src/recsys/split.ts';

/** A generated dataset: 60 users, each with 12 of 40 items. */
function fixture(): InteractionPairs {
  const rng = new SeededRandom(5);
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u < 60; u++) {
    const seen = new Set<number>();
    while (seen.size < 12) seen.add(Math.floor(rng.next() * 40));
    for (const i of [...seen].sort((a, b) => a - b)) {
      users.push(u);
      items.push(i);
    }
  }
  return {
    userIds: Array.from({ length: 60 }, (_v, u) => `u${u}`),
    itemIds: Array.from({ length: 40 }, (_v, i) => `i${i}`),
    users: Int32Array.from(users),
    items: Int32Array.from(items),
    weights: new Float32Array(users.length).fill(1),
  };
}

/**
 * A scorer that knows one validation split's hidden items: `oracle` ranks them first, otherwise it ranks them last
 * (the other items get a fixed, item-dependent score either way).
 */
class SplitScorer extends ScoringRecommender {
  readonly kind = 'split-scorer';
  constructor(
    private readonly split: WarmSplit,
    private readonly oracle: boolean,
  ) {
    super();
  }
  protected fitModel(_interactions: CsrMatrix): void {}
  protected userScores(user: number, out: Float32Array): void {
    for (let i = 0; i < out.length; i++) out[i] = ((i * 7) % 13) / 13;
    const q = this.split.users.indexOf(user);
    if (q >= 0) for (const i of this.split.hidden[q]!) out[i] = this.oracle ? 10 : -10;
  }
  protected seedScores(_seeds: readonly number[], out: Float32Array): void {
    out.fill(0);
  }
  protected snapshotModel(): { params: ModelSnapshot['params']; arrays: Record<string, SnapshotArray> } {
    return { params: {}, arrays: {} };
  }
}

/** Fold f of the fixture: component A is the oracle on fold 0 only, component B on every other fold. */
function folds(): BlendFold[] {
  const pairs = fixture();
  return validationSeeds(0, 3).map((seed, f) => {
    const split = splitWarm(pairs, seed);
    const train = pairsToMatrix(split.train);
    const components = [new SplitScorer(split, f === 0), new SplitScorer(split, f !== 0)];
    for (const c of components) c.fit(train);
    return { components, train, val: { task: 'W', split } };
  });
}

describe('multi-fold blend tuning', () => {
  it('carves folds with seeds 1000 + seed, 2000 + seed, ...', () => {
    expect(validationSeeds(0, 3)).toEqual([1000, 2000, 3000]);
    expect(validationSeeds(7, 5)).toEqual([1007, 2007, 3007, 4007, 5007]);
  });

  it('chooses weights by the mean ndcg@20 over folds, not by the first fold alone', () => {
    const all = folds();
    expect(all[0]!.val.split.users.length).toBeGreaterThan(20);
    // On the first fold alone, component A is perfect and wins.
    const first = tuneBlend(all[0]!.components, all[0]!.train, all[0]!.val);
    expect(first.weights[0]!).toBeGreaterThan(first.weights[1]!);
    expect(first.ndcg).toBeCloseTo(1, 6);
    // Over three folds, component B is perfect on two of them and wins.
    const multi = tuneBlendFolds(all);
    expect(multi.weights[1]!).toBeGreaterThan(multi.weights[0]!);
    // Each component alone scores the mean of its per-fold scores; the choice is at least as good as either alone.
    const perFold = all.map((f) => tuneBlend(f.components, f.train, f.val).single);
    for (const k of [0, 1]) expect(multi.single[k]!).toBeCloseTo((perFold[0]![k]! + perFold[1]![k]! + perFold[2]![k]!) / 3, 9);
    expect(multi.ndcg).toBeGreaterThanOrEqual(Math.max(...multi.single) - 1e-12);
    expect(multi.ndcg).toBeLessThanOrEqual(1);
  });

  it('with one fold, matches tuneBlend', () => {
    const [f] = folds();
    expect(tuneBlendFolds([f!])).toEqual(tuneBlend(f!.components, f!.train, f!.val));
  });

  it('rejects an empty fold list and folds with different components', () => {
    const all = folds();
    expect(() => tuneBlendFolds([])).toThrow();
    expect(() => tuneBlendFolds([all[0]!, { ...all[1]!, components: [all[1]!.components[0]!] }])).toThrow();
  });
});
