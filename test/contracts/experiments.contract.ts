/**
 * The Experiments contract: a stable variant per person, the hybrid-only control always gets `hybrid`, the bandit
 * picks among the available strategies in the request's context, and a reaction rewards the serving strategy once
 * per serving and once per (person, interaction id), in every level of its context.
 */
import { expect, it } from 'vitest';
import { SeededRandom } from '../../src/recsys/rng.ts';
import type { Experiments, StrategyVariant } from '../../src/serving/ports/experiments.ts';
import { suiteBackend, type BackendFactory } from './support/backends.ts';

/** A Tuesday morning, UTC. */
const NOW = Date.UTC(2026, 0, 6, 9, 30);

/** Registers the Experiments contract for one implementation. */
export function experimentsContract(open: BackendFactory): void {
  const backend = suiteBackend(open);
  let n = 0;
  let seed = 1;
  const experiments = () => backend().experiments(() => new SeededRandom(seed++), () => NOW);
  /** A new person in the given variant. */
  const personIn = async (ex: Experiments, variant: StrategyVariant): Promise<number> => {
    for (;;) {
      const p = await backend().person(`experiments-${++n}`);
      if (ex.variantOf(p) === variant) return p;
    }
  };
  const count = async (ex: Experiments, scope: string, arm: string) => (await ex.arms(scope)).find((a) => a.arm === arm) ?? { arm, successes: 0, failures: 0 };

  it('assigns each person one variant, and both variants occur', async () => {
    const ex = experiments();
    const people = await Promise.all(Array.from({ length: 60 }, (_, i) => backend().person(`variant-${i}`)));
    const variants = people.map((p) => ex.variantOf(p));
    expect(people.map((p) => experiments().variantOf(p))).toEqual(variants);
    expect(new Set(variants)).toEqual(new Set(['bandit', 'hybrid-only']));
  });

  it('serves the control variant `hybrid` in its own scope, and anyone `hybrid` when nothing else is available', async () => {
    const ex = experiments();
    const control = await personIn(ex, 'hybrid-only');
    expect(await ex.choose(control, ['cf', 'content', 'explore', 'hybrid'])).toEqual({ variant: 'hybrid-only', scope: 'recommend:hybrid-only', strategy: 'hybrid' });
    const bandit = await personIn(ex, 'bandit');
    expect(await ex.choose(bandit, [])).toEqual({ variant: 'bandit', scope: 'recommend', strategy: 'hybrid' });
  });

  it('lets the bandit pick an available strategy in the request’s context', async () => {
    const ex = experiments();
    const p = await personIn(ex, 'bandit');
    for (let i = 0; i < 8; i++) {
      const c = await ex.choose(p, ['cf', 'explore'], { activity: 'Workout', platform: 'discord' });
      expect(['cf', 'explore']).toContain(c.strategy);
      expect(c).toMatchObject({ variant: 'bandit', scope: 'recommend@a=workout|t=morning|d=weekday|p=discord' });
    }
  });

  it('ignores a reaction to a track it never served', async () => {
    const ex = experiments();
    const p = await personIn(ex, 'bandit');
    expect(await ex.reward({ personId: p, trackId: backend().track('Creep'), liked: true, interactionId: 'never' })).toEqual({ counted: false });
  });

  it('rewards the serving strategy once per serving, in every level of its context, until the track is served again', async () => {
    const ex = experiments();
    const p = await personIn(ex, 'bandit');
    const creep = backend().track('Creep');
    const choice = await ex.choose(p, ['cf'], { activity: 'reward-once', platform: 'web' });
    expect(choice.strategy).toBe('cf');
    const globalBefore = await count(ex, 'recommend', 'cf');
    await ex.served(p, choice, [creep, backend().track('Halo')]);
    expect(await ex.reward({ personId: p, trackId: creep, liked: true, interactionId: 'r1' })).toEqual({ counted: true, strategy: 'cf' });
    // The same delivery again, and a second reaction to the same serving: neither counts.
    expect(await ex.reward({ personId: p, trackId: creep, liked: true, interactionId: 'r1' })).toEqual({ counted: false });
    expect(await ex.reward({ personId: p, trackId: creep, liked: false, interactionId: 'r2' })).toEqual({ counted: false });
    expect(await count(ex, choice.scope, 'cf')).toEqual({ arm: 'cf', successes: 1, failures: 0 });
    expect(await count(ex, 'recommend@a=reward-once', 'cf')).toEqual({ arm: 'cf', successes: 1, failures: 0 });
    expect(await count(ex, 'recommend', 'cf')).toEqual({ ...globalBefore, successes: globalBefore.successes + 1 });
    // Served again: a new reaction counts (as a failure this time); without an interaction id, once per serving.
    await ex.served(p, choice, [creep]);
    expect(await ex.reward({ personId: p, trackId: creep, liked: false })).toEqual({ counted: true, strategy: 'cf' });
    expect(await ex.reward({ personId: p, trackId: creep, liked: false })).toEqual({ counted: false });
    expect(await count(ex, choice.scope, 'cf')).toEqual({ arm: 'cf', successes: 1, failures: 1 });
  });

  it('scopes interaction ids to their person: another person’s reaction with the same id counts for them', async () => {
    const ex = experiments();
    const a = await personIn(ex, 'bandit');
    const b = await personIn(ex, 'bandit');
    const halo = backend().track('Halo');
    const choice = await ex.choose(a, ['explore'], { activity: 'shared-id' });
    await ex.served(a, choice, [halo]);
    await ex.served(b, choice, [halo]);
    expect(await ex.reward({ personId: a, trackId: halo, liked: true, interactionId: 'click-1' })).toEqual({ counted: true, strategy: 'explore' });
    expect(await ex.reward({ personId: b, trackId: halo, liked: true, interactionId: 'click-1' })).toEqual({ counted: true, strategy: 'explore' });
    expect(await count(ex, choice.scope, 'explore')).toEqual({ arm: 'explore', successes: 2, failures: 0 });
  });

  it('reports each full context’s arms with a posterior mean, sorted', async () => {
    const ex = experiments();
    const p = await personIn(ex, 'bandit');
    const tracks = ['Creep', 'Karma Police', 'Strobe'].map((t) => backend().track(t));
    const cf = await ex.choose(p, ['cf'], { activity: 'context-report', platform: 'slack' });
    const explore = await ex.choose(p, ['explore'], { activity: 'context-report', platform: 'slack' });
    await ex.served(p, cf, tracks.slice(0, 2));
    await ex.served(p, explore, tracks.slice(2));
    for (const [i, t] of tracks.entries()) await ex.reward({ personId: p, trackId: t, liked: i !== 1, interactionId: `ctx-${i}` });
    const mine = (await ex.contextArms()).find((c) => c.context === 'a=context-report|t=morning|d=weekday|p=slack');
    expect(mine?.arms.map(({ arm, successes, failures }) => ({ arm, successes, failures }))).toEqual([
      { arm: 'cf', successes: 1, failures: 1 },
      { arm: 'explore', successes: 1, failures: 0 },
    ]);
    for (const a of mine!.arms) {
      expect(a.posteriorMean).toBeGreaterThan(0);
      expect(a.posteriorMean).toBeLessThan(1);
    }
    const contexts = (await ex.contextArms()).map((c) => c.context);
    expect(contexts).toEqual([...contexts].sort());
    expect(contexts.every((c) => c.split('|').length === 4)).toBe(true);
  });
}
