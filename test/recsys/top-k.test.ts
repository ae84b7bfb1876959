import { describe, expect, it } from 'vitest';
import { topK } from '../../src/recsys/top-k.ts';

describe('topK', () => {
  it('ranks by score, equal scores by lower index', () => {
    const scores = Float32Array.from([1, 3, 3, 0, 3, 2]);
    expect(topK(scores, 4).map((r) => r.item)).toEqual([1, 2, 4, 5]);
    expect(topK(scores, 2).map((r) => r.item)).toEqual([1, 2]);
  });

  it('skips blocked items and NaN scores and handles k beyond n', () => {
    const scores = Float32Array.from([5, NaN, 4, 3]);
    const blocked = Uint8Array.from([1, 0, 0, 0]);
    expect(topK(scores, 10, blocked).map((r) => r.item)).toEqual([2, 3]);
    expect(topK(scores, 0)).toEqual([]);
  });

  it('agrees with a full sort on random scores', () => {
    let x = 12345;
    const scores = Float32Array.from({ length: 500 }, () => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return Math.floor((x / 2147483648) * 50);
    });
    const expected = Array.from(scores, (s, i) => ({ s, i }))
      .sort((a, b) => b.s - a.s || a.i - b.i)
      .slice(0, 20)
      .map((e) => e.i);
    expect(topK(scores, 20).map((r) => r.item)).toEqual(expected);
  });
});
