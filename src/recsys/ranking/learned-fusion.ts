/**
 * Learned fusion: a listwise learning-to-rank model over the candidate pool, fitted on validation people. Where the
 * `z` and `rrf` fusions give each component one weight, this model also learns how far to trust a component by its
 * rank, by the item's popularity and by how much the person has told us (history or seed count). It is linear in
 * these features, so each component's share of a score stays explainable.
 *
 * Features of one candidate, per component k (in component order): z_k, ln(rank_k), z_k·p, z_k·ℓ, 60/(60 + rank_k);
 * then p, p², p·ℓ. z_k is the component's score standardised over the eligible items, rank_k its 1-based rank in
 * the component's own top `depth` (depth + 1 when not there; the reciprocal-rank term is then 0), p the item's
 * ln(1 + interactions) standardised over the eligible items, ℓ = ln(profile size).
 *
 * Fitting: softmax over each person's pool, maximising the mean log-probability of their relevant items (a
 * ListNet-style objective) with an L2 penalty, by full-batch Adam from a given start (the tuned linear blend), with
 * no randomness: same cases, same model.
 */
import { InvalidParamsError } from '../errors.ts';
import { RRF_K } from './fusion.ts';

/** Features per component. */
export const PER_COMPONENT_FEATURES = 5;

/** Features that belong to no component (popularity terms). */
const GLOBAL_FEATURES = 3;

/** Length of one candidate's feature vector for `components` components. */
export function featureCount(components: number): number {
  return components * PER_COMPONENT_FEATURES + GLOBAL_FEATURES;
}

/**
 * Writes one candidate's features at `out[offset..]`. `z[k]` and `rank[k]` (1-based, 0 = not in the component's top
 * `depth`) describe component k; `p` is the standardised log-popularity and `logProfile` ln(profile size).
 */
export function writeFeatures(
  z: ArrayLike<number>,
  rank: ArrayLike<number>,
  depth: number,
  p: number,
  logProfile: number,
  out: Float32Array,
  offset: number,
): void {
  let o = offset;
  for (let k = 0; k < z.length; k++) {
    const zk = z[k]!;
    const r = rank[k]! > 0 && rank[k]! <= depth ? rank[k]! : depth + 1;
    out[o++] = zk;
    out[o++] = Math.log(r);
    out[o++] = zk * p;
    out[o++] = zk * logProfile;
    out[o++] = r <= depth ? RRF_K / (RRF_K + r) : 0;
  }
  out[o++] = p;
  out[o++] = p * p;
  out[o] = p * logProfile;
}

/** A fitted learned fusion: weights over writeFeatures' layout for a fixed number of components and pool depth. */
export class LearnedFusion {
  constructor(
    readonly weights: Float64Array,
    readonly components: number,
    /** Candidates per component the features were computed over (the ranker's pool depth). */
    readonly depth: number,
  ) {
    if (!(Number.isInteger(components) && components > 0)) throw new InvalidParamsError('learned fusion needs at least one component');
    if (weights.length !== featureCount(components)) throw new InvalidParamsError(`learned fusion has ${weights.length} weights, expected ${featureCount(components)}`);
    if (!(Number.isInteger(depth) && depth > 0)) throw new InvalidParamsError('learned fusion depth must be a positive integer');
    if (!weights.every(Number.isFinite)) throw new InvalidParamsError('learned fusion weights must be finite');
  }

  /** The score of the candidate whose features start at `offset`. */
  score(features: Float32Array, offset: number): number {
    let s = 0;
    for (let d = 0; d < this.weights.length; d++) s += this.weights[d]! * features[offset + d]!;
    return s;
  }

  /** What component k added to that score. */
  componentShare(features: Float32Array, offset: number, k: number): number {
    let s = 0;
    const o = k * PER_COMPONENT_FEATURES;
    for (let d = o; d < o + PER_COMPONENT_FEATURES; d++) s += this.weights[d]! * features[offset + d]!;
    return s;
  }

  /** What the popularity terms added to that score. */
  popularityShare(features: Float32Array, offset: number): number {
    let s = 0;
    for (let d = this.components * PER_COMPONENT_FEATURES; d < this.weights.length; d++) s += this.weights[d]! * features[offset + d]!;
    return s;
  }

  /** A JSON form (for tuning caches and model snapshots). */
  toJSON(): { weights: number[]; components: number; depth: number } {
    return { weights: Array.from(this.weights), components: this.components, depth: this.depth };
  }

  /** Reads the JSON form back; throws InvalidParamsError on anything else. */
  static fromJSON(value: unknown): LearnedFusion {
    const v = value as { weights?: unknown; components?: unknown; depth?: unknown } | null;
    if (v === null || typeof v !== 'object' || !Array.isArray(v.weights) || typeof v.components !== 'number' || typeof v.depth !== 'number') {
      throw new InvalidParamsError('not a learned fusion: expected {weights, components, depth}');
    }
    return new LearnedFusion(Float64Array.from(v.weights.map(Number)), v.components, v.depth);
  }
}

/** One person's candidate pool: features (items × featureCount, row-major) and which items are relevant. */
export interface LearnedFusionCase {
  readonly features: Float32Array;
  readonly relevant: Uint8Array;
}

/** Fitting settings; defaults in brackets. */
interface LearnedFusionFit {
  /** L2 penalty on the weights [0.01]. */
  readonly l2?: number;
  /** Full-batch Adam steps [300]. */
  readonly steps?: number;
  /** Adam step size [0.05]. */
  readonly learningRate?: number;
  /** Starting weights (e.g. the tuned linear blend); default: 1 on the first component's z-score. */
  readonly start?: Float64Array;
}

/** Fits the weights on validation cases (people with no relevant item in their pool teach nothing and are skipped). */
export function fitLearnedFusion(cases: readonly LearnedFusionCase[], components: number, depth: number, fit: LearnedFusionFit = {}): LearnedFusion {
  const dim = featureCount(components);
  const l2 = fit.l2 ?? 0.01;
  const steps = fit.steps ?? 300;
  const lr = fit.learningRate ?? 0.05;
  const w = new Float64Array(dim);
  if (fit.start !== undefined) {
    if (fit.start.length !== dim) throw new InvalidParamsError(`start has ${fit.start.length} weights, expected ${dim}`);
    w.set(fit.start);
  } else w[0] = 1;
  const useful = cases.filter((c) => c.relevant.some((r) => r === 1));
  if (useful.length === 0) return new LearnedFusion(w, components, depth);
  const m = new Float64Array(dim);
  const v = new Float64Array(dim);
  const grad = new Float64Array(dim);
  const b1 = 0.9;
  const b2 = 0.999;
  for (let step = 1; step <= steps; step++) {
    grad.fill(0);
    for (const c of useful) accumulateGradient(c, w, dim, grad);
    for (let d = 0; d < dim; d++) {
      const g = grad[d]! / useful.length + l2 * w[d]!;
      m[d] = b1 * m[d]! + (1 - b1) * g;
      v[d] = b2 * v[d]! + (1 - b2) * g * g;
      w[d]! -= (lr * (m[d]! / (1 - b1 ** step))) / (Math.sqrt(v[d]! / (1 - b2 ** step)) + 1e-8);
    }
  }
  return new LearnedFusion(w, components, depth);
}

/** Adds the gradient of −(1/|R|) Σ_{r∈R} log softmax(score)_r for one case. */
function accumulateGradient(c: LearnedFusionCase, w: Float64Array, dim: number, grad: Float64Array): void {
  const items = c.relevant.length;
  const scores = new Float64Array(items);
  let max = -Infinity;
  for (let t = 0; t < items; t++) {
    let s = 0;
    const o = t * dim;
    for (let d = 0; d < dim; d++) s += w[d]! * c.features[o + d]!;
    scores[t] = s;
    if (s > max) max = s;
  }
  let z = 0;
  let relevant = 0;
  for (let t = 0; t < items; t++) {
    scores[t] = Math.exp(scores[t]! - max);
    z += scores[t]!;
    relevant += c.relevant[t]!;
  }
  for (let t = 0; t < items; t++) {
    const coef = scores[t]! / z - c.relevant[t]! / relevant;
    if (coef === 0) continue;
    const o = t * dim;
    for (let d = 0; d < dim; d++) grad[d]! += coef * c.features[o + d]!;
  }
}
