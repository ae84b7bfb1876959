import { describe, expect, it } from 'vitest';
import { IalsRecommender } from '../../../src/recsys/ials.ts';
import { pairsToMatrix } from '../../../src/recsys/interaction-pairs.ts';
import { ItemKnnRecommender } from '../../../src/recsys/item-knn.ts';
import { PopularityRecommender } from '../../../src/recsys/popularity.ts';
import type { ItemScorer } from '../../../src/recsys/recommender.ts';
import { BradleyTerryPosterior } from '../../../src/recsys/preference/bradley-terry.ts';
import { PreferenceFeatures } from '../../../src/recsys/preference/preference-features.ts';
import { NeighbourScorer } from '../../../src/recsys/ranking/neighbour-scorer.ts';
import { posteriorSignal } from '../../../src/recsys/ranking/preference-signal.ts';
import { RankedRecommender } from '../../../src/recsys/ranking/ranked-recommender.ts';
import { normalisedRows, tuneRankedLambda } from '../../../src/recsys/ranking/ranked-tuning.ts';
import { splitWarm } from '../../../src/recsys/split.ts';
import { checkerboard } from '../support/checkerboard.ts';
import { applyConstraints, InvalidConstraintError, LEAD_VOICE, relaxConstraint, type ConstraintCatalog } from '../../../src/recsys/ranking/constraints.ts';
import { explanationSentence } from '../../../src/recsys/ranking/explanation.ts';
import { cosineSimilarity, maximalMarginalRelevance } from '../../../src/recsys/ranking/mmr.ts';
import { Ranker } from '../../../src/recsys/ranking/ranker.ts';

/**
 * 12 items. Genre: 0..5 rock, 6..11 jazz. Mood: even = calm, odd = happy. Tempo 60 + 10·i. Explicit: 3 and 4.
 * Artist: item i by artist 100 + (i % 4).
 */
function catalog(): ConstraintCatalog {
  const n = 12;
  return {
    itemCount: n,
    genres: ['rock', 'jazz', 'metal'],
    genre: Int16Array.from({ length: n }, (_, i) => (i < 6 ? 0 : 1)),
    moods: ['calm', 'happy'],
    mood: Int16Array.from({ length: n }, (_, i) => i % 2),
    ranges: { tempo: Float32Array.from({ length: n }, (_, i) => 60 + 10 * i), energy: Float32Array.from({ length: n }, (_, i) => i / 11) },
    explicit: Uint8Array.from({ length: n }, (_, i) => (i === 3 || i === 4 ? 1 : 0)),
    artistOffsets: Int32Array.from({ length: n + 1 }, (_, i) => i),
    artistIds: Int32Array.from({ length: n }, (_, i) => 100 + (i % 4)),
  };
}

/** A scorer that gives every item a fixed score. */
function fixed(scores: number[]): ItemScorer {
  return {
    itemCount: scores.length,
    scoreUser: (_u, out) => out.set(scores),
    scoreSeeds: (_s, out) => out.set(scores),
  };
}

const descending = Array.from({ length: 12 }, (_, i) => 12 - i);

describe('constraints', () => {
  it('keeps only items meeting every constraint', () => {
    const m = applyConstraints(catalog(), { genres: ['Jazz'], moods: ['happy'], ranges: { tempo: { min: 130 } }, excludeArtists: [103] });
    const allowed = [...m.allowed].flatMap((v, i) => (v === 1 ? [i] : []));
    expect(allowed).toEqual([9]);
    const clean = applyConstraints(catalog(), { explicit: false, genres: ['rock'] });
    expect([...clean.allowed].flatMap((v, i) => (v === 1 ? [i] : []))).toEqual([0, 1, 2, 5]);
  });

  it('throws a typed error for a range that is impossible on its own', () => {
    const bad = [
      { ranges: { tempo: { min: 140, max: 120 } } },
      { ranges: { energy: { min: 1.5, max: 2 } } },
      { ranges: { tempo: { min: Number.NaN } } },
      { genres: ['polka'] },
    ];
    const problems = bad.map((c) => {
      try {
        applyConstraints(catalog(), c);
        return 'none';
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidConstraintError);
        return `${(err as InvalidConstraintError).code}:${(err as InvalidConstraintError).problem}`;
      }
    });
    expect(problems).toEqual(['INVALID_CONSTRAINT:empty_range', 'INVALID_CONSTRAINT:outside_domain', 'INVALID_CONSTRAINT:not_a_number', 'INVALID_CONSTRAINT:unknown_value']);
  });

  it('returns an empty result with a reason for an impossible combination', () => {
    const ranker = new Ranker([{ name: 'ials', scorer: fixed(descending), weight: 1 }], catalog());
    const r = ranker.rank({ user: 0, k: 5, constraints: { genres: ['rock'], ranges: { tempo: { min: 150 } } } });
    expect(r.items).toEqual([]);
    expect(r.emptyReason).toMatch(/no track meets all of them together/);
    expect(r.emptyReason).toMatch(/genre rock \(6 tracks\)/);
    const none = ranker.rank({ user: 0, k: 5, constraints: { genres: ['metal'] } });
    expect(none.items).toEqual([]);
    expect(none.emptyReason).toMatch(/no track matches genre metal/);
  });

  it('reads a rap label as a voice, except where the request asks for instrumental hip hop itself (lo-fi beats)', () => {
    // Items 0..3 hip hop, 4..5 jazz; instrumentalness 0.9 for all but item 1.
    const cat: ConstraintCatalog = {
      itemCount: 6,
      genres: ['hip hop', 'jazz'],
      genre: Int16Array.from([0, 0, 0, 0, 1, 1]),
      moods: ['calm'],
      mood: new Int16Array(6),
      ranges: { instrumentalness: Float32Array.from([0.9, 0.1, 0.9, 0.9, 0.9, 0.9]) },
      vocalEvidence: Uint8Array.from([0, 0, 1, 0, 0, 0]),
    };
    const ids = (c: Parameters<typeof applyConstraints>[1]) => [...applyConstraints(cat, c).allowed].flatMap((v, i) => (v === 1 ? [i] : []));
    expect(ids({ vocals: 'instrumental' })).toEqual([4, 5]);
    // A vocal tag (item 2) and low instrumentalness (item 1) still count.
    expect(ids({ vocals: 'instrumental', genres: ['hip hop'] })).toEqual([0, 3]);
  });

  it('keeps the lead voice asked for by the catalogue evidence; a catalogue that does not know matches nothing, and the field relaxes', () => {
    const voiced: ConstraintCatalog = { ...catalog(), leadVoice: Uint8Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? LEAD_VOICE.female : i % 3 === 1 ? LEAD_VOICE.male : 0)) };
    const ids = (c: Parameters<typeof applyConstraints>[1], cat = voiced) => [...applyConstraints(cat, c).allowed].flatMap((v, i) => (v === 1 ? [i] : []));
    expect(ids({ vocals: 'female' })).toEqual([0, 3, 6, 9]);
    expect(ids({ vocals: 'male', genres: ['jazz'] })).toEqual([7, 10]);
    const unknown = applyConstraints(catalog(), { vocals: 'female' });
    expect([...unknown.allowed].every((v) => v === 0)).toBe(true);
    expect(unknown.counts).toEqual([{ constraint: "female lead vocals (listeners' tags)", field: 'vocals', matching: 0 }]);
    expect(relaxConstraint({ vocals: 'female', genres: ['jazz'] }, 'vocals')).toEqual({ genres: ['jazz'] });
  });

  it('keeps tracks with an instrument asked for (any of several), relaxes the field, and never returns a placeholder record', () => {
    const sax = Uint8Array.from({ length: 12 }, (_, i) => (i === 1 || i === 7 ? 1 : 0));
    const piano = Uint8Array.from({ length: 12 }, (_, i) => (i === 8 ? 1 : 0));
    const cat: ConstraintCatalog = { ...catalog(), instruments: { saxophone: sax, piano }, untitled: Uint8Array.from({ length: 12 }, (_, i) => (i === 7 || i === 11 ? 1 : 0)) };
    const ids = (c: Parameters<typeof applyConstraints>[1]) => [...applyConstraints(cat, c).allowed].flatMap((v, i) => (v === 1 ? [i] : []));
    // Item 7 has a saxophone tag but is a placeholder ("-" by "-").
    expect(ids({ instruments: ['saxophone'] })).toEqual([1]);
    expect(ids({ instruments: ['saxophone', 'piano'] })).toEqual([1, 8]);
    expect(ids({ instruments: ['banjo'] })).toEqual([]);
    expect(ids({})).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9, 10]);
    expect(relaxConstraint({ instruments: ['banjo'], genres: ['jazz'] }, 'instruments')).toEqual({ genres: ['jazz'] });
  });

  it('keeps tracks of a style asked for by its evidence alone, or of the genres asked with it; relaxed, a style widens to its genre', () => {
    // Items 0..5 rock, 6..8 jazz, 9..11 r&b. Listeners' tags: grunge on 1, 2 and 7; funk on 4 (funk rock) and 10.
    const cat: ConstraintCatalog = {
      ...catalog(),
      genres: ['rock', 'jazz', 'metal', 'r&b'],
      genre: Int16Array.from({ length: 12 }, (_, i) => (i < 6 ? 0 : i < 9 ? 1 : 3)),
      styles: { grunge: Uint8Array.from({ length: 12 }, (_, i) => (i === 1 || i === 2 || i === 7 ? 1 : 0)), funk: Uint8Array.from({ length: 12 }, (_, i) => (i === 4 || i === 10 ? 1 : 0)) },
    };
    const ids = (c: Parameters<typeof applyConstraints>[1]) => [...applyConstraints(cat, c).allowed].flatMap((v, i) => (v === 1 ? [i] : []));
    expect(ids({ styles: ['grunge'] })).toEqual([1, 2, 7]);
    // Funk's tags also mark funk rock: a funk track needs evidence for r&b too.
    expect(ids({ styles: ['funk'] })).toEqual([10]);
    expect(ids({ styles: ['shoegaze'] })).toEqual([]);
    // Asked with a genre ("jazz and grunge"), either meets the one test, which relaxing `styles` loosens.
    expect(ids({ styles: ['grunge'], genres: ['jazz'] })).toEqual([1, 2, 6, 7, 8]);
    expect(applyConstraints(cat, { styles: ['grunge'], genres: ['jazz'] }).counts).toEqual([{ constraint: "genre jazz or grunge (listeners' tags)", field: 'styles', matching: 5 }]);
    expect(relaxConstraint({ styles: ['grunge', 'christian'], genres: ['jazz'] }, 'styles')).toEqual({ genres: ['jazz', 'rock'] });
    expect(relaxConstraint({ styles: ['shoegaze'] }, 'styles')).toEqual({ genres: ['indie'] });
    // "Real funk, not r&b" does not widen into what it left out; christian music has no one genre.
    expect(relaxConstraint({ styles: ['funk'], excludeGenres: ['r&b'] }, 'styles')).toEqual({ excludeGenres: ['r&b'] });
    expect(relaxConstraint({ styles: ['christian'] }, 'styles')).toEqual({});
    expect(relaxConstraint({ genres: ['jazz'] }, 'styles')).toBeUndefined();
  });

  it('leaves holiday songs out unless asked for; "only" keeps just them, and either gives way to "any" when relaxed', () => {
    const withHoliday: ConstraintCatalog = { ...catalog(), holiday: Uint8Array.from({ length: 12 }, (_, i) => (i === 2 || i === 7 ? 1 : 0)) };
    const ids = (c: Parameters<typeof applyConstraints>[1], cat = withHoliday) => [...applyConstraints(cat, c).allowed].flatMap((v, i) => (v === 1 ? [i] : []));
    expect(ids({ genres: ['jazz'] })).toEqual([6, 8, 9, 10, 11]);
    expect(ids({ genres: ['jazz'], holiday: 'only' })).toEqual([7]);
    expect(ids({ genres: ['jazz'], holiday: 'any' })).toEqual([6, 7, 8, 9, 10, 11]);
    // A catalogue that knows no holiday songs filters nothing.
    expect(ids({ genres: ['jazz'] }, catalog())).toEqual([6, 7, 8, 9, 10, 11]);
    expect(applyConstraints(withHoliday, {}).counts).toEqual([{ constraint: 'no holiday songs (not asked for)', field: 'holiday', matching: 10 }]);
    expect(relaxConstraint({ holiday: 'only', genres: ['jazz'] }, 'holiday')).toEqual({ holiday: 'any', genres: ['jazz'] });
    expect(relaxConstraint({ genres: ['jazz'] }, 'holiday')).toEqual({ holiday: 'any', genres: ['jazz'] });
    expect(relaxConstraint({ holiday: 'any' }, 'holiday')).toBeUndefined();
  });
});

describe('maximalMarginalRelevance', () => {
  // Items 0 and 1 are near-duplicates; item 2 differs.
  const vectors = Float32Array.from([1, 0, 0.99, 0.1, 0, 1]);
  const sim = cosineSimilarity(vectors, 2);
  const pool = [
    { item: 0, relevance: 1 },
    { item: 1, relevance: 0.95 },
    { item: 2, relevance: 0.8 },
  ];

  it('with lambda 1 keeps relevance order', () => {
    expect(maximalMarginalRelevance(pool, 3, 1, sim).map((p) => p.item)).toEqual([0, 1, 2]);
  });

  it('with lambda < 1 moves a near-duplicate below a different item and reports its redundancy', () => {
    const picks = maximalMarginalRelevance(pool, 3, 0.5, sim);
    expect(picks.map((p) => p.item)).toEqual([0, 2, 1]);
    expect(picks[2]!.redundancy).toBeGreaterThan(0.9);
  });
});

describe('Ranker', () => {
  const components = [
    { name: 'ials', scorer: fixed(descending), weight: 1 },
    { name: 'popularity', scorer: fixed(Array.from({ length: 12 }, (_, i) => (i === 11 ? 100 : 1))), weight: 2 },
  ];

  it('never returns disliked, known or seed items', () => {
    const r = new Ranker(components, catalog(), { lambda: 1 }).rank({ seeds: [0], k: 12, disliked: [1, 11], known: [2] });
    const items = r.items.map((x) => x.item);
    expect(items).not.toContain(0);
    expect(items).not.toContain(1);
    expect(items).not.toContain(2);
    expect(items).not.toContain(11);
    expect(items.length).toBe(8);
    const none = new Ranker(components, catalog()).rank({ user: 0, k: 3, constraints: { genres: ['jazz'] }, disliked: [6, 7, 8, 9, 10, 11] });
    expect(none.items).toEqual([]);
    expect(none.emptyReason).toMatch(/already known or disliked/);
  });

  it('explains every result with each signal\'s numbers and a sentence', () => {
    const r = new Ranker(components, catalog(), { lambda: 1 }).rank({ user: 0, k: 3 });
    expect(r.items.map((x) => x.item)).toEqual([11, 0, 1]);
    for (const item of r.items) {
      expect(item.explanation.signals.map((s) => s.signal)).toEqual(['ials', 'popularity']);
      const total = item.explanation.signals.reduce((s, x) => s + x.contribution, 0);
      expect(total).toBeCloseTo(item.score, 5);
      for (const s of item.explanation.signals) expect(s.contribution).toBeCloseTo(s.weight * s.z, 6);
      expect(item.explanation.sentence).toMatch(/^Recommended because .+\.$|^It is the best remaining/);
    }
    expect(r.items[0]!.explanation.sentence).toContain('popular');
    expect(r.items[1]!.explanation.sentence).toContain('listeners with taste like yours');
    expect(r.items[1]!.explanation.signals[0]!.rank).toBe(1);
  });

  it('lets the preference utility re-rank in proportion to its confidence', () => {
    // The utility loves item 5; with no confidence it changes nothing, with full confidence it lifts item 5.
    const utility = (i: number) => (i === 5 ? 10 : 0);
    const base = new Ranker([components[0]!], catalog(), { lambda: 1, preferenceWeight: 3 });
    const unsure = base.rank({ user: 0, k: 3, preference: { utility, confidence: 0 } });
    expect(unsure.items.map((x) => x.item)).toEqual([0, 1, 2]);
    const sure = base.rank({ user: 0, k: 3, preference: { utility, confidence: 1 } });
    expect(sure.items[0]!.item).toBe(5);
    const pref = sure.items[0]!.explanation.signals.find((s) => s.signal === 'preference');
    expect(pref?.weight).toBe(3);
    expect(sure.items[0]!.explanation.preferenceConfidence).toBe(1);
    expect(sure.items[0]!.explanation.sentence).toContain('A/B votes');
  });

  it('diversifies with MMR when given item similarity', () => {
    // Items 0..5 point one way, 6..11 another; relevance favours 0, 1, 2.
    const vectors = Float32Array.from({ length: 24 }, (_, k) => (Math.floor(k / 2) < 6 ? (k % 2 === 0 ? 1 : 0) : k % 2 === 0 ? 0 : 1));
    const plain = new Ranker([components[0]!], catalog(), { lambda: 1 }).rank({ user: 0, k: 2 });
    const diverse = new Ranker([components[0]!], catalog(), { lambda: 0.5, similarity: cosineSimilarity(vectors, 2) }).rank({ user: 0, k: 2 });
    expect(plain.items.map((x) => x.item)).toEqual([0, 1]);
    expect(diverse.items.map((x) => x.item)).toEqual([0, 6]);
    expect(diverse.items[1]!.explanation.redundancy).toBe(0);
  });
});

describe('explanationSentence', () => {
  it('names the strongest positive signals in order', () => {
    const s = explanationSentence([
      { signal: 'popularity', score: 1, z: 0.5, weight: 1, contribution: 0.5 },
      { signal: 'content-artist', score: 1, z: 2, weight: 1, contribution: 2 },
      { signal: 'ials', score: 1, z: -1, weight: 1, contribution: -1 },
    ]);
    expect(s).toBe('Recommended because it sounds like your picks, and it is popular right now.');
  });

  it('speaks of every signal the served recommender adds in words, never by its internal name', () => {
    for (const signal of ['similar_artists', 'novelty', 'mood_fit', 'content', 'popularity', 'similar_listeners']) {
      const s = explanationSentence([{ signal, score: 1, z: 1, weight: 1, contribution: 1 }]);
      expect(s).not.toContain(signal);
      expect(s).not.toContain('rates it highly');
    }
  });
});

describe('NeighbourScorer', () => {
  it('scores neighbours of the seeds and leaves others at the lowest listed score', () => {
    const scorer = new NeighbourScorer(5, (item) => (item === 0 ? [{ item: 1, score: 0.9 }, { item: 2, score: 0.5 }] : [{ item: 2, score: 0.4 }]), () => [0]);
    const out = new Float32Array(5);
    scorer.scoreSeeds([0, 3], out);
    expect(Array.from(out).map((x) => Number(x.toFixed(2)))).toEqual([0.9, 0.9, 0.9, 0.9, 0.9]);
    scorer.scoreSeeds([0], out);
    expect(Array.from(out).map((x) => Number(x.toFixed(2)))).toEqual([0.5, 0.9, 0.5, 0.5, 0.5]);
  });
});

describe('RankedRecommender', () => {
  const board = checkerboard();
  const make = () => {
    const ials = new IalsRecommender({ factors: 4, regularization: 0.1, alpha: 5, iterations: 15, seed: 7 });
    const knn = new ItemKnnRecommender({ neighbours: 20, shrink: 1 });
    ials.fit(board.matrix);
    knn.fit(board.matrix);
    return { ials, knn };
  };

  it('finds the checkerboard answers and never returns history, seeds or untrained items', () => {
    const { ials, knn } = make();
    const vectors = normalisedRows(ials.items, 4);
    const ranked = RankedRecommender.ofFitted(
      [
        { name: 'ials', model: ials, weight: 1 },
        { name: 'itemknn', model: knn, weight: 0.5 },
        { name: 'popularity', model: (() => { const p = new PopularityRecommender(); p.fit(board.matrix); return p; })(), weight: 0.1 },
      ],
      board.matrix,
      { lambda: 0.9, vectors },
    );
    for (const u of board.groupA) {
      const recs = ranked.recommend(u, 3).map((r) => r.item);
      expect(recs[0]).toBe(u % 6);
      for (const i of recs) expect(board.matrix.has(u, i)).toBe(false);
      expect(recs).not.toContain(12);
    }
    const fromSeeds = ranked.recommendFromSeeds([0, 1], 4).map((r) => r.item);
    expect(fromSeeds).not.toContain(0);
    expect(fromSeeds).not.toContain(1);
    expect(fromSeeds.slice(0, 4).every((i) => i < 6)).toBe(true);
    // A person with no history gets the popularity floor, like every model.
    expect(ranked.recommend(24, 2).length).toBe(2);
  });

  it('chooses lambda on a validation split, keeping 1 when there are no vectors', () => {
    const { ials } = make();
    const split = splitWarm(
      {
        userIds: Array.from({ length: 25 }, (_, u) => `u${u}`),
        itemIds: Array.from({ length: 13 }, (_, i) => `i${i}`),
        users: Int32Array.from(board.matrix.indices.map((_, p) => rowOf(board.matrix.indptr, p))),
        items: Int32Array.from(board.matrix.indices),
        weights: Float32Array.from(board.matrix.data),
      },
      1000,
    );
    const train = pairsToMatrix(split.train);
    ials.fit(train);
    const tuned = tuneRankedLambda([{ name: 'ials', model: ials, weight: 1 }], train, { task: 'W', split });
    expect(tuned.lambda).toBe(1);
    expect(tuned.ndcg).toBeGreaterThan(0);
  });
});

function rowOf(indptr: Int32Array, p: number): number {
  let r = 0;
  while (indptr[r + 1]! <= p) r++;
  return r;
}

describe('posteriorSignal', () => {
  it('re-ranks by a learned posterior once it has votes', () => {
    // Tracks 1000 + i; feature = 1 for item 7 only. Votes say item 7 beats others.
    const ids = Int32Array.from({ length: 12 }, (_, i) => 1000 + i);
    const features = PreferenceFeatures.fromMatrix(ids, 1, Float32Array.from({ length: 12 }, (_, i) => (i === 7 ? 1 : 0)));
    const posterior = BradleyTerryPosterior.prior([0], 1);
    const ranker = new Ranker([{ name: 'ials', scorer: fixed(descending), weight: 1 }], catalog(), { lambda: 1, preferenceWeight: 4 });
    const before = ranker.rank({ user: 0, k: 1, preference: posteriorSignal(posterior, features, (i) => 1000 + i) });
    expect(before.items[0]!.item).toBe(0);
    for (let k = 0; k < 30; k++) posterior.update(features.vectorOf(1007), features.vectorOf(1000 + (k % 7)));
    const after = ranker.rank({ user: 0, k: 1, preference: posteriorSignal(posterior, features, (i) => 1000 + i) });
    expect(after.items[0]!.item).toBe(7);
    expect(after.items[0]!.explanation.preferenceConfidence).toBeGreaterThan(0.5);
  });
});
