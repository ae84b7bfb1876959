/** The popularity floor: every person gets the most-interacted items they do not have yet. */
import type { ModelSnapshot, SnapshotArray } from './model-snapshot.ts';
import { interactionsFromSnapshot, ScoringRecommender } from './scoring-recommender.ts';
import { expectKind } from './snapshot-fields.ts';
import type { CsrMatrix } from './sparse-matrix.ts';

/** Scores each item by its number of training interactions; ties by first appearance. */
export class PopularityRecommender extends ScoringRecommender {
  readonly kind = 'popularity';

  protected fitModel(_interactions: CsrMatrix): void {}

  protected userScores(_user: number, out: Float32Array): void {
    out.set(this.itemPopularity);
  }

  protected seedScores(_seeds: readonly number[], out: Float32Array): void {
    out.set(this.itemPopularity);
  }

  protected snapshotModel(): { params: ModelSnapshot['params']; arrays: Record<string, SnapshotArray> } {
    return { params: {}, arrays: {} };
  }

  /** Rebuilds a fitted model from its snapshot. */
  static fromSnapshot(snapshot: ModelSnapshot): PopularityRecommender {
    expectKind(snapshot, 'popularity');
    const model = new PopularityRecommender();
    model.setInteractions(interactionsFromSnapshot(snapshot));
    return model;
  }
}
