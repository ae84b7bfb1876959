import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePerson } from '../../src/serving/state/people.ts';
import { armCounts, scopeArms } from '../../src/serving/state/bandit-feedback.ts';
import { ContentIndex } from '../../src/recsys/content/content-index.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { HybridRecommender } from '../../src/recsys/hybrid.ts';
import { restoreRecommender } from '../../src/recsys/model-registry.ts';
import { featureCount, LearnedFusion, PER_COMPONENT_FEATURES } from '../../src/recsys/ranking/learned-fusion.ts';
import { loadTrackModel, TrackModel } from '../../src/serving/models/track-model.ts';
import { BANDIT_SCOPE } from '../../src/serving/ports/experiments.ts';
import { DbExperiments } from '../../src/serving/postgres/db-experiments.ts';
import { RankedTrackRecommender } from '../../src/serving/recommender/ranked-track-recommender.ts';
import { DRIVERS } from '../support/db.ts';
import { openHarness, valueOf, type Harness } from './support/tool-harness.ts';

type Rec = { track: { id: number }; why: { signals: { signal: string }[] } };
type Line = { successes: number; failures: number; trials: number; rate: number; interval_95: { low: number; high: number } };

describe.each(DRIVERS)('the strategy experiment on %s', (driver) => {
  let h: Harness;
  const experiments = () => h.services.experiments;
  /** A fresh test person that hashing puts in the given variant. */
  const personIn = async (variant: string, prefix: string): Promise<{ name: string; id: number }> => {
    for (let i = 0; ; i++) {
      const name = `${prefix}-${i}`;
      const id = await resolvePerson(h.db, 'test', name);
      if (experiments().variantOf(id) === variant) return { name, id };
    }
  };
  beforeAll(async () => {
    h = await openHarness(driver);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('recommend picks an available strategy with the bandit, returns it, and never picks an unavailable arm', async () => {
    // The fixture has no content model, so `content` is not an arm the bandit may play.
    expect(h.services.recommender.strategies).toEqual(['cf', 'hybrid', 'explore']);
    const p = await personIn('bandit', 'pick');
    // Without named seeds (from the person's likes) the bandit explores; named seeds always get the full blend.
    valueOf(await h.call(p.name, 'rate_track', { track: h.fixture.electronic[0]!, rating: 'like' }));
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      // Each call must choose afresh: drop the cached answer of the previous one.
      await h.services.recommendCache.invalidate(p.id);
      const v = valueOf(await h.call(p.name, 'recommend', { count: 3 }));
      expect(['cf', 'hybrid', 'explore']).toContain(v.strategy);
      expect((v.recommendations as Rec[]).length).toBe(3);
      seen.add(v.strategy as string);
    }
    expect(seen.size).toBeGreaterThan(1);
    for (let i = 0; i < 200; i++) expect((await experiments().choose(p.id, ['cf', 'explore'])).strategy).not.toMatch(/content|hybrid/);
    // A neutral list is always the full hybrid.
    expect(valueOf(await h.call(p.name, 'recommend', { seeds: { artists: ['Daft Punk'] }, count: 3, for: 'anyone' })).strategy).toBe('hybrid');
  });

  it('the hybrid-only control always gets hybrid', async () => {
    const p = await personIn('hybrid-only', 'control');
    for (let i = 0; i < 5; i++) expect(valueOf(await h.call(p.name, 'recommend', { seeds: { artists: ['Radiohead'] }, count: 3 })).strategy).toBe('hybrid');
  });

  it('a like on a served track rewards the serving strategy once, however often it is delivered', async () => {
    const p = await personIn('bandit', 'like');
    const v = valueOf(await h.call(p.name, 'recommend', { seeds: { artists: ['Daft Punk'] }, count: 3 }));
    const strategy = v.strategy as string;
    const track = (v.recommendations as Rec[])[0]!.track.id;
    const before = await armCounts(h.db, BANDIT_SCOPE, strategy);
    const first = valueOf(await h.call(p.name, 'rate_track', { track, rating: 'like', interaction_id: 'click-like-1' }));
    expect(first.rewarded_strategy).toBe(strategy);
    const again = valueOf(await h.call(p.name, 'rate_track', { track, rating: 'like', interaction_id: 'click-like-1' }));
    expect(again.rewarded_strategy).toBeUndefined();
    // A second, different click on the same serving is not a second reward either.
    await h.call(p.name, 'rate_track', { track, rating: 'like', interaction_id: 'click-like-2' });
    expect(await armCounts(h.db, BANDIT_SCOPE, strategy)).toEqual({ successes: before.successes + 1, failures: before.failures });
    const skipped = (v.recommendations as Rec[])[1]!.track.id;
    valueOf(await h.call(p.name, 'rate_track', { track: skipped, rating: 'skip', interaction_id: 'click-skip-1' }));
    expect(await armCounts(h.db, BANDIT_SCOPE, strategy)).toEqual({ successes: before.successes + 1, failures: before.failures + 1 });
  });

  it('a rating of a track recommend never served leaves the bandit alone', async () => {
    const p = await personIn('bandit', 'unserved');
    const before = await scopeArms(h.db, BANDIT_SCOPE);
    const v = valueOf(await h.call(p.name, 'rate_track', { track: h.fixture.byTitle.get('Creep')!, rating: 'like', interaction_id: 'unserved-1' }));
    expect(v.recorded).toBe(true);
    expect(v.rewarded_strategy).toBeUndefined();
    expect(await scopeArms(h.db, BANDIT_SCOPE)).toEqual(before);
  });

  it('get_experiment_stats reports counts, rates, intervals, the best-vs-rest test and the A/B split', async () => {
    const p = await personIn('bandit', 'stats');
    const track = h.fixture.byTitle.get('Teardrop')!;
    // Known evidence: cf 8 likes of 10, explore 2 of 10.
    for (let i = 0; i < 20; i++) {
      const strategy = i < 10 ? 'cf' : 'explore';
      await experiments().served(p.id, { variant: 'bandit', scope: BANDIT_SCOPE, strategy }, [track]);
      await experiments().reward({ personId: p.id, trackId: track, liked: i < 10 ? i < 8 : i < 12, interactionId: `stats-${i}` });
    }
    const before = Object.fromEntries((await scopeArms(h.db, BANDIT_SCOPE)).map((a) => [a.arm, a]));
    const v = valueOf(await h.call(p.name, 'get_experiment_stats', {}));
    const arms = v.arms as (Line & { arm: string; available: boolean })[];
    expect(arms.map((a) => a.arm)).toEqual(['cf', 'content', 'hybrid', 'explore']);
    expect(arms.find((a) => a.arm === 'content')!.available).toBe(false);
    for (const a of arms) {
      expect(a.successes).toBe(before[a.arm]?.successes ?? 0);
      expect(a.trials).toBe((before[a.arm]?.successes ?? 0) + (before[a.arm]?.failures ?? 0));
      expect(a.interval_95.low).toBeLessThanOrEqual(a.rate);
      expect(a.interval_95.high).toBeGreaterThanOrEqual(a.rate);
    }
    const cf = arms.find((a) => a.arm === 'cf')!;
    expect(cf.successes).toBeGreaterThanOrEqual(8);
    expect(cf.interval_95.high - cf.interval_95.low).toBeGreaterThan(0.1);
    const test = v.best_vs_rest as { best: string; p_value: number; significant: boolean; difference: number };
    expect(test.best).toBe('cf');
    expect(test.difference).toBeGreaterThan(0);
    expect(test.p_value).toBeGreaterThan(0);
    expect(test.p_value).toBeLessThan(1);
    const experiment = v.experiment as { name: string; your_variant: string; variants: (Line & { variant: string; share: number })[] };
    expect(experiment.your_variant).toBe('bandit');
    expect(experiment.variants.map((x) => [x.variant, x.share])).toEqual([
      ['bandit', 0.9],
      ['hybrid-only', 0.1],
    ]);
  });

  it('with seeded randomness the bandit shifts toward the arm that keeps getting likes', async () => {
    let seed = 11;
    const seeded = new DbExperiments(h.db, () => new SeededRandom(seed++));
    const p = await personIn('bandit', 'shift');
    const track = h.fixture.byTitle.get('One More Time')!;
    const late: string[] = [];
    for (let round = 0; round < 80; round++) {
      const choice = await seeded.choose(p.id, ['hybrid', 'explore']);
      await seeded.served(p.id, choice, [track]);
      await seeded.reward({ personId: p.id, trackId: track, liked: choice.strategy === 'explore' });
      if (round >= 50) late.push(choice.strategy);
    }
    expect(late.filter((s) => s === 'explore').length).toBeGreaterThanOrEqual(25);
    const explore = await armCounts(h.db, BANDIT_SCOPE, 'explore');
    expect(explore.successes).toBeGreaterThan(40);
  });

  it('the content strategy ranks with the content ANN when a content index is given', async () => {
    const model = await loadTrackModel(h.db, h.home);
    const ids = model.trackIds;
    const dim = 4;
    const rng = new SeededRandom(3);
    const vectors = Float32Array.from({ length: ids.length * dim }, () => rng.next() - 0.5);
    const index = ContentIndex.build(ids, vectors, dim, { genres: [], moods: [], genre: new Int16Array(ids.length).fill(-1), mood: new Int16Array(ids.length).fill(-1), ranges: {} });
    const rec = await RankedTrackRecommender.create(h.db, model, { content: index });
    expect(rec.strategies).toEqual(['cf', 'content', 'hybrid', 'explore']);
    const list = await rec.recommend({ seeds: [h.fixture.byTitle.get('One More Time')!], k: 3, strategy: 'content' });
    expect(list.strategy).toBe('content');
    expect(list.items.length).toBe(3);
    expect(list.items.every((r) => r.signals.every((s) => s.signal === 'content' || s.signal === 'preference'))).toBe(true);
  });

  it('the hybrid strategy ranks with the learned fusion when the model carries one, and the others keep the weights', async () => {
    const model = await loadTrackModel(h.db, h.home);
    const hybrid = model.recommender as HybridRecommender;
    expect(hybrid).toBeInstanceOf(HybridRecommender);
    const c = hybrid.components.length;
    // A fusion that follows the first component and strongly prefers unpopular tracks.
    const weights = new Float64Array(featureCount(c));
    weights[0] = 1;
    weights[c * PER_COMPONENT_FEATURES] = -3;
    // As if training had kept a learned fusion: the same saved model with the fusion in its parameters.
    const snapshot = hybrid.toSnapshot();
    const learned = restoreRecommender({ ...snapshot, params: { ...snapshot.params, learned: new LearnedFusion(weights, c, 150).toJSON() } });
    expect((learned as HybridRecommender).learned).toBeDefined();
    const served = new TrackModel(learned, model.trackIds, 'model', 'learned-test', undefined);
    const seeds = [h.fixture.byTitle.get('One More Time')!];
    const plain = await (await RankedTrackRecommender.create(h.db, model, { content: null })).recommend({ seeds, k: 5, strategy: 'hybrid' });
    const rec = await RankedTrackRecommender.create(h.db, served, { content: null });
    const list = await rec.recommend({ seeds, k: 5, strategy: 'hybrid' });
    expect(list.items.length).toBe(5);
    expect(list.items.every((r) => r.signals.some((s) => s.signal === 'popularity-prior'))).toBe(true);
    const pop = (items: readonly { trackId: number }[]) => items.reduce((sum, r) => sum + hybrid.itemPopularity[model.trackIds.indexOf(r.trackId)]!, 0) / items.length;
    expect(pop(list.items)).toBeLessThan(pop(plain.items));
    const cf = await rec.recommend({ seeds, k: 5, strategy: 'cf' });
    expect(cf.items.every((r) => r.signals.every((s) => s.signal !== 'popularity-prior'))).toBe(true);
  });
});
