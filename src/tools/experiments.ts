/**
 * The strategy experiment as tools see it: which strategy serves a person's recommendations (Thompson sampling in
 * the bandit variant, always `hybrid` in the control variant), which strategy served each track, the like/skip
 * reward when the person rates a served track, and the counts an analytics tool reports.
 */
import type { Strategy } from '../recsys/experiments/thompson-bandit.ts';

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

/** Runs the strategy experiment. */
export interface Experiments {
  /** The person's variant (a pure function of the person). */
  variantOf(personId: number): StrategyVariant;
  /** Picks the strategy for a person among the available ones. */
  choose(personId: number, available: readonly Strategy[]): Promise<StrategyChoice>;
  /** Remembers that `choice` served these tracks to the person. */
  served(personId: number, choice: StrategyChoice, trackIds: readonly number[]): Promise<void>;
  /** Rewards the strategy that served the track (like = success); a no-op for tracks recommend never served. */
  reward(r: { personId: number; trackId: number; liked: boolean; interactionId?: string }): Promise<{ counted: boolean; strategy?: string }>;
  /** Evidence per arm of a scope (arms with no feedback are absent). */
  arms(scope: string): Promise<ArmEvidence[]>;
}
