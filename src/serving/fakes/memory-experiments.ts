/**
 * Experiments in memory, with DbExperiments' rules: hashed variant assignment, contextual Thompson sampling over the
 * stored arm counts, one served row per (person, track) that a later serving replaces, and a reward counted once per
 * interaction id and once per serving.
 */
import { contextAt, contextOfScope, contextScope, HierarchicalThompson, scopeLevels } from '../../recsys/experiments/contextual-bandit.ts';
import { assignVariant } from '../../recsys/experiments/experiment-assignment.ts';
import type { Strategy } from '../../recsys/experiments/thompson-bandit.ts';
import { SeededRandom } from '../../recsys/rng.ts';
import {
  BANDIT_SCOPE,
  scopeOf,
  STRATEGY_EXPERIMENT,
  STRATEGY_VARIANTS,
  type ArmEvidence,
  type ContextEvidence,
  type Experiments,
  type RequestContext,
  type StrategyChoice,
  type StrategyVariant,
} from '../ports/experiments.ts';
import type { MemoryWorld } from './memory-world.ts';

/** Experiments over a MemoryWorld's served rows and arm counts. */
export class MemoryExperiments implements Experiments {
  constructor(
    private readonly world: MemoryWorld,
    /** Sampling randomness (seeded in tests). */
    private readonly random: () => SeededRandom = () => new SeededRandom(Math.floor(Math.random() * 2 ** 31)),
    /** The clock of the time-of-day and weekday context. */
    private readonly now: () => number = Date.now,
  ) {}

  variantOf(personId: number): StrategyVariant {
    return assignVariant(STRATEGY_EXPERIMENT, personId, STRATEGY_VARIANTS) as StrategyVariant;
  }

  async choose(personId: number, available: readonly Strategy[], context: RequestContext = {}): Promise<StrategyChoice> {
    const variant = this.variantOf(personId);
    if (variant !== 'bandit' || available.length === 0) return { variant, scope: scopeOf(variant), strategy: 'hybrid' };
    const scope = contextScope(BANDIT_SCOPE, contextAt(new Date(this.now()), context.activity, context.platform));
    const levels = scopeLevels(scope);
    const bandit = new HierarchicalThompson(available, levels.map((s) => this.scopeArms(s)));
    return { variant, scope, strategy: bandit.choose(this.random()) as Strategy };
  }

  async served(personId: number, choice: StrategyChoice, trackIds: readonly number[]): Promise<void> {
    let mine = this.world.served.get(personId);
    if (mine === undefined) this.world.served.set(personId, (mine = new Map()));
    const at = Date.now();
    for (const t of new Set(trackIds)) mine.set(t, { id: mine.get(t)?.id ?? this.world.next(), scope: choice.scope, strategy: choice.strategy, servedAt: at, rewarded: false });
  }

  async reward(r: { personId: number; trackId: number; liked: boolean; interactionId?: string }): Promise<{ counted: boolean; strategy?: string }> {
    const served = this.world.served.get(r.personId)?.get(r.trackId);
    if (served === undefined || served.rewarded) return { counted: false };
    const key = r.interactionId !== undefined ? `i:${r.personId}:${r.interactionId}` : `served:${served.id}:${served.servedAt}`;
    if (this.world.feedbackKeys.has(key)) return { counted: false };
    this.world.feedbackKeys.add(key);
    for (const scope of scopeLevels(served.scope)) {
      let arms = this.world.arms.get(scope);
      if (arms === undefined) this.world.arms.set(scope, (arms = new Map()));
      const a = arms.get(served.strategy) ?? { successes: 0, failures: 0 };
      arms.set(served.strategy, r.liked ? { ...a, successes: a.successes + 1 } : { ...a, failures: a.failures + 1 });
    }
    served.rewarded = true;
    return { counted: true, strategy: served.strategy };
  }

  async arms(scope: string): Promise<ArmEvidence[]> {
    return this.scopeArms(scope);
  }

  async contextArms(): Promise<ContextEvidence[]> {
    const out: ContextEvidence[] = [];
    for (const scope of this.world.arms.keys()) {
      if (!scope.startsWith(`${BANDIT_SCOPE}@`)) continue;
      const levels = scopeLevels(scope);
      if (levels.length < 3) continue;
      const arms = this.scopeArms(scope);
      const bandit = new HierarchicalThompson(
        arms.map((a) => a.arm),
        levels.map((s) => this.scopeArms(s)),
      );
      out.push({
        context: contextOfScope(scope)!,
        arms: arms.map((a) => ({ ...a, posteriorMean: bandit.meanRate(a.arm) })).sort((a, b) => a.arm.localeCompare(b.arm)),
      });
    }
    return out.sort((a, b) => a.context.localeCompare(b.context));
  }

  private scopeArms(scope: string): ArmEvidence[] {
    return [...(this.world.arms.get(scope) ?? new Map<string, { successes: number; failures: number }>())].map(([arm, c]) => ({ arm, successes: c.successes, failures: c.failures }));
  }
}
