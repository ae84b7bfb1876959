import { describe, expect, it } from 'vitest';
import { InvalidParamsError } from '../../../src/recsys/errors.ts';
import type { ConstraintCatalog } from '../../../src/recsys/ranking/constraints.ts';
import {
  featureCount,
  fitLearnedFusion,
  LearnedFusion,
  PER_COMPONENT_FEATURES,
  writeFeatures,
  type LearnedFusionCase,
} from '../../../src/recsys/ranking/learned-fusion.ts';
import { Ranker } from '../../../src/recsys/ranking/ranker.ts';
import type { ItemScorer } from '../../../src/recsys/recommender.ts';
import { SeededRandom } from '../../../src/recsys/rng.ts';

function bareCatalog(n: number): ConstraintCatalog {
  return { itemCount: n, genres: [], genre: new Int16Array(n).fill(-1), moods: [], mood: new Int16Array(n).fill(-1), ranges: {} };
}

function fixed(scores: readonly number[]): ItemScorer {
  return { itemCount: scores.length, scoreUser: (_u, out) => out.set(scores), scoreSeeds: (_s, out) => out.set(scores) };
}

/**
 * Synthetic people whose relevant items are the ones component B likes among unpopular items and component A likes
 * among popular ones: no single weight per component can express that, the popularity crosses can.
 */
function crossedCases(count: number, seed: number): LearnedFusionCase[] {
  const rng = new SeededRandom(seed);
  const items = 40;
  const dim = featureCount(2);
  return Array.from({ length: count }, () => {
    const a = Array.from({ length: items }, () => rng.normal());
    const b = Array.from({ length: items }, () => rng.normal());
    const pop = Array.from({ length: items }, () => rng.normal());
    const truth = a.map((ai, t) => (pop[t]! > 0 ? ai : b[t]!) + 0.3 * rng.normal());
    const top = [...truth.keys()].sort((x, y) => truth[y]! - truth[x]!).slice(0, 3);
    const rank = (v: readonly number[]) => {
      const order = [...v.keys()].sort((x, y) => v[y]! - v[x]!);
      const r = new Array<number>(items);
      order.forEach((t, j) => (r[t] = j + 1));
      return r;
    };
    const ra = rank(a);
    const rb = rank(b);
    const features = new Float32Array(items * dim);
    for (let t = 0; t < items; t++) writeFeatures([a[t]!, b[t]!], [ra[t]!, rb[t]!], items, pop[t]!, Math.log(5), features, t * dim);
    const relevant = new Uint8Array(items);
    for (const t of top) relevant[t] = 1;
    return { features, relevant };
  });
}

function hitsAt3(cases: readonly LearnedFusionCase[], model: LearnedFusion): number {
  const dim = model.weights.length;
  let hits = 0;
  for (const c of cases) {
    const n = c.relevant.length;
    const order = Array.from({ length: n }, (_v, t) => t).sort((x, y) => model.score(c.features, y * dim) - model.score(c.features, x * dim));
    for (const t of order.slice(0, 3)) hits += c.relevant[t]!;
  }
  return hits / (3 * cases.length);
}

describe('learned fusion', () => {
  it('writes the documented feature layout', () => {
    const out = new Float32Array(featureCount(2));
    writeFeatures([2, -1], [3, 0], 10, 0.5, Math.log(4), out, 0);
    const l = Math.log(4);
    const expected = [2, Math.log(3), 2 * 0.5, 2 * l, 60 / 63, -1, Math.log(11), -0.5, -l, 0, 0.5, 0.25, 0.5 * l];
    expect(Array.from(out)).toHaveLength(expected.length);
    expected.forEach((v, d) => expect(out[d]).toBeCloseTo(v, 6));
  });

  it('learns what one weight per component cannot (trust by popularity), from the blend it starts at', () => {
    const train = crossedCases(300, 1);
    const held = crossedCases(200, 2);
    const start = new Float64Array(featureCount(2));
    start[0] = 1;
    start[PER_COMPONENT_FEATURES] = 1;
    const blend = new LearnedFusion(start, 2, 40);
    const fitted = fitLearnedFusion(train, 2, 40, { start });
    expect(hitsAt3(held, fitted)).toBeGreaterThan(hitsAt3(held, blend) + 0.15);
    // Same cases, same model (no randomness in the fit).
    expect(fitLearnedFusion(train, 2, 40, { start }).weights).toEqual(fitted.weights);
    // People with no relevant item teach nothing: the start is returned.
    const none = train.map((c) => ({ features: c.features, relevant: new Uint8Array(c.relevant.length) }));
    expect(Array.from(fitLearnedFusion(none, 2, 40, { start }).weights)).toEqual(Array.from(start));
  });

  it('round-trips through JSON and refuses malformed input with a clear error', () => {
    const m = new LearnedFusion(Float64Array.from({ length: featureCount(3) }, (_v, d) => d / 10), 3, 150);
    const back = LearnedFusion.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    expect(Array.from(back.weights)).toEqual(Array.from(m.weights));
    expect(back.depth).toBe(150);
    expect(() => LearnedFusion.fromJSON({ weights: [1, 2] })).toThrow(InvalidParamsError);
    expect(() => new LearnedFusion(new Float64Array(4), 3, 150)).toThrow(/expected 18/);
    expect(() => new LearnedFusion(new Float64Array(featureCount(1)).fill(Number.NaN), 1, 10)).toThrow(/finite/);
  });

  it('ranks through the Ranker with per-component shares that add up to the score', () => {
    const n = 30;
    const a = Array.from({ length: n }, (_v, i) => n - i);
    const b = Array.from({ length: n }, (_v, i) => (i % 7) * 1.5);
    const popularity = Float32Array.from({ length: n }, (_v, i) => (i * 13) % 17);
    const weights = new Float64Array(featureCount(2));
    weights[0] = 1;
    weights[PER_COMPONENT_FEATURES] = 0.5;
    weights[2 * PER_COMPONENT_FEATURES] = -0.4;
    const model = new LearnedFusion(weights, 2, 10);
    const parts = [
      { name: 'ials', scorer: fixed(a), weight: 1 },
      { name: 'itemknn', scorer: fixed(b), weight: 1 },
    ];
    const ranker = new Ranker(parts, bareCatalog(n), { lambda: 1, fusion: 'learned', learned: model, popularity });
    const result = ranker.rank({ seeds: [0], k: 5 });
    expect(result.items).toHaveLength(5);
    expect(result.items.map((r) => r.item)).not.toContain(0);
    for (const r of result.items) {
      const total = r.explanation.signals.reduce((s, x) => s + x.contribution, 0);
      expect(total).toBeCloseTo(r.score, 5);
      expect(r.explanation.signals.map((s) => s.signal)).toEqual(['ials', 'itemknn', 'popularity-prior']);
    }
    const scores = result.items.map((r) => r.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    // A fusion without its model, or for another number of components, is refused.
    expect(() => new Ranker(parts, bareCatalog(n), { fusion: 'learned', popularity })).toThrow(/fitted model/);
    expect(() => new Ranker(parts.slice(0, 1), bareCatalog(n), { fusion: 'learned', learned: model, popularity })).toThrow(/2 components/);
  });
});
