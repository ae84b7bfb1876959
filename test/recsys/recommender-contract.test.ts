/** The shared suite every recommender must pass (after implicit's RecommenderBase tests). */
import { describe, expect, it } from 'vitest';
import { ContentProfileRecommender } from '../../src/recsys/content-profile.ts';
import { EmptySeedsError, UnknownItemError, UnknownUserError } from '../../src/recsys/errors.ts';
import { HybridRecommender } from '../../src/recsys/hybrid.ts';
import { IalsRecommender } from '../../src/recsys/ials.ts';
import { ItemKnnRecommender } from '../../src/recsys/item-knn.ts';
import { decodeModelFile, encodeModelFile } from '../../src/recsys/model-file.ts';
import { restoreRecommender } from '../../src/recsys/model-registry.ts';
import { PopularityRecommender } from '../../src/recsys/popularity.ts';
import { Rp3betaRecommender } from '../../src/recsys/rp3beta.ts';
import type { ScoringRecommender } from '../../src/recsys/scoring-recommender.ts';
import { checkerboard } from './support/checkerboard.ts';

const board = checkerboard();

interface Case {
  name: string;
  make: () => ScoringRecommender;
  /** Whether the model must find the checkerboard's known answers (popularity cannot). */
  collaborative: boolean;
}

const cases: Case[] = [
  { name: 'popularity', make: () => new PopularityRecommender(), collaborative: false },
  { name: 'itemknn', make: () => new ItemKnnRecommender({ neighbours: 20, shrink: 1 }), collaborative: true },
  { name: 'rp3beta', make: () => new Rp3betaRecommender({ alpha: 0.8, beta: 0.3, neighbours: 20 }), collaborative: true },
  { name: 'ials', make: () => new IalsRecommender({ factors: 4, regularization: 0.1, alpha: 5, iterations: 15, seed: 7 }), collaborative: true },
  {
    name: 'content',
    make: () => new ContentProfileRecommender(board.side, { categoryWeights: { artist: 1 }, labelWeights: { genre: 1 }, numericWeight: 0.5 }),
    collaborative: true,
  },
  {
    name: 'hybrid',
    make: () =>
      new HybridRecommender([
        { model: new IalsRecommender({ factors: 4, regularization: 0.1, alpha: 5, iterations: 15, seed: 7 }), weight: 1 },
        { model: new Rp3betaRecommender({ neighbours: 20 }), weight: 0.5 },
        { model: new PopularityRecommender(), weight: 0.1 },
      ]),
    collaborative: true,
  },
];

function fitted(c: Case): ScoringRecommender {
  const m = c.make();
  m.fit(board.matrix);
  return m;
}

function ownItems(user: number): number[] {
  const m = board.matrix;
  return Array.from(m.indices.subarray(m.indptr[user]!, m.indptr[user + 1]!));
}

describe.each(cases)('recommender contract: $name', (c) => {
  const model = fitted(c);

  it('recommends at most k trained items, best first, never the person\'s own, with finite scores', () => {
    for (const user of [0, 3, 9, 20]) {
      const recs = model.recommend(user, 5);
      expect(recs.length).toBeGreaterThan(0);
      expect(recs.length).toBeLessThanOrEqual(5);
      const own = new Set(ownItems(user));
      for (const r of recs) {
        expect(own.has(r.item)).toBe(false);
        expect(r.item).not.toBe(12);
        expect(Number.isFinite(r.score)).toBe(true);
      }
      for (let q = 1; q < recs.length; q++) expect(recs[q - 1]!.score).toBeGreaterThanOrEqual(recs[q]!.score);
    }
  });

  it('never returns a seed, an excluded item or an untrained item', () => {
    const recs = model.recommendFromSeeds([0, 1, 6], 13, { exclude: [2] });
    const items = recs.map((r) => r.item);
    for (const banned of [0, 1, 6, 2, 12]) expect(items).not.toContain(banned);
    expect(recs.every((r) => Number.isFinite(r.score))).toBe(true);
  });

  it('throws typed errors for bad input', () => {
    expect(() => model.recommendFromSeeds([], 5)).toThrow(EmptySeedsError);
    expect(() => model.recommendFromSeeds([0, 99], 5)).toThrow(UnknownItemError);
    expect(() => model.recommendFromSeeds([-1], 5)).toThrow(UnknownItemError);
    expect(() => model.recommendFromSeeds([1.5], 5)).toThrow(UnknownItemError);
    expect(() => model.recommend(25, 5)).toThrow(UnknownUserError);
    expect(() => model.similarItems(13, 5)).toThrow(UnknownItemError);
    try {
      model.recommendFromSeeds([], 5);
    } catch (err) {
      expect((err as EmptySeedsError).code).toBe('EMPTY_SEEDS');
    }
  });

  it('falls back to popularity for a person with no history and for seeds unseen in training', () => {
    const pop = new PopularityRecommender();
    pop.fit(board.matrix);
    const expected = pop.recommend(24, 5).map((r) => r.item);
    expect(model.recommend(24, 5).map((r) => r.item)).toEqual(expected);
    expect(model.recommendFromSeeds([12], 5).map((r) => r.item)).toEqual(pop.recommendFromSeeds([12], 5).map((r) => r.item));
  });

  it('is deterministic: the same data and seed give the same lists', () => {
    const again = fitted(c);
    for (const user of [0, 10]) expect(again.recommend(user, 6)).toEqual(model.recommend(user, 6));
    expect(again.recommendFromSeeds([7, 8], 6)).toEqual(model.recommendFromSeeds([7, 8], 6));
  });

  it('survives a model-file round trip unchanged', () => {
    const { bytes } = encodeModelFile(model.toSnapshot());
    const restored = restoreRecommender(decodeModelFile(bytes, 'memory').snapshot);
    expect(restored.kind).toBe(model.kind);
    for (const user of [0, 5, 17, 24]) expect(restored.recommend(user, 6)).toEqual(model.recommend(user, 6));
    expect(restored.recommendFromSeeds([1, 2, 3], 6)).toEqual(model.recommendFromSeeds([1, 2, 3], 6));
  });

  if (c.collaborative) {
    it('finds the checkerboard answers: a group-A person\'s missing item first, group-B items from group-B seeds', () => {
      for (let user = 0; user < 8; user++) expect(model.recommend(user, 1)[0]!.item).toBe(user % 6);
      const fromB = model.recommendFromSeeds([6, 7, 8], 3).map((r) => r.item);
      for (const item of fromB) expect(board.groupB).toContain(item);
      const similar = model.similarItems(2, 3).map((r) => r.item);
      for (const item of similar) expect(board.groupA).toContain(item);
    });
  } else {
    it('ranks by interaction count, ties by lower index', () => {
      const counts = model.itemPopularity;
      const recs = model.recommend(0, 12);
      for (let q = 1; q < recs.length; q++) {
        const a = recs[q - 1]!.item;
        const b = recs[q]!.item;
        expect(counts[a]! > counts[b]! || (counts[a] === counts[b] && a < b)).toBe(true);
      }
    });
  }
});
