/**
 * What tools receive: role-named services and the person the call is for. `createToolServices` is the one place
 * that builds the real implementations (from a Db, the state folder and the loaded model); tools never read config.
 */
import type { Db } from '../db/db.ts';
import type { Logger } from '../logging/logger.ts';
import type { SeededRandom } from '../recsys/rng.ts';
import { loadTrackModel, type TrackModel } from '../serving/track-model.ts';
import { createSpotifyService, type SpotifyService, type SpotifyServiceOverrides, type SpotifySettings } from '../spotify/spotify-service.ts';
import type { Catalog } from './catalog.ts';
import type { Experiments } from './experiments.ts';
import type { PreferenceStore } from './preference-store.ts';
import type { RatingStore } from './rating-store.ts';
import { DbCatalog } from './services/db-catalog.ts';
import { DbExperiments } from './services/db-experiments.ts';
import { DbPreferenceStore } from './services/db-preference-store.ts';
import { DbRatingStore } from './services/db-rating-store.ts';
import { buildPreferenceSpace } from './services/preference-space.ts';
import { RankedTrackRecommender } from './services/ranked-track-recommender.ts';
import type { TrackRecommender } from './track-recommender.ts';

/** The shared services every tool call may use. */
export interface ToolServices {
  readonly catalog: Catalog;
  readonly recommender: TrackRecommender;
  readonly ratings: RatingStore;
  readonly preferences: PreferenceStore;
  /** The recommend-strategy experiment (bandit choice, served tracks, rewards). */
  readonly experiments: Experiments;
  readonly logger: Logger;
  /** The person's Spotify link; absent when Spotify is not configured. */
  readonly spotify?: SpotifyService;
}

/** One call's context: the services plus the person it is for. */
export interface ToolContext extends ToolServices {
  readonly personId: number;
}

/** Binds the services to a person. */
export function contextFor(services: ToolServices, personId: number): ToolContext {
  return { ...services, personId };
}

/** Dependencies of the real services. */
export interface ToolServiceDeps {
  readonly db: Db;
  /** State folder holding model files. */
  readonly home: string;
  readonly logger: Logger;
  /** The loaded chat model (default: loaded from `db` and `home`). */
  readonly model?: TrackModel;
  /** Pair-selection and bandit-sampling randomness (default: a fresh random seed per comparison or choice). */
  readonly random?: () => SeededRandom;
  /** Spotify app settings (`spotifySettings(config)`); absent leaves the Spotify tools answering "not configured". */
  readonly spotify?: SpotifySettings & SpotifyServiceOverrides;
}

/** Builds the real services over the database and the active models. */
export async function createToolServices(deps: ToolServiceDeps): Promise<ToolServices> {
  const model = deps.model ?? (await loadTrackModel(deps.db, deps.home));
  if (model.problem !== undefined) deps.logger.warn({ err: model.problem }, 'serving the popularity floor');
  const recommender = await RankedTrackRecommender.create(deps.db, model);
  const catalog = await DbCatalog.open(deps.db);
  const preferences = new DbPreferenceStore(deps.db, () => buildPreferenceSpace(deps.db, model.trackIds), deps.random);
  const experiments = new DbExperiments(deps.db, deps.random);
  const spotify = deps.spotify === undefined ? undefined : createSpotifyService({ db: deps.db, logger: deps.logger, settings: deps.spotify, ...deps.spotify });
  return { catalog, recommender, ratings: new DbRatingStore(deps.db), preferences, experiments, logger: deps.logger, ...(spotify !== undefined ? { spotify } : {}) };
}
