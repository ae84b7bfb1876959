/** Restores any model kind from its snapshot. */
import { ContentProfileRecommender } from './content-profile.ts';
import { InvalidSnapshotError } from './errors.ts';
import { HybridRecommender } from './hybrid.ts';
import { IalsRecommender } from './ials.ts';
import { ItemKnnRecommender } from './item-knn.ts';
import type { ModelSnapshot } from './model-snapshot.ts';
import { PopularityRecommender } from './popularity.ts';
import { Rp3betaRecommender } from './rp3beta.ts';
import type { ScoringRecommender } from './scoring-recommender.ts';

/** Rebuilds a fitted model; throws InvalidSnapshotError (or another RecsysError) for a snapshot it cannot use. */
export function restoreRecommender(snapshot: ModelSnapshot): ScoringRecommender {
  switch (snapshot.kind) {
    case 'popularity':
      return PopularityRecommender.fromSnapshot(snapshot);
    case 'itemknn':
      return ItemKnnRecommender.fromSnapshot(snapshot);
    case 'rp3beta':
      return Rp3betaRecommender.fromSnapshot(snapshot);
    case 'ials':
      return IalsRecommender.fromSnapshot(snapshot);
    case 'content-profile':
      return ContentProfileRecommender.fromSnapshot(snapshot);
    case 'hybrid':
      return HybridRecommender.fromSnapshot(snapshot, restoreRecommender);
    default:
      throw new InvalidSnapshotError(`unknown model kind ${JSON.stringify(snapshot.kind)}`);
  }
}
