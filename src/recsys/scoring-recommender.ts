/** Shared behaviour of all models: input checks, the popularity floor, history filtering and top-K. */
import { EmptySeedsError, InvalidSnapshotError, NotFittedError, UnknownItemError, UnknownUserError } from './errors.ts';
import type { ModelSnapshot, SnapshotArray } from './model-snapshot.ts';
import type { ItemScorer, RecommendOptions, Recommender } from './recommender.ts';
import { CsrMatrix } from './sparse-matrix.ts';
import { topK, type ScoredItem } from './top-k.ts';

/**
 * Base of every model. Subclasses implement `fitModel`, `userScores` and `seedScores`; this class checks
 * indices, and falls back to popularity (interaction count per item, ties by lower index) when a person has no
 * history or none of the seeds occurs in training. Items that never occur in training are never recommended.
 */
export abstract class ScoringRecommender implements Recommender, ItemScorer {
  abstract readonly kind: string;
  private trained: CsrMatrix | undefined;
  private counts: Float32Array = new Float32Array(0);
  /** Items never seen in training (never recommended); copied into `mask` per request. */
  private untrained: Uint8Array = new Uint8Array(0);
  // Reused per request (calls are synchronous), so a request allocates almost nothing: this keeps p99 low.
  private scratch: Float32Array = new Float32Array(0);
  private mask: Uint8Array = new Uint8Array(0);

  /** The training matrix (users × items). */
  protected get interactions(): CsrMatrix {
    if (this.trained === undefined) throw new NotFittedError(this.kind);
    return this.trained;
  }

  /** Number of items the model knows. */
  get itemCount(): number {
    return this.trained?.cols ?? 0;
  }

  /** Number of users the model knows. */
  get userCount(): number {
    return this.trained?.rows ?? 0;
  }

  /** Interactions per item in training (the popularity floor). */
  get itemPopularity(): Float32Array {
    return this.counts;
  }

  fit(interactions: CsrMatrix): void {
    this.setInteractions(interactions);
    this.fitModel(interactions);
  }

  protected abstract fitModel(interactions: CsrMatrix): void;
  /** Scores for a known user who has at least one training item. */
  protected abstract userScores(user: number, out: Float32Array): void;
  /** Scores from seeds that all occur in training (deduplicated, non-empty). */
  protected abstract seedScores(seeds: readonly number[], out: Float32Array): void;
  /** Model-specific parameters and arrays for the snapshot. */
  protected abstract snapshotModel(): { params: ModelSnapshot['params']; arrays: Record<string, SnapshotArray> };

  /** Installs the training matrix (used by fit and by restore). */
  protected setInteractions(interactions: CsrMatrix): void {
    this.trained = interactions;
    const counts = new Float32Array(interactions.cols);
    for (let p = 0; p < interactions.nnz; p++) counts[interactions.indices[p]!]! += 1;
    this.counts = counts;
    this.untrained = new Uint8Array(interactions.cols);
    for (let i = 0; i < interactions.cols; i++) this.untrained[i] = counts[i] === 0 ? 1 : 0;
    this.scratch = new Float32Array(interactions.cols);
    this.mask = new Uint8Array(interactions.cols);
  }

  scoreUser(user: number, out: Float32Array): void {
    const m = this.interactions;
    if (!Number.isInteger(user) || user < 0 || user >= m.rows) throw new UnknownUserError(user);
    if (m.rowLength(user) === 0) out.set(this.counts);
    else this.userScores(user, out);
  }

  scoreSeeds(seeds: readonly number[], out: Float32Array): void {
    const known = this.knownSeeds(seeds);
    if (known.length === 0) out.set(this.counts);
    else this.seedScores(known, out);
  }

  /** Validates seeds and keeps the distinct ones that occur in training. */
  protected knownSeeds(seeds: readonly number[]): number[] {
    const n = this.interactions.cols;
    if (seeds.length === 0) throw new EmptySeedsError();
    const out: number[] = [];
    for (const s of seeds) {
      if (!Number.isInteger(s) || s < 0 || s >= n) throw new UnknownItemError(s);
      if (this.counts[s]! > 0 && !out.includes(s)) out.push(s);
    }
    return out;
  }

  recommend(user: number, k: number, options?: RecommendOptions): ScoredItem[] {
    const m = this.interactions;
    const scores = this.scratch;
    this.scoreUser(user, scores);
    const blocked = this.blockedMask(options);
    for (let p = m.indptr[user]!; p < m.indptr[user + 1]!; p++) blocked[m.indices[p]!] = 1;
    return topK(scores, k, blocked);
  }

  recommendFromSeeds(seeds: readonly number[], k: number, options?: RecommendOptions): ScoredItem[] {
    const scores = this.scratch;
    this.scoreSeeds(seeds, scores);
    const blocked = this.blockedMask(options);
    for (const s of seeds) blocked[s] = 1;
    return topK(scores, k, blocked);
  }

  similarItems(item: number, k: number): ScoredItem[] {
    return this.recommendFromSeeds([item], k);
  }

  /** A mask of items that may not be returned: never-trained items plus options.exclude (valid until the next call). */
  protected blockedMask(options?: RecommendOptions): Uint8Array {
    const n = this.interactions.cols;
    const blocked = this.mask;
    blocked.set(this.untrained);
    for (const e of options?.exclude ?? []) {
      if (!Number.isInteger(e) || e < 0 || e >= n) throw new UnknownItemError(e);
      blocked[e] = 1;
    }
    return blocked;
  }

  toSnapshot(): ModelSnapshot {
    const m = this.interactions;
    const own = this.snapshotModel();
    return {
      kind: this.kind,
      params: { ...own.params, shape: [m.rows, m.cols] },
      arrays: { ...own.arrays, 'interactions.indptr': m.indptr, 'interactions.indices': m.indices, 'interactions.data': m.data },
    };
  }
}

/** Rebuilds the interaction matrix stored in a snapshot by ScoringRecommender.toSnapshot. */
export function interactionsFromSnapshot(snapshot: ModelSnapshot): CsrMatrix {
  const shape = snapshot.params['shape'];
  const indptr = snapshot.arrays['interactions.indptr'];
  const indices = snapshot.arrays['interactions.indices'];
  const data = snapshot.arrays['interactions.data'];
  if (
    !Array.isArray(shape) ||
    typeof shape[0] !== 'number' ||
    typeof shape[1] !== 'number' ||
    !(indptr instanceof Int32Array) ||
    !(indices instanceof Int32Array) ||
    !(data instanceof Float32Array) ||
    indptr.length !== shape[0] + 1 ||
    indices.length !== data.length ||
    indptr[shape[0]] !== indices.length
  ) {
    throw new InvalidSnapshotError('snapshot has no valid interaction matrix');
  }
  return new CsrMatrix(shape[0], shape[1], indptr, indices, data);
}
