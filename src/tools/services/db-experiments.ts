/** The strategy experiment over the database: hashed assignment, a Thompson bandit per scope, served-track memory. */
import type { Db } from '../../db/db.ts';
import { loadBandit, recordServed, rewardServed, scopeArms } from '../../pipeline/bandit-feedback.ts';
import { assignVariant } from '../../recsys/experiments/experiment-assignment.ts';
import type { Strategy } from '../../recsys/experiments/thompson-bandit.ts';
import { SeededRandom } from '../../recsys/rng.ts';
import { BANDIT_SCOPE, scopeOf, STRATEGY_EXPERIMENT, STRATEGY_VARIANTS, type ArmEvidence, type Experiments, type StrategyChoice, type StrategyVariant } from '../experiments.ts';

/** Experiments stored in bandit_arms, feedback and served_recommendations. */
export class DbExperiments implements Experiments {
  constructor(
    private readonly db: Db,
    /** Sampling randomness (seeded in tests; default a fresh random seed per choice). */
    private readonly random: () => SeededRandom = () => new SeededRandom(Math.floor(Math.random() * 2 ** 31)),
  ) {}

  variantOf(personId: number): StrategyVariant {
    return assignVariant(STRATEGY_EXPERIMENT, personId, STRATEGY_VARIANTS) as StrategyVariant;
  }

  async choose(personId: number, available: readonly Strategy[]): Promise<StrategyChoice> {
    const variant = this.variantOf(personId);
    if (variant !== 'bandit' || available.length === 0) return { variant, scope: scopeOf(variant), strategy: 'hybrid' };
    const bandit = await loadBandit(this.db, BANDIT_SCOPE, available);
    return { variant, scope: BANDIT_SCOPE, strategy: bandit.choose(this.random()) as Strategy };
  }

  async served(personId: number, choice: StrategyChoice, trackIds: readonly number[]): Promise<void> {
    await recordServed(this.db, { personId, scope: choice.scope, strategy: choice.strategy, trackIds });
  }

  async reward(r: { personId: number; trackId: number; liked: boolean; interactionId?: string }): Promise<{ counted: boolean; strategy?: string }> {
    const out = await rewardServed(this.db, r);
    return out.arm !== undefined ? { counted: out.recorded, strategy: out.arm } : { counted: out.recorded };
  }

  async arms(scope: string): Promise<ArmEvidence[]> {
    return scopeArms(this.db, scope);
  }
}
