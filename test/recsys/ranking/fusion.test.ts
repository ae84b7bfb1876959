import { describe, expect, it } from 'vitest';
import type { ItemScorer } from '../../../src/recsys/recommender.ts';
import type { ConstraintCatalog } from '../../../src/recsys/ranking/constraints.ts';
import { addFused, isFusion, RRF_DEPTH, RRF_K, rrfValue } from '../../../src/recsys/ranking/fusion.ts';
import { Ranker } from '../../../src/recsys/ranking/ranker.ts';

function bareCatalog(n: number): ConstraintCatalog {
  return { itemCount: n, genres: [], genre: new Int16Array(n).fill(-1), moods: [], mood: new Int16Array(n).fill(-1), ranges: {} };
}

function fixed(scores: number[]): ItemScorer {
  return { itemCount: scores.length, scoreUser: (_u, out) => out.set(scores), scoreSeeds: (_s, out) => out.set(scores) };
}

// Component A ranks items 0..11 in order; component B is flat except a spike on item 11.
const linear = Array.from({ length: 12 }, (_, i) => 12 - i);
const spike = Array.from({ length: 12 }, (_, i) => (i === 11 ? 100 : 0));

describe('rrfValue and addFused', () => {
  it('gives 1 / (K + rank) within the depth and 0 outside', () => {
    expect(rrfValue(1)).toBeCloseTo(1 / (RRF_K + 1), 12);
    expect(rrfValue(RRF_DEPTH)).toBeCloseTo(1 / (RRF_K + RRF_DEPTH), 12);
    expect(rrfValue(RRF_DEPTH + 1)).toBe(0);
    expect(rrfValue(0)).toBe(0);
    expect(isFusion('rrf')).toBe(true);
    expect(isFusion('max')).toBe(false);
  });

  it('rrf ranks only open items, so a blocked item does not take rank 1', () => {
    const scores = Float32Array.from(linear);
    const eligible = new Uint8Array(12).fill(1);
    const blocked = new Uint8Array(12);
    blocked[0] = 1;
    const out = new Float32Array(12);
    addFused('rrf', scores, eligible, blocked, 2, out);
    expect(out[0]).toBe(0);
    expect(out[1]).toBeCloseTo(2 / (RRF_K + 1), 7);
    expect(out[2]).toBeCloseTo(2 / (RRF_K + 2), 7);
    const z = new Float32Array(12);
    const st = addFused('z', scores, eligible, blocked, 1, z);
    expect(z[0]).toBeCloseTo((12 - st.mean) * st.inv, 5);
    expect(z.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 4);
  });
});

describe('Ranker fusion', () => {
  const parts = [
    { name: 'ials', scorer: fixed(linear), weight: 1 },
    { name: 'itemknn', scorer: fixed(spike), weight: 1 },
  ];

  it('z-scores let one component\'s outlier win; reciprocal ranks do not', () => {
    const z = new Ranker(parts, bareCatalog(12), { lambda: 1, fusion: 'z' }).rank({ user: 0, k: 3 });
    const rrf = new Ranker(parts, bareCatalog(12), { lambda: 1, fusion: 'rrf' }).rank({ user: 0, k: 6 });
    expect(z.items[0]!.item).toBe(11);
    // rrf: item a < 11 gets 1/(61 + a) from A plus 1/(62 + a) from B (B's ties rank by index after item 11);
    // item 11 gets 1/72 + 1/61, which only beats items 5 and later.
    expect(rrf.items.map((r) => r.item)).toEqual([0, 1, 2, 3, 4, 11]);
    expect(rrf.items[0]!.score).toBeCloseTo(1 / 61 + 1 / 62, 6);
  });

  it('explains rrf scores: contributions are weight / (K + rank) and add up to the score', () => {
    const r = new Ranker(parts.map((p) => ({ ...p, weight: 2 })), bareCatalog(12), { lambda: 1, fusion: 'rrf' }).rank({ user: 0, k: 4, known: [0] });
    expect(r.items.map((x) => x.item)).not.toContain(0);
    for (const item of r.items) {
      const total = item.explanation.signals.reduce((s, x) => s + x.contribution, 0);
      expect(total).toBeCloseTo(item.score, 6);
      for (const s of item.explanation.signals) expect(s.contribution).toBeCloseTo(2 * rrfValue(s.rank ?? 0), 7);
    }
  });
});
