/**
 * How the ranker turns each component's scores into one blended score. Three methods, chosen per dataset and task
 * on validation data:
 * - `z`: weight × the component's score standardised (mean 0, sd 1) over the eligible items;
 * - `rrf`: reciprocal-rank fusion, weight / (RRF_K + rank) for the component's top RRF_DEPTH open items (rank from
 *   1), 0 below; scale-free, so one component's heavy tail cannot swamp the others;
 * - `learned`: a learning-to-rank model over the candidate pool (learned-fusion.ts); component weights only choose
 *   which components take part.
 */
import { standardisation } from '../score-normalisation.ts';
import { topK } from '../top-k.ts';

/** The fusion methods with one weight per component, in the order tried. */
export const WEIGHTED_FUSIONS = ['z', 'rrf'] as const;

/** One of WEIGHTED_FUSIONS. */
export type WeightedFusion = (typeof WEIGHTED_FUSIONS)[number];

/** Every fusion method. */
export const FUSIONS = [...WEIGHTED_FUSIONS, 'learned'] as const;

/** One of FUSIONS. */
export type Fusion = (typeof FUSIONS)[number];

/** The rank offset of reciprocal-rank fusion (the usual 60). */
export const RRF_K = 60;

/** How many of each component's top items take part in reciprocal-rank fusion. */
export const RRF_DEPTH = 100;

/** Whether a value names a fusion method. */
export function isFusion(v: unknown): v is Fusion {
  return typeof v === 'string' && (FUSIONS as readonly string[]).includes(v);
}

/** The reciprocal-rank contribution of a 1-based rank (0 past RRF_DEPTH or for rank 0 = not listed). */
export function rrfValue(rank: number): number {
  return rank >= 1 && rank <= RRF_DEPTH ? 1 / (RRF_K + rank) : 0;
}

/**
 * Adds one component's fused scores into `out`: `eligible` items define the z-score statistics, `blocked` items
 * (known, disliked, not eligible) never get a reciprocal rank. Returns the standardisation (for explanations).
 */
export function addFused(
  fusion: Fusion,
  scores: Float32Array,
  eligible: Uint8Array,
  blocked: Uint8Array,
  weight: number,
  out: Float32Array,
): { mean: number; inv: number } {
  const st = standardisation(scores, eligible);
  // Learned fusion scores the pool itself (ranker.ts): nothing is added over all items.
  if (weight === 0 || fusion === 'learned') return st;
  if (fusion === 'z') {
    const f = weight * st.inv;
    for (let i = 0; i < scores.length; i++) out[i]! += f * (scores[i]! - st.mean);
  } else {
    topK(scores, RRF_DEPTH, blocked).forEach((r, rank) => (out[r.item]! += weight * rrfValue(rank + 1)));
  }
  return st;
}
