/** The interface every recommendation model implements (after implicit's fit / recommend / similar_items). */
import type { ModelSnapshot } from './model-snapshot.ts';
import type { CsrMatrix } from './sparse-matrix.ts';
import type { ScoredItem } from './top-k.ts';

/** Options for one recommendation request. */
export interface RecommendOptions {
  /** Item indices never to return (besides the person's history or the seeds, which are always left out). */
  readonly exclude?: readonly number[];
}

/**
 * A recommendation model over dense user and item indices (rows and columns of the interaction matrix).
 * Unknown indices throw UnknownUserError / UnknownItemError; an empty seed list throws EmptySeedsError; a person
 * with no history, or seeds none of which occur in training, get the popularity ranking (the documented floor).
 */
export interface Recommender {
  /** Model family, e.g. "ials"; also the folder name under models/. */
  readonly kind: string;
  /** Learns from a users × items matrix of non-negative interaction weights. */
  fit(interactions: CsrMatrix): void;
  /** The k best items for a known user, never one the user already has. */
  recommend(user: number, k: number, options?: RecommendOptions): ScoredItem[];
  /** The k best items for a new person who named these seed items (fold-in), never a seed. */
  recommendFromSeeds(seeds: readonly number[], k: number, options?: RecommendOptions): ScoredItem[];
  /** The k items most similar to one item, never the item itself. */
  similarItems(item: number, k: number): ScoredItem[];
  /** The trained model as data, for a model file. */
  toSnapshot(): ModelSnapshot;
}

/** Dense scores over all items: what blends and the evaluator consume. Higher is better. */
export interface ItemScorer {
  readonly itemCount: number;
  /** Writes a score for every item for a known user. */
  scoreUser(user: number, out: Float32Array): void;
  /** Writes a score for every item for a new person given seed items. */
  scoreSeeds(seeds: readonly number[], out: Float32Array): void;
}
