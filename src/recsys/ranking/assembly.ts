/**
 * The one ranking assembly: the Ranker built from a model's components, MMR vectors, fusion and its tuned settings
 * (RankingParams, one set of defaults). `npm run eval` (RankedRecommender), training (λ chosen on validation) and
 * serving (RankedTrackRecommender, with the settings saved beside the model version) all build their rankers here,
 * so the evaluation measures the ranking that serves.
 */
import { HybridRecommender } from '../hybrid.ts';
import { IalsRecommender } from '../ials.ts';
import { InvalidParamsError } from '../errors.ts';
import type { ScoringRecommender } from '../scoring-recommender.ts';
import type { ConstraintCatalog } from './constraints.ts';
import type { LearnedFusion } from './learned-fusion.ts';
import { cosineSimilarity, type ItemSimilarity } from './mmr.ts';
import { Ranker, type RankingComponent } from './ranker.ts';
import { RANKING_DEFAULTS, type RankingParams } from './ranking-params.ts';
import { NEIGHBOUR_COMPONENT_KINDS, SupportShrunkScorer } from './support-guard.ts';

/** What a ranker is assembled from. */
export interface RankerInputs {
  readonly components: readonly RankingComponent[];
  readonly catalog: ConstraintCatalog;
  /** Item similarity for MMR (mmrSimilarity of the iALS item factors); omitted: no diversification. */
  readonly similarity?: ItemSimilarity;
  /** The learned fusion's fitted model (required when the settings say `learned`). */
  readonly learned?: LearnedFusion;
  /** Training interactions per item (the learned fusion's popularity feature). */
  readonly popularity?: Float32Array;
  /** Items that may be recommended at all; omitted: every item. */
  readonly recommendable?: Uint8Array;
}

/** Builds the ranker with the given settings [RANKING_DEFAULTS]. */
export function assembleRanker(inputs: RankerInputs, params: RankingParams = RANKING_DEFAULTS): Ranker {
  const { fusion, lambda, poolPerComponent } = params;
  if (fusion === 'learned' && (inputs.learned === undefined || inputs.popularity === undefined)) {
    throw new InvalidParamsError('the learned fusion needs its fitted model and item popularity');
  }
  return new Ranker(inputs.components, inputs.catalog, {
    lambda,
    poolPerComponent,
    fusion,
    ...(fusion === 'learned' ? { learned: inputs.learned!, popularity: inputs.popularity! } : {}),
    ...(inputs.similarity !== undefined ? { similarity: inputs.similarity } : {}),
    ...(inputs.recommendable !== undefined ? { recommendable: inputs.recommendable } : {}),
  });
}

/** MMR's item similarity: cosine over row-major item vectors (e.g. iALS item factors). */
export function mmrSimilarity(vectors: { readonly values: Float32Array; readonly dim: number }): ItemSimilarity {
  return cosineSimilarity(vectors.values, vectors.dim);
}

/** The MMR vectors of a set of components: the first iALS component's item factors, if any. */
export function mmrVectorsOf(models: readonly ScoringRecommender[]): { values: Float32Array; dim: number } | undefined {
  const ials = models.find((m): m is IalsRecommender => m instanceof IalsRecommender && m.items.length > 0);
  return ials === undefined ? undefined : { values: ials.items, dim: ials.params.factors };
}

/** A served model's ranking parts: its components (low-support guard applied), learned fusion and MMR similarity. */
interface ModelRankingParts {
  /** Every component with its blend weight (the learned fusion uses all of them, in order). */
  readonly all: readonly RankingComponent[];
  /** The components with weight > 0. */
  readonly weighted: readonly RankingComponent[];
  readonly learned?: LearnedFusion;
  readonly similarity?: ItemSimilarity;
}

/**
 * The ranking parts of a trained chat model: a hybrid's components (named by kind), or the model alone; neighbour
 * components wrapped in the low-support guard when `supportShrink` > 0.
 */
export function modelRankingParts(rec: ScoringRecommender, supportShrink: number): ModelRankingParts {
  const guard = (scorer: ScoringRecommender, kind: string) =>
    supportShrink > 0 && NEIGHBOUR_COMPONENT_KINDS.has(kind) ? new SupportShrunkScorer(scorer, rec.itemPopularity, supportShrink) : scorer;
  if (!(rec instanceof HybridRecommender)) {
    const only = [{ name: rec.kind, scorer: rec, weight: 1 }];
    return { all: only, weighted: only };
  }
  const all = rec.components.map((c) => ({ name: c.model.kind, scorer: guard(c.model, c.model.kind), weight: c.weight }));
  const vectors = mmrVectorsOf(rec.components.map((c) => c.model));
  return {
    all,
    weighted: all.filter((c) => c.weight > 0),
    ...(rec.learned !== undefined ? { learned: rec.learned } : {}),
    ...(vectors !== undefined ? { similarity: mmrSimilarity(vectors) } : {}),
  };
}

/**
 * The settings a served model ranks with: the saved ones, except that `learned` falls back to `z` when the model
 * kept no learned fusion, and a model saved without settings keeps the fusion it was trained with (learned when it
 * kept one).
 */
export function servedRankingParams(saved: RankingParams | undefined, hasLearned: boolean): RankingParams {
  if (saved === undefined) return { ...RANKING_DEFAULTS, fusion: hasLearned ? 'learned' : RANKING_DEFAULTS.fusion };
  if (saved.fusion === 'learned' && !hasLearned) return { ...saved, fusion: 'z' };
  return saved;
}
