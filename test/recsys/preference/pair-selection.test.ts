import { describe, expect, it } from 'vitest';
import { BradleyTerryPosterior } from '../../../src/recsys/preference/bradley-terry.ts';
import { SeenPairs, selectPair } from '../../../src/recsys/preference/pair-selection.ts';
import { PairsExhaustedError } from '../../../src/recsys/preference/preference-errors.ts';
import { PreferenceFeatures } from '../../../src/recsys/preference/preference-features.ts';
import { simulatePreferenceLearning } from '../../../src/recsys/preference/preference-simulation.ts';
import { rocAuc } from '../../../src/recsys/preference/roc-auc.ts';
import { SeededRandom } from '../../../src/recsys/rng.ts';

function features(n: number, d: number, seed: number): PreferenceFeatures {
  const rng = new SeededRandom(seed);
  return PreferenceFeatures.fromMatrix(Int32Array.from({ length: n }, (_, i) => 100 + i), d, Float32Array.from({ length: n * d }, () => rng.normal()));
}

describe('selectPair', () => {
  it('never offers the same pair twice and raises a typed error when all pairs are used', () => {
    const f = features(6, 3, 1);
    const post = BradleyTerryPosterior.prior([0, 0, 0]);
    const seen = new SeenPairs();
    const rng = new SeededRandom(2);
    const ids = Array.from(f.ids);
    for (let k = 0; k < 15; k++) {
      const p = selectPair({ posterior: post, features: f, plausible: ids, seen, rng }, { randomShare: 0.3 });
      expect(p.a).not.toBe(p.b);
      expect(seen.has(p.a, p.b)).toBe(false);
      seen.add(p.a, p.b);
    }
    expect(seen.size).toBe(15);
    expect(() => selectPair({ posterior: post, features: f, plausible: ids, seen, rng })).toThrow(PairsExhaustedError);
  });

  it('draws about the configured share of pairs at random', () => {
    const f = features(200, 4, 3);
    const post = BradleyTerryPosterior.prior([0, 0, 0, 0]);
    const seen = new SeenPairs();
    const rng = new SeededRandom(4);
    let random = 0;
    for (let k = 0; k < 400; k++) {
      const p = selectPair({ posterior: post, features: f, plausible: Array.from(f.ids), seen, rng }, { randomShare: 0.25 });
      seen.add(p.a, p.b);
      if (p.strategy === 'random') random++;
    }
    expect(random / 400).toBeGreaterThan(0.18);
    expect(random / 400).toBeLessThan(0.32);
  });

  it('prefers pairs whose outcome is uncertain over pairs the model is sure about', () => {
    // Track 100 is far better than 101 and 102 under the current utility; 101 vs 102 is a toss-up.
    const f = PreferenceFeatures.fromMatrix(Int32Array.from([100, 101, 102]), 2, Float32Array.from([5, 0, 0, 1, 0, -1]));
    const post = BradleyTerryPosterior.prior([2, 0], 1);
    // No distance floor here: with three tracks the floor (half the median distance) would rule out 101 vs 102.
    const p = selectPair({ posterior: post, features: f, plausible: [100, 101, 102], seen: new SeenPairs(), rng: new SeededRandom(5) }, { randomShare: 0, minDistance: 0 });
    expect(p.strategy).toBe('informative');
    expect([p.a, p.b].sort()).toEqual([101, 102]);
    expect(p.probabilityA).toBeCloseTo(0.5, 6);
  });
});

describe('rocAuc', () => {
  it('is 1 for a perfect ranking, 0.5 for ties, and counts ties as half', () => {
    expect(rocAuc([3, 2, 1, 0], [1, 1, 0, 0])).toBe(1);
    expect(rocAuc([1, 1, 1, 1], [1, 0, 1, 0])).toBe(0.5);
    expect(rocAuc([2, 1, 1, 0], [1, 1, 0, 0])).toBeCloseTo(0.875);
  });
});

describe('preference simulation', () => {
  it('reaches AUC >= 0.80 on held-out tracks after 50 votes with the default random share', () => {
    const r = simulatePreferenceLearning({ seed: 11, listeners: 12, checkpoints: [10, 50] });
    expect(r.votes).toEqual([0, 10, 50]);
    expect(r.auc[2]!).toBeGreaterThanOrEqual(0.8);
    // Learning from votes, not just the population prior.
    expect(r.auc[2]!).toBeGreaterThan(r.auc[0]! + 0.1);
    expect(r.randomPairs).toBeGreaterThan(0.1);
    expect(r.randomPairs).toBeLessThan(0.3);
  });
});
