import { describe, expect, it } from 'vitest';
import { BradleyTerryPosterior, sigmoid } from '../../../src/recsys/preference/bradley-terry.ts';
import { tasteCovariance, tasteDirection } from '../../../src/recsys/preference/population-prior.ts';
import { SeededRandom } from '../../../src/recsys/rng.ts';

/** People whose tastes differ only along feature 0 (the others carry no taste): their directions. */
function directions(n: number, d: number, seed: number): Float64Array[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => {
    const x = new Float64Array(d);
    x[0] = 2 * rng.normal();
    for (let j = 1; j < d; j++) x[j] = 0.05 * rng.normal();
    return x;
  });
}

describe('population prior shape', () => {
  it('is the mean of the chosen minus the mean of the others', () => {
    expect(Array.from(tasteDirection([[1, 0], [3, 2]], [[0, 1]], 2))).toEqual([2, 0]);
    expect(Array.from(tasteDirection([], [[0, 1]], 2))).toEqual([0, 0]);
  });

  it('puts the prior variance where people differ, keeps its trace, and falls back to isotropic', () => {
    const d = 4;
    const cov = tasteCovariance(directions(200, d, 1), d, { shape: 0.8, variance: 1 });
    let trace = 0;
    for (let i = 0; i < d; i++) trace += cov[i * d + i]!;
    expect(trace).toBeCloseTo(d, 6);
    expect(cov[0]!).toBeGreaterThan(3);
    for (let i = 1; i < d; i++) expect(cov[i * d + i]!).toBeLessThan(0.25);
    expect(Array.from(tasteCovariance([new Float64Array(d)], d))).toEqual(Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 1 : 0)));
    expect(() => tasteCovariance([], d, { shape: 1 })).toThrow(/shape/);
  });

  it('lets a new person learn the direction people differ in from fewer votes than the isotropic prior', () => {
    const d = 8;
    const cov = tasteCovariance(directions(300, d, 2), d, { shape: 0.9 });
    const rng = new SeededRandom(5);
    let shapedWins = 0;
    for (let person = 0; person < 20; person++) {
      const truth = new Float64Array(d);
      truth[0] = person % 2 === 0 ? 2 : -2;
      const votes = Array.from({ length: 6 }, () => {
        const a = Array.from({ length: d }, () => rng.normal());
        const b = Array.from({ length: d }, () => rng.normal());
        let u = 0;
        for (let j = 0; j < d; j++) u += truth[j]! * (a[j]! - b[j]!);
        return rng.next() < sigmoid(u) ? { winner: a, loser: b } : { winner: b, loser: a };
      });
      const angle = (p: BradleyTerryPosterior) => Math.abs(p.mean[0]!) / Math.hypot(...p.mean);
      const shaped = BradleyTerryPosterior.fit(new Float64Array(d), votes, 1, cov);
      const plain = BradleyTerryPosterior.fit(new Float64Array(d), votes, 1);
      expect(Math.sign(shaped.mean[0]!)).toBe(Math.sign(truth[0]));
      if (angle(shaped) > angle(plain)) shapedWins++;
      // Online updates from the shaped prior agree with the exact refit.
      const online = BradleyTerryPosterior.prior(new Float64Array(d), 1, cov);
      for (const v of votes) online.update(v.winner, v.loser);
      expect(Math.sign(online.mean[0]!)).toBe(Math.sign(shaped.mean[0]!));
    }
    expect(shapedWins).toBeGreaterThanOrEqual(18);
  });

  it('refuses a prior covariance of the wrong size or that is not positive definite', () => {
    expect(() => BradleyTerryPosterior.prior([0, 0], 1, [1, 0, 0])).toThrow(/4 values/);
    expect(() => BradleyTerryPosterior.prior([0, 0], 1, [1, 2, 2, 1])).toThrow(/positive definite/);
  });
});
