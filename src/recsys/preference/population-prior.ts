/**
 * The population prior's shape: how people's tastes differ from each other in the preference feature space. Each
 * other person contributes a taste direction (the mean features of what they chose minus the mean of comparable
 * tracks they did not choose); the covariance of those directions, scaled to the prior variance and blended with the
 * isotropic prior, is the prior covariance of a new person's utility weights. Votes then move a new person first
 * along the directions in which people really differ (genre, scene, era), not along directions that never separate
 * anyone's likes, and the pair policy's variance estimates point at those directions too.
 */
import { InvalidParamsError } from '../errors.ts';

/** Options; defaults in brackets. */
interface TasteCovarianceOptions {
  /** Average prior variance per weight (the trace of the result is dim × this) [1]. */
  readonly variance?: number;
  /** Share of the population shape in the blend with the isotropic prior, in [0, 1) [0.7]. */
  readonly shape?: number;
}

/** A taste direction: mean features of the chosen items minus mean features of the others. */
export function tasteDirection(chosen: readonly ArrayLike<number>[], others: readonly ArrayLike<number>[], dim: number): Float64Array {
  const out = new Float64Array(dim);
  if (chosen.length === 0 || others.length === 0) return out;
  for (const f of chosen) for (let i = 0; i < dim; i++) out[i]! += f[i]! / chosen.length;
  for (const f of others) for (let i = 0; i < dim; i++) out[i]! -= f[i]! / others.length;
  return out;
}

/**
 * Σ = variance · ((1 − shape)·I + shape · dim · C / tr C), with C the covariance of the directions (row-major d × d).
 * With fewer than two directions, or directions that do not vary, it is the isotropic prior.
 */
export function tasteCovariance(directions: readonly ArrayLike<number>[], dim: number, options: TasteCovarianceOptions = {}): Float64Array {
  const variance = options.variance ?? 1;
  const shape = options.shape ?? 0.7;
  if (!(variance > 0 && Number.isFinite(variance))) throw new InvalidParamsError('variance must be > 0');
  if (!(shape >= 0 && shape < 1)) throw new InvalidParamsError('shape must be in [0, 1)');
  const out = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) out[i * dim + i] = variance;
  const n = directions.length;
  if (n < 2 || shape === 0) return out;
  const mean = new Float64Array(dim);
  for (const x of directions) {
    if (x.length !== dim) throw new InvalidParamsError(`a direction has ${x.length} values, expected ${dim}`);
    for (let i = 0; i < dim; i++) mean[i]! += x[i]! / n;
  }
  const c = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (const x of directions) {
    for (let i = 0; i < dim; i++) centred[i] = x[i]! - mean[i]!;
    for (let i = 0; i < dim; i++) {
      const ci = centred[i]!;
      if (ci === 0) continue;
      for (let j = 0; j < dim; j++) c[i * dim + j]! += (ci * centred[j]!) / (n - 1);
    }
  }
  let trace = 0;
  for (let i = 0; i < dim; i++) trace += c[i * dim + i]!;
  if (!(trace > 1e-12)) return out;
  const scale = (variance * shape * dim) / trace;
  for (let k = 0; k < dim * dim; k++) out[k] = (1 - shape) * out[k]! + scale * c[k]!;
  return out;
}

/** Taste clusters: groups of people whose taste directions point the same way, each with a utility vector. */
export interface TasteClusters {
  /** Per cluster, a utility vector (row of dim): the cluster's mean direction scaled so a typical chosen-vs-other pair has utility difference `margin`. */
  readonly utilities: readonly Float64Array[];
  /** Per cluster, the share of the people in it (the prior over clusters). */
  readonly shares: readonly number[];
}

/** Options of tasteClusters; defaults in brackets. */
interface TasteClusterOptions {
  /** Number of clusters [6]. */
  readonly k?: number;
  /** Utility difference of the cluster's mean chosen-vs-other direction [2]. */
  readonly margin?: number;
  /** k-means iterations [25]. */
  readonly iterations?: number;
}

/**
 * Clusters people's taste directions by spherical k-means (cosine; farthest-point start from the longest direction,
 * so the result is deterministic). Each cluster's utility is its mean direction d̄ scaled to d̄·margin/‖d̄‖², so that
 * the cluster's typical chosen-minus-other difference has utility `margin`. Fewer than k distinct directions give
 * fewer clusters; none (or only zero directions) give none.
 */
export function tasteClusters(directions: readonly ArrayLike<number>[], dim: number, options: TasteClusterOptions = {}): TasteClusters {
  const k = options.k ?? 6;
  const margin = options.margin ?? 2;
  const iterations = options.iterations ?? 25;
  if (!(Number.isInteger(k) && k >= 1)) throw new InvalidParamsError('k must be an integer >= 1');
  const units: Float64Array[] = [];
  const raw: ArrayLike<number>[] = [];
  for (const x of directions) {
    if (x.length !== dim) throw new InvalidParamsError(`a direction has ${x.length} values, expected ${dim}`);
    const n = Math.sqrt(dotN(x, x, dim));
    if (!(n > 1e-12)) continue;
    units.push(Float64Array.from({ length: dim }, (_, i) => x[i]! / n));
    raw.push(x);
  }
  if (units.length === 0) return { utilities: [], shares: [] };
  // Farthest-point start: the first unit, then repeatedly the unit least similar to every chosen centre.
  const centres: Float64Array[] = [Float64Array.from(units[0]!)];
  while (centres.length < Math.min(k, units.length)) {
    let worst = -1;
    let worstSim = Infinity;
    units.forEach((u, i) => {
      const sim = Math.max(...centres.map((c) => dotN(u, c, dim)));
      if (sim < worstSim) {
        worstSim = sim;
        worst = i;
      }
    });
    if (worstSim > 1 - 1e-9) break;
    centres.push(Float64Array.from(units[worst]!));
  }
  const assign = new Int32Array(units.length).fill(-1);
  for (let it = 0; it < iterations; it++) {
    let moved = false;
    units.forEach((u, i) => {
      let best = 0;
      let bestSim = -Infinity;
      centres.forEach((c, j) => {
        const s = dotN(u, c, dim);
        if (s > bestSim) {
          bestSim = s;
          best = j;
        }
      });
      if (assign[i] !== best) moved = true;
      assign[i] = best;
    });
    if (!moved) break;
    centres.forEach((c, j) => {
      c.fill(0);
      units.forEach((u, i) => {
        if (assign[i] === j) for (let t = 0; t < dim; t++) c[t]! += u[t]!;
      });
      const n = Math.sqrt(dotN(c, c, dim));
      if (n > 1e-12) for (let t = 0; t < dim; t++) c[t]! /= n;
    });
  }
  const utilities: Float64Array[] = [];
  const shares: number[] = [];
  centres.forEach((_, j) => {
    const members = raw.filter((__, i) => assign[i] === j);
    if (members.length === 0) return;
    const m = new Float64Array(dim);
    for (const x of members) for (let t = 0; t < dim; t++) m[t]! += x[t]! / members.length;
    const nn = dotN(m, m, dim);
    if (!(nn > 1e-24)) return;
    for (let t = 0; t < dim; t++) m[t]! *= margin / nn;
    utilities.push(m);
    shares.push(members.length / raw.length);
  });
  return { utilities, shares };
}

/** Posterior over taste clusters after these answered comparisons (Bradley–Terry likelihood under each cluster's utility), normalised. */
export function clusterPosterior(clusters: TasteClusters, comparisons: readonly { readonly winner: ArrayLike<number>; readonly loser: ArrayLike<number> }[]): number[] {
  const logs = clusters.utilities.map((w, j) => {
    let s = Math.log(Math.max(1e-12, clusters.shares[j]!));
    for (const c of comparisons) {
      let z = 0;
      for (let t = 0; t < w.length; t++) z += w[t]! * (c.winner[t]! - c.loser[t]!);
      s -= z >= 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
    }
    return s;
  });
  if (logs.length === 0) return [];
  const top = Math.max(...logs);
  const e = logs.map((l) => Math.exp(l - top));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / total);
}

function dotN(a: ArrayLike<number>, b: ArrayLike<number>, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += a[i]! * b[i]!;
  return s;
}
