/** The TrackRecommender contract against the ranked recommender over a trained model and the in-memory fake. */
import { describe } from 'vitest';
import { trackRecommenderContract } from './track-recommender.contract.ts';
import { BACKENDS } from './support/backends.ts';

describe.each(BACKENDS)('TrackRecommender contract: %s', (_name, open) => trackRecommenderContract(open));
