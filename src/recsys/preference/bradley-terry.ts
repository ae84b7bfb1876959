/**
 * A person's Bradley–Terry utility over track features: P(a preferred to b) = σ(wᵀ(f_a − f_b)), with a Gaussian
 * prior w ~ N(w_pop, σ²I) (or N(w_pop, Σ_pop) with a population covariance of tastes) centred on the population utility, so that a person with few votes inherits what everyone
 * else prefers and drifts away from it as their own votes accumulate. The posterior is kept as a Laplace
 * approximation N(m, S): `update` folds in one vote exactly along its direction in O(d²) (the 1-D mode is found by
 * Newton, the covariance by a rank-one Sherman–Morrison step), and `refit` recomputes the exact MAP and Hessian from
 * all votes by Newton/IRLS in O(n·d² + d³). Skipped pairs carry no preference and are not passed in.
 */
import { invertSpd } from '../dense-solve.ts';
import { InvalidParamsError } from '../errors.ts';
import { FeatureDimensionError, InvalidPreferenceStateError, SameTrackPairError } from './preference-errors.ts';

/** One answered comparison in feature space: the winner's and the loser's features. */
export interface FeatureComparison {
  readonly winner: ArrayLike<number>;
  readonly loser: ArrayLike<number>;
  /** How much the comparison counts in `fit` and `refit` (2: as much as the same comparison twice) [1]; `update` counts one. */
  readonly weight?: number;
}

/** The posterior as plain data, for storage. */
export interface BradleyTerryState {
  readonly dim: number;
  readonly priorMean: readonly number[];
  readonly priorVariance: number;
  readonly mean: readonly number[];
  /** Row-major d × d posterior covariance. */
  readonly covariance: readonly number[];
  readonly votes: number;
}

/** Logistic function, stable for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Default prior variance of each weight around the population utility. */
const DEFAULT_PRIOR_VARIANCE = 1;

/** A person's posterior over utility weights. */
export class BradleyTerryPosterior {
  private readonly diff: Float64Array;
  private readonly sd: Float64Array;

  private constructor(
    readonly dim: number,
    readonly priorMean: Float64Array,
    readonly priorVariance: number,
    /** Posterior mean m (the utility weights). */
    readonly mean: Float64Array,
    /** Posterior covariance S, row-major. */
    readonly covariance: Float64Array,
    private voteCount: number,
    /** Prior precision Σ_pop⁻¹ when the prior has a full covariance (undefined: isotropic σ²I). */
    private readonly priorPrecision?: Float64Array,
  ) {
    this.diff = new Float64Array(dim);
    this.sd = new Float64Array(dim);
  }

  /**
   * A person with no votes: the prior N(priorMean, priorVariance·I), or N(priorMean, priorCovariance) when a
   * (row-major, symmetric positive definite) population covariance is given; priorVariance is then its mean diagonal.
   */
  static prior(priorMean: ArrayLike<number>, priorVariance = DEFAULT_PRIOR_VARIANCE, priorCovariance?: ArrayLike<number>): BradleyTerryPosterior {
    const d = priorMean.length;
    if (d === 0) throw new InvalidParamsError('the utility needs at least one feature');
    if (priorCovariance !== undefined) {
      if (priorCovariance.length !== d * d) throw new InvalidParamsError(`priorCovariance must hold ${d * d} values, got ${priorCovariance.length}`);
      const cov = Float64Array.from(priorCovariance);
      const precision = invertSpd(cov, d);
      if (precision === undefined) throw new InvalidParamsError('priorCovariance must be positive definite');
      let tr = 0;
      for (let i = 0; i < d; i++) tr += cov[i * d + i]!;
      return new BradleyTerryPosterior(d, Float64Array.from(priorMean), tr / d, Float64Array.from(priorMean), cov, 0, precision);
    }
    if (!(priorVariance > 0 && Number.isFinite(priorVariance))) throw new InvalidParamsError('priorVariance must be > 0');
    const cov = new Float64Array(d * d);
    for (let i = 0; i < d; i++) cov[i * d + i] = priorVariance;
    return new BradleyTerryPosterior(d, Float64Array.from(priorMean), priorVariance, Float64Array.from(priorMean), cov, 0);
  }

  /** The exact MAP posterior (Laplace) given every vote, by Newton/IRLS from the prior; `votes` is the count it reports [the comparisons]. */
  static fit(
    priorMean: ArrayLike<number>,
    comparisons: readonly FeatureComparison[],
    priorVariance = DEFAULT_PRIOR_VARIANCE,
    priorCovariance?: ArrayLike<number>,
    votes = comparisons.length,
  ): BradleyTerryPosterior {
    const p = BradleyTerryPosterior.prior(priorMean, priorVariance, priorCovariance);
    p.refit(comparisons, 25, votes);
    return p;
  }

  /** Restores a stored posterior; throws InvalidPreferenceStateError on inconsistent data. */
  static fromState(s: BradleyTerryState): BradleyTerryPosterior {
    const d = s.dim;
    const ok =
      Number.isInteger(d) &&
      d > 0 &&
      s.priorMean.length === d &&
      s.mean.length === d &&
      s.covariance.length === d * d &&
      s.priorVariance > 0 &&
      Number.isInteger(s.votes) &&
      s.votes >= 0 &&
      [...s.priorMean, ...s.mean, ...s.covariance].every(Number.isFinite);
    if (!ok) throw new InvalidPreferenceStateError(`stored preference state is inconsistent (dim ${d})`);
    return new BradleyTerryPosterior(d, Float64Array.from(s.priorMean), s.priorVariance, Float64Array.from(s.mean), Float64Array.from(s.covariance), s.votes);
  }

  /** The posterior as plain data. */
  toState(): BradleyTerryState {
    return {
      dim: this.dim,
      priorMean: Array.from(this.priorMean),
      priorVariance: this.priorVariance,
      mean: Array.from(this.mean),
      covariance: Array.from(this.covariance),
      votes: this.voteCount,
    };
  }

  /** Number of votes folded in. */
  get votes(): number {
    return this.voteCount;
  }

  /** Posterior mean utility of a track: mᵀf. */
  utility(f: ArrayLike<number>): number {
    this.check(f);
    let s = 0;
    for (let i = 0; i < this.dim; i++) s += this.mean[i]! * f[i]!;
    return s;
  }

  /** Posterior variance of a track's utility: fᵀSf (how unsure the model is about it). */
  utilityVariance(f: ArrayLike<number>): number {
    this.check(f);
    return quadratic(this.covariance, f, this.dim);
  }

  /** Probability that a is preferred to b under the posterior mean. */
  probability(a: ArrayLike<number>, b: ArrayLike<number>): number {
    return sigmoid(this.utility(a) - this.utility(b));
  }

  /**
   * Confidence in [0, 1): 1 − (mean posterior variance / prior variance). 0 with no votes; it approaches 1 as votes
   * pin down every direction of the feature space.
   */
  confidence(): number {
    let tr = 0;
    for (let i = 0; i < this.dim; i++) tr += this.covariance[i * this.dim + i]!;
    return Math.max(0, Math.min(1, 1 - tr / (this.dim * this.priorVariance)));
  }

  /**
   * Folds in one vote (winner preferred to loser) by an online Laplace step: the new mode lies on m + S·d·t, so a
   * 1-D Newton solve finds it; then S ← S − h/(1 + h·dᵀSd) · (Sd)(Sd)ᵀ with h = σ(z)(1 − σ(z)). O(d²).
   */
  update(winner: ArrayLike<number>, loser: ArrayLike<number>): void {
    this.check(winner);
    this.check(loser);
    const d = this.dim;
    const x = this.diff;
    let same = true;
    for (let i = 0; i < d; i++) {
      x[i] = winner[i]! - loser[i]!;
      if (x[i] !== 0) same = false;
    }
    if (same) {
      // Identical features carry no information about w; the vote still counts.
      this.voteCount++;
      return;
    }
    const sx = this.sd;
    const cov = this.covariance;
    let v = 0;
    let z0 = 0;
    for (let i = 0; i < d; i++) {
      let s = 0;
      const r = i * d;
      for (let j = 0; j < d; j++) s += cov[r + j]! * x[j]!;
      sx[i] = s;
      v += x[i]! * s;
      z0 += x[i]! * this.mean[i]!;
    }
    // Mode along the direction: z = z0 + v·(1 − σ(z)).
    let z = z0;
    for (let it = 0; it < 30; it++) {
      const p = sigmoid(z);
      const g = z - z0 - v * (1 - p);
      const step = g / (1 + v * p * (1 - p));
      z -= step;
      if (Math.abs(step) < 1e-10) break;
    }
    const p = sigmoid(z);
    const t = 1 - p;
    for (let i = 0; i < d; i++) this.mean[i]! += sx[i]! * t;
    const h = p * (1 - p);
    const f = h / (1 + h * v);
    for (let i = 0; i < d; i++) {
      const a = f * sx[i]!;
      const r = i * d;
      for (let j = 0; j < d; j++) cov[r + j]! -= a * sx[j]!;
    }
    this.voteCount++;
  }

  /** Replaces the posterior with the exact MAP and Laplace covariance given these votes (Newton/IRLS); `votes` is the count it then reports. */
  refit(comparisons: readonly FeatureComparison[], maxIterations = 25, votes = comparisons.length): void {
    const d = this.dim;
    const rows = comparisons.map((c) => {
      this.check(c.winner);
      this.check(c.loser);
      const x = new Float64Array(d);
      for (let i = 0; i < d; i++) x[i] = c.winner[i]! - c.loser[i]!;
      return x;
    });
    const { weights, covariance } = newtonMap(rows, this.priorMean, this.priorPrecision ?? this.priorVariance, maxIterations, comparisons.map((c) => c.weight ?? 1));
    this.mean.set(weights);
    this.covariance.set(covariance);
    this.voteCount = votes;
  }

  private check(f: ArrayLike<number>): void {
    if (f.length !== this.dim) throw new FeatureDimensionError(this.dim, f.length);
  }
}

/**
 * The population utility: one Bradley–Terry weight vector fitted by MAP on everyone's votes pooled, with a weak
 * N(0, priorVariance·I) prior. People's priors are centred here.
 */
export function fitPopulationUtility(comparisons: readonly FeatureComparison[], dim: number, priorVariance = 4): Float64Array {
  const rows = comparisons.map((c) => {
    if (c.winner.length !== dim) throw new FeatureDimensionError(dim, c.winner.length);
    if (c.loser.length !== dim) throw new FeatureDimensionError(dim, c.loser.length);
    const x = new Float64Array(dim);
    for (let i = 0; i < dim; i++) x[i] = c.winner[i]! - c.loser[i]!;
    return x;
  });
  return newtonMap(rows, new Float64Array(dim), priorVariance, 25).weights;
}

/**
 * MAP of Σ log σ(xᵀw) − (w − m0)ᵀP(w − m0)/2 by Newton, with P = I/σ² (a variance) or a full prior precision;
 * returns the mode and the inverse Hessian there.
 */
function newtonMap(rows: readonly Float64Array[], m0: Float64Array, prior: number | Float64Array, maxIterations: number, rowWeights?: readonly number[]): { weights: Float64Array; covariance: Float64Array } {
  const d = m0.length;
  const w = Float64Array.from(m0);
  const h = new Float64Array(d * d);
  const g = new Float64Array(d);
  const hessian = (): void => {
    g.fill(0);
    if (typeof prior === 'number') {
      h.fill(0);
      const lambda = 1 / prior;
      for (let i = 0; i < d; i++) h[i * d + i] = lambda;
      for (let i = 0; i < d; i++) g[i] = -lambda * (w[i]! - m0[i]!);
    } else {
      h.set(prior);
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += prior[i * d + j]! * (w[j]! - m0[j]!);
        g[i] = -s;
      }
    }
    for (let k = 0; k < rows.length; k++) {
      const x = rows[k]!;
      const rw = rowWeights?.[k] ?? 1;
      let z = 0;
      for (let i = 0; i < d; i++) z += x[i]! * w[i]!;
      const p = sigmoid(z);
      const c = rw * p * (1 - p);
      const r = rw * (1 - p);
      for (let i = 0; i < d; i++) {
        const xi = x[i]!;
        if (xi === 0) continue;
        g[i]! += r * xi;
        const ci = c * xi;
        const o = i * d;
        for (let j = i; j < d; j++) h[o + j]! += ci * x[j]!;
      }
    }
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) h[i * d + j] = h[j * d + i]!;
  };
  for (let it = 0; it < maxIterations; it++) {
    hessian();
    const inv = invertSpd(h, d);
    if (inv === undefined) break;
    let moved = 0;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += inv[i * d + j]! * g[j]!;
      w[i]! += s;
      moved = Math.max(moved, Math.abs(s));
    }
    if (moved < 1e-8) break;
  }
  hessian();
  const covariance = invertSpd(h, d);
  if (covariance === undefined) throw new InvalidParamsError('the preference Hessian is not positive definite');
  return { weights: w, covariance };
}

function quadratic(m: Float64Array, f: ArrayLike<number>, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) {
    let r = 0;
    const o = i * d;
    for (let j = 0; j < d; j++) r += m[o + j]! * f[j]!;
    s += f[i]! * r;
  }
  return s;
}

/** Checks that a pair names two different tracks; throws SameTrackPairError otherwise. */
export function assertDistinctPair(a: number, b: number): void {
  if (a === b) throw new SameTrackPairError(a);
}
