/**
 * The preference simulation: synthetic tracks with content, CF, genre and mood blocks; a population of listeners
 * whose hidden utilities are the population utility plus a personal deviation; the population utility fitted from
 * other listeners' random votes; then each test listener answers the pairs the system chooses, and the learned
 * utility is scored on held-out tracks (never offered in a pair) after each checkpoint.
 */
import { InvalidParamsError } from '../errors.ts';
import { SeededRandom } from '../rng.ts';
import { BradleyTerryPosterior, fitPopulationUtility, type FeatureComparison } from './bradley-terry.ts';
import { selectPair, SeenPairs } from './pair-selection.ts';
import { PreferenceFeatures } from './preference-features.ts';
import { rocAuc } from './roc-auc.ts';
import { SimulatedListener } from './simulated-listener.ts';

/** Simulation settings; defaults in brackets. */
export interface SimulationConfig {
  readonly seed?: number; // [1]
  readonly tracks?: number; // [600]
  /** Share of tracks held out for scoring, never shown in a pair [0.3]. */
  readonly heldOutShare?: number;
  /** Test listeners averaged over [24]. */
  readonly listeners?: number;
  /** Other listeners whose random votes fit the population utility [40 × 25 votes]. */
  readonly populationListeners?: number;
  readonly populationVotes?: number;
  readonly checkpoints?: readonly number[]; // [10, 20, 50, 100]
  /** Share of random pairs [0.2]; 0 is adaptive-only. */
  readonly randomShare?: number;
  readonly poolSize?: number; // [30]
  /** Vote noise temperature [1]. */
  readonly temperature?: number;
  /** Size of a listener's personal deviation relative to the population utility [2]. */
  readonly individuality?: number;
  /** Prior variance of each weight around the population utility [4]. */
  readonly priorVariance?: number;
  /** Standard deviation of each listener's per-track taste that no feature explains [1.5]. */
  readonly trackTaste?: number;
}

/** Mean results over the test listeners at each checkpoint (index 0 is the prior, before any vote). */
export interface SimulationResult {
  readonly votes: readonly number[];
  /** AUC of the learned utility for "liked" held-out tracks (true utility above the held-out median). */
  readonly auc: readonly number[];
  /**
   * AUC among the held-out tracks the listener likes least (true utility below the median; positives above the lower
   * quartile): the region adaptive-only selection rarely samples, where its bias shows.
   */
  readonly lowerAuc: readonly number[];
  /** Standard deviation of the AUC over listeners. */
  readonly aucSd: readonly number[];
  /**
   * Calibration slope on held-out tracks: regression coefficient of the learned utility on the true one
   * (1 = unbiased scale; below 1 = shrunk, above 1 = overconfident).
   */
  readonly slope: readonly number[];
  /** Cosine between the learned and the hidden weight vectors (direction of taste, scale aside). */
  readonly cosine: readonly number[];
  /** Share of pairs that were drawn at random. */
  readonly randomPairs: number;
}

/** Synthetic tracks: 8 clusters ("genres"), a 16-d content vector, 8 CF factors, genre and mood probabilities. */
function syntheticFeatures(tracks: number, rng: SeededRandom): PreferenceFeatures {
  const clusters = 8;
  const centre = (dim: number): Float64Array[] => Array.from({ length: clusters }, () => Float64Array.from({ length: dim }, () => rng.normal()));
  const content = centre(16);
  const cf = centre(8);
  const genreLogits = centre(clusters);
  const moodLogits = centre(4);
  const blocks = { content: new Float32Array(tracks * 16), cf: new Float32Array(tracks * 8), genre: new Float32Array(tracks * clusters), mood: new Float32Array(tracks * 4) };
  for (let t = 0; t < tracks; t++) {
    const c = Math.floor(rng.next() * clusters);
    for (let j = 0; j < 16; j++) blocks.content[t * 16 + j] = content[c]![j]! + 0.8 * rng.normal();
    for (let j = 0; j < 8; j++) blocks.cf[t * 8 + j] = 0.7 * cf[c]![j]! + rng.normal();
    softmaxInto(genreLogits[c]!, 2, rng, blocks.genre, t * clusters);
    softmaxInto(moodLogits[c]!, 1, rng, blocks.mood, t * 4);
  }
  const ids = Int32Array.from({ length: tracks }, (_, i) => i);
  return PreferenceFeatures.build(ids, [
    { name: 'content', dim: 16, values: blocks.content },
    { name: 'cf', dim: 8, values: blocks.cf },
    { name: 'genre', dim: clusters, values: blocks.genre },
    { name: 'mood', dim: 4, values: blocks.mood },
  ]);
}

function softmaxInto(logits: Float64Array, sharpness: number, rng: SeededRandom, out: Float32Array, offset: number): void {
  let max = -Infinity;
  const z = Array.from(logits, (l) => sharpness * l + 0.5 * rng.normal());
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (const v of z) sum += Math.exp(v - max);
  z.forEach((v, j) => (out[offset + j] = Math.exp(v - max) / sum));
}

/** Runs the simulation with one pair-selection policy. */
export function simulatePreferenceLearning(config: SimulationConfig = {}): SimulationResult {
  const seed = config.seed ?? 1;
  const trackCount = config.tracks ?? 600;
  const heldOutShare = config.heldOutShare ?? 0.3;
  const listeners = config.listeners ?? 24;
  const checkpoints = [...(config.checkpoints ?? [10, 20, 50, 100])].sort((a, b) => a - b);
  const temperature = config.temperature ?? 1;
  const individuality = config.individuality ?? 2;
  if (!(heldOutShare > 0 && heldOutShare < 1)) throw new InvalidParamsError('heldOutShare must be in (0, 1)');
  if (!checkpoints.every((c) => Number.isInteger(c) && c > 0)) throw new InvalidParamsError('checkpoints must be positive integers');
  const rng = new SeededRandom(seed);
  const features = syntheticFeatures(trackCount, rng);
  const d = features.dim;
  const shown: number[] = [];
  const heldOut: number[] = [];
  for (let t = 0; t < trackCount; t++) (rng.next() < heldOutShare ? heldOut : shown).push(t);

  const population = Float64Array.from({ length: d }, () => rng.normal());
  const person = (): Float64Array => Float64Array.from(population, (w) => w + individuality * rng.normal());
  const tasteSd = config.trackTaste ?? 1.5;
  const taste = (): Float64Array => Float64Array.from({ length: trackCount }, () => tasteSd * rng.normal());

  // The population utility, from other listeners' random votes on the shown tracks.
  const pooled: FeatureComparison[] = [];
  for (let p = 0; p < (config.populationListeners ?? 40); p++) {
    const listener = new SimulatedListener(person(), features, new SeededRandom(rng.next() * 2 ** 31), temperature, taste());
    for (let v = 0; v < (config.populationVotes ?? 25); v++) {
      const a = shown[Math.floor(rng.next() * shown.length)]!;
      let b = a;
      while (b === a) b = shown[Math.floor(rng.next() * shown.length)]!;
      const aWins = listener.vote(a, b) === 'a';
      pooled.push({ winner: features.vectorOf(aWins ? a : b), loser: features.vectorOf(aWins ? b : a) });
    }
  }
  const popUtility = fitPopulationUtility(pooled, d);

  const marks = [0, ...checkpoints];
  const aucs: number[][] = marks.map(() => []);
  const slopes: number[][] = marks.map(() => []);
  const cosines: number[][] = marks.map(() => []);
  const lowerAucs: number[][] = marks.map(() => []);
  let randomPairs = 0;
  let totalPairs = 0;
  const last = checkpoints[checkpoints.length - 1]!;
  for (let l = 0; l < listeners; l++) {
    const listenerRng = new SeededRandom(seed * 7919 + l);
    const listener = new SimulatedListener(person(), features, listenerRng, temperature, taste());
    const truth = heldOut.map((t) => listener.utility(t));
    const median = [...truth].sort((a, b) => a - b)[Math.floor(truth.length / 2)]!;
    const labels = truth.map((u) => (u > median ? 1 : 0));
    const sorted = [...truth].sort((a, b) => a - b);
    const quartile = sorted[Math.floor(truth.length / 4)]!;
    const lower = truth.map((u, k) => (u <= median ? k : -1)).filter((k) => k >= 0);
    const lowerLabels = lower.map((k) => (truth[k]! > quartile ? 1 : 0));
    const posterior = BradleyTerryPosterior.prior(popUtility, config.priorVariance ?? 4);
    const seen = new SeenPairs();
    const selectRng = new SeededRandom(seed * 104729 + l);
    const record = (mark: number): void => {
      const learned = heldOut.map((t) => posterior.utility(features.vectorOf(t)));
      aucs[mark]!.push(rocAuc(learned, labels));
      lowerAucs[mark]!.push(rocAuc(lower.map((k) => learned[k]!), lowerLabels));
      slopes[mark]!.push(regressionSlope(learned, truth));
      cosines[mark]!.push(cosine(posterior.mean, listener.weights));
    };
    record(0);
    let next = 1;
    for (let v = 1; v <= last; v++) {
      const ranked = [...shown].sort((a, b) => posterior.utility(features.vectorOf(b)) - posterior.utility(features.vectorOf(a)));
      const pair = selectPair(
        { posterior, features, plausible: ranked, eligible: shown, seen, rng: selectRng },
        { randomShare: config.randomShare ?? 0.2, poolSize: config.poolSize ?? 30 },
      );
      seen.add(pair.a, pair.b);
      totalPairs++;
      if (pair.strategy === 'random') randomPairs++;
      const aWins = listener.vote(pair.a, pair.b) === 'a';
      posterior.update(features.vectorOf(aWins ? pair.a : pair.b), features.vectorOf(aWins ? pair.b : pair.a));
      if (v === marks[next]) record(next++);
    }
  }
  return {
    votes: marks,
    auc: aucs.map(mean),
    aucSd: aucs.map(sd),
    lowerAuc: lowerAucs.map(mean),
    slope: slopes.map(mean),
    cosine: cosines.map(mean),
    randomPairs: totalPairs > 0 ? randomPairs / totalPairs : 0,
  };
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

function sd(xs: readonly number[]): number {
  const m = mean(xs);
  return xs.length < 2 ? 0 : Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Least-squares slope of y on x. */
function regressionSlope(y: readonly number[], x: readonly number[]): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}
