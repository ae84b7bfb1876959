/** A simulated listener for preference tests and the bench: a hidden utility over track features, voting with noise. */
import type { SeededRandom } from '../rng.ts';
import { sigmoid } from './bradley-terry.ts';
import type { PreferenceFeatures } from './preference-features.ts';

/**
 * Votes P(a over b) = σ((u(a) − u(b)) / temperature) with a hidden utility u(t) = w*ᵀf_t + ε_t: linear in the
 * features plus an optional per-track taste ε_t that no feature explains (real taste is never exactly linear).
 */
export class SimulatedListener {
  constructor(
    /** The hidden utility weights w*. */
    readonly weights: Float64Array,
    private readonly features: PreferenceFeatures,
    private readonly rng: SeededRandom,
    /** Noise: a larger temperature makes votes closer to coin flips. */
    readonly temperature = 1,
    /** ε per feature row (omitted: none). */
    private readonly trackTaste?: Float64Array,
  ) {}

  /** The hidden utility of a track. */
  utility(track: number): number {
    const f = this.features.vectorOf(track);
    let s = 0;
    for (let i = 0; i < f.length; i++) s += this.weights[i]! * f[i]!;
    return s + (this.trackTaste?.[this.features.indexOf(track)!] ?? 0);
  }

  /** The listener's answer to "a or b?". */
  vote(a: number, b: number): 'a' | 'b' {
    return this.rng.next() < sigmoid((this.utility(a) - this.utility(b)) / this.temperature) ? 'a' : 'b';
  }
}
