/**
 * The protocol of ../shared/EVAL.md end to end: load, split (seed), carve a validation split from the training
 * pairs only (same rule, seed 1000 + seed), choose each model's hyperparameters on it by ndcg@20, refit on the
 * full training pairs, and measure on the test users.
 */
import { HybridRecommender } from '../recsys/hybrid.ts';
import { pairsToMatrix, type InteractionPairs } from '../recsys/interaction-pairs.ts';
import { fitRankedModel } from '../recsys/ranking/ranked-tuning.ts';
import type { RankingReport } from '../recsys/metrics.ts';
import type { ScoringRecommender } from '../recsys/scoring-recommender.ts';
import type { CsrMatrix } from '../recsys/sparse-matrix.ts';
import { splitCold, splitWarm } from '../recsys/split.ts';
import { tuneBlend, type ValidationSplit } from './blend-tuner.ts';
import { countCandidates, evaluateCold, evaluateWarm } from './evaluate-split.ts';
import type { InteractionDataset } from './interaction-dataset.ts';
import { loadDataset, type DatasetName } from './load-dataset.ts';
import { contentModel, contentSignals, GRID_MODELS, type GridParams, type ModelContext, type ModelName } from './model-catalog.ts';
import { dataFingerprint, TuningCache, type TunedChoice } from './tuning-cache.ts';

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
export function validationSeed(seed: number): number {
  return 1000 + seed;
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

  /** The full ranker (src/recsys/ranking) over the hybrid's validation-fitted blend, with MMR's λ chosen on validation. */
  private async ranked(): Promise<{ params: GridParams; validationNdcg: number; cached: boolean; model: ScoringRecommender }> {
    const h = await this.hybrid();
    const blend = Object.entries(h.params)
      .filter(([k]) => k.startsWith('w.'))
      .map(([k, w]) => ({ name: k.slice(2), weight: Number(w) }));
    const paramsOf = (n: string): GridParams =>
      n.startsWith('content-') ? contentSignals(this.ctx.side!).find((s) => s.name === n)!.params : this.chosen.get(n)!.params;
    const r = fitRankedModel({
      blend,
      validationModel: (n) => this.valModel(n, paramsOf(n)),
      finalModel: (n) => this.finalModel(n, paramsOf(n)),
      validationInteractions: this.valTrain,
      validation: this.val,
      interactions: this.train,
    });
    return { params: { ...h.params, lambda: r.lambda }, validationNdcg: r.validationNdcg, cached: h.cached, model: r.model };
  }

  private async hybrid(): Promise<{ params: GridParams; validationNdcg: number; cached: boolean; model: HybridRecommender }> {
    const names: string[] = ['ials', 'rp3beta', 'itemknn', 'popularity'];
    const fixed = new Map<string, GridParams>();
    if (this.ctx.side !== undefined) {
      for (const s of contentSignals(this.ctx.side)) {
        names.push(s.name);
        fixed.set(s.name, s.params);
      }
    }
    const paramsOf = new Map<string, GridParams>();
    for (const n of names) {
      paramsOf.set(n, fixed.get(n) ?? (await this.choose(n as Exclude<ModelName, 'hybrid' | 'ranked'>)).params);
    }
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
