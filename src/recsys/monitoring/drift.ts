/**
 * Drift of feature distributions between a reference (the training snapshot) and now: per feature, values are
 * binned on the reference's quantiles (numeric) or counted per category (labels), and the two distributions compared
 * by the population stability index PSI = Σ (aᵢ − eᵢ)·ln(aᵢ/eᵢ) and the Kullback–Leibler divergence
 * KL(now ‖ reference) = Σ aᵢ·ln(aᵢ/eᵢ), with shares smoothed by ε so that an empty bin stays finite. Rule of thumb
 * for PSI: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 significant. Pure computation: storing reports
 * (drift_reports) and triggering retraining belong to the jobs that call it.
 */
import { InvalidParamsError } from '../errors.ts';

/** Default smoothing of bin shares. */
const DRIFT_EPSILON = 1e-4;

/** Shares of a count vector, smoothed by ε and renormalised. */
function shares(counts: readonly number[], epsilon = DRIFT_EPSILON): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (counts.length === 0) throw new InvalidParamsError('a distribution needs at least one bin');
  if (!(total > 0)) return counts.map(() => 1 / counts.length);
  const raw = counts.map((c) => Math.max(c, 0) / total + epsilon);
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((r) => r / sum);
}

function check(expected: readonly number[], actual: readonly number[]): void {
  if (expected.length !== actual.length) throw new InvalidParamsError(`bin counts differ: ${expected.length} vs ${actual.length}`);
}

/** Population stability index of `actual` against `expected` (both counts per bin). */
export function psi(expected: readonly number[], actual: readonly number[], epsilon = DRIFT_EPSILON): number {
  check(expected, actual);
  const e = shares(expected, epsilon);
  const a = shares(actual, epsilon);
  return a.reduce((s, ai, i) => s + (ai - e[i]!) * Math.log(ai / e[i]!), 0);
}

/** KL(actual ‖ expected) in nats (both counts per bin). */
export function klDivergence(expected: readonly number[], actual: readonly number[], epsilon = DRIFT_EPSILON): number {
  check(expected, actual);
  const e = shares(expected, epsilon);
  const a = shares(actual, epsilon);
  return a.reduce((s, ai, i) => s + ai * Math.log(ai / e[i]!), 0);
}

/** Inner bin edges at the reference's quantiles (NaN ignored; repeated edges merged), for `bins` bins. */
export function quantileEdges(reference: ArrayLike<number>, bins = 10): number[] {
  if (!(Number.isInteger(bins) && bins >= 2)) throw new InvalidParamsError('bins must be an integer >= 2');
  const sorted = Array.from(reference).filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((k * sorted.length) / bins))]!;
    if (edges.length === 0 || v > edges[edges.length - 1]!) edges.push(v);
  }
  return edges;
}

/** Counts per bin: bin i holds edges[i−1] ≤ x < edges[i] (edges.length + 1 bins); NaN is left out. */
export function histogram(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let j = 0; j < values.length; j++) {
    const x = values[j]!;
    if (!Number.isFinite(x)) continue;
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x < edges[mid]!) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]!++;
  }
  return counts;
}

/** One feature's drift. */
export interface FeatureDrift {
  readonly feature: string;
  readonly psi: number;
  readonly kl: number;
  /** Bin labels: `< e₁`, `[e₁, e₂)`, …, or category names. */
  readonly bins: readonly string[];
  readonly reference: readonly number[];
  readonly current: readonly number[];
}

/** Drift of each numeric feature present in both snapshots, binned on the reference's quantiles. */
export function numericDrift(reference: Readonly<Record<string, ArrayLike<number>>>, current: Readonly<Record<string, ArrayLike<number>>>, bins = 10, epsilon = DRIFT_EPSILON): FeatureDrift[] {
  return Object.keys(reference)
    .filter((f) => current[f] !== undefined)
    .sort()
    .map((feature) => {
      const edges = quantileEdges(reference[feature]!, bins);
      const ref = histogram(reference[feature]!, edges);
      const cur = histogram(current[feature]!, edges);
      const labels = ref.map((_, i) => (i === 0 ? `< ${fmt(edges[0])}` : i === edges.length ? `≥ ${fmt(edges[i - 1])}` : `[${fmt(edges[i - 1])}, ${fmt(edges[i])})`));
      return { feature, psi: psi(ref, cur, epsilon), kl: klDivergence(ref, cur, epsilon), bins: labels, reference: ref, current: cur };
    });
}

/** Drift of a categorical feature (e.g. predicted genre) over the union of categories seen in either snapshot. */
export function categoricalDrift(feature: string, reference: Iterable<string>, current: Iterable<string>, epsilon = DRIFT_EPSILON): FeatureDrift {
  const count = (xs: Iterable<string>) => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    return m;
  };
  const r = count(reference);
  const c = count(current);
  const bins = [...new Set([...r.keys(), ...c.keys()])].sort();
  if (bins.length === 0) throw new InvalidParamsError(`${feature}: no categories in either snapshot`);
  const ref = bins.map((b) => r.get(b) ?? 0);
  const cur = bins.map((b) => c.get(b) ?? 0);
  return { feature, psi: psi(ref, cur, epsilon), kl: klDivergence(ref, cur, epsilon), bins, reference: ref, current: cur };
}

function fmt(x: number | undefined): string {
  return x === undefined ? '?' : Number(x.toPrecision(4)).toString();
}
