/** Serving-side loading: the active model version, or the popularity floor when it cannot be loaded. */
import { RecsysError } from './errors.ts';
import type { ModelStore } from './model-store.ts';
import { PopularityRecommender } from './popularity.ts';
import type { ScoringRecommender } from './scoring-recommender.ts';
import type { CsrMatrix } from './sparse-matrix.ts';

/** The version the database marks active (kind, version and the checksum recorded at save). */
export interface ActiveModel {
  readonly kind: string;
  readonly version: string;
  readonly checksum?: string;
}

/** What serving runs on, and why it fell back if it did. */
export interface ServingModel {
  readonly recommender: ScoringRecommender;
  /** "model": the active version; "popularity-fallback": the floor, because of `problem`. */
  readonly source: 'model' | 'popularity-fallback';
  readonly problem: RecsysError | undefined;
}

/**
 * Loads the active version at start. When there is no active version, or its file is missing or corrupt (any
 * RecsysError), serving does not crash: it answers with popularity fitted on `interactions` and reports the problem
 * for logging. Errors that are not RecsysErrors (bugs) propagate.
 */
export async function loadServingModel(store: ModelStore, active: ActiveModel | undefined, interactions: CsrMatrix): Promise<ServingModel> {
  if (active !== undefined) {
    try {
      const recommender = await store.load(active.kind, active.version, active.checksum);
      return { recommender, source: 'model', problem: undefined };
    } catch (err) {
      if (!(err instanceof RecsysError)) throw err;
      return { recommender: popularity(interactions), source: 'popularity-fallback', problem: err };
    }
  }
  return { recommender: popularity(interactions), source: 'popularity-fallback', problem: undefined };
}

function popularity(interactions: CsrMatrix): PopularityRecommender {
  const p = new PopularityRecommender();
  p.fit(interactions);
  return p;
}
