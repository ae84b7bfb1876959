import { describe, expect, it } from 'vitest';
import { categoricalDrift, histogram, klDivergence, numericDrift, psi, quantileEdges } from '../../src/recsys/monitoring/drift.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';

describe('drift (PSI and KL over binned distributions)', () => {
  it('matches known values', () => {
    // Shares 0.5/0.5 → 0.25/0.75: PSI = 0.25·ln 2 + 0.25·ln 1.5; KL = 0.25·ln 0.5 + 0.75·ln 1.5.
    expect(psi([50, 50], [25, 75], 0)).toBeCloseTo(0.25 * Math.log(2) + 0.25 * Math.log(1.5), 10);
    expect(klDivergence([50, 50], [25, 75], 0)).toBeCloseTo(0.25 * Math.log(0.5) + 0.75 * Math.log(1.5), 10);
    expect(psi([10, 20, 30], [10, 20, 30])).toBeCloseTo(0, 12);
    // An emptied bin stays finite thanks to smoothing.
    expect(Number.isFinite(psi([10, 10], [20, 0]))).toBe(true);
    expect(() => psi([1, 2], [1, 2, 3])).toThrow();
  });

  it('bins on the reference quantiles', () => {
    const edges = quantileEdges(Array.from({ length: 100 }, (_, i) => i), 4);
    expect(edges).toEqual([25, 50, 75]);
    expect(histogram([0, 24, 25, 49, 50, 99, Number.NaN], edges)).toEqual([2, 2, 1, 1]);
    expect(quantileEdges([1, 1, 1, 1], 4)).toEqual([1]);
  });

  it('is near zero for a sample of the same distribution and large for a shifted one', () => {
    const rng = new SeededRandom(3);
    const sample = (mean: number, n: number) => Float64Array.from({ length: n }, () => mean + rng.normal());
    const ref = { energy: sample(0, 5000), tempo: sample(0, 5000) };
    const cur = { energy: sample(0, 5000), tempo: sample(1, 5000) };
    const d = numericDrift(ref, cur, 10);
    const energy = d.find((x) => x.feature === 'energy')!;
    const tempo = d.find((x) => x.feature === 'tempo')!;
    expect(energy.psi).toBeLessThan(0.02);
    expect(tempo.psi).toBeGreaterThan(0.25);
    expect(tempo.kl).toBeGreaterThan(energy.kl);
    expect(tempo.bins.length).toBe(10);
    expect(tempo.reference.reduce((a, b) => a + b, 0)).toBe(5000);
  });

  it('compares categories over the union of both snapshots', () => {
    const d = categoricalDrift('genre', ['rock', 'rock', 'pop', 'edm'], ['rock', 'pop', 'pop', 'jazz']);
    expect(d.bins).toEqual(['edm', 'jazz', 'pop', 'rock']);
    expect(d.reference).toEqual([1, 0, 1, 2]);
    expect(d.current).toEqual([0, 1, 2, 1]);
    expect(d.psi).toBeGreaterThan(0.25);
    expect(categoricalDrift('genre', ['a', 'b'], ['b', 'a']).psi).toBeCloseTo(0, 12);
  });
});
