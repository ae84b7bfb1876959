/** Connects a person's Bradley–Terry posterior to the ranker: utility by item index, confidence from the posterior. */
import type { BradleyTerryPosterior } from '../preference/bradley-terry.ts';
import type { PreferenceFeatures } from '../preference/preference-features.ts';
import type { PreferenceSignal } from './ranker.ts';

/** The ranker's view of a posterior; items whose track has no preference features get NaN (no preference signal). */
export function posteriorSignal(posterior: BradleyTerryPosterior, features: PreferenceFeatures, trackOf: (item: number) => number): PreferenceSignal {
  return {
    confidence: posterior.confidence(),
    utility: (item) => {
      const row = features.indexOf(trackOf(item));
      return row === undefined ? Number.NaN : posterior.utility(features.row(row));
    },
  };
}
