import { describe, expect, it } from 'vitest';
import { BradleyTerryPosterior } from '../../../src/recsys/preference/bradley-terry.ts';
import { coverageChoice, coveragePair, fitFromLabels, labelEvidence, saidNotToFit, type PairAnswer } from '../../../src/recsys/preference/label-evidence.ts';
import { runListenerPanel, type PanelPerson } from '../../../src/recsys/preference/listener-panel.ts';
import { SeenPairs } from '../../../src/recsys/preference/pair-selection.ts';
import { PreferenceFeatures } from '../../../src/recsys/preference/preference-features.ts';
import { SeededRandom } from '../../../src/recsys/rng.ts';

/** `n` tracks in 2-d: the first feature is what the person likes. */
function plane(n: number, seed: number): PreferenceFeatures {
  const rng = new SeededRandom(seed);
  return PreferenceFeatures.fromMatrix(
    Int32Array.from({ length: n }, (_, i) => i),
    2,
    Float32Array.from({ length: n * 2 }, () => rng.normal()),
  );
}

describe('label evidence', () => {
  it('reads A/B as one track fitting and the other not, "both" and "neither" as both tracks fitting or not', () => {
    const e = labelEvidence([
      { a: 1, b: 2, choice: 'a' },
      { a: 3, b: 1, choice: 'both' },
      { a: 2, b: 4, choice: 'neither' },
      { a: 4, b: 5, choice: 'b' },
    ]);
    expect(Object.fromEntries(e)).toEqual({ 1: 2, 2: -2, 3: 1, 4: -2, 5: 1 });
  });

  it('says a track does not fit only when the person answered "neither" and nothing since outweighs it', () => {
    expect(
      saidNotToFit([
        { a: 1, b: 2, choice: 'a' },
        { a: 3, b: 4, choice: 'neither' },
        { a: 4, b: 5, choice: 'a' },
        { a: 4, b: 6, choice: 'both' },
      ]),
    ).toEqual([3]);
  });

  it('weighs the implied pairs as one comparison per labelled track, not one each, so the prior keeps its say as labels accumulate', () => {
    // Every fitting track looks alike (A), and every other one (B): m fitting against m others imply m² pairs.
    const m = 6;
    const f = PreferenceFeatures.fromMatrix(
      Int32Array.from({ length: 2 * m }, (_, i) => i),
      2,
      Float32Array.from({ length: 4 * m }, (_, k) => (Math.floor(k / 2) < m ? [1, 0.5] : [-1, 0.2])[k % 2]!),
    );
    const answers: PairAnswer[] = Array.from({ length: m }, (_, i) => ({ a: i, b: m + i, choice: 'a' }));
    const fit = fitFromLabels(new Float64Array(2), f, answers, 1);
    const comparisons = (n: number) => Array.from({ length: n }, () => ({ winner: f.vectorOf(0), loser: f.vectorOf(m) }));
    // 2m labelled tracks weigh as 2m comparisons of A against B, not m² of them.
    const asLabels = BradleyTerryPosterior.fit(new Float64Array(2), comparisons(2 * m), 1);
    const asPairs = BradleyTerryPosterior.fit(new Float64Array(2), comparisons(m * m), 1);
    expect(fit.mean[0]!).toBeCloseTo(asLabels.mean[0]!, 6);
    expect(Math.abs(fit.mean[0]! - asPairs.mean[0]!)).toBeGreaterThan(0.05);
    expect(fit.votes).toBe(m);
  });

  it('learns from ties where the vote-by-vote posterior learns nothing, and a tie does not turn a learnt order round', () => {
    const f = plane(40, 1);
    const liked = [...f.ids].filter((t) => f.row(t)[0]! > 0.5);
    const not = [...f.ids].filter((t) => f.row(t)[0]! < -0.5);
    // Only ties: "both" on liked pairs, "neither" on the others.
    const ties: PairAnswer[] = [];
    for (let k = 0; k + 1 < Math.min(liked.length, not.length); k += 2) {
      ties.push({ a: liked[k]!, b: liked[k + 1]!, choice: 'both' });
      ties.push({ a: not[k]!, b: not[k + 1]!, choice: 'neither' });
    }
    expect(ties.length).toBeGreaterThanOrEqual(4);
    const fit = fitFromLabels(new Float64Array(2), f, ties, 1);
    expect(fit.mean[0]!).toBeGreaterThan(0.5);
    // The served online posterior folds in decided votes only: from ties alone it stays at the prior.
    expect(BradleyTerryPosterior.prior(new Float64Array(2), 1).mean[0]).toBe(0);
    // Decided answers for the first feature, then ties between two liked tracks: the order stays.
    const decided: PairAnswer[] = liked.slice(0, 4).map((t, k) => ({ a: t, b: not[k]!, choice: 'a' }));
    const before = fitFromLabels(new Float64Array(2), f, decided, 1);
    const after = fitFromLabels(new Float64Array(2), f, [...decided, { a: liked[0]!, b: liked[1]!, choice: 'both' }], 1);
    expect(before.mean[0]!).toBeGreaterThan(0);
    expect(after.mean[0]!).toBeGreaterThan(0);
    for (const w of [before, after]) expect(w.utility(f.row(liked[0]!))).toBeGreaterThan(w.utility(f.row(not[0]!)));
  });
});

describe('coverage pair policy', () => {
  it('shows every pool track once before any twice, never repeats a pair, then asks about the least certain track', () => {
    const f = plane(12, 2);
    const pool = [...f.ids];
    const post = BradleyTerryPosterior.prior(new Float64Array(2), 1);
    const seen = new SeenPairs();
    const rng = new SeededRandom(3);
    const answers: PairAnswer[] = [];
    const shown = new Map<number, number>();
    for (let q = 0; q < 6; q++) {
      const p = coveragePair({ posterior: post, features: f, pool, answers, seen, rng, options: { randomShare: 0 } })!;
      expect(p.a).not.toBe(p.b);
      expect(seen.has(p.a, p.b)).toBe(false);
      for (const t of [p.a, p.b]) shown.set(t, (shown.get(t) ?? 0) + 1);
      seen.add(p.a, p.b);
      // Track 0 is the one the answers disagree about: chosen once, passed over once.
      answers.push({ a: p.a, b: p.b, choice: p.a === 0 || p.b === 0 ? (p.a === 0 ? 'a' : 'b') : 'neither' });
    }
    expect([...shown.values()].every((c) => c === 1)).toBe(true);
    expect(shown.size).toBe(12);
    // Track 0 has evidence +1, every other −1 (the person answered "neither" or lost to 0). Now an answer against
    // track 0: under a flat prior its fit is the least certain of all (evidence 0).
    answers.push({ a: 0, b: 5, choice: 'neither' });
    seen.add(0, 5);
    const next = coveragePair({ posterior: post, features: f, pool, answers, seen, rng, options: { randomShare: 0 } })!;
    expect(next.strategy).toBe('informative');
    expect([next.a, next.b]).toContain(0);
    expect(seen.has(next.a, next.b)).toBe(false);
  });

  it('asks a person who answers by preference (never "both", a track chosen then passed over) about an uncertain track beside one that does not fit', () => {
    const f = plane(10, 4);
    const pool = [...f.ids];
    // The person likes the first feature: the fit after these answers puts the lowest tracks on it below the median.
    const post = BradleyTerryPosterior.prior(Float64Array.from([1, 0]), 1);
    const byFirst = [...pool].sort((x, y) => f.vectorOf(x)[0]! - f.vectorOf(y)[0]!);
    const [low, , , mid1, mid2, mid3, , , high1, high2] = byFirst as [number, number, number, number, number, number, number, number, number, number];
    const base: PairAnswer[] = [
      { a: high1, b: mid1, choice: 'a' },
      { a: mid1, b: low, choice: 'a' },
      { a: mid2, b: mid3, choice: 'neither' },
    ];
    const utility = (t: number) => post.utility(f.vectorOf(t));
    const ask = (answers: PairAnswer[]) => {
      const seen = new SeenPairs();
      for (const x of answers) seen.add(x.a, x.b);
      // Past the cover phase (10 answers): the same answers again.
      const padded = [...answers];
      while (padded.length < 10) padded.push(answers[padded.length % answers.length]!);
      return coveragePair({ posterior: post, features: f, pool, answers: padded, seen, rng: new SeededRandom(5), options: { randomShare: 0 } })!;
    };
    // mid1 was chosen over low and passed over for high1: by preference. One track of the pair the fit says does not fit.
    const byPreference = ask(base);
    const median = [...pool.map(utility)].sort((x, y) => x - y)[5]!;
    expect([byPreference.a, byPreference.b].some((t) => utility(t) < median)).toBe(true);
    expect([byPreference.a, byPreference.b]).toContain(low);
    // The same answers from a person who also says "both": the two least certain tracks, whatever their side.
    const byFit = ask([...base, { a: high2, b: high1, choice: 'both' }]);
    expect([byFit.a, byFit.b]).not.toContain(low);
  });

  it('keeps the configured random share, drawn from the eligible tracks, and says which pairs were random', () => {
    const f = plane(300, 4);
    const pool = [...f.ids].slice(0, 30);
    const eligible = [...f.ids];
    const post = BradleyTerryPosterior.prior(new Float64Array(2), 1);
    const rng = new SeededRandom(9);
    let random = 0;
    let outside = 0;
    for (let k = 0; k < 400; k++) {
      const p = coverageChoice({ posterior: post, features: f, pool, eligible, answers: [], seen: new SeenPairs(), rng, options: { randomShare: 0.3 } });
      if (p.strategy === 'random') random++;
      else expect(pool).toContain(p.a);
      if (!pool.includes(p.a) || !pool.includes(p.b)) outside++;
      expect(p.probabilityA).toBeGreaterThan(0);
    }
    expect(random / 400).toBeGreaterThan(0.24);
    expect(random / 400).toBeLessThan(0.36);
    // Random pairs come from all 300 eligible tracks, so most have a track outside the 30 of the pool.
    expect(outside).toBeGreaterThan(0.5 * random);
  });

  it('counts every answer as a vote when asked to, and the label learner beats the vote-by-vote one at a few answers', () => {
    const rng = new SeededRandom(5);
    const n = 200;
    const f = plane(n, 6);
    const people: PanelPerson[] = Array.from({ length: 20 }, (_, p) => {
      const items = Array.from({ length: 50 }, () => Math.floor(rng.next() * n)).filter((v, i, a) => a.indexOf(v) === i);
      return { name: `p${p}`, items, strengths: items.map((t) => (f.row(t)[0]! + 0.3 * f.row(t)[1]! > 0 ? 1 : 0)) };
    });
    const base = { seed: 7, checkpoints: [6, 30], noise: 0.1, count: 'answers' } as const;
    const online = runListenerPanel(f, new Float64Array(2), people, base);
    const labels = runListenerPanel(f, new Float64Array(2), people, { ...base, learner: 'labels', pairPolicy: 'coverage' });
    for (const r of [online, labels]) for (const fig of [r.product, r.random]) expect(fig.questions.map((q) => q.mean)).toEqual([6, 30]);
    // Ties carry half of these binary answers: the label learner uses them, the online posterior drops them.
    expect(labels.random.auc[0]!.mean).toBeGreaterThan(online.random.auc[0]!.mean);
    expect(labels.product.auc[1]!.mean).toBeGreaterThan(0.85);
  });
});
