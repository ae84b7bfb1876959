/**
 * Chooses the ranked model's MMR trade-off on validation splits carved from the training data (never the test
 * items), by mean ndcg@20, with blend weights already fitted on those splits. λ = 1 (no diversification) is always
 * a candidate, so diversity is only kept where it does not cost accuracy on validation.
 */
import { IalsRecommender } from '../ials.ts';
import { RankingMetrics } from '../metrics.ts';
import type { ScoringRecommender } from '../scoring-recommender.ts';
import type { CsrMatrix } from '../sparse-matrix.ts';
import type { ColdSplit, WarmSplit } from '../split.ts';
import type { Fusion } from './fusion.ts';
import type { LearnedFusion } from './learned-fusion.ts';
import { RankedRecommender, type RankedComponent, type RankedOptions } from './ranked-recommender.ts';

/** A validation split of either task. */
type RankedValidation = { readonly task: 'W'; readonly split: WarmSplit } | { readonly task: 'C'; readonly split: ColdSplit };

/** The λ values tried, most diverse last. */
const MMR_LAMBDAS = [1, 0.98, 0.95, 0.9, 0.8] as const;

/** Mean ndcg@k of a recommender over a validation split. */
export function validationNdcg(model: RankedRecommender, validation: RankedValidation, k = 20): number {
  const n = validation.split.train.itemIds.length;
  const metrics = new RankingMetrics(n, n, k);
  if (validation.task === 'W') {
    validation.split.users.forEach((u, q) => metrics.add(model.recommend(u, k).map((r) => r.item), validation.split.hidden[q]!));
  } else {
    validation.split.users.forEach((_u, q) => metrics.add(model.recommendFromSeeds(Array.from(validation.split.seeds[q]!), k).map((r) => r.item), validation.split.targets[q]!));
  }
  return metrics.report().ndcg;
}

/** The λ with the best validation ndcg@20 (ties: the larger λ, i.e. less diversification). */
export function tuneRankedLambda(
  components: readonly RankedComponent[],
  interactions: CsrMatrix,
  validation: RankedValidation,
  options: Omit<RankedOptions, 'lambda'> = {},
  lambdas: readonly number[] = MMR_LAMBDAS,
): { lambda: number; ndcg: number } {
  return tuneRankedLambdaFolds([{ components, interactions, validation, options }], lambdas);
}

/** One validation fold for λ: components fitted on its training matrix, and its options (e.g. its own vectors). */
interface LambdaFold {
  readonly components: readonly RankedComponent[];
  readonly interactions: CsrMatrix;
  readonly validation: RankedValidation;
  readonly options: Omit<RankedOptions, 'lambda'>;
}

/** The λ with the best mean over folds of validation ndcg@20 (ties: the larger λ). Without vectors only λ = 1 is tried. */
function tuneRankedLambdaFolds(folds: readonly LambdaFold[], lambdas: readonly number[] = MMR_LAMBDAS): { lambda: number; ndcg: number } {
  let best = { lambda: 1, ndcg: -1 };
  const tried = folds.every((f) => f.options.vectors !== undefined) ? lambdas : [1];
  for (const lambda of tried) {
    let sum = 0;
    for (const f of folds) sum += validationNdcg(RankedRecommender.ofFitted(f.components, f.interactions, { ...f.options, lambda }), f.validation);
    const ndcg = folds.length > 0 ? sum / folds.length : 0;
    if (ndcg > best.ndcg + 1e-9) best = { lambda, ndcg };
  }
  return best;
}

/** Unit-length copies of row-major item vectors (e.g. ALS item factors), for MMR similarity. */
export function normalisedRows(values: Float32Array, dim: number): { values: Float32Array; dim: number } {
  const out = new Float32Array(values.length);
  for (let r = 0; r < values.length / dim; r++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += values[r * dim + j]! ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < dim; j++) out[r * dim + j] = values[r * dim + j]! * inv;
  }
  return { values: out, dim };
}

/** One validation split carved from the training data, with components fitted on its training matrix. */
interface RankedFold {
  /** A component fitted on this fold's validation training matrix. */
  validationModel(name: string): ScoringRecommender;
  readonly validationInteractions: CsrMatrix;
  readonly validation: RankedValidation;
}

/** What fitRankedModel needs: blend weights and fusion chosen on validation, and the components fitted on each matrix. */
interface RankedFitInput {
  /** Component names with their fitted blend weights (weights 0 are dropped). */
  readonly blend: readonly { readonly name: string; readonly weight: number }[];
  /** How component scores are combined ['z']. */
  readonly fusion?: Fusion;
  /** The fitted model of the `learned` fusion, over the blend's components in order (required by it). */
  readonly learned?: LearnedFusion;
  /** Validation folds on which λ is chosen (mean ndcg@20 over folds). */
  readonly folds: readonly RankedFold[];
  /** A component fitted on the full training matrix. */
  finalModel(name: string): ScoringRecommender;
  readonly interactions: CsrMatrix;
  /** A λ already chosen (e.g. cached): no tuning. */
  readonly lambda?: number;
}

/** Normalised iALS item factors of the first iALS model among `models`, for MMR similarity. */
function vectorsOf(models: readonly ScoringRecommender[]): { values: Float32Array; dim: number } | undefined {
  const ials = models.find((m): m is IalsRecommender => m instanceof IalsRecommender);
  return ials === undefined ? undefined : normalisedRows(ials.items, ials.params.factors);
}

/**
 * The ranked model for evaluation: the fitted blend with its fusion method, MMR over the iALS component's
 * normalised item factors (when iALS is in the blend) with λ chosen on the validation folds, over components
 * refitted on the full training matrix.
 */
export function fitRankedModel(input: RankedFitInput): { model: RankedRecommender; lambda: number; validationNdcg: number } {
  const blend = input.blend.filter((b) => b.weight > 0);
  const fusion = input.fusion ?? 'z';
  const learned = input.learned === undefined ? {} : { learned: input.learned };
  let tuned = { lambda: input.lambda ?? 1, ndcg: Number.NaN };
  if (input.lambda === undefined) {
    const folds = input.folds.map((f): LambdaFold => {
      const components = blend.map((b) => ({ name: b.name, weight: b.weight, model: f.validationModel(b.name) }));
      const vectors = vectorsOf(components.map((c) => c.model));
      return { components, interactions: f.validationInteractions, validation: f.validation, options: { fusion, ...learned, ...(vectors === undefined ? {} : { vectors }) } };
    });
    tuned = tuneRankedLambdaFolds(folds);
  }
  const finals = blend.map((b) => ({ name: b.name, weight: b.weight, model: input.finalModel(b.name) }));
  const vectors = vectorsOf(finals.map((c) => c.model));
  const model = RankedRecommender.ofFitted(finals, input.interactions, { lambda: tuned.lambda, fusion, ...learned, ...(vectors === undefined ? {} : { vectors }) });
  return { model, lambda: tuned.lambda, validationNdcg: tuned.ndcg };
}
