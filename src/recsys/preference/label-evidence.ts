/**
 * Taste from what a person's answers say about each track. The A/B question is "which fits your taste?", answered A,
 * B, Both (both fit) or Neither, so every answer, a tie included, says something about both tracks: the chosen one
 * fits and the other does not; "both" says both fit, "neither" that neither does. A track's evidence is its answers
 * for it minus those against it; the utility is the Bradley–Terry MAP fitted on every pair of a track the evidence
 * says fits against one it says does not (the pairs the person's answers imply, not only the ones they were shown),
 * so a tie adds information instead of being dropped and one answer about a track informs every comparison with it.
 * Together those pairs weigh one comparison per labelled track (2m for m fitting tracks against m others), not one
 * each (m²), so the population prior keeps its say as answers accumulate and one wrong answer does not count once per
 * other track.
 *
 * `coveragePair` is the pair policy this learner wants. For the first answers (10 by default) it shows tracks never
 * shown, chosen greedily as a facility location in the posterior's own metric Var(u_x − u_r): the track that most
 * reduces the pool's summed distance to its nearest shown track, so the first answers are about tracks that stand
 * for many others and span the directions taste is still unknown in. Then it asks about the two tracks whose fit is
 * least certain, combining the model's opinion (utility against the pool's median, in units of its spread) with the
 * answers' evidence (each answer log 9 ≈ 2.2, the log-odds of a person who answers as they mean 9 times in 10).
 * A person who answers which track they prefer rather than which fits (never "both", and a track chosen once passed
 * over another time) is asked about each uncertain track beside the one the fit is surest does not fit instead, so
 * that no answer sets two fitting tracks against each other.
 * A share of pairs (10 %) is drawn uniformly at random, so the fit also sees pairs the policy would not choose.
 */
import { BradleyTerryPosterior, type FeatureComparison } from './bradley-terry.ts';
import { presentPair, randomPair, type PairChoice, type SeenPairs } from './pair-selection.ts';
import { PairsExhaustedError } from './preference-errors.ts';
import type { PreferenceFeatures } from './preference-features.ts';
import type { SeededRandom } from '../rng.ts';

/** One answered pair: `a`/`b` the track chosen, `both` both fit, `neither` neither fits. */
export interface PairAnswer {
  readonly a: number;
  readonly b: number;
  readonly choice: 'a' | 'b' | 'both' | 'neither';
}

/** Implied pairs fitted at most (deterministically thinned beyond): keeps a fit O(cap·d²). */
const MAX_IMPLIED_PAIRS = 1000;

/** Log-odds one answer adds to a track's fit: log(0.9 / 0.1), a person who answers as they mean 9 times in 10. */
const ANSWER_LOG_ODDS = Math.log(9);

/** Evidence per track: +1 for each answer saying it fits, −1 for each saying it does not. */
export function labelEvidence(answers: readonly PairAnswer[]): Map<number, number> {
  const e = new Map<number, number>();
  const add = (t: number, x: number) => e.set(t, (e.get(t) ?? 0) + x);
  for (const { a, b, choice } of answers) {
    add(a, choice === 'a' || choice === 'both' ? 1 : -1);
    add(b, choice === 'b' || choice === 'both' ? 1 : -1);
  }
  return e;
}

/**
 * Tracks the person said do not fit: answered "neither" and not outweighed by answers for them since. Losing an A/B
 * question alone does not count: "which fits better?" can be lost by a track that fits.
 */
export function saidNotToFit(answers: readonly PairAnswer[]): number[] {
  const evidence = labelEvidence(answers);
  const named = new Set(answers.filter((x) => x.choice === 'neither').flatMap((x) => [x.a, x.b]));
  return [...named].filter((t) => evidence.get(t)! < 0);
}

/** The Bradley–Terry MAP on the pairs the answers imply (every fitting track against every non-fitting one, weighted as above); it reports one vote per answer. */
export function fitFromLabels(
  population: ArrayLike<number>,
  features: PreferenceFeatures,
  answers: readonly PairAnswer[],
  priorVariance: number,
  priorCovariance?: ArrayLike<number>,
): BradleyTerryPosterior {
  const evidence = labelEvidence(answers);
  const fits: number[] = [];
  const not: number[] = [];
  for (const [t, x] of evidence) if (features.has(t)) (x > 0 ? fits : x < 0 ? not : []).push(t);
  const total = fits.length * not.length;
  const step = Math.max(1, Math.ceil(total / MAX_IMPLIED_PAIRS));
  const pairs: FeatureComparison[] = [];
  let k = 0;
  // One comparison per labelled track (m fitting tracks against m others weigh as 2m comparisons), not one per
  // implied pair (m²): unweighted, the pairs would drown the prior as labels accumulate, and one wrong label would
  // count m times. A kept pair stands for `step` implied ones.
  const weight = (step * 4) / (fits.length + not.length);
  for (const w of fits) for (const l of not) if (k++ % step === 0) pairs.push({ winner: features.vectorOf(w), loser: features.vectorOf(l), weight });
  return BradleyTerryPosterior.fit(population, pairs, priorVariance, priorCovariance, answers.length);
}

/** What coveragePair needs. */
interface CoverageInput {
  readonly posterior: BradleyTerryPosterior;
  readonly features: PreferenceFeatures;
  /** Tracks pairs are drawn from, most plausible first. */
  readonly pool: readonly number[];
  /** Tracks the random share draws from [the pool]. */
  readonly eligible?: readonly number[];
  /** The person's answers so far (which tracks were shown, and what was said about them). */
  readonly answers: readonly PairAnswer[];
  readonly seen: SeenPairs;
  readonly rng: SeededRandom;
  readonly options?: CoverageOptions;
}

/** Coverage policy options; defaults in brackets. */
export interface CoverageOptions {
  /** Share of pairs drawn uniformly at random from `eligible` [0.1]. */
  readonly randomShare?: number;
}

/** Default share of random pairs in the coverage policy. */
const DEFAULT_COVERAGE_RANDOM_SHARE = 0.1;

/** Answers during which never-shown tracks come first. */
const COVER_ANSWERS = 10;

/**
 * The next pair as served: coveragePair's choice in random display order, with how it was chosen, the information
 * p(1 − p)·Var(u_a − u_b) and the model's probability that a is chosen; throws PairsExhaustedError when every pair
 * of the pool (and of `eligible`) was shown.
 */
export function coverageChoice(input: CoverageInput): PairChoice {
  const pick = coveragePair(input);
  if (pick === undefined) throw new PairsExhaustedError(Math.max(input.pool.length, input.eligible?.length ?? 0));
  return presentPair(pick, input);
}

/** The next pair under the coverage-then-uncertainty policy above; undefined when every pair was shown. */
export function coveragePair(input: CoverageInput): { a: number; b: number; strategy: 'informative' | 'random' } | undefined {
  const { features, rng } = input;
  const pool = [...new Set(input.pool)].filter((t) => features.has(t));
  const eligible = input.eligible === undefined ? pool : [...new Set(input.eligible)].filter((t) => features.has(t));
  const share = input.options?.randomShare ?? DEFAULT_COVERAGE_RANDOM_SHARE;
  const random = () => randomPair(eligible, input);
  if (share > 0 && rng.next() < share) {
    const r = random();
    if (r !== undefined) return r;
  }
  const chosen = (input.answers.length < COVER_ANSWERS ? unshownPair(input, pool) : undefined) ?? leastCertainPair(input, pool);
  return chosen === undefined ? random() : { ...chosen, strategy: 'informative' };
}

/** Two never-shown tracks by greedy facility location in the posterior metric; undefined when fewer than two are left. */
function unshownPair(input: CoverageInput, pool: readonly number[]): { a: number; b: number } | undefined {
  const shown = new Set<number>();
  for (const x of input.answers) shown.add(x.a).add(x.b);
  const unshown = pool.filter((t) => !shown.has(t));
  if (unshown.length < 2) return undefined;
  const post = input.posterior;
  const d = post.dim;
  const cov = post.covariance;
  const vec = pool.map((t) => input.features.vectorOf(t));
  const sv = vec.map((x) => {
    const g = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += cov[i * d + j]! * x[j]!;
      g[i] = s;
    }
    return g;
  });
  const q = vec.map((x, k) => dot(x, sv[k]!, d));
  // dist[k][m] = Var(u_k − u_m) under the posterior.
  const dist = vec.map((x, k) => Float64Array.from(vec, (_, m) => Math.max(0, q[k]! + q[m]! - 2 * dot(x, sv[m]!, d))));
  const far = 4 * Math.max(...q);
  const near = pool.map((_, k) => {
    let m = far;
    pool.forEach((t, r) => {
      if (shown.has(t)) m = Math.min(m, dist[k]![r]!);
    });
    return m;
  });
  const index = new Map(pool.map((t, k) => [t, k]));
  const best = (exclude: number): number => {
    let pick = -1;
    let gain = -Infinity;
    for (const t of unshown) {
      const c = index.get(t)!;
      if (c === exclude) continue;
      let g = 0;
      for (let k = 0; k < pool.length; k++) g += Math.max(0, near[k]! - dist[k]![c]!);
      if (g > gain) {
        gain = g;
        pick = c;
      }
    }
    return pick;
  };
  const a = best(-1);
  for (let k = 0; k < pool.length; k++) near[k] = Math.min(near[k]!, dist[k]![a]!);
  const b = best(a);
  return input.seen.has(pool[a]!, pool[b]!) ? undefined : { a: pool[a]!, b: pool[b]! };
}

/** The unseen pair of the two tracks whose fit is least certain (model opinion plus answer evidence). */
function leastCertainPair(input: CoverageInput, pool: readonly number[]): { a: number; b: number } | undefined {
  const { posterior: post, features, seen, rng } = input;
  if (pool.length < 2) return undefined;
  const evidence = labelEvidence(input.answers);
  const u = pool.map((t) => post.utility(features.vectorOf(t)));
  const median = [...u].sort((x, y) => x - y)[Math.floor(u.length / 2)]!;
  const spread = Math.sqrt(u.reduce((s, x) => s + (x - median) ** 2, 0) / u.length) || 1;
  const certainty = pool.map((t, k) => Math.abs((u[k]! - median) / spread + ANSWER_LOG_ODDS * (evidence.get(t) ?? 0)));
  const order = pool.map((_, k) => k);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  order.sort((x, y) => certainty[x]! - certainty[y]!);
  if (answersByPreference(input.answers)) {
    // Each uncertain track beside the one the fit is surest does not fit: "chosen" then says it fits, a tie that it does not.
    const signed = pool.map((t, k) => (u[k]! - median) / spread + ANSWER_LOG_ODDS * (evidence.get(t) ?? 0));
    const unfitting = pool.map((_, k) => k).filter((k) => signed[k]! < 0).sort((x, y) => signed[x]! - signed[y]!);
    for (const i of order) {
      const a = pool[i]!;
      for (const k of unfitting) if (k !== i && !seen.has(a, pool[k]!)) return { a, b: pool[k]! };
    }
  }
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      const a = pool[order[i]!]!;
      const b = pool[order[j]!]!;
      if (!seen.has(a, b)) return { a, b };
    }
  }
  return undefined;
}

/**
 * Whether the person answers which track they prefer rather than which fits: they have never said "both", and a track
 * they chose once they passed over another time. Such a person's A/B between two tracks that both fit marks one as not
 * fitting (a Last.fm listener picks the artist they play more); with a person who says "both", a track both chosen and
 * passed over is a slip.
 */
function answersByPreference(answers: readonly PairAnswer[]): boolean {
  if (answers.some((x) => x.choice === 'both')) return false;
  const chosen = new Set<number>();
  const passed = new Set<number>();
  for (const { a, b, choice } of answers) {
    if (choice === 'a' || choice === 'b') {
      chosen.add(choice === 'a' ? a : b);
      passed.add(choice === 'a' ? b : a);
    }
  }
  for (const t of chosen) if (passed.has(t)) return true;
  return false;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += a[i]! * b[i]!;
  return s;
}
