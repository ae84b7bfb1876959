/**
 * The real-listener preference panel: people taken from real data (a Last.fm listener's play counts, a playlist's
 * tracks) answer A/B pairs. A pair is won by the item with the higher strength (more plays; in the playlist beats
 * outside it); equal strengths are a tie, answered "both" (both liked) or "neither", which the fit does not use.
 * Answers flip with probability `noise`. Per person 30 % of the items are held out; after each checkpoint of decided
 * answers the learned utility is scored on the held-out items (AUC over held-out pairs of different strength), with
 * the share of questions that got a decided answer and the number of questions asked. The same people are run with
 * the product's pair policy, with uniformly random pairs, and with a full-information model fitted on every pair of
 * the person's training items, so the policies are compared on paired differences.
 */
import { InvalidParamsError } from '../errors.ts';
import { SeededRandom } from '../rng.ts';
import { BradleyTerryPosterior, type FeatureComparison } from './bradley-terry.ts';
import { SeenPairs, selectPair, type PairSelectionOptions } from './pair-selection.ts';
import { coveragePair, fitFromLabels, type PairAnswer } from './label-evidence.ts';
import { PairsExhaustedError } from './preference-errors.ts';
import type { PreferenceFeatures } from './preference-features.ts';

/** One simulated person: items (feature-space track ids) and their strength for the person (0: not chosen). */
export interface PanelPerson {
  readonly name: string;
  readonly items: readonly number[];
  readonly strengths: readonly number[];
}

/** Answer of a simulated person to a pair. */
type PanelAnswer = 'a' | 'b' | 'both' | 'neither';

/** Panel settings; defaults in brackets. */
export interface PanelConfig {
  readonly seed?: number; // [1]
  /** Share of each person's items held out for scoring [0.3]. */
  readonly heldOutShare?: number;
  /** Decided-answer counts at which the utility is scored [10, 20, 50, 100]. */
  readonly checkpoints?: readonly number[];
  /** Probability that a decided answer is flipped [0.1]. */
  readonly noise?: number;
  /** Prior variance around the population utility [1]. */
  readonly priorVariance?: number;
  /** Full prior covariance around the population utility (row-major d × d; population-prior.ts); replaces priorVariance·I. */
  readonly priorCovariance?: ArrayLike<number>;
  /** Options of the product's pair policy. */
  readonly policy?: PairSelectionOptions;
  /** Stop asking a person after this many questions [400]. */
  readonly maxQuestions?: number;
  /** Replace the online posterior by the exact MAP refit every this many decided answers; 0 never, as served [0]. */
  readonly refitEvery?: number;
  /**
   * The utility scored ['online']: `online`, the posterior updated vote by vote from decided answers, as served;
   * `labels`, the fit on the pairs every answer (ties included) implies (label-evidence.ts).
   */
  readonly learner?: 'online' | 'labels';
  /** The product arm's pair policy ['informative']: selectPair, or `coverage` (label-evidence.ts). */
  readonly pairPolicy?: 'informative' | 'coverage';
  /** What the checkpoints count ['decided']: decided answers, or every answer ("both" and "neither" too). */
  readonly count?: 'decided' | 'answers';
  /**
   * Times each person answers each policy's pairs, from independent seeds (pairs, answer noise) [1]; a person's
   * figures are the means over these runs, so the standard errors over people no longer carry as much of the luck of
   * one run's pairs.
   */
  readonly replicates?: number;
}

/** Mean and standard error. */
export interface MeanSe {
  readonly mean: number;
  readonly se: number;
  readonly n: number;
}

/** One policy's figures at each checkpoint. */
interface PolicyFigures {
  readonly auc: readonly MeanSe[];
  /** Decided answers / questions asked, up to the checkpoint. */
  readonly informative: readonly MeanSe[];
  readonly questions: readonly MeanSe[];
}

/** The panel's result. */
export interface PanelResult {
  readonly people: number;
  readonly checkpoints: readonly number[];
  /** AUC of the prior alone (no votes). */
  readonly priorAuc: MeanSe;
  readonly product: PolicyFigures;
  readonly random: PolicyFigures;
  /** product − random per person, at each checkpoint. */
  readonly difference: readonly MeanSe[];
  readonly fullInformation: MeanSe;
  /**
   * The label learner told every training item's label (chosen or not), with no noise: what any pair policy could
   * reach with it; undefined for the online learner.
   */
  readonly everyLabel?: MeanSe;
  /** everyLabel − random pairs per person, at each checkpoint: the room a pair policy has over random pairs. */
  readonly roomOverRandom?: readonly MeanSe[];
  /** People who ran out of pairs before a checkpoint score their last model there. */
  readonly exhausted: number;
}

/** The answer of a person with these strengths; `flip` turns a decided answer round. */
export function panelAnswer(strengthA: number, strengthB: number, flip: boolean): PanelAnswer {
  if (strengthA === strengthB) return strengthA > 0 ? 'both' : 'neither';
  const aWins = strengthA > strengthB;
  return aWins !== flip ? 'a' : 'b';
}

/** Concordance of scores with strengths over pairs of different strength (ties in score count ½); 0.5 if none. */
export function pairAuc(scores: readonly number[], strengths: readonly number[]): number {
  let good = 0;
  let total = 0;
  for (let i = 0; i < scores.length; i++) {
    for (let j = i + 1; j < scores.length; j++) {
      const ds = strengths[i]! - strengths[j]!;
      if (ds === 0) continue;
      const du = scores[i]! - scores[j]!;
      total++;
      if (du === 0) good += 0.5;
      else if (du > 0 === ds > 0) good += 1;
    }
  }
  return total === 0 ? 0.5 : good / total;
}

/** Runs every person through both policies and the full-information fit. */
export function runListenerPanel(features: PreferenceFeatures, population: ArrayLike<number>, people: readonly PanelPerson[], config: PanelConfig = {}): PanelResult {
  const checkpoints = config.checkpoints ?? [10, 20, 50, 100];
  const heldOut = config.heldOutShare ?? 0.3;
  const noise = config.noise ?? 0.1;
  const variance = config.priorVariance ?? 1;
  const cov = config.priorCovariance;
  const maxQuestions = config.maxQuestions ?? 400;
  if (!(heldOut > 0 && heldOut < 1)) throw new InvalidParamsError('heldOutShare must be in (0, 1)');
  if (!(noise >= 0 && noise < 0.5)) throw new InvalidParamsError('noise must be in [0, 0.5)');
  if (population.length !== features.dim) throw new InvalidParamsError(`population has ${population.length} weights, features ${features.dim}`);
  const rng = new SeededRandom(config.seed ?? 1);
  const acc = {
    prior: [] as number[],
    full: [] as number[],
    product: checkpoints.map(() => ({ auc: [] as number[], informative: [] as number[], questions: [] as number[] })),
    random: checkpoints.map(() => ({ auc: [] as number[], informative: [] as number[], questions: [] as number[] })),
    diff: checkpoints.map(() => [] as number[]),
    everyLabel: [] as number[],
    room: checkpoints.map(() => [] as number[]),
  };
  let exhausted = 0;
  for (const person of people) {
    const split = splitPerson(person, heldOut, rng);
    if (split === undefined) continue;
    const score = (post: BradleyTerryPosterior) => pairAuc(split.testItems.map((t) => post.utility(features.vectorOf(t))), split.testStrengths);
    acc.prior.push(score(BradleyTerryPosterior.prior(population, variance, cov)));
    const replicates = config.replicates ?? 1;
    const sums = (['product', 'random'] as const).map(() => ({ auc: checkpoints.map(() => 0), informative: checkpoints.map(() => 0), questions: checkpoints.map(() => 0) }));
    // One draw per person whatever the replicates, so the held-out splits of later people do not depend on them.
    const base = Math.floor(rng.next() * 2 ** 31);
    for (let rep = 0; rep < replicates; rep++) {
      const seed = (base + rep * 0x9e3779b1) % 2 ** 31;
      (['product', 'random'] as const).forEach((policy, p) => {
        const r = askPerson(
          features,
          population,
          split,
          {
            policy,
            seed,
            noise,
            variance,
            ...(cov !== undefined ? { covariance: cov } : {}),
            maxQuestions,
            checkpoints,
            options: config.policy ?? {},
            refitEvery: config.refitEvery ?? 0,
            learner: config.learner ?? 'online',
            pairPolicy: policy === 'random' ? 'informative' : (config.pairPolicy ?? 'informative'),
            count: config.count ?? 'decided',
          },
          score,
        );
        if (r.exhausted) exhausted++;
        checkpoints.forEach((_, k) => {
          sums[p]!.auc[k]! += r.auc[k]! / replicates;
          sums[p]!.informative[k]! += r.informative[k]! / replicates;
          sums[p]!.questions[k]! += r.questions[k]! / replicates;
        });
      });
    }
    checkpoints.forEach((_, k) => {
      sums.forEach((r, p) => {
        const target = p === 0 ? acc.product[k]! : acc.random[k]!;
        target.auc.push(r.auc[k]!);
        target.informative.push(r.informative[k]!);
        target.questions.push(r.questions[k]!);
      });
      acc.diff[k]!.push(sums[0]!.auc[k]! - sums[1]!.auc[k]!);
    });
    acc.full.push(score(fullInformation(features, population, split, variance, cov)));
    if (config.learner === 'labels') {
      // Each training item's label, as an answer about that item alone.
      const told = split.trainItems.map((t): PairAnswer => ({ a: t, b: t, choice: split.trainStrengths.get(t)! > 0 ? 'both' : 'neither' }));
      const ceiling = score(fitFromLabels(population, features, told, variance, cov));
      acc.everyLabel.push(ceiling);
      checkpoints.forEach((_, k) => acc.room[k]!.push(ceiling - sums[1]!.auc[k]!));
    }
  }
  const figures = (list: typeof acc.product): PolicyFigures => ({
    auc: list.map((c) => meanSe(c.auc)),
    informative: list.map((c) => meanSe(c.informative)),
    questions: list.map((c) => meanSe(c.questions)),
  });
  return {
    people: acc.prior.length,
    checkpoints,
    priorAuc: meanSe(acc.prior),
    product: figures(acc.product),
    random: figures(acc.random),
    difference: acc.diff.map(meanSe),
    fullInformation: meanSe(acc.full),
    ...(acc.everyLabel.length > 0 ? { everyLabel: meanSe(acc.everyLabel), roomOverRandom: acc.room.map(meanSe) } : {}),
    exhausted,
  };
}

interface PersonSplit {
  readonly trainItems: readonly number[];
  readonly trainStrengths: ReadonlyMap<number, number>;
  readonly testItems: readonly number[];
  readonly testStrengths: readonly number[];
}

/** Holds out a share of the chosen and of the other items alike; undefined when either side would be empty. */
function splitPerson(person: PanelPerson, share: number, rng: SeededRandom): PersonSplit | undefined {
  const chosen: number[] = [];
  const other: number[] = [];
  person.items.forEach((_, i) => (person.strengths[i]! > 0 ? chosen : other).push(i));
  const train: number[] = [];
  const test: number[] = [];
  for (const group of [chosen, other]) {
    shuffle(group, rng);
    const cut = Math.round(group.length * share);
    test.push(...group.slice(0, cut));
    train.push(...group.slice(cut));
  }
  const testStrengths = test.map((i) => person.strengths[i]!);
  if (train.length < 4 || new Set(testStrengths).size < 2) return undefined;
  return {
    trainItems: train.map((i) => person.items[i]!),
    trainStrengths: new Map(train.map((i) => [person.items[i]!, person.strengths[i]!])),
    testItems: test.map((i) => person.items[i]!),
    testStrengths,
  };
}

interface AskSettings {
  readonly policy: 'product' | 'random';
  readonly seed: number;
  readonly noise: number;
  readonly variance: number;
  readonly covariance?: ArrayLike<number>;
  readonly maxQuestions: number;
  readonly checkpoints: readonly number[];
  readonly options: PairSelectionOptions;
  readonly refitEvery: number;
  readonly learner: 'online' | 'labels';
  readonly pairPolicy: 'informative' | 'coverage';
  readonly count: 'decided' | 'answers';
}

/** Asks one person pairs until the last checkpoint's decided answers (or pairs or patience run out). */
function askPerson(
  features: PreferenceFeatures,
  population: ArrayLike<number>,
  split: PersonSplit,
  s: AskSettings,
  score: (post: BradleyTerryPosterior) => number,
): { auc: number[]; informative: number[]; questions: number[]; exhausted: boolean } {
  const rng = new SeededRandom(s.seed);
  const noiseRng = new SeededRandom(s.seed ^ 0x5bd1e995);
  const post = BradleyTerryPosterior.prior(population, s.variance, s.covariance);
  const seen = new SeenPairs();
  const answered: FeatureComparison[] = [];
  const answers: PairAnswer[] = [];
  const out = { auc: [] as number[], informative: [] as number[], questions: [] as number[], exhausted: false };
  let decided = 0;
  let questions = 0;
  const counted = () => (s.count === 'answers' ? questions : decided);
  const last = s.checkpoints[s.checkpoints.length - 1]!;
  const record = () => {
    out.auc.push(score(s.learner === 'labels' ? fitFromLabels(population, features, answers, s.variance, s.covariance) : post));
    out.informative.push(questions === 0 ? 0 : decided / questions);
    out.questions.push(questions);
  };
  const options: PairSelectionOptions = s.policy === 'random' ? { randomShare: 1 } : s.options;
  while (counted() < last && questions < s.maxQuestions) {
    let pair: { a: number; b: number } | undefined;
    if (s.pairPolicy === 'coverage') {
      pair = coveragePair({ posterior: post, features, pool: split.trainItems, answers, seen, rng });
      if (pair === undefined) break;
    } else {
      try {
        pair = selectPair({ posterior: post, features, plausible: split.trainItems, seen, rng }, { poolSize: split.trainItems.length, ...options });
      } catch (err) {
        if (err instanceof PairsExhaustedError) break;
        throw err;
      }
    }
    seen.add(pair.a, pair.b);
    questions++;
    const answer = panelAnswer(split.trainStrengths.get(pair.a)!, split.trainStrengths.get(pair.b)!, noiseRng.next() < s.noise);
    answers.push({ a: pair.a, b: pair.b, choice: answer });
    if (answer !== 'both' && answer !== 'neither') {
      const [w, l] = answer === 'a' ? [pair.a, pair.b] : [pair.b, pair.a];
      const c = { winner: features.vectorOf(w), loser: features.vectorOf(l) };
      answered.push(c);
      post.update(c.winner, c.loser);
      decided++;
      if (s.refitEvery > 0 && decided % s.refitEvery === 0) post.refit(answered);
    } else if (s.count === 'decided') continue;
    while (out.auc.length < s.checkpoints.length && counted() === s.checkpoints[out.auc.length]) record();
  }
  if (out.auc.length < s.checkpoints.length) out.exhausted = true;
  while (out.auc.length < s.checkpoints.length) record();
  return out;
}

/** Bradley–Terry fitted on every decided pair of the person's training items (noise-free). */
function fullInformation(features: PreferenceFeatures, population: ArrayLike<number>, split: PersonSplit, variance: number, covariance?: ArrayLike<number>): BradleyTerryPosterior {
  const list: FeatureComparison[] = [];
  const items = split.trainItems;
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const si = split.trainStrengths.get(items[i]!)!;
      const sj = split.trainStrengths.get(items[j]!)!;
      if (si === sj) continue;
      const [w, l] = si > sj ? [items[i]!, items[j]!] : [items[j]!, items[i]!];
      list.push({ winner: features.vectorOf(w), loser: features.vectorOf(l) });
    }
  }
  return BradleyTerryPosterior.fit(population, list, variance, covariance);
}

function shuffle<T>(xs: T[], rng: SeededRandom): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
}

/** Mean and standard error of the mean (NaN mean for an empty list). */
export function meanSe(xs: readonly number[]): MeanSe {
  const n = xs.length;
  if (n === 0) return { mean: Number.NaN, se: Number.NaN, n };
  const m = xs.reduce((a, b) => a + b, 0) / n;
  const v = n > 1 ? xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1) : 0;
  return { mean: m, se: Math.sqrt(v / n), n };
}
