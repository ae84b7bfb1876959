/**
 * Chooses a person's next A/B comparison. Most pairs are informative: among the tracks plausible for the person,
 * the pair whose outcome the model is least sure of, scored by p(1 − p)·Var(u_a − u_b) (the expected information of a
 * logistic observation). A configurable share of pairs is drawn uniformly at random from all eligible tracks instead,
 * because a fit on adaptively chosen pairs only sees the region the model already believes in, which biases it.
 * A pair is never offered twice (in either order).
 */
import { InvalidParamsError } from '../errors.ts';
import type { SeededRandom } from '../rng.ts';
import { sigmoid, type BradleyTerryPosterior } from './bradley-terry.ts';
import { PairsExhaustedError } from './preference-errors.ts';
import type { PreferenceFeatures } from './preference-features.ts';

/** How a pair was chosen (stored with the comparison). */
export type PairStrategy = 'informative' | 'random';

/** The chosen pair, in display order. */
export interface PairChoice {
  readonly a: number;
  readonly b: number;
  readonly strategy: PairStrategy;
  /** p(1 − p)·Var(u_a − u_b) under the current posterior (0 information means the outcome is certain). */
  readonly information: number;
  /** The model's probability that a is preferred. */
  readonly probabilityA: number;
}

/** Unordered pairs of track ids already shown to a person. */
export class SeenPairs {
  private readonly keys = new Set<string>();

  constructor(pairs: Iterable<readonly [number, number]> = []) {
    for (const [a, b] of pairs) this.add(a, b);
  }

  private static key(a: number, b: number): string {
    return a < b ? `${a}:${b}` : `${b}:${a}`;
  }

  /** Marks a pair as shown. */
  add(a: number, b: number): void {
    this.keys.add(SeenPairs.key(a, b));
  }

  /** Whether the pair (in either order) was shown. */
  has(a: number, b: number): boolean {
    return this.keys.has(SeenPairs.key(a, b));
  }

  /** Number of pairs shown. */
  get size(): number {
    return this.keys.size;
  }
}

/** Selection options; defaults in brackets. */
export interface PairSelectionOptions {
  /** Share of pairs drawn uniformly at random [0.2]. */
  readonly randomShare?: number;
  /** How many of the most plausible tracks informative pairs are drawn from [30]. */
  readonly poolSize?: number;
}

/** What pair selection needs to know about a person. */
export interface PairSelectionInput {
  readonly posterior: BradleyTerryPosterior;
  readonly features: PreferenceFeatures;
  /** Track ids plausible for the person, best first (e.g. their recommendation candidates). */
  readonly plausible: readonly number[];
  /** Track ids random pairs are drawn from (default: `plausible`). */
  readonly eligible?: readonly number[];
  readonly seen: SeenPairs;
  readonly rng: SeededRandom;
}

/** Default share of random pairs. */
export const DEFAULT_RANDOM_SHARE = 0.2;

/** The next pair; throws PairsExhaustedError when every eligible pair was shown already. */
export function selectPair(input: PairSelectionInput, options: PairSelectionOptions = {}): PairChoice {
  const share = options.randomShare ?? DEFAULT_RANDOM_SHARE;
  const poolSize = options.poolSize ?? 30;
  if (!(share >= 0 && share <= 1)) throw new InvalidParamsError('randomShare must be in [0, 1]');
  if (!(Number.isInteger(poolSize) && poolSize >= 2)) throw new InvalidParamsError('poolSize must be an integer >= 2');
  const plausible = distinctKnown(input.plausible, input.features);
  const eligible = input.eligible === undefined ? plausible : distinctKnown(input.eligible, input.features);
  const wantRandom = input.rng.next() < share;
  const pick = wantRandom
    ? (randomPair(eligible, input) ?? informativePair(plausible, poolSize, input))
    : (informativePair(plausible, poolSize, input) ?? randomPair(eligible, input));
  if (pick === undefined) throw new PairsExhaustedError(Math.max(plausible.length, eligible.length));
  const swap = input.rng.next() < 0.5;
  const a = swap ? pick.b : pick.a;
  const b = swap ? pick.a : pick.b;
  const fa = input.features.vectorOf(a);
  const fb = input.features.vectorOf(b);
  const p = input.posterior.probability(fa, fb);
  const v = differenceVariance(input.posterior, fa, fb);
  return { a, b, strategy: pick.strategy, information: p * (1 - p) * v, probabilityA: p };
}

function distinctKnown(ids: readonly number[], features: PreferenceFeatures): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const id of ids) {
    if (seen.has(id) || !features.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

interface Pick {
  readonly a: number;
  readonly b: number;
  readonly strategy: PairStrategy;
}

/** The most informative unseen pair among the top `poolSize` plausible tracks (the pool grows if all are seen). */
function informativePair(plausible: readonly number[], poolSize: number, input: PairSelectionInput): Pick | undefined {
  const post = input.posterior;
  const d = post.dim;
  const cov = post.covariance;
  for (let size = Math.min(poolSize, plausible.length); size >= 2; size = size === plausible.length ? 0 : Math.min(plausible.length, size * 2)) {
    const pool = plausible.slice(0, size);
    const f = pool.map((id) => input.features.vectorOf(id));
    const g = f.map((x) => {
      const out = new Float64Array(d);
      for (let i = 0; i < d; i++) {
        let s = 0;
        const o = i * d;
        for (let j = 0; j < d; j++) s += cov[o + j]! * x[j]!;
        out[i] = s;
      }
      return out;
    });
    const q = f.map((x, k) => dot(x, g[k]!, d));
    const u = f.map((x) => post.utility(x));
    let best: Pick | undefined;
    let bestScore = -1;
    for (let i = 0; i < size; i++) {
      for (let j = i + 1; j < size; j++) {
        if (input.seen.has(pool[i]!, pool[j]!)) continue;
        const v = Math.max(0, q[i]! + q[j]! - 2 * dot(f[j]!, g[i]!, d));
        const p = sigmoid(u[i]! - u[j]!);
        const score = p * (1 - p) * v;
        if (score > bestScore) {
          bestScore = score;
          best = { a: pool[i]!, b: pool[j]!, strategy: 'informative' };
        }
      }
    }
    if (best !== undefined) return best;
  }
  return undefined;
}

/** A uniformly random unseen pair of eligible tracks. */
function randomPair(eligible: readonly number[], input: PairSelectionInput): Pick | undefined {
  const n = eligible.length;
  if (n < 2) return undefined;
  for (let attempt = 0; attempt < 64; attempt++) {
    const i = Math.floor(input.rng.next() * n);
    let j = Math.floor(input.rng.next() * (n - 1));
    if (j >= i) j++;
    if (!input.seen.has(eligible[i]!, eligible[j]!)) return { a: eligible[i]!, b: eligible[j]!, strategy: 'random' };
  }
  // Nearly everything was seen: choose uniformly among what is left.
  const left: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (!input.seen.has(eligible[i]!, eligible[j]!)) left.push([eligible[i]!, eligible[j]!]);
  if (left.length === 0) return undefined;
  const [a, b] = left[Math.floor(input.rng.next() * left.length)]!;
  return { a, b, strategy: 'random' };
}

function differenceVariance(post: BradleyTerryPosterior, fa: ArrayLike<number>, fb: ArrayLike<number>): number {
  const d = post.dim;
  const x = new Float64Array(d);
  for (let i = 0; i < d; i++) x[i] = fa[i]! - fb[i]!;
  return post.utilityVariance(x);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += a[i]! * b[i]!;
  return s;
}
