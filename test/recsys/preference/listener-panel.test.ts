import { describe, expect, it } from 'vitest';
import { BradleyTerryPosterior } from '../../../src/recsys/preference/bradley-terry.ts';
import { meanSe, pairAuc, panelAnswer, runListenerPanel, type PanelPerson } from '../../../src/recsys/preference/listener-panel.ts';
import { SeenPairs, selectPair } from '../../../src/recsys/preference/pair-selection.ts';
import { PreferenceFeatures } from '../../../src/recsys/preference/preference-features.ts';
import { artistBackoffFactors, tasteFeatureBlocks } from '../../../src/recsys/preference/taste-features.ts';
import { SeededRandom } from '../../../src/recsys/rng.ts';

/** Tracks with `d` features; a person likes a track when its first feature plus their own taste is high. */
function fixture(n: number, d: number, people: number, seed: number): { features: PreferenceFeatures; people: PanelPerson[] } {
  const rng = new SeededRandom(seed);
  const ids = Int32Array.from({ length: n }, (_, i) => i);
  const values = Float32Array.from({ length: n * d }, () => rng.normal() / Math.sqrt(d));
  const features = PreferenceFeatures.fromMatrix(ids, d, values);
  const list: PanelPerson[] = [];
  for (let p = 0; p < people; p++) {
    const taste = Float64Array.from({ length: d }, (_, j) => (j === 0 ? 3 : rng.normal()));
    const items = Array.from({ length: 60 }, () => Math.floor(rng.next() * n)).filter((v, i, a) => a.indexOf(v) === i);
    const utility = items.map((t) => taste.reduce((s, w, j) => s + w * features.row(t)[j]!, 0));
    const sorted = [...utility].sort((a, b) => a - b);
    const cut = sorted[Math.floor(sorted.length / 2)]!;
    // Chosen items have a strength (a play count) that grows with utility; the others are never played (0).
    list.push({ name: `p${p}`, items, strengths: utility.map((u) => (u > cut ? 1 + Math.round(10 * (u - cut)) : 0)) });
  }
  return { features, people: list };
}

describe('panel answers and scores', () => {
  it('answers a pair by strength, ties as "both" or "neither", and flips decided answers only', () => {
    expect(panelAnswer(5, 2, false)).toBe('a');
    expect(panelAnswer(0, 3, false)).toBe('b');
    expect(panelAnswer(0, 3, true)).toBe('a');
    expect(panelAnswer(4, 4, true)).toBe('both');
    expect(panelAnswer(0, 0, true)).toBe('neither');
  });

  it('scores concordance over pairs of different strength only', () => {
    expect(pairAuc([3, 2, 1], [9, 5, 0])).toBe(1);
    expect(pairAuc([1, 2, 3], [9, 5, 0])).toBe(0);
    // The tie in strength (two zeros) is not a pair; the tie in score counts half.
    expect(pairAuc([2, 1, 1], [1, 0, 0])).toBe(1);
    expect(pairAuc([1, 1, 0], [1, 0, 0])).toBe(0.75);
    expect(meanSe([1, 2, 3]).se).toBeCloseTo(Math.sqrt(1 / 3), 12);
  });
});

describe('runListenerPanel', () => {
  it('learns from decided answers only and reports questions, informative share and the full-information ceiling', () => {
    const { features, people } = fixture(300, 6, 16, 1);
    const r = runListenerPanel(features, new Float64Array(6), people, { seed: 2, checkpoints: [5, 20], noise: 0.05 });
    expect(r.people).toBe(16);
    for (const fig of [r.product, r.random]) {
      for (let k = 0; k < 2; k++) {
        // Ties are asked but not counted as votes, so at least as many questions as votes were asked.
        expect(fig.questions[k]!.mean).toBeGreaterThanOrEqual(r.checkpoints[k]!);
        expect(fig.informative[k]!.mean).toBeGreaterThan(0);
        expect(fig.informative[k]!.mean).toBeLessThanOrEqual(1);
      }
      // The learned utility ranks the held-out items far better than chance after 20 votes.
      expect(fig.auc[1]!.mean).toBeGreaterThan(0.7);
    }
    // With a zero population prior every utility is 0: chance.
    expect(r.priorAuc.mean).toBe(0.5);
    expect(r.fullInformation.mean).toBeGreaterThan(r.random.auc[0]!.mean);
    expect(r.difference[1]!.n).toBe(16);
  });

  it('averages each person over independent runs without changing who is held out, and reports the room every label leaves', () => {
    const { features, people } = fixture(300, 6, 12, 6);
    const config = { seed: 3, checkpoints: [5, 20], learner: 'labels', pairPolicy: 'coverage', count: 'answers' } as const;
    const one = runListenerPanel(features, [1, 0, 0, 0, 0, 0], people, config);
    const three = runListenerPanel(features, [1, 0, 0, 0, 0, 0], people, { ...config, replicates: 3 });
    // The same held-out items: the prior and the full-information model score the same.
    expect(three.priorAuc.mean).toBe(one.priorAuc.mean);
    expect(three.fullInformation.mean).toBe(one.fullInformation.mean);
    expect(three.everyLabel!.mean).toBe(one.everyLabel!.mean);
    expect(three.people).toBe(one.people);
    // Other runs were averaged in.
    expect(three.product.auc[0]!.mean).not.toBe(one.product.auc[0]!.mean);
    expect(three.product.questions[1]!.mean).toBe(20);
    // Told every training label, the learner ranks at least as well as after 5 random answers, and the room is the gap.
    const room = three.roomOverRandom![0]!;
    expect(room.mean).toBeCloseTo(three.everyLabel!.mean - three.random.auc[0]!.mean, 10);
    expect(room.mean).toBeGreaterThan(0);
    // The online learner has no labels to be told.
    expect(runListenerPanel(features, [1, 0, 0, 0, 0, 0], people, { seed: 3, checkpoints: [5] }).everyLabel).toBeUndefined();
  });

  it('uses the population prior for a person who has not voted yet', () => {
    const { features, people } = fixture(300, 6, 12, 3);
    const informed = runListenerPanel(features, [3, 0, 0, 0, 0, 0], people, { seed: 4, checkpoints: [5] });
    const blank = runListenerPanel(features, new Float64Array(6), people, { seed: 4, checkpoints: [5] });
    expect(informed.priorAuc.mean).toBeGreaterThan(0.7);
    expect(blank.priorAuc.mean).toBe(0.5);
  });
});

describe('pair policy', () => {
  it('keeps the configured share of random pairs with the tie-aware, distance-floored criterion', () => {
    const { features } = fixture(200, 5, 0, 5);
    const post = BradleyTerryPosterior.prior([1, 0, 0, 0, 0]);
    const seen = new SeenPairs();
    const rng = new SeededRandom(6);
    let random = 0;
    for (let k = 0; k < 500; k++) {
      const p = selectPair({ posterior: post, features, plausible: Array.from(features.ids), seen, rng }, { randomShare: 0.3 });
      seen.add(p.a, p.b);
      if (p.strategy === 'random') random++;
    }
    expect(random / 500).toBeGreaterThan(0.24);
    expect(random / 500).toBeLessThan(0.36);
  });

  it('does not pair near-identical tracks while others are left, and pairs a likely-liked with a likely-not track', () => {
    // 10 and 11 are near twins; 12 and 13 sit low on the liked axis, 14 high.
    const ids = Int32Array.from([10, 11, 12, 13, 14]);
    const values = Float32Array.from([0, 1, 0.01, 1, -1, 0.2, -1.1, -0.2, 1.2, 0]);
    const features = PreferenceFeatures.fromMatrix(ids, 2, values);
    const post = BradleyTerryPosterior.prior([1, 0], 1);
    const p = selectPair({ posterior: post, features, plausible: Array.from(ids), seen: new SeenPairs(), rng: new SeededRandom(1) }, { randomShare: 0 });
    const pair = [p.a, p.b].sort((x, y) => x - y);
    expect(pair).not.toEqual([10, 11]);
    expect(pair).not.toEqual([12, 13]);
    expect(p.strategy).toBe('informative');
    // Every pair left mixes a track above the pool's median utility with one below it, or includes 14 (the top).
    expect(pair.includes(14) || pair.some((t) => t === 10 || t === 11)).toBe(true);
  });
});

describe('taste feature blocks', () => {
  it('orders blocks cf, tags, audio, labels, popularity and blanks unknown CF rows', () => {
    const blocks = tasteFeatureBlocks(3, {
      popularity: Float32Array.from([0, 1, 3]),
      audio: { names: ['energy'], values: Float32Array.from([0.1, 0.5, 0.9]) },
      cf: { dim: 2, values: Float32Array.from([1, 2, 3, 4, 5, 6]), known: (r) => r !== 1 },
      tags: { dim: 1, values: Float32Array.from([1, Number.NaN, 0]) },
    });
    expect(blocks.map((b) => b.name)).toEqual(['cf', 'tags', 'audio', 'popularity']);
    expect(Array.from(blocks[0]!.values).map((v) => (Number.isNaN(v) ? 'nan' : v))).toEqual([1, 2, 'nan', 'nan', 5, 6]);
    expect(blocks[3]!.values[2]).toBeCloseTo(Math.log(4), 6);
    const features = PreferenceFeatures.build(Int32Array.from([7, 8, 9]), blocks);
    // A track with unknown CF factors sits at the column mean (0) of that block.
    expect(features.vectorOf(8)[0]).toBe(0);
    expect(() => tasteFeatureBlocks(2, {})).toThrow(/at least one block/);
  });

  it('gives a track without interactions its artist\'s mean factors, and leaves it unknown when the artist has none', () => {
    // Rows 0 and 1: artist 0 with interactions; row 2: artist 0 without; row 3: artist 1 without; row 4: no artist.
    const items = Float32Array.from([1, 2, 3, 6, 9, 9, 8, 8, 7, 7]);
    const counts = Float32Array.from([2, 1, 0, 0, 0]);
    const { values, known } = artistBackoffFactors(items, 2, counts, Int32Array.from([0, 0, 0, 1, -1]));
    expect(Array.from(values.subarray(0, 4))).toEqual([1, 2, 3, 6]);
    expect(Array.from(values.subarray(4, 6))).toEqual([2, 4]);
    expect([0, 1, 2, 3, 4].map(known)).toEqual([true, true, true, false, false]);
    const blocks = tasteFeatureBlocks(5, { cf: { dim: 2, values, known } });
    expect(Number.isNaN(blocks[0]!.values[6]!)).toBe(true);
  });
});
