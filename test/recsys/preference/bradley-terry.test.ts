import { describe, expect, it } from 'vitest';
import { BradleyTerryPosterior, fitPopulationUtility, sigmoid } from '../../../src/recsys/preference/bradley-terry.ts';
import { fitItemStrengths } from '../../../src/recsys/preference/item-strengths.ts';
import { FeatureDimensionError, InvalidPreferenceStateError, SameTrackPairError } from '../../../src/recsys/preference/preference-errors.ts';
import { PreferenceFeatures } from '../../../src/recsys/preference/preference-features.ts';
import { SeededRandom } from '../../../src/recsys/rng.ts';

function votesFrom(truth: number[], count: number, seed: number) {
  const rng = new SeededRandom(seed);
  const d = truth.length;
  const out: { winner: number[]; loser: number[] }[] = [];
  for (let k = 0; k < count; k++) {
    const a = Array.from({ length: d }, () => rng.normal());
    const b = Array.from({ length: d }, () => rng.normal());
    let u = 0;
    for (let j = 0; j < d; j++) u += truth[j]! * (a[j]! - b[j]!);
    out.push(rng.next() < sigmoid(u) ? { winner: a, loser: b } : { winner: b, loser: a });
  }
  return out;
}

describe('BradleyTerryPosterior', () => {
  it('starts at the population prior with zero confidence', () => {
    const p = BradleyTerryPosterior.prior([1, -1, 0.5], 2);
    expect(Array.from(p.mean)).toEqual([1, -1, 0.5]);
    expect(p.confidence()).toBe(0);
    expect(p.utility([1, 0, 0])).toBe(1);
    expect(p.utilityVariance([1, 1, 0])).toBeCloseTo(4);
  });

  it('recovers a hidden utility from many votes, and confidence grows with votes', () => {
    const truth = [2, -1, 0.5, 0];
    const votes = votesFrom(truth, 3000, 1);
    const p = BradleyTerryPosterior.prior([0, 0, 0, 0], 10);
    const conf: number[] = [];
    votes.forEach((v, k) => {
      p.update(v.winner, v.loser);
      if (k === 9 || k === 99 || k === 2999) conf.push(p.confidence());
    });
    expect(conf[0]!).toBeLessThan(conf[1]!);
    expect(conf[1]!).toBeLessThan(conf[2]!);
    expect(conf[2]!).toBeGreaterThan(0.95);
    truth.forEach((w, j) => expect(p.mean[j]!).toBeCloseTo(w, 0));
  });

  it('online (assumed-density) updates stay close to the exact batch MAP', () => {
    const votes = votesFrom([1, -2, 0.3], 300, 2);
    const online = BradleyTerryPosterior.prior([0.2, 0, 0], 1);
    for (const v of votes) online.update(v.winner, v.loser);
    const batch = BradleyTerryPosterior.fit([0.2, 0, 0], votes, 1);
    // Assumed-density filtering shrinks a little relative to the exact MAP, but keeps its direction.
    let dot = 0;
    let no = 0;
    let nb = 0;
    let err = 0;
    for (let j = 0; j < 3; j++) {
      dot += online.mean[j]! * batch.mean[j]!;
      no += online.mean[j]! ** 2;
      nb += batch.mean[j]! ** 2;
      err += (online.mean[j]! - batch.mean[j]!) ** 2;
    }
    expect(dot / Math.sqrt(no * nb)).toBeGreaterThan(0.995);
    expect(Math.sqrt(err / nb)).toBeLessThan(0.15);
    expect(online.votes).toBe(300);
    expect(batch.votes).toBe(300);
  });

  it('counts a comparison of weight 2 as that comparison twice', () => {
    const [a, b, c] = votesFrom([1, -2, 0.3], 3, 5);
    const weighted = BradleyTerryPosterior.fit([0, 0, 0], [{ ...a!, weight: 2 }, b!, { ...c!, weight: 0.5 }], 1);
    const twice = BradleyTerryPosterior.fit([0, 0, 0], [a!, a!, b!, { ...c!, weight: 0.5 }], 1);
    const once = BradleyTerryPosterior.fit([0, 0, 0], [a!, b!, { ...c!, weight: 0.5 }], 1);
    for (let j = 0; j < 3; j++) {
      expect(weighted.mean[j]!).toBeCloseTo(twice.mean[j]!, 8);
      expect(weighted.covariance[j * 4]!).toBeCloseTo(twice.covariance[j * 4]!, 8);
    }
    expect(Math.abs(weighted.mean[0]! - once.mean[0]!)).toBeGreaterThan(1e-3);
  });

  it('shrinks toward the population utility when a person has few votes', () => {
    const population = [3, 0];
    const votes = votesFrom([-1, 1], 5, 3);
    const weak = BradleyTerryPosterior.fit(population, votes, 0.01);
    const loose = BradleyTerryPosterior.fit(population, votes, 100);
    expect(Math.abs(weak.mean[0]! - 3)).toBeLessThan(0.1);
    expect(Math.abs(loose.mean[0]! - 3)).toBeGreaterThan(Math.abs(weak.mean[0]! - 3));
  });

  it('round-trips its state and rejects inconsistent state', () => {
    const p = BradleyTerryPosterior.prior([0, 0], 1);
    for (const v of votesFrom([1, 1], 20, 4)) p.update(v.winner, v.loser);
    const q = BradleyTerryPosterior.fromState(JSON.parse(JSON.stringify(p.toState())));
    expect(q.utility([1, 2])).toBeCloseTo(p.utility([1, 2]), 12);
    expect(q.votes).toBe(20);
    expect(() => BradleyTerryPosterior.fromState({ ...p.toState(), covariance: [1, 0, 0] })).toThrow(InvalidPreferenceStateError);
  });

  it('rejects features of the wrong dimension with a typed error', () => {
    const p = BradleyTerryPosterior.prior([0, 0], 1);
    expect(() => p.update([1, 2, 3], [0, 0])).toThrow(FeatureDimensionError);
  });

  it('fits the population utility from pooled votes', () => {
    const w = fitPopulationUtility(votesFrom([1.5, -0.5], 4000, 5), 2);
    expect(w[0]!).toBeCloseTo(1.5, 0);
    expect(w[1]!).toBeCloseTo(-0.5, 0);
  });
});

describe('item strengths', () => {
  it('orders items by how often they win', () => {
    const rng = new SeededRandom(6);
    const truth = [2, 1, 0, -1];
    const votes: { winner: number; loser: number }[] = [];
    for (let k = 0; k < 2000; k++) {
      const a = Math.floor(rng.next() * 4);
      const b = (a + 1 + Math.floor(rng.next() * 3)) % 4;
      votes.push(rng.next() < sigmoid(truth[a]! - truth[b]!) ? { winner: a, loser: b } : { winner: b, loser: a });
    }
    const s = fitItemStrengths(votes, 5);
    expect(s[0]!).toBeGreaterThan(s[1]!);
    expect(s[1]!).toBeGreaterThan(s[2]!);
    expect(s[2]!).toBeGreaterThan(s[3]!);
    expect(s[0]! - s[3]!).toBeCloseTo(3, 0);
    expect(s[4]).toBe(0);
  });

  it('refuses a vote of a track against itself', () => {
    expect(() => fitItemStrengths([{ winner: 1, loser: 1 }], 3)).toThrow(SameTrackPairError);
  });
});

describe('PreferenceFeatures', () => {
  it('standardises columns, scales blocks to unit variance and fills missing values with the mean', () => {
    const ids = Int32Array.from([10, 11, 12, 13]);
    const f = PreferenceFeatures.build(ids, [
      { name: 'a', dim: 1, values: Float32Array.from([1, 2, 3, NaN]) },
      { name: 'b', dim: 4, values: Float32Array.from({ length: 16 }, (_, i) => (i * 7) % 5) },
    ]);
    expect(f.dim).toBe(5);
    expect(f.vectorOf(13)[0]).toBe(0);
    let sq = 0;
    for (let r = 0; r < 4; r++) for (let c = 1; c < 5; c++) sq += f.row(r)[c]! ** 2;
    expect(sq / 4).toBeCloseTo(1, 4);
    expect(() => f.vectorOf(99)).toThrow(expect.objectContaining({ code: 'UNKNOWN_TRACK' }));
  });
});
