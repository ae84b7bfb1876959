/**
 * The protocol of ../shared/EVAL.md end to end: load, split (seed), carve a validation split from the training
 * pairs only (same rule, seed 1000 + seed), choose each model's hyperparameters on it by ndcg@20, refit on the
 * full training pairs, and measure on the test users. The ranked model's fusion method, blend weights and MMR λ are
 * chosen by the mean ndcg@20 over validation folds (seeds 1000 + seed, 2000 + seed, ...; each carved from the
 * training pairs only): in task C enough folds to hold MIN_VALIDATION_CASES people, so few cold users are not decided
 * by one small split's noise.
 */
import { HybridRecommender } from '../recsys/hybrid.ts';
import { pairsToMatrix, type InteractionPairs } from '../recsys/interaction-pairs.ts';
import { isFusion, WEIGHTED_FUSIONS, type Fusion } from '../recsys/ranking/fusion.ts';
import { LearnedFusion } from '../recsys/ranking/learned-fusion.ts';
import { fitRankedModel } from '../recsys/ranking/ranked-tuning.ts';
import type { RankingReport } from '../recsys/metrics.ts';
import type { ScoringRecommender } from '../recsys/scoring-recommender.ts';
import type { CsrMatrix } from '../recsys/sparse-matrix.ts';
import { splitCold, splitWarm } from '../recsys/split.ts';
import { buildFoldPools, crossFitLearned, singleScores, tuneBlend, tuneBlendPools, type ValidationSplit } from './blend-tuner.ts';
import { countCandidates, evaluateCold, evaluateWarm } from './evaluate-split.ts';
import type { InteractionDataset } from './interaction-dataset.ts';
import { loadDataset, type DatasetName } from './load-dataset.ts';
import { contentModel, contentSignals, GRID_MODELS, type GridParams, type ModelContext, type ModelName } from './model-catalog.ts';
import { dataFingerprint, RANKED_TUNING_VERSION, TuningCache, type TunedChoice } from './tuning-cache.ts';

/** The two tasks of the protocol. */
export const TASKS = ['W', 'C'] as const;

/** W (warm users) or C (cold users from seeds). */
export type Task = (typeof TASKS)[number];

/** What to evaluate and where. */
export interface EvalOptions {
  readonly datasets: readonly DatasetName[];
  readonly tasks: readonly Task[];
  readonly models: readonly ModelName[];
  readonly seed: number;
  readonly dataDir: string;
  /** Folder for cached hyperparameter choices. */
  readonly cacheDir: string;
  readonly retune: boolean;
  /** Progress messages (not results). */
  readonly progress: (line: string) => void;
  /** Called with each result as soon as it is measured. */
  readonly onResult: (result: EvalResult) => void;
}

/** One (dataset, task, model) measurement. */
export interface EvalResult extends RankingReport {
  readonly dataset: DatasetName;
  readonly task: Task;
  readonly model: ModelName;
  readonly seed: number;
  readonly params: GridParams;
  readonly validationNdcg: number;
  readonly tunedFromCache: boolean;
  readonly seconds: number;
}

/** The validation seed derived from the evaluation seed (1000 for seed 0, as in EVAL.md). */
function validationSeed(seed: number): number {
  return 1000 + seed;
}

/**
 * In task C the ranked model is tuned on at least this many validation people (folds are added until it is
 * reached): the protocol keeps only a tenth of the users with 10 or more items as cold test users, so one cold
 * validation split holds 40 to 400 people. Task W validates on every user with a hidden item and keeps one fold.
 */
export const MIN_VALIDATION_CASES = 1000;

/** At most this many validation folds. */
export const MAX_FOLDS = 10;

/** Validation folds for the ranked model: task W one; task C enough to reach MIN_VALIDATION_CASES when one fold holds `cases` people (1 to MAX_FOLDS). */
export function foldCount(task: Task, cases: number): number {
  if (task === 'W') return 1;
  return Math.max(1, Math.min(MAX_FOLDS, Math.ceil(MIN_VALIDATION_CASES / Math.max(1, cases))));
}

/** The seed of validation fold f (0-based): 1000 + seed, 2000 + seed, ... (fold 0 is the hyperparameter split). */
export function foldSeed(seed: number, f: number): number {
  return 1000 * (f + 1) + seed;
}

/** One validation split carved from the training pairs, with models fitted on its training matrix. */
interface Fold {
  readonly train: CsrMatrix;
  readonly val: ValidationSplit;
  readonly models: Map<string, ScoringRecommender>;
}

/** Runs every requested (dataset, task, model) and returns the results in order. */
export async function runEvaluation(opts: EvalOptions): Promise<EvalResult[]> {
  const cache = new TuningCache(opts.cacheDir);
  const results: EvalResult[] = [];
  for (const name of opts.datasets) {
    const t0 = performance.now();
    const dataset = await loadDataset(name, opts.dataDir);
    opts.progress(`${name}: ${dataset.userIds.length} users, ${dataset.itemIds.length} items, ${dataset.users.length} pairs (${ms(t0)})`);
    const fingerprint = dataFingerprint(dataset);
    for (const task of opts.tasks) {
      const run = new TaskRun(dataset, name, task, opts, cache, fingerprint);
      for (const model of opts.models) {
        if (model === 'content' && dataset.side === undefined) continue;
        const r = await run.evaluate(model);
        results.push(r);
        opts.onResult(r);
      }
    }
  }
  return results;
}

function ms(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(1)} s`;
}

/** One (dataset, task): the split, the validation split, and the models fitted on each. */
class TaskRun {
  private readonly ctx: ModelContext;
  private readonly train: CsrMatrix;
  private readonly valTrain: CsrMatrix;
  private readonly val: ValidationSplit;
  private readonly test: ValidationSplit;
  private readonly candidates: number;
  private readonly valCandidates: number;
  private readonly chosen = new Map<string, TunedChoice & { cached: boolean }>();
  private readonly valModels = new Map<string, ScoringRecommender>();
  private readonly finals = new Map<string, ScoringRecommender>();
  private readonly trainPairs: InteractionPairs;
  private extraFolds: Fold[] | undefined;
  private hybridChoice: Promise<{ params: GridParams; validationNdcg: number; cached: boolean; model: HybridRecommender }> | undefined;

  constructor(
    dataset: InteractionDataset,
    private readonly name: DatasetName,
    private readonly task: Task,
    private readonly opts: EvalOptions,
    private readonly cache: TuningCache,
    private readonly fingerprint: string,
  ) {
    const vs = validationSeed(opts.seed);
    let trainPairs: InteractionPairs;
    let valPairs: InteractionPairs;
    if (task === 'W') {
      const s = splitWarm(dataset, opts.seed);
      const v = splitWarm(s.train, vs);
      this.test = { task, split: s };
      this.val = { task, split: v };
      trainPairs = s.train;
      valPairs = v.train;
    } else {
      const s = splitCold(dataset, opts.seed);
      const v = splitCold(s.train, vs);
      this.test = { task, split: s };
      this.val = { task, split: v };
      trainPairs = s.train;
      valPairs = v.train;
    }
    this.trainPairs = trainPairs;
    this.train = pairsToMatrix(trainPairs);
    this.valTrain = pairsToMatrix(valPairs);
    this.candidates = countCandidates(trainPairs.items, dataset.itemIds.length);
    this.valCandidates = countCandidates(valPairs.items, dataset.itemIds.length);
    let varied = 0;
    for (let k = 0; k < dataset.weights.length; k++) if (dataset.weights[k] !== 1) varied++;
    this.ctx = { task, side: dataset.side, seed: opts.seed, weighted: varied > dataset.weights.length / 2 };
  }

  private measure(model: ScoringRecommender, on: ValidationSplit, candidates: number): RankingReport {
    return on.task === 'W' ? evaluateWarm(model, on.split, candidates) : evaluateCold(model, on.split, candidates);
  }

  private key(model: string) {
    return { dataset: this.name, task: this.task, model, seed: this.opts.seed, fingerprint: this.fingerprint };
  }

  /** Builds a named component (a grid model or a single content signal). */
  private build(name: string, params: GridParams): ScoringRecommender {
    if (name.startsWith('content-')) return contentModel(this.ctx.side!, params);
    return GRID_MODELS[name as Exclude<ModelName, 'hybrid' | 'ranked'>].build(params, this.ctx);
  }

  /** The chosen parameters of a grid model: cached, or searched on validation. */
  private async choose(name: Exclude<ModelName, 'hybrid' | 'ranked'>): Promise<TunedChoice & { cached: boolean }> {
    const have = this.chosen.get(name);
    if (have !== undefined) return have;
    const cached = this.opts.retune ? undefined : await this.cache.get(this.key(name));
    if (cached !== undefined) {
      const c = { ...cached, cached: true };
      this.chosen.set(name, c);
      return c;
    }
    const grid = GRID_MODELS[name].grid(this.ctx);
    let best: { params: GridParams; ndcg: number; model: ScoringRecommender } | undefined;
    const t0 = performance.now();
    for (const params of grid) {
      const model = this.build(name, params);
      model.fit(this.valTrain);
      const ndcg = this.measure(model, this.val, this.valCandidates).ndcg;
      if (best === undefined || ndcg > best.ndcg) best = { params, ndcg, model };
    }
    if (best === undefined) throw new Error(`model ${name} has an empty grid`);
    this.opts.progress(`${this.name} ${this.task} ${name}: tuned ${grid.length} settings in ${ms(t0)}, validation ndcg@20 ${best.ndcg.toFixed(4)} with ${JSON.stringify(best.params)}`);
    this.valModels.set(name, best.model);
    const c = { params: best.params, validationNdcg: best.ndcg, cached: false };
    await this.cache.set(this.key(name), { params: c.params, validationNdcg: c.validationNdcg });
    this.chosen.set(name, c);
    return c;
  }

  private valModel(name: string, params: GridParams): ScoringRecommender {
    let m = this.valModels.get(name);
    if (m === undefined) {
      m = this.build(name, params);
      m.fit(this.valTrain);
      this.valModels.set(name, m);
    }
    return m;
  }

  private finalModel(name: string, params: GridParams): ScoringRecommender {
    let m = this.finals.get(name);
    if (m === undefined) {
      m = this.build(name, params);
      m.fit(this.train);
      this.finals.set(name, m);
    }
    return m;
  }

  /** Tunes (or reads), fits and measures one model. */
  async evaluate(model: ModelName): Promise<EvalResult> {
    const t0 = performance.now();
    let params: GridParams;
    let validationNdcg: number;
    let cached: boolean;
    let fitted: ScoringRecommender;
    if (model === 'hybrid' || model === 'ranked') {
      const h = model === 'hybrid' ? await this.hybrid() : await this.ranked();
      params = h.params;
      validationNdcg = h.validationNdcg;
      cached = h.cached;
      fitted = h.model;
    } else {
      const c = await this.choose(model);
      params = c.params;
      validationNdcg = c.validationNdcg;
      cached = c.cached;
      fitted = this.finalModel(model, params);
    }
    const report = this.measure(fitted, this.test, this.candidates);
    return {
      dataset: this.name,
      task: this.task,
      model,
      seed: this.opts.seed,
      ...report,
      params,
      validationNdcg,
      tunedFromCache: cached,
      seconds: (performance.now() - t0) / 1000,
    };
  }

  /** All validation folds for the ranked model: fold 0 (the hyperparameter split), then more until MIN_VALIDATION_CASES. */
  private folds(): Fold[] {
    if (this.extraFolds === undefined) {
      const n = foldCount(this.task, this.val.split.users.length);
      this.extraFolds = [];
      for (let f = 1; f < n; f++) {
        const seed = foldSeed(this.opts.seed, f);
        const val: ValidationSplit = this.task === 'W' ? { task: 'W', split: splitWarm(this.trainPairs, seed) } : { task: 'C', split: splitCold(this.trainPairs, seed) };
        this.extraFolds.push({ train: pairsToMatrix(val.split.train), val, models: new Map() });
      }
    }
    return [{ train: this.valTrain, val: this.val, models: this.valModels }, ...this.extraFolds];
  }

  private foldModel(fold: Fold, name: string, params: GridParams): ScoringRecommender {
    if (fold.models === this.valModels) return this.valModel(name, params);
    let m = fold.models.get(name);
    if (m === undefined) {
      m = this.build(name, params);
      m.fit(fold.train);
      fold.models.set(name, m);
    }
    return m;
  }

  /** The blend's components (grid models with their chosen parameters, and on datasets with side information the content signals). */
  private async components(): Promise<{ names: string[]; paramsOf: Map<string, GridParams>; fixed: Set<string> }> {
    const names: string[] = ['ials', 'rp3beta', 'itemknn', 'popularity'];
    const fixed = new Set<string>();
    const paramsOf = new Map<string, GridParams>();
    if (this.ctx.side !== undefined) {
      for (const s of contentSignals(this.ctx.side)) {
        names.push(s.name);
        fixed.add(s.name);
        paramsOf.set(s.name, s.params);
      }
    }
    for (const n of names) if (!fixed.has(n)) paramsOf.set(n, (await this.choose(n as Exclude<ModelName, 'hybrid' | 'ranked'>)).params);
    return { names, paramsOf, fixed };
  }

  /**
   * The full ranker (src/recsys/ranking): candidates from every component, the fusion method (z-scores or
   * reciprocal ranks) and its weights chosen by coordinate ascent on the validation folds, then MMR's λ on the same
   * folds, over components refitted on the full training data.
   */
  private async ranked(): Promise<{ params: GridParams; validationNdcg: number; cached: boolean; model: ScoringRecommender }> {
    const { names, paramsOf, fixed } = await this.components();
    const key = this.key(`ranked-r${RANKED_TUNING_VERSION}`);
    const hit = this.opts.retune ? undefined : await this.cache.get(key);
    const folds = this.folds();
    let chosen: { fusion: Fusion; weights: number[]; learned?: LearnedFusion; lambda: number | undefined; validationNdcg: number; notes: Record<string, number> };
    let cached = false;
    if (hit !== undefined && isFusion(hit.params['fusion']) && typeof hit.params['lambda'] === 'number' && names.every((n) => typeof hit.params[`w.${n}`] === 'number')) {
      const notes: Record<string, number> = {};
      for (const [k, v] of Object.entries(hit.params)) if (k.startsWith('val.') || k === 'folds') notes[k] = Number(v);
      const learned = hit.params['fusion'] === 'learned' ? { learned: LearnedFusion.fromJSON(JSON.parse(String(hit.params['learned']))) } : {};
      chosen = { fusion: hit.params['fusion'], weights: names.map((n) => Number(hit.params[`w.${n}`])), ...learned, lambda: Number(hit.params['lambda']), validationNdcg: hit.validationNdcg, notes };
      cached = true;
    } else {
      const t0 = performance.now();
      const pools = buildFoldPools(folds.map((f) => ({ components: names.map((n) => this.foldModel(f, n, paramsOf.get(n)!)), train: f.train, val: f.val })));
      const alone = singleScores(pools);
      const cases = folds.reduce((sum, f) => sum + f.val.split.users.length, 0);
      this.opts.progress(
        `${this.name} ${this.task} ranked: ${folds.length} validation fold(s), ${cases} people; alone: ${names.map((n, k) => `${n} ${alone[k]!.toFixed(4)}`).join(', ')}`,
      );
      let best: { fusion: Fusion; weights: number[]; learned?: LearnedFusion; ndcg: number } | undefined;
      const notes: Record<string, number> = { folds: folds.length };
      let zWeights: number[] = [];
      for (const fusion of WEIGHTED_FUSIONS) {
        const c = tuneBlendPools(pools, fusion);
        if (fusion === 'z') zWeights = c.weights;
        notes[`val.${fusion}`] = Number(c.ndcg.toFixed(5));
        this.opts.progress(`${this.name} ${this.task} ranked: fusion ${fusion} validation ndcg@20 ${c.ndcg.toFixed(4)} with ${names.map((n, k) => `${n}=${c.weights[k]}`).join(' ')}`);
        if (best === undefined || c.ndcg > best.ndcg + 1e-9) best = { fusion, weights: c.weights, ndcg: c.ndcg };
      }
      // Learned fusion starts from the z blend; its score is cross-fitted (people it was not fitted on), so it only
      // wins when it generalises beyond the weighted blends' in-sample validation score.
      const learned = crossFitLearned(pools, zWeights);
      notes['val.learned'] = Number(learned.ndcg.toFixed(5));
      this.opts.progress(`${this.name} ${this.task} ranked: fusion learned cross-fitted validation ndcg@20 ${learned.ndcg.toFixed(4)}`);
      if (learned.ndcg > best!.ndcg + 1e-9) best = { fusion: 'learned', weights: names.map(() => 1), learned: learned.model, ndcg: learned.ndcg };
      const bestSingle = Math.max(...alone);
      notes['val.single'] = Number(bestSingle.toFixed(5));
      chosen = { fusion: best!.fusion, weights: best!.weights, ...(best!.learned === undefined ? {} : { learned: best!.learned }), lambda: undefined, validationNdcg: best!.ndcg, notes };
      this.opts.progress(`${this.name} ${this.task} ranked: chose ${best!.fusion} in ${ms(t0)}`);
    }
    const blend = names.map((n, k) => ({ name: n, weight: chosen.weights[k]! })).filter((b) => b.weight > 0);
    const t1 = performance.now();
    const r = fitRankedModel({
      blend,
      fusion: chosen.fusion,
      folds: folds.map((f) => ({ validationModel: (n: string) => this.foldModel(f, n, paramsOf.get(n)!), validationInteractions: f.train, validation: f.val })),
      finalModel: (n) => this.finalModel(n, paramsOf.get(n)!),
      interactions: this.train,
      ...(chosen.learned === undefined ? {} : { learned: chosen.learned }),
      ...(chosen.lambda === undefined ? {} : { lambda: chosen.lambda }),
    });
    let validationNdcg = chosen.validationNdcg;
    if (chosen.lambda === undefined) {
      // The score that chose the model: for learned fusion its cross-fitted score (λ is then chosen in-sample).
      if (chosen.fusion !== 'learned') validationNdcg = r.validationNdcg;
      chosen.notes['val.lambda'] = Number(r.validationNdcg.toFixed(5));
      this.opts.progress(`${this.name} ${this.task} ranked: λ ${r.lambda} chosen in ${ms(t1)}, validation ndcg@20 ${r.validationNdcg.toFixed(4)}`);
      await this.cache.set(key, {
        params: {
          fusion: chosen.fusion,
          ...Object.fromEntries(names.map((n, k) => [`w.${n}`, chosen.weights[k]!])),
          ...(chosen.learned === undefined ? {} : { learned: JSON.stringify(chosen.learned.toJSON()) }),
          lambda: r.lambda,
          ...chosen.notes,
        },
        validationNdcg,
      });
    }
    const params: Record<string, number | string> = { fusion: chosen.fusion };
    for (const b of blend) params[`w.${b.name}`] = b.weight;
    params['lambda'] = r.lambda;
    if (chosen.learned !== undefined) params['learned'] = JSON.stringify(chosen.learned.toJSON());
    Object.assign(params, chosen.notes);
    for (const b of blend) if (!fixed.has(b.name)) params[`p.${b.name}`] = JSON.stringify(paramsOf.get(b.name));
    return { params, validationNdcg, cached, model: r.model };
  }

  /** The hybrid, tuned once per task. */
  private hybrid(): Promise<{ params: GridParams; validationNdcg: number; cached: boolean; model: HybridRecommender }> {
    this.hybridChoice ??= this.tuneHybrid();
    return this.hybridChoice;
  }

  private async tuneHybrid(): Promise<{ params: GridParams; validationNdcg: number; cached: boolean; model: HybridRecommender }> {
    const { names, paramsOf, fixed } = await this.components();
    let weights: number[];
    let validationNdcg: number;
    let cached = false;
    const hit = this.opts.retune ? undefined : await this.cache.get(this.key('hybrid'));
    if (hit !== undefined && names.every((n) => typeof hit.params[`w.${n}`] === 'number')) {
      weights = names.map((n) => Number(hit.params[`w.${n}`]));
      validationNdcg = hit.validationNdcg;
      cached = true;
    } else {
      const t0 = performance.now();
      const comps = names.map((n) => this.valModel(n, paramsOf.get(n)!));
      const choice = tuneBlend(comps, this.valTrain, this.val);
      weights = choice.weights;
      validationNdcg = choice.ndcg;
      this.opts.progress(`${this.name} ${this.task} hybrid: blend tuned in ${ms(t0)}, validation ndcg@20 ${validationNdcg.toFixed(4)}`);
      await this.cache.set(this.key('hybrid'), { params: Object.fromEntries(names.map((n, k) => [`w.${n}`, weights[k]!])), validationNdcg });
    }
    const components = names
      .map((n, k) => ({ name: n, weight: weights[k]! }))
      .filter((c) => c.weight > 0)
      .map((c) => ({ weight: c.weight, model: this.finalModel(c.name, paramsOf.get(c.name)!) }));
    const params: Record<string, number | string> = {};
    names.forEach((n, k) => {
      if (weights[k]! > 0) params[`w.${n}`] = weights[k]!;
    });
    names.forEach((n, k) => {
      if (weights[k]! > 0 && !fixed.has(n)) params[`p.${n}`] = JSON.stringify(paramsOf.get(n));
    });
    return { params, validationNdcg, cached, model: HybridRecommender.ofFitted(components, this.train) };
  }
}
