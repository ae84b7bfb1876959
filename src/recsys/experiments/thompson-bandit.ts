/**
 * Thompson sampling over recommendation strategies with Beta–Bernoulli arms: a like is a success, a skip a failure.
 * Each choice draws a rate from every arm's Beta posterior and plays the largest, so arms are tried in proportion to
 * the probability that they are best: exploration fades by itself as the evidence grows.
 */
import { InvalidParamsError } from '../errors.ts';
import type { SeededRandom } from '../rng.ts';

/** The strategies the bandit chooses among. */
export const STRATEGIES = ['cf', 'content', 'hybrid', 'explore'] as const;

/** One strategy. */
export type Strategy = (typeof STRATEGIES)[number];

/** One arm's evidence (the Beta posterior is Beta(alpha + successes, beta + failures)). */
export interface ArmState {
  readonly arm: string;
  readonly successes: number;
  readonly failures: number;
}

/** A Beta–Bernoulli Thompson sampler over named arms. */
export class ThompsonBandit {
  private readonly arms: Map<string, { successes: number; failures: number }>;

  constructor(
    arms: readonly ArmState[],
    /** Beta prior (1, 1 = uniform). */
    readonly prior: { readonly alpha: number; readonly beta: number } = { alpha: 1, beta: 1 },
  ) {
    if (arms.length === 0) throw new InvalidParamsError('a bandit needs at least one arm');
    if (!(prior.alpha > 0 && prior.beta > 0)) throw new InvalidParamsError('Beta prior parameters must be > 0');
    this.arms = new Map();
    for (const a of arms) {
      if (this.arms.has(a.arm)) throw new InvalidParamsError(`duplicate arm ${a.arm}`);
      if (!(a.successes >= 0 && a.failures >= 0)) throw new InvalidParamsError(`arm ${a.arm}: counts must be >= 0`);
      this.arms.set(a.arm, { successes: a.successes, failures: a.failures });
    }
  }

  /** A fresh bandit over the given arm names. */
  static of(names: readonly string[]): ThompsonBandit {
    return new ThompsonBandit(names.map((arm) => ({ arm, successes: 0, failures: 0 })));
  }

  /** Draws one rate per arm from its posterior and returns the arm with the largest draw. */
  choose(rng: SeededRandom): string {
    let best = '';
    let bestDraw = -1;
    for (const [arm, s] of this.arms) {
      const draw = sampleBeta(this.prior.alpha + s.successes, this.prior.beta + s.failures, rng);
      if (draw > bestDraw) {
        bestDraw = draw;
        best = arm;
      }
    }
    return best;
  }

  /** Records a reward for an arm: true = like, false = skip. */
  update(arm: string, liked: boolean): void {
    const s = this.arms.get(arm);
    if (s === undefined) throw new InvalidParamsError(`unknown arm ${arm}`);
    if (liked) s.successes++;
    else s.failures++;
  }

  /** Posterior mean like rate of an arm. */
  meanRate(arm: string): number {
    const s = this.arms.get(arm);
    if (s === undefined) throw new InvalidParamsError(`unknown arm ${arm}`);
    return (this.prior.alpha + s.successes) / (this.prior.alpha + this.prior.beta + s.successes + s.failures);
  }

  /** Every arm's evidence, for storage and reports. */
  state(): ArmState[] {
    return [...this.arms].map(([arm, s]) => ({ arm, successes: s.successes, failures: s.failures }));
  }
}

/** A Beta(a, b) draw as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function sampleBeta(a: number, b: number, rng: SeededRandom): number {
  const x = sampleGamma(a, rng);
  const y = sampleGamma(b, rng);
  return x + y > 0 ? x / (x + y) : 0.5;
}

/** A Gamma(shape, 1) draw (Marsaglia–Tsang; shape < 1 by boosting). */
function sampleGamma(shape: number, rng: SeededRandom): number {
  if (shape < 1) {
    let u = rng.next();
    while (u === 0) u = rng.next();
    return sampleGamma(shape + 1, rng) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}
