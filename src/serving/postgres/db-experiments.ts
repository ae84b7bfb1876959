/**
 * The strategy experiment over the database: hashed assignment, a contextual Thompson bandit (per-context Beta
 * posteriors backing off to the activity and global levels, stored as bandit_arms scopes), served-track memory.
 */
import type { Db } from '../../db/db.ts';
import { armsByScopePrefix, armsOfScopes, recordServed, rewardServed, scopeArms } from '../state/bandit-feedback.ts';
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

/** Options of DbExperiments; defaults in brackets. */
interface DbExperimentsOptions {
  /** The clock that gives the time-of-day and weekday context [Date.now]. */
  readonly now?: () => number;
}

/** Experiments stored in bandit_arms, feedback and served_recommendations. */
export class DbExperiments implements Experiments {
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    /** Sampling randomness (seeded in tests; default a fresh random seed per choice). */
    private readonly random: () => SeededRandom = () => new SeededRandom(Math.floor(Math.random() * 2 ** 31)),
    options: DbExperimentsOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  variantOf(personId: number): StrategyVariant {
    return assignVariant(STRATEGY_EXPERIMENT, personId, STRATEGY_VARIANTS) as StrategyVariant;
  }

  async choose(personId: number, available: readonly Strategy[], context: RequestContext = {}): Promise<StrategyChoice> {
    const variant = this.variantOf(personId);
    if (variant !== 'bandit' || available.length === 0) return { variant, scope: scopeOf(variant), strategy: 'hybrid' };
    const scope = contextScope(BANDIT_SCOPE, contextAt(new Date(this.now()), context.activity, context.platform));
    const levels = scopeLevels(scope);
    const stored = await armsOfScopes(this.db, levels);
    const bandit = new HierarchicalThompson(available, levels.map((s) => stored.get(s) ?? []));
    return { variant, scope, strategy: bandit.choose(this.random()) as Strategy };
  }

  async served(personId: number, choice: StrategyChoice, trackIds: readonly number[]): Promise<void> {
    await recordServed(this.db, { personId, scope: choice.scope, strategy: choice.strategy, trackIds });
  }

  async reward(r: { personId: number; trackId: number; liked: boolean; interactionId?: string }): Promise<{ counted: boolean; strategy?: string }> {
    // Interaction ids are scoped to their person (as ratings' and votes' are): feedback keys them globally, so the
    // person goes into the key, and one person's id can never swallow another person's reward.
    const out = await rewardServed(this.db, r.interactionId === undefined ? r : { ...r, interactionId: `p${r.personId}:${r.interactionId}` });
    return out.arm !== undefined ? { counted: out.recorded, strategy: out.arm } : { counted: out.recorded };
  }

  async arms(scope: string): Promise<ArmEvidence[]> {
    return scopeArms(this.db, scope);
  }

  async contextArms(): Promise<ContextEvidence[]> {
    const all = await armsByScopePrefix(this.db, `${BANDIT_SCOPE}@`);
    const global = await scopeArms(this.db, BANDIT_SCOPE);
    const out: ContextEvidence[] = [];
    for (const [scope, arms] of all) {
      const levels = scopeLevels(scope);
      // Only full contexts (three levels) are reported; activity-level scopes are their parents.
      if (levels.length < 3) continue;
      const bandit = new HierarchicalThompson(
        arms.map((a) => a.arm),
        levels.map((s) => (s === BANDIT_SCOPE ? global : (all.get(s) ?? []))),
      );
      out.push({
        context: contextOfScope(scope)!,
        arms: arms.map((a) => ({ ...a, posteriorMean: bandit.meanRate(a.arm) })).sort((a, b) => a.arm.localeCompare(b.arm)),
      });
    }
    return out.sort((a, b) => a.context.localeCompare(b.context));
  }
}
