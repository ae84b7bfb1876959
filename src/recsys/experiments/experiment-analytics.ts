/**
 * Analytics for experiments and bandit arms: like rates with Wilson score and Beta (Jeffreys) intervals, a pooled
 * two-proportion z-test, and a summary a tool can print.
 */
import { InvalidParamsError } from '../errors.ts';

/** Successes out of trials for one arm or variant. */
export interface ArmCounts {
  readonly name: string;
  readonly successes: number;
  readonly trials: number;
}

/** A closed interval. */
interface Interval {
  readonly low: number;
  readonly high: number;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Inverse standard normal CDF (Acklam's rational approximation, refined by one Newton step). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new InvalidParamsError('p must be in (0, 1)');
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  let x: number;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - lo) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const e = normalCdf(x) - p;
  return x - e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
}

function checkCounts(successes: number, trials: number): void {
  if (!(Number.isInteger(successes) && Number.isInteger(trials) && successes >= 0 && trials >= successes)) {
    throw new InvalidParamsError(`need integers 0 <= successes <= trials, got ${successes}/${trials}`);
  }
}

/** Wilson score interval for a proportion at the given confidence level. */
export function wilsonInterval(successes: number, trials: number, level = 0.95): Interval {
  checkCounts(successes, trials);
  if (trials === 0) return { low: 0, high: 1 };
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / (1 + z2 / trials);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Regularised incomplete beta I_x(a, b) (continued fraction, Numerical Recipes betacf). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lbeta = lgamma(a + b) - lgamma(a) - lgamma(b);
  const front = Math.exp(lbeta + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-12) break;
  }
  return h;
}

function lgamma(z: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const g = [0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - lgamma(1 - z);
  const x = z - 1;
  let s = g[0]!;
  for (let i = 1; i < 9; i++) s += g[i]! / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Equal-tailed credible interval of the Beta posterior with a Jeffreys prior Beta(½, ½), by bisection on I_x. */
export function betaInterval(successes: number, trials: number, level = 0.95): Interval {
  checkCounts(successes, trials);
  const a = successes + 0.5;
  const b = trials - successes + 0.5;
  const quantile = (p: number): number => {
    let lo = 0;
    let hi = 1;
    for (let it = 0; it < 60; it++) {
      const mid = (lo + hi) / 2;
      if (incompleteBeta(mid, a, b) < p) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  const tail = (1 - level) / 2;
  return { low: successes === 0 ? 0 : quantile(tail), high: successes === trials ? 1 : quantile(1 - tail) };
}

/** Result of a two-sided, pooled two-proportion z-test of B against A. */
interface ProportionTest {
  readonly difference: number;
  readonly z: number;
  readonly pValue: number;
  /** Wald interval of the difference (B − A). */
  readonly interval: Interval;
  readonly significant: boolean;
}

/** Two-proportion z-test: is B's rate different from A's? */
export function twoProportionTest(a: ArmCounts, b: ArmCounts, alpha = 0.05): ProportionTest {
  checkCounts(a.successes, a.trials);
  checkCounts(b.successes, b.trials);
  if (a.trials === 0 || b.trials === 0) return { difference: 0, z: 0, pValue: 1, interval: { low: -1, high: 1 }, significant: false };
  const pa = a.successes / a.trials;
  const pb = b.successes / b.trials;
  const pooled = (a.successes + b.successes) / (a.trials + b.trials);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials));
  const z = se > 0 ? (pb - pa) / se : 0;
  const pValue = se > 0 ? 2 * (1 - normalCdf(Math.abs(z))) : 1;
  const seDiff = Math.sqrt((pa * (1 - pa)) / a.trials + (pb * (1 - pb)) / b.trials);
  const zc = normalQuantile(1 - alpha / 2);
  return { difference: pb - pa, z, pValue, interval: { low: pb - pa - zc * seDiff, high: pb - pa + zc * seDiff }, significant: pValue < alpha };
}

/** One arm's line of a report. */
interface ArmReport {
  readonly name: string;
  readonly successes: number;
  readonly trials: number;
  readonly rate: number;
  readonly wilson: Interval;
  readonly beta: Interval;
  /** Test against the first arm (the control); absent for the control itself. */
  readonly vsControl?: ProportionTest;
}

/** Rates, intervals and tests against the first arm (the control) for every arm: what an analytics tool reports. */
export function summariseArms(arms: readonly ArmCounts[], level = 0.95): ArmReport[] {
  const control = arms[0];
  return arms.map((a, k) => {
    const base = {
      name: a.name,
      successes: a.successes,
      trials: a.trials,
      rate: a.trials > 0 ? a.successes / a.trials : 0,
      wilson: wilsonInterval(a.successes, a.trials, level),
      beta: betaInterval(a.successes, a.trials, level),
    };
    return k === 0 || control === undefined ? base : { ...base, vsControl: twoProportionTest(control, a, 1 - level) };
  });
}
