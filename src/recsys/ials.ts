/**
 * Implicit ALS (Hu, Koren, Volinsky 2008) with a conjugate-gradient solver (Takács et al. 2011), on Float32Array
 * factors. Confidence scheme, documented because it changes results:
 *   log:    c(w) = 1 + alpha · ln(1 + w / epsilon)   (for heavy-tailed counts such as play counts)
 *   linear: c(w) = 1 + alpha · w
 * Every observed (u, i) has preference 1 with confidence c(w); every unobserved pair preference 0, confidence 1.
 * Fold-in of a new person: seeds carry no weight, so each gets confidence c(seedWeight), where seedWeight defaults
 * to the median training weight; the person's vector is the exact least-squares solution (Cholesky, k × k).
 */
import { choleskyFactor, choleskySolveFactored, choleskySolveInPlace, gramPlusRidge, invertSpd } from './dense-solve.ts';
import { InvalidParamsError } from './errors.ts';
import type { ModelSnapshot, SnapshotArray } from './model-snapshot.ts';
import { SeededRandom } from './rng.ts';
import { interactionsFromSnapshot, ScoringRecommender } from './scoring-recommender.ts';
import { arrayField, expectKind, numberParam, stringParam } from './snapshot-fields.ts';
import type { CsrMatrix } from './sparse-matrix.ts';

/** How interaction weights become confidences (see the module comment). */
type ConfidenceScheme = 'log' | 'linear';

/** iALS hyperparameters. */
export interface IalsParams {
  readonly factors: number;
  /** L2 penalty λ on every factor vector. */
  readonly regularization: number;
  readonly alpha: number;
  readonly confidence: ConfidenceScheme;
  /** Scale of weights in the log scheme. */
  readonly epsilon: number;
  readonly iterations: number;
  /** Conjugate-gradient steps per vector per half-iteration (warm-started). */
  readonly cgSteps: number;
  /** Seed of the factor initialisation: same seed, same model. */
  readonly seed: number;
  /** Weight given to each fold-in seed; null means the median training weight. */
  readonly seedWeight: number | null;
  /**
   * Frequency-scaled regularisation (Rendle et al. 2021): a row with n interactions gets λ·(n / mean n)^ν.
   * 0 (the default) is the classic constant λ.
   */
  readonly regExponent: number;
}

/** Defaults for IalsParams. */
const DEFAULT_IALS_PARAMS: IalsParams = {
  factors: 64,
  regularization: 1,
  alpha: 1,
  confidence: 'log',
  epsilon: 1,
  iterations: 15,
  cgSteps: 3,
  seed: 0,
  seedWeight: null,
  regExponent: 0,
};

/** Implicit-feedback matrix factorisation; scores are dot products of user and item factors. */
export class IalsRecommender extends ScoringRecommender {
  readonly kind = 'ials';
  readonly params: IalsParams;
  private userFactors: Float32Array = new Float32Array(0);
  private itemFactors: Float32Array = new Float32Array(0);
  /** YᵀY + λI over the final item factors, reused by every fold-in. */
  private itemGram: Float64Array = new Float64Array(0);
  private resolvedSeedWeight = 1;
  private readonly foldA: Float64Array;
  private readonly foldB: Float64Array;

  constructor(params: Partial<IalsParams> = {}) {
    super();
    this.params = { ...DEFAULT_IALS_PARAMS, ...params };
    const p = this.params;
    if (!(Number.isInteger(p.factors) && p.factors > 0 && p.factors <= 1024)) throw new InvalidParamsError('factors must be an integer in 1..1024');
    if (!(p.regularization > 0)) throw new InvalidParamsError('regularization must be > 0');
    if (!(p.alpha >= 0)) throw new InvalidParamsError('alpha must be >= 0');
    if (!(p.epsilon > 0)) throw new InvalidParamsError('epsilon must be > 0');
    if (p.confidence !== 'log' && p.confidence !== 'linear') throw new InvalidParamsError('confidence must be log or linear');
    if (!(Number.isInteger(p.iterations) && p.iterations >= 0)) throw new InvalidParamsError('iterations must be an integer >= 0');
    if (!(Number.isInteger(p.cgSteps) && p.cgSteps > 0)) throw new InvalidParamsError('cgSteps must be a positive integer');
    if (p.seedWeight !== null && !(p.seedWeight > 0)) throw new InvalidParamsError('seedWeight must be > 0');
    if (!(p.regExponent >= 0 && p.regExponent <= 2)) throw new InvalidParamsError('regExponent must be in 0..2');
    this.foldA = new Float64Array(p.factors * p.factors);
    this.foldB = new Float64Array(p.factors);
  }

  /** Confidence of an interaction with weight w. */
  confidenceOf(w: number): number {
    const p = this.params;
    return p.confidence === 'log' ? 1 + p.alpha * Math.log(1 + w / p.epsilon) : 1 + p.alpha * w;
  }

  /** User factors (users × factors, row-major). */
  get users(): Float32Array {
    return this.userFactors;
  }

  /** Item factors (items × factors, row-major). */
  get items(): Float32Array {
    return this.itemFactors;
  }

  protected fitModel(interactions: CsrMatrix): void {
    this.initialise(interactions);
    const conf = interactions.mapValues((w) => this.confidenceOf(w));
    const confT = conf.transpose();
    for (let it = 0; it < this.params.iterations; it++) this.iterate(conf, confT);
    this.finish();
  }

  /** Sets up random factors and the fold-in seed weight; `iterate` and `finish` complete a fit (used by the bench). */
  initialise(interactions: CsrMatrix): void {
    const k = this.params.factors;
    const rng = new SeededRandom(this.params.seed);
    this.userFactors = new Float32Array(interactions.rows * k);
    this.itemFactors = new Float32Array(interactions.cols * k);
    for (let q = 0; q < this.userFactors.length; q++) this.userFactors[q] = rng.normal() * 0.01;
    for (let q = 0; q < this.itemFactors.length; q++) this.itemFactors[q] = rng.normal() * 0.01;
    this.resolvedSeedWeight = this.params.seedWeight ?? median(interactions.data);
    this.setInteractions(interactions);
  }

  /** One ALS iteration: solve users given items, then items given users. */
  iterate(conf: CsrMatrix, confT: CsrMatrix): void {
    const k = this.params.factors;
    const reg = this.params.regularization;
    const nu = this.params.regExponent;
    solveHalf(conf, this.userFactors, this.itemFactors, gramPlusRidge(this.itemFactors, conf.cols, k, reg), k, this.params.cgSteps, reg, nu);
    solveHalf(confT, this.itemFactors, this.userFactors, gramPlusRidge(this.userFactors, conf.rows, k, reg), k, this.params.cgSteps, reg, nu);
  }

  /** Precomputes what fold-in needs. */
  finish(): void {
    this.itemGram = gramPlusRidge(this.itemFactors, this.itemCount, this.params.factors, this.params.regularization);
  }

  protected userScores(user: number, out: Float32Array): void {
    const k = this.params.factors;
    const x = this.foldB;
    for (let b = 0; b < k; b++) x[b] = this.userFactors[user * k + b]!;
    this.dotAll(x, out);
  }

  /** The fold-in vector of a new person from seeds (all occurring in training), written into `x`. */
  foldIn(seeds: readonly number[], x: Float64Array): void {
    const k = this.params.factors;
    const a = this.foldA;
    a.set(this.itemGram);
    x.fill(0);
    const c = this.confidenceOf(this.resolvedSeedWeight);
    const y = this.itemFactors;
    for (const s of seeds) {
      const o = s * k;
      for (let i = 0; i < k; i++) {
        const yi = y[o + i]!;
        x[i]! += c * yi;
        const ri = i * k;
        const f = (c - 1) * yi;
        for (let j = 0; j < k; j++) a[ri + j]! += f * y[o + j]!;
      }
    }
    if (!choleskySolveInPlace(a, x, k)) x.fill(0);
  }

  protected seedScores(seeds: readonly number[], out: Float32Array): void {
    const x = this.foldB;
    this.foldIn(seeds, x);
    this.dotAll(x, out);
  }

  private dotAll(x: Float64Array, out: Float32Array): void {
    const k = this.params.factors;
    const y = this.itemFactors;
    const n = this.itemCount;
    for (let i = 0; i < n; i++) {
      const o = i * k;
      let s = 0;
      for (let b = 0; b < k; b++) s += y[o + b]! * x[b]!;
      out[i] = s;
    }
  }

  protected snapshotModel(): { params: ModelSnapshot['params']; arrays: Record<string, SnapshotArray> } {
    return {
      params: { ...this.params, seedWeight: this.resolvedSeedWeight },
      arrays: { userFactors: this.userFactors, itemFactors: this.itemFactors },
    };
  }

  /** Rebuilds a fitted model from its snapshot. */
  static fromSnapshot(snapshot: ModelSnapshot): IalsRecommender {
    expectKind(snapshot, 'ials');
    const confidence = stringParam(snapshot, 'confidence');
    if (confidence !== 'log' && confidence !== 'linear') throw new InvalidParamsError(`unknown confidence ${confidence}`);
    const model = new IalsRecommender({
      factors: numberParam(snapshot, 'factors'),
      regularization: numberParam(snapshot, 'regularization'),
      alpha: numberParam(snapshot, 'alpha'),
      confidence,
      epsilon: numberParam(snapshot, 'epsilon'),
      iterations: numberParam(snapshot, 'iterations'),
      cgSteps: numberParam(snapshot, 'cgSteps'),
      seed: numberParam(snapshot, 'seed'),
      seedWeight: numberParam(snapshot, 'seedWeight'),
      regExponent: numberParam(snapshot, 'regExponent'),
    });
    const m = interactionsFromSnapshot(snapshot);
    const k = model.params.factors;
    model.setInteractions(m);
    model.userFactors = arrayField(snapshot, 'userFactors', Float32Array, m.rows * k);
    model.itemFactors = arrayField(snapshot, 'itemFactors', Float32Array, m.cols * k);
    model.resolvedSeedWeight = numberParam(snapshot, 'seedWeight');
    model.finish();
    return model;
  }
}

/**
 * Solves every row's factor vector given the other side's factors `fixed` and gram = fixedᵀfixed + λI, by
 * `steps` conjugate-gradient steps from the current value; rows with few interactions, where that is cheaper, are
 * solved exactly by the Woodbury identity instead. Rows without interactions get a zero vector.
 * Inner loops are unrolled by four: this is the training hot path.
 */
function solveHalf(
  conf: CsrMatrix,
  target: Float32Array,
  fixed: Float32Array,
  gram: Float64Array,
  k: number,
  steps: number,
  reg: number,
  regExponent: number,
): void {
  const x = new Float64Array(k);
  const r = new Float64Array(k);
  const p = new Float64Array(k);
  const ap = new Float64Array(k);
  const { indptr, indices, data } = conf;
  // Per-row λ changes G per row, which the shared inverse of the Woodbury path cannot serve.
  const woodbury = regExponent === 0 ? WoodburySolver.create(gram, fixed, k, steps) : undefined;
  const meanNnz = conf.nnz / Math.max(1, countNonEmpty(indptr, conf.rows));
  for (let u = 0; u < conf.rows; u++) {
    const o = u * k;
    const start = indptr[u]!;
    const end = indptr[u + 1]!;
    if (start === end) {
      target.fill(0, o, o + k);
      continue;
    }
    if (woodbury !== undefined && end - start <= woodbury.maxRows) {
      woodbury.solve(start, end, indices, data, target, o);
      continue;
    }
    const extraReg = regExponent === 0 ? 0 : reg * (Math.pow((end - start) / meanNnz, regExponent) - 1);
    for (let b = 0; b < k; b++) x[b] = target[o + b]!;
    // r = b - A x = Σ c_i y_i - G x - Σ (c_i - 1)(y_i·x) y_i
    gramTimes(gram, x, r, k);
    for (let b = 0; b < k; b++) r[b] = -r[b]! - extraReg * x[b]!;
    for (let q = start; q < end; q++) {
      const c = data[q]!;
      const yo = indices[q]! * k;
      const coef = c - (c - 1) * dotAt(fixed, yo, x, k);
      axpyAt(coef, fixed, yo, r, k);
    }
    let rs = 0;
    for (let b = 0; b < k; b++) {
      p[b] = r[b]!;
      rs += r[b]! * r[b]!;
    }
    for (let step = 0; step < steps && rs > 1e-20; step++) {
      gramTimes(gram, p, ap, k);
      if (extraReg !== 0) for (let b = 0; b < k; b++) ap[b]! += extraReg * p[b]!;
      for (let q = start; q < end; q++) {
        const yo = indices[q]! * k;
        axpyAt((data[q]! - 1) * dotAt(fixed, yo, p, k), fixed, yo, ap, k);
      }
      let pap = 0;
      for (let b = 0; b < k; b++) pap += p[b]! * ap[b]!;
      if (!(pap > 0)) break;
      const alpha = rs / pap;
      let rsNew = 0;
      for (let b = 0; b < k; b++) {
        x[b]! += alpha * p[b]!;
        r[b]! -= alpha * ap[b]!;
        rsNew += r[b]! * r[b]!;
      }
      const beta = rsNew / rs;
      for (let b = 0; b < k; b++) p[b] = r[b]! + beta * p[b]!;
      rs = rsNew;
    }
    for (let b = 0; b < k; b++) target[o + b] = x[b]!;
  }
}

function countNonEmpty(indptr: Int32Array, rows: number): number {
  let n = 0;
  for (let r = 0; r < rows; r++) if (indptr[r + 1]! > indptr[r]!) n++;
  return n;
}

/** out = G v for a row-major k × k matrix. */
function gramTimes(g: Float64Array, v: Float64Array, out: Float64Array, k: number): void {
  const k4 = k - (k % 4);
  for (let a = 0; a < k; a++) {
    const ra = a * k;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let b = 0;
    for (; b < k4; b += 4) {
      s0 += g[ra + b]! * v[b]!;
      s1 += g[ra + b + 1]! * v[b + 1]!;
      s2 += g[ra + b + 2]! * v[b + 2]!;
      s3 += g[ra + b + 3]! * v[b + 3]!;
    }
    for (; b < k; b++) s0 += g[ra + b]! * v[b]!;
    out[a] = s0 + s1 + s2 + s3;
  }
}

/** f[o..o+k) · v. */
function dotAt(f: Float32Array, o: number, v: Float64Array, k: number): number {
  const k4 = k - (k % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let b = 0;
  for (; b < k4; b += 4) {
    s0 += f[o + b]! * v[b]!;
    s1 += f[o + b + 1]! * v[b + 1]!;
    s2 += f[o + b + 2]! * v[b + 2]!;
    s3 += f[o + b + 3]! * v[b + 3]!;
  }
  for (; b < k; b++) s0 += f[o + b]! * v[b]!;
  return s0 + s1 + s2 + s3;
}

/** out += a · f[o..o+k). */
function axpyAt(a: number, f: Float32Array, o: number, out: Float64Array, k: number): void {
  const k4 = k - (k % 4);
  let b = 0;
  for (; b < k4; b += 4) {
    out[b]! += a * f[o + b]!;
    out[b + 1]! += a * f[o + b + 1]!;
    out[b + 2]! += a * f[o + b + 2]!;
    out[b + 3]! += a * f[o + b + 3]!;
  }
  for (; b < k; b++) out[b]! += a * f[o + b]!;
}

/**
 * Exact solve of (G + Σ_t (c_t - 1) y_t y_tᵀ) x = Σ_t c_t y_t for a row with n interactions, by the Woodbury
 * identity: x = g - Zᵀ M⁻¹ U g with g = G⁻¹b, Z = U G⁻¹, M = D⁻¹ + U G⁻¹ Uᵀ. Costs about n²k + n³/3 instead of
 * CG's (1 + steps)·k², so it is used only for rows with n ≤ maxRows. z_j = G⁻¹ y_j is computed on first use.
 */
class WoodburySolver {
  private readonly z: Float64Array;
  private readonly ready: Uint8Array;
  private readonly g: Float64Array;
  private readonly m: Float64Array;
  private readonly w: Float64Array;
  private readonly act: Int32Array;
  private readonly actConf: Float64Array;

  private constructor(
    private readonly inv: Float64Array,
    private readonly fixed: Float32Array,
    private readonly k: number,
    readonly maxRows: number,
  ) {
    const rows = fixed.length / k;
    this.z = new Float64Array(fixed.length);
    this.ready = new Uint8Array(rows);
    this.g = new Float64Array(k);
    this.m = new Float64Array(maxRows * maxRows);
    this.w = new Float64Array(maxRows);
    this.act = new Int32Array(maxRows);
    this.actConf = new Float64Array(maxRows);
  }

  /** A solver when some rows would be cheaper to solve exactly, else undefined. */
  static create(gram: Float64Array, fixed: Float32Array, k: number, steps: number): WoodburySolver | undefined {
    const budget = (1 + steps) * k * k;
    let maxRows = 0;
    while (maxRows < 64 && (maxRows + 1) ** 2 * k + (maxRows + 1) ** 3 / 3 + 2 * k * k / 8 < budget) maxRows++;
    if (maxRows === 0) return undefined;
    const inv = invertSpd(gram, k);
    return inv === undefined ? undefined : new WoodburySolver(inv, fixed, k, maxRows);
  }

  private zOf(j: number): number {
    const k = this.k;
    const o = j * k;
    if (this.ready[j] === 0) {
      const inv = this.inv;
      const f = this.fixed;
      for (let a = 0; a < k; a++) {
        const ra = a * k;
        let s = 0;
        for (let b = 0; b < k; b++) s += inv[ra + b]! * f[o + b]!;
        this.z[o + a] = s;
      }
      this.ready[j] = 1;
    }
    return o;
  }

  solve(start: number, end: number, indices: Int32Array, data: Float32Array, target: Float32Array, out: number): void {
    const k = this.k;
    const g = this.g;
    const z = this.z;
    const f = this.fixed;
    g.fill(0);
    let n = 0;
    for (let q = start; q < end; q++) {
      const j = indices[q]!;
      const c = data[q]!;
      const zo = this.zOf(j);
      for (let b = 0; b < k; b++) g[b]! += c * z[zo + b]!;
      if (c > 1) {
        this.act[n] = j;
        this.actConf[n++] = c;
      }
    }
    if (n > 0) {
      const m = this.m;
      const w = this.w;
      for (let t = 0; t < n; t++) {
        const yo = this.act[t]! * k;
        let rhs = 0;
        for (let b = 0; b < k; b++) rhs += f[yo + b]! * g[b]!;
        w[t] = rhs;
        for (let s2 = 0; s2 <= t; s2++) {
          const zo = this.act[s2]! * k;
          let v = 0;
          for (let b = 0; b < k; b++) v += f[yo + b]! * z[zo + b]!;
          m[t * n + s2] = v;
          m[s2 * n + t] = v;
        }
        m[t * n + t]! += 1 / (this.actConf[t]! - 1);
      }
      if (!choleskyFactor(m, n)) return;
      choleskySolveFactored(m, w, n);
      for (let t = 0; t < n; t++) {
        const zo = this.act[t]! * k;
        const wt = w[t]!;
        for (let b = 0; b < k; b++) g[b]! -= wt * z[zo + b]!;
      }
    }
    for (let b = 0; b < k; b++) target[out + b] = g[b]!;
  }
}

function median(values: Float32Array): number {
  if (values.length === 0) return 1;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
