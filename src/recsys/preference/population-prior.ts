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
