/**
 * Chooses the ranked model's MMR trade-off on a validation split carved from the training data (never the test
 * items), by mean ndcg@20, with blend weights already fitted on that validation split. λ = 1 (no diversification)
 * is always a candidate, so diversity is only kept where it does not cost accuracy on validation.
 */
import { IalsRecommender } from '../ials.ts';
import { RankingMetrics } from '../metrics.ts';
import type { ScoringRecommender } from '../scoring-recommender.ts';
import type { CsrMatrix } from '../sparse-matrix.ts';
import type { ColdSplit, WarmSplit } from '../split.ts';
import { RankedRecommender, type RankedComponent, type RankedOptions } from './ranked-recommender.ts';

/** A validation split of either task. */
export type RankedValidation = { readonly task: 'W'; readonly split: WarmSplit } | { readonly task: 'C'; readonly split: ColdSplit };

/** The λ values tried, most diverse last. */
export const MMR_LAMBDAS = [1, 0.98, 0.95, 0.9, 0.8] as const;

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
  let best = { lambda: 1, ndcg: -1 };
  const tried = options.vectors === undefined ? [1] : lambdas;
  for (const lambda of tried) {
    const model = RankedRecommender.ofFitted(components, interactions, { ...options, lambda });
    const ndcg = validationNdcg(model, validation);
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

/** What fitRankedModel needs: blend weights fitted on validation, and the components fitted on each matrix. */
export interface RankedFitInput {
  /** Component names with their fitted blend weights (weights 0 are dropped). */
  readonly blend: readonly { readonly name: string; readonly weight: number }[];
  /** A component fitted on the validation training matrix. */
  validationModel(name: string): ScoringRecommender;
  /** A component fitted on the full training matrix. */
  finalModel(name: string): ScoringRecommender;
  readonly validationInteractions: CsrMatrix;
  readonly validation: RankedValidation;
  readonly interactions: CsrMatrix;
}

/**
 * The ranked model for evaluation: the fitted blend, MMR over the iALS component's normalised item factors (when
 * iALS is in the blend) with λ chosen on validation, over components refitted on the full training matrix.
 */
export function fitRankedModel(input: RankedFitInput): { model: RankedRecommender; lambda: number; validationNdcg: number } {
  const blend = input.blend.filter((b) => b.weight > 0);
  const vectorsOf = (models: readonly ScoringRecommender[]) => {
    const ials = models.find((m): m is IalsRecommender => m instanceof IalsRecommender);
    return ials === undefined ? undefined : normalisedRows(ials.items, ials.params.factors);
  };
  const valComponents = blend.map((b) => ({ name: b.name, weight: b.weight, model: input.validationModel(b.name) }));
  const valVectors = vectorsOf(valComponents.map((c) => c.model));
  const tuned = tuneRankedLambda(valComponents, input.validationInteractions, input.validation, valVectors === undefined ? {} : { vectors: valVectors });
  const finals = blend.map((b) => ({ name: b.name, weight: b.weight, model: input.finalModel(b.name) }));
  const vectors = vectorsOf(finals.map((c) => c.model));
  const model = RankedRecommender.ofFitted(finals, input.interactions, { lambda: tuned.lambda, ...(vectors === undefined ? {} : { vectors }) });
  return { model, lambda: tuned.lambda, validationNdcg: tuned.ndcg };
}
