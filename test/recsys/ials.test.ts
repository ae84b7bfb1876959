import { describe, expect, it } from 'vitest';
import { IalsRecommender } from '../../src/recsys/ials.ts';
import { InvalidParamsError } from '../../src/recsys/errors.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { CsrMatrix } from '../../src/recsys/sparse-matrix.ts';

function randomMatrix(users: number, items: number, perUser: number, seed: number): CsrMatrix {
  const rng = new SeededRandom(seed);
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  for (let u = 0; u < users; u++) {
    const n = 1 + Math.floor(rng.next() * perUser);
    for (let t = 0; t < n; t++) {
      r.push(u);
      c.push(Math.floor(rng.next() * items));
      v.push(1 + Math.floor(rng.next() * 20));
    }
  }
  return CsrMatrix.fromTriples(users, items, r, c, v);
}

/** ‖A x - b‖ / ‖b‖ for the iALS normal equations of one row. */
function relativeResidual(model: IalsRecommender, items: number[], weights: number[], x: ArrayLike<number>): number {
  const k = model.params.factors;
  const y = model.items;
  const n = y.length / k;
  const ax = new Float64Array(k);
  const b = new Float64Array(k);
  for (let j = 0; j < n; j++) {
    let d = 0;
    for (let a = 0; a < k; a++) d += y[j * k + a]! * x[a]!;
    for (let a = 0; a < k; a++) ax[a]! += d * y[j * k + a]!;
  }
  items.forEach((i, t) => {
    const c = model.confidenceOf(weights[t]!);
    let d = 0;
    for (let a = 0; a < k; a++) d += y[i * k + a]! * x[a]!;
    for (let a = 0; a < k; a++) {
      ax[a]! += (c - 1) * d * y[i * k + a]!;
      b[a]! += c * y[i * k + a]!;
    }
  });
  let num = 0;
  let den = 0;
  for (let a = 0; a < k; a++) {
    ax[a]! += model.params.regularization * x[a]!;
    num += (ax[a]! - b[a]!) ** 2;
    den += b[a]! ** 2;
  }
  return Math.sqrt(num / den);
}

describe('IalsRecommender', () => {
  it('fold-in solves the normal equations exactly for the seeds', () => {
    const m = randomMatrix(80, 60, 12, 1);
    const model = new IalsRecommender({ factors: 8, regularization: 0.5, alpha: 3, iterations: 5, seedWeight: 4 });
    model.fit(m);
    const x = new Float64Array(8);
    model.foldIn([1, 5, 9], x);
    expect(relativeResidual(model, [1, 5, 9], [4, 4, 4], x)).toBeLessThan(1e-8);
  });

  it('item rows solved by the Woodbury path satisfy their normal equations after the last half-step', () => {
    // Items have few users each, so the item half-step takes the exact (Woodbury) path; check one item against
    // the user factors it was solved from.
    const m = randomMatrix(200, 150, 6, 2);
    const model = new IalsRecommender({ factors: 16, regularization: 1, alpha: 2, iterations: 3 });
    model.fit(m);
    const t = m.transpose();
    const k = 16;
    const item = Array.from({ length: t.rows }, (_, i) => i).find((i) => t.rowLength(i) >= 2)!;
    const users = Array.from(t.indices.subarray(t.indptr[item]!, t.indptr[item + 1]!));
    const weights = Array.from(t.data.subarray(t.indptr[item]!, t.indptr[item + 1]!));
    // Residual of the item's equations, with users' factors as the fixed side.
    const swapped = Object.create(model) as IalsRecommender;
    Object.defineProperty(swapped, 'items', { get: () => model.users });
    const x = model.items.subarray(item * k, item * k + k);
    expect(relativeResidual(swapped, users, weights, x)).toBeLessThan(1e-4);
  });

  it('lowers the weighted training loss as it iterates', () => {
    const m = randomMatrix(60, 40, 10, 3);
    const loss = (iterations: number) => {
      const model = new IalsRecommender({ factors: 6, regularization: 0.1, alpha: 2, iterations, seed: 5 });
      model.fit(m);
      const k = 6;
      let total = 0;
      for (let u = 0; u < m.rows; u++) {
        for (let i = 0; i < m.cols; i++) {
          let d = 0;
          for (let a = 0; a < k; a++) d += model.users[u * k + a]! * model.items[i * k + a]!;
          const p = m.has(u, i) ? 1 : 0;
          const w = p === 1 ? m.data[m.indptr[u]! + Array.from(m.indices.subarray(m.indptr[u]!, m.indptr[u + 1]!)).indexOf(i)]! : 0;
          total += model.confidenceOf(w) * (p - d) ** 2;
        }
      }
      return total;
    };
    const l1 = loss(1);
    const l8 = loss(8);
    expect(l8).toBeLessThan(l1);
  });

  it('gives the same factors for the same seed and different ones for another seed', () => {
    const m = randomMatrix(30, 20, 6, 4);
    const a = new IalsRecommender({ factors: 4, seed: 1, iterations: 3 });
    const b = new IalsRecommender({ factors: 4, seed: 1, iterations: 3 });
    const c = new IalsRecommender({ factors: 4, seed: 2, iterations: 3 });
    for (const model of [a, b, c]) model.fit(m);
    expect(Array.from(a.items)).toEqual(Array.from(b.items));
    expect(Array.from(a.items)).not.toEqual(Array.from(c.items));
    expect(a.items.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('rejects invalid hyperparameters', () => {
    expect(() => new IalsRecommender({ factors: 0 })).toThrow(InvalidParamsError);
    expect(() => new IalsRecommender({ regularization: 0 })).toThrow(InvalidParamsError);
    expect(() => new IalsRecommender({ seedWeight: -1 })).toThrow(InvalidParamsError);
  });
});
