/**
 * The strategy experiment as tools see it: which strategy serves a person's recommendations (Thompson sampling in
 * the bandit variant, always `hybrid` in the control variant), which strategy served each track, the like/skip
 * reward when the person rates a served track, and the counts an analytics tool reports.
 */
import type { Strategy } from '../../recsys/experiments/thompson-bandit.ts';

/** The experiment that splits people between the bandit and a hybrid-only control. */
export const STRATEGY_EXPERIMENT = 'recommend-strategy';

/** Its variants and their traffic shares. */
export const STRATEGY_VARIANTS = [
  { name: 'bandit', weight: 90 },
  { name: 'hybrid-only', weight: 10 },
] as const;

/** One variant. */
export type StrategyVariant = (typeof STRATEGY_VARIANTS)[number]['name'];

/** The bandit's scope in the bandit variant; the control's rewards go to `recommend:hybrid-only`. */
export const BANDIT_SCOPE = 'recommend';

/** The scope of a variant's rewards. */
export function scopeOf(variant: StrategyVariant): string {
  return variant === 'bandit' ? BANDIT_SCOPE : `${BANDIT_SCOPE}:${variant}`;
}

/** A choice of strategy for one recommend call. */
export interface StrategyChoice {
  readonly variant: StrategyVariant;
  /** The bandit scope the rewards of this choice go to. */
  readonly scope: string;
  readonly strategy: Strategy;
}

/** One arm's evidence. */
export interface ArmEvidence {
  readonly arm: string;
  readonly successes: number;
  readonly failures: number;
}

/** What a recommend call tells the contextual bandit besides the clock: the activity or mood asked for, the platform. */
export interface RequestContext {
  readonly activity?: string;
  readonly platform?: string;
}

/** One context's evidence per arm (the context key is `a=…|t=…|d=…|p=…`). */
export interface ContextEvidence {
  readonly context: string;
  readonly arms: readonly (ArmEvidence & {
    /** Posterior mean like rate with backoff to the activity and global levels. */
    readonly posteriorMean: number;
  })[];
}

/** Runs the strategy experiment. */
export interface Experiments {
  /** The person's variant (a pure function of the person). */
  variantOf(personId: number): StrategyVariant;
  /**
   * Picks the strategy for a person among the available ones: in the bandit variant by contextual Thompson sampling
   * (time-of-day bucket and weekday/weekend from the clock, plus the request's activity/mood and platform).
   */
  choose(personId: number, available: readonly Strategy[], context?: RequestContext): Promise<StrategyChoice>;
  /** Remembers that `choice` served these tracks to the person. */
  served(personId: number, choice: StrategyChoice, trackIds: readonly number[]): Promise<void>;
  /** Rewards the strategy that served the track (like = success); a no-op for tracks recommend never served. */
  reward(r: { personId: number; trackId: number; liked: boolean; interactionId?: string }): Promise<{ counted: boolean; strategy?: string }>;
  /** Evidence per arm of a scope (arms with no feedback are absent). */
  arms(scope: string): Promise<ArmEvidence[]>;
  /** Evidence per arm in every full context of the bandit variant that has feedback. */
  contextArms(): Promise<ContextEvidence[]>;
}
