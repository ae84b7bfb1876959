import { describe, expect, it } from 'vitest';
import { InvalidInteractionsError } from '../../src/recsys/errors.ts';
import { CsrMatrix } from '../../src/recsys/sparse-matrix.ts';

describe('CsrMatrix', () => {
  it('builds rows with sorted columns and sums duplicate pairs', () => {
    const m = CsrMatrix.fromTriples(3, 4, [2, 0, 0, 2, 0], [1, 3, 1, 1, 0], [1, 2, 3, 4, 5]);
    expect(Array.from(m.indptr)).toEqual([0, 3, 3, 4]);
    expect(Array.from(m.indices)).toEqual([0, 1, 3, 1]);
    expect(Array.from(m.data)).toEqual([5, 3, 2, 5]);
    expect(m.has(0, 3)).toBe(true);
    expect(m.has(1, 3)).toBe(false);
  });

  it('transposes into the CSC form', () => {
    const m = CsrMatrix.fromTriples(2, 3, [0, 0, 1], [0, 2, 2], [1, 2, 3]);
    const t = m.transpose();
    expect(t.rows).toBe(3);
    expect(Array.from(t.indptr)).toEqual([0, 1, 1, 3]);
    expect(Array.from(t.indices)).toEqual([0, 0, 1]);
    expect(Array.from(t.data)).toEqual([1, 2, 3]);
    expect(Array.from(t.transpose().data)).toEqual(Array.from(m.data));
  });

  it('rejects out-of-range indices and negative or non-finite weights', () => {
    expect(() => CsrMatrix.fromTriples(2, 2, [2], [0], [1])).toThrow(InvalidInteractionsError);
    expect(() => CsrMatrix.fromTriples(2, 2, [0], [-1], [1])).toThrow(InvalidInteractionsError);
    expect(() => CsrMatrix.fromTriples(2, 2, [0], [0], [-1])).toThrow(InvalidInteractionsError);
    expect(() => CsrMatrix.fromTriples(2, 2, [0], [0], [NaN])).toThrow(InvalidInteractionsError);
  });
});
