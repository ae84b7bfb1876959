/**
 * Chooses a person's next A/B comparison. Most pairs are informative: among the tracks plausible for the person,
 * the pair with the most expected information under the posterior, scored by
 * P(decided)·p(1 − p)·Var(u_a − u_b): p(1 − p)·Var is the information of a logistic observation, and P(decided) is
 * the chance the person does not answer "both" or "neither" — with a threshold at the pool's median utility,
 * q_t = P(t is liked) = σ((u_t − median)/√(1 + π·Var(u_t)/8)) and P(decided) = q_a(1 − q_b) + q_b(1 − q_a). Pairs of
 * near-identical tracks (feature distance below `minDistance` × the pool's median distance) are not offered, since
 * their answers are mostly ties or noise. A configurable share of pairs is drawn uniformly at random from all eligible tracks instead,
 * because a fit on adaptively chosen pairs only sees the region the model already believes in, which biases it.
 * A pair is never offered twice (in either order).
 */
import { InvalidParamsError } from '../errors.ts';
import type { SeededRandom } from '../rng.ts';
import { sigmoid, type BradleyTerryPosterior } from './bradley-terry.ts';
import { PairsExhaustedError } from './preference-errors.ts';
import type { PreferenceFeatures } from './preference-features.ts';

/** How a pair was chosen (stored with the comparison). */
type PairStrategy = 'informative' | 'random';

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
  /** Weigh information by the chance of a decided answer (not "both"/"neither") [true]. */
  readonly tieAware?: boolean;
  /** Floor on a pair's feature distance, as a fraction of the pool's median pair distance [0.5]. */
  readonly minDistance?: number;
  /**
   * What an answer is worth ['information']: `information`, p(1 − p)·Var(u_a − u_b), the information about the
   * pair itself; `pool-variance`, how much the answer is expected to shrink the posterior variance of the pool's
   * centred utilities (V-optimal design), which favours pairs that teach about many tracks over outliers.
   */
  readonly criterion?: 'information' | 'pool-variance';
}

/** What pair selection needs to know about a person. */
interface PairSelectionInput {
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
  const policy: InformativePolicy = { tieAware: options.tieAware ?? true, minDistance: options.minDistance ?? 0.5, criterion: options.criterion ?? 'information' };
  if (!(share >= 0 && share <= 1)) throw new InvalidParamsError('randomShare must be in [0, 1]');
  if (!(policy.minDistance >= 0 && policy.minDistance < 1)) throw new InvalidParamsError('minDistance must be in [0, 1)');
  if (!(Number.isInteger(poolSize) && poolSize >= 2)) throw new InvalidParamsError('poolSize must be an integer >= 2');
  const plausible = distinctKnown(input.plausible, input.features);
  const eligible = input.eligible === undefined ? plausible : distinctKnown(input.eligible, input.features);
  const wantRandom = input.rng.next() < share;
  const pick = wantRandom
    ? (randomPair(eligible, input) ?? informativePair(plausible, poolSize, input, policy))
    : (informativePair(plausible, poolSize, input, policy) ?? randomPair(eligible, input));
  if (pick === undefined) throw new PairsExhaustedError(Math.max(plausible.length, eligible.length));
  return presentPair(pick, input);
}

/** A chosen pair in random display order, with the information p(1 − p)·Var(u_a − u_b) and the model's P(a chosen). */
export function presentPair(
  pick: { readonly a: number; readonly b: number; readonly strategy: PairStrategy },
  input: { readonly posterior: BradleyTerryPosterior; readonly features: PreferenceFeatures; readonly rng: SeededRandom },
): PairChoice {
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

/** Slope of P(liked) in units of the pool's utility spread: sharp enough that two tracks from the same end rarely pair. */
const TIE_SHARPNESS = 3;

interface InformativePolicy {
  readonly tieAware: boolean;
  readonly minDistance: number;
  readonly criterion: 'information' | 'pool-variance';
}

/** The most informative unseen pair among the top `poolSize` plausible tracks (the pool grows if all are seen). */
function informativePair(plausible: readonly number[], poolSize: number, input: PairSelectionInput, policy: InformativePolicy): Pick | undefined {
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
    const sq = f.map((x) => dot(x, x, d));
    const median = (xs: number[]): number => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length === 0 ? 0 : s[Math.floor(s.length / 2)]!;
    };
    const threshold = median(u);
    const spread = Math.sqrt(u.reduce((a, x) => a + (x - threshold) ** 2, 0) / Math.max(1, u.length)) || 1;
    const liked = u.map((ui, k) => sigmoid((TIE_SHARPNESS * (ui - threshold)) / Math.sqrt(spread * spread + (Math.PI * q[k]!) / 8)));
    const distance = (i: number, j: number) => Math.max(0, sq[i]! + sq[j]! - 2 * dot(f[i]!, f[j]!, d));
    let floor = 0;
    if (policy.minDistance > 0) {
      const sample: number[] = [];
      const step = Math.max(1, Math.floor((size * (size - 1)) / 2 / 400));
      let t = 0;
      for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) if (t++ % step === 0) sample.push(distance(i, j));
      floor = policy.minDistance ** 2 * median(sample);
    }
    // c[t][k] = f_t·S·f_k centred over t: how a vote's direction S(f_a − f_b) moves each pool track's utility.
    let c: Float64Array[] | undefined;
    if (policy.criterion === 'pool-variance') {
      c = f.map((x) => Float64Array.from(g, (gk) => dot(x, gk, d)));
      for (let k = 0; k < size; k++) {
        let m = 0;
        for (let t = 0; t < size; t++) m += c[t]![k]!;
        m /= size;
        for (let t = 0; t < size; t++) c[t]![k]! -= m;
      }
    }
    let best: Pick | undefined;
    let bestScore = -1;
    for (let pass = 0; pass < 2 && best === undefined; pass++) {
      // The second pass drops the distance floor, so a pool of near-identical tracks still yields a pair.
      const minSq = pass === 0 ? floor : 0;
      for (let i = 0; i < size; i++) {
        for (let j = i + 1; j < size; j++) {
          if (input.seen.has(pool[i]!, pool[j]!)) continue;
          if (minSq > 0 && distance(i, j) < minSq) continue;
          const v = Math.max(0, q[i]! + q[j]! - 2 * dot(f[j]!, g[i]!, d));
          const p = sigmoid(u[i]! - u[j]!);
          const decided = policy.tieAware ? liked[i]! * (1 - liked[j]!) + liked[j]! * (1 - liked[i]!) : 1;
          const h = p * (1 - p);
          let worth = h * v;
          if (c !== undefined) {
            let r = 0;
            for (let t = 0; t < size; t++) r += (c[t]![i]! - c[t]![j]!) ** 2;
            worth = (h * r) / (1 + h * v);
          }
          const score = decided * worth;
          if (score > bestScore) {
            bestScore = score;
            best = { a: pool[i]!, b: pool[j]!, strategy: 'informative' };
          }
        }
      }
    }
    if (best !== undefined) return best;
  }
  return undefined;
}

/** A uniformly random unseen pair of eligible tracks. */
export function randomPair(eligible: readonly number[], input: { readonly seen: SeenPairs; readonly rng: SeededRandom }): Pick | undefined {
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
