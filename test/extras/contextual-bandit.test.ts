import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePerson } from '../../src/serving/state/people.ts';
import { armCounts } from '../../src/serving/state/bandit-feedback.ts';
import { contextAt, contextKey, HierarchicalThompson, scopeLevels } from '../../src/recsys/experiments/contextual-bandit.ts';
import { simulateContextualBandit } from '../../src/recsys/experiments/contextual-simulation.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { BANDIT_SCOPE } from '../../src/serving/ports/experiments.ts';
import { DbExperiments } from '../../src/serving/postgres/db-experiments.ts';
import { DRIVERS } from '../support/db.ts';
import { openHarness, valueOf, type Harness } from '../tools/support/tool-harness.ts';

describe('the contextual bandit', () => {
  it('reads the context from the clock, the activity and the platform', () => {
    // 2026-11-22 is a Sunday.
    expect(contextKey(contextAt(new Date('2026-11-22T20:15:00Z'), 'Focus', 'discord'))).toBe('a=focus|t=evening|d=weekend|p=discord');
    expect(contextKey(contextAt(new Date('2026-11-23T03:00:00Z')))).toBe('a=any|t=night|d=weekday|p=unknown');
    expect(contextAt(new Date('2026-11-23T12:00:00Z'), 'a b/c').activity).toBe('a_b_c');
    expect(scopeLevels('recommend@a=focus|t=evening|d=weekend|p=discord')).toEqual(['recommend', 'recommend@a=focus', 'recommend@a=focus|t=evening|d=weekend|p=discord']);
    expect(scopeLevels('recommend:hybrid-only')).toEqual(['recommend:hybrid-only']);
  });

  it('backs off to the parent levels when a context has no evidence of its own', () => {
    const global = [
      { arm: 'cf', successes: 80, failures: 20 },
      { arm: 'explore', successes: 20, failures: 80 },
    ];
    const fresh = new HierarchicalThompson(['cf', 'explore'], [global, [], []]);
    expect(fresh.meanRate('cf')).toBeGreaterThan(0.7);
    expect(fresh.meanRate('explore')).toBeLessThan(0.3);
    // Its own evidence soon outweighs the parents' (their pseudo-count is capped).
    const own = [
      { arm: 'cf', successes: 2, failures: 18 },
      { arm: 'explore', successes: 18, failures: 2 },
    ];
    const local = new HierarchicalThompson(['cf', 'explore'], [global.map((g, i) => ({ ...g, successes: g.successes + own[i]!.successes, failures: g.failures + own[i]!.failures })), own, own]);
    expect(local.meanRate('explore')).toBeGreaterThan(local.meanRate('cf'));
  });

  it('converges to the best arm of each context in a seeded simulation', () => {
    for (const seed of [1, 2, 3]) {
      const r = simulateContextualBandit({ seed, pulls: 4000 });
      for (const c of r.contexts) {
        expect(c.latePulls).toBeGreaterThan(150);
        expect(c.lateBestShare, `${c.key} (seed ${seed})`).toBeGreaterThanOrEqual(0.8);
      }
      // A context-blind bandit cannot serve every context's best arm.
      expect(Math.min(...r.contexts.map((c) => c.blindLateBestShare))).toBeLessThan(0.5);
      expect(r.likeRate).toBeGreaterThan(r.blindLikeRate);
    }
  });
});

describe.each(DRIVERS)('the contextual bandit in the product on %s', (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(driver);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('learns a different best strategy per context through the database, and reports arms per context', async () => {
    let seed = 5;
    let clock = Date.parse('2026-11-23T09:00:00Z');
    const experiments = new DbExperiments(h.db, () => new SeededRandom(seed++), { now: () => clock });
    let personId = 0;
    for (let i = 0; experiments.variantOf(personId) !== 'bandit' || personId === 0; i++) personId = await resolvePerson(h.db, 'test', `ctx-${i}`);
    const track = h.fixture.byTitle.get('Creep')!;
    // Focus on Slack in the morning likes cf; parties on Discord at night like explore.
    const contexts = [
      { activity: 'focus', platform: 'slack', at: '2026-11-23T09:00:00Z', best: 'cf' },
      { activity: 'party', platform: 'discord', at: '2026-11-22T23:00:00Z', best: 'explore' },
    ];
    const rng = new SeededRandom(99);
    const late = contexts.map(() => ({ n: 0, best: 0 }));
    const before = await armCounts(h.db, BANDIT_SCOPE, 'cf');
    const rounds = 160;
    for (let round = 0; round < rounds; round++) {
      const k = round % 2;
      const c = contexts[k]!;
      clock = Date.parse(c.at);
      const choice = await experiments.choose(personId, ['cf', 'hybrid', 'explore'], { activity: c.activity, platform: c.platform });
      expect(choice.scope).toContain(`@a=${c.activity}|`);
      await experiments.served(personId, choice, [track]);
      const liked = rng.next() < (choice.strategy === c.best ? 0.8 : 0.25);
      await experiments.reward({ personId, trackId: track, liked, interactionId: `ctx-${round}` });
      if (round >= rounds * 0.75) {
        late[k]!.n++;
        if (choice.strategy === c.best) late[k]!.best++;
      }
    }
    for (const [k, l] of late.entries()) expect(l.best / l.n, contexts[k]!.activity).toBeGreaterThanOrEqual(0.8);
    // Every reward also moved the global arm, so the context-free analytics stay whole.
    const after = await armCounts(h.db, BANDIT_SCOPE, 'cf');
    expect(after.successes + after.failures).toBeGreaterThan(before.successes + before.failures);

    const stats = valueOf(await h.call(`ctx-0`, 'get_experiment_stats', {}));
    const byContext = stats.by_context as { context: string; arms: { arm: string; trials: number; rate: number; posterior_mean: number; interval_95: { low: number; high: number } }[] }[];
    for (const c of contexts) {
      const line = byContext.find((b) => b.context.startsWith(`a=${c.activity}|`) && b.context.endsWith(`p=${c.platform}`));
      expect(line, c.activity).toBeDefined();
      const top = line!.arms.reduce((a, b) => (b.posterior_mean > a.posterior_mean ? b : a));
      expect(top.arm).toBe(c.best);
      for (const a of line!.arms) {
        expect(a.interval_95.low).toBeLessThanOrEqual(a.rate);
        expect(a.interval_95.high).toBeGreaterThanOrEqual(a.rate);
      }
    }
  });

  it('recommend passes the activity and the platform to the bandit', async () => {
    let personId = 0;
    let name = '';
    for (let i = 0; h.services.experiments.variantOf(personId) !== 'bandit' || personId === 0; i++) {
      name = `ctx-rec-${i}`;
      personId = await resolvePerson(h.db, 'test', name);
    }
    const { callTool } = await import('../../src/tools/registry.ts');
    const { contextFor } = await import('../../src/tools/tool-context.ts');
    const v = valueOf(await callTool('recommend', { seeds: { artists: ['Radiohead'] }, count: 3, activity: 'workout' }, contextFor(h.services, personId, { platform: 'slack' })));
    const track = (v.recommendations as { track: { id: number } }[])[0]!.track.id;
    valueOf(await callTool('rate_track', { track, rating: 'like', interaction_id: 'ctx-rec-like' }, contextFor(h.services, personId, { platform: 'slack' })));
    const stats = valueOf(await h.call(name, 'get_experiment_stats', {}));
    const contexts = (stats.by_context as { context: string }[]).map((c) => c.context);
    expect(contexts.some((c) => c.startsWith('a=workout|') && c.endsWith('|p=slack'))).toBe(true);
  });
});
