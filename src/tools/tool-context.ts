/**
 * What tools receive: role-named services and the person the call is for. `createToolServices` is the one place
 * that builds the real implementations (from a Db, the state folder and the loaded model); tools never read config.
 */
import { entityIndexOf, type EntityIndex } from '../catalog/entity-linker.ts';
import type { Db } from '../db/db.ts';
import type { Logger } from '../logging/logger.ts';
import type { ArtistServingParams } from '../recsys/ranking/ranking-params.ts';
import type { SeededRandom } from '../recsys/rng.ts';
import type { ArtistModel } from '../serving/models/artist-model.ts';
import type { TrackModel } from '../serving/models/track-model.ts';
import { createSpotifyService, type SpotifyService, type SpotifyServiceOverrides, type SpotifySettings } from '../spotify/spotify-service.ts';
import type { Catalog } from '../serving/ports/catalog.ts';
import type { Experiments } from '../serving/ports/experiments.ts';
import type { Listeners } from '../serving/ports/listeners.ts';
import type { PreferenceStore } from '../serving/ports/preference-store.ts';
import type { RatingStore } from '../serving/ports/rating-store.ts';
import type { RecommendCache } from '../serving/cache/recommend-cache.ts';
import type { RequestLog } from '../serving/ports/request-log.ts';
import { DbCatalog } from '../serving/postgres/db-catalog.ts';
import { DbExperiments } from '../serving/postgres/db-experiments.ts';
import { DbRatingStore } from '../serving/postgres/db-rating-store.ts';
import { DbRequestLog } from '../serving/postgres/db-request-log.ts';
import { DbTasteStore } from '../serving/postgres/db-taste-store.ts';
import { LruRecommendCache } from '../serving/cache/lru-recommend-cache.ts';
import { ServingModels } from '../serving/recommender/serving-models.ts';
import { statedPrior } from '../serving/recommender/stated-prior.ts';
import type { TasteStore } from '../serving/ports/stated-tastes.ts';
import type { TrackRecommender } from '../serving/ports/track-recommender.ts';

/** The shared services every tool call may use. */
export interface ToolServices {
  readonly catalog: Catalog;
  /** Told about every tool call (metrics: calls, latency, votes stored); optional, and it must not throw. */
  readonly observer?: ToolObserver;
  readonly recommender: TrackRecommender;
  readonly ratings: RatingStore;
  readonly preferences: PreferenceStore;
  /** The recommend-strategy experiment (bandit choice, served tracks, rewards). */
  readonly experiments: Experiments;
  /** What people stated they like (onboarding). */
  readonly tastes: TasteStore;
  /** Similar listeners ("people like you"), in aggregate, and consent to be shown. */
  readonly listeners: Listeners;
  /** Recent recommend answers per (person, request, model version). */
  readonly recommendCache: RecommendCache;
  /** What people ask recommend for (genres, moods, activity): the requested side of drift monitoring. */
  readonly requests: RequestLog;
  readonly logger: Logger;
  /** The person's Spotify link; absent when Spotify is not configured. */
  readonly spotify?: SpotifyService;
  /** The swappable models behind `recommender` and `preferences` (hot reload: `models.reload()`, ModelWatcher). */
  readonly models?: ServingModels;
  /** The catalogue's entity index (artists, tracks, albums), built on first use; the chat planner links names with it. */
  readonly entities?: () => Promise<EntityIndex>;
}

/** What an observer is told of a call's outcome: the registry's ToolCallOutcome, seen without importing the registry. */
export type ObservedOutcome = { readonly kind: 'ok'; readonly value: unknown } | { readonly kind: 'retry' | 'user' | 'system'; readonly code: string };

/** Instrumentation of tool calls, told each call's outcome and duration (src/server/metrics.ts implements it). */
export interface ToolObserver {
  toolCall(tool: string, outcome: ObservedOutcome, seconds: number): void;
}

/** One call's context: the services plus the person it is for. */
export interface ToolContext extends ToolServices {
  readonly personId: number;
  /** The platform the call came from (`discord`, `slack`, `mcp`, `web`, `terminal`, …); `unknown` when not said. */
  readonly platform: string;
}

/** What a front end may say about a call besides the person. */
export interface ContextExtras {
  readonly platform?: string;
}

/** Binds the services to a person (and, optionally, the platform they are on). */
export function contextFor(services: ToolServices, personId: number, extras: ContextExtras = {}): ToolContext {
  return { ...services, personId, platform: extras.platform ?? 'unknown' };
}

/** Dependencies of the real services. */
export interface ToolServiceDeps {
  readonly db: Db;
  /** State folder holding model files. */
  readonly home: string;
  readonly logger: Logger;
  /** The loaded chat model (default: loaded from `db` and `home`). */
  readonly model?: TrackModel;
  /** The artist model (default: the active version; null: none). */
  readonly artists?: ArtistModel | null;
  /** Artist-serving settings over those saved with the artist model (the served benchmark's sweeps); default: the saved ones. */
  readonly artistParams?: Partial<ArtistServingParams>;
  /** Pair-selection and bandit-sampling randomness (default: a fresh random seed per comparison or choice). */
  readonly random?: () => SeededRandom;
  /** The recommend cache (default: an in-process LRU; the entry point passes RedisRecommendCache.connect(redisUrl)). */
  readonly recommendCache?: RecommendCache;
  /** The clock of the contextual bandit's time-of-day and weekday context (default Date.now). */
  readonly now?: () => number;
  /** Spotify app settings (`spotifySettings(config)`); absent leaves the Spotify tools answering "not configured". */
  readonly spotify?: SpotifySettings & SpotifyServiceOverrides;
}

/** Builds the real services over the database and the active models. */
export async function createToolServices(deps: ToolServiceDeps): Promise<ToolServices> {
  const catalog = await DbCatalog.open(deps.db);
  const tastes = new DbTasteStore(deps.db);
  const models = await ServingModels.create({ ...deps, catalog, personalPrior: (personId, space) => statedPrior(tastes, space, personId) });
  const spotify = deps.spotify === undefined ? undefined : createSpotifyService({ db: deps.db, logger: deps.logger, settings: deps.spotify, ...deps.spotify });
  const experiments = new DbExperiments(deps.db, deps.random, deps.now !== undefined ? { now: deps.now } : {});
  return {
    catalog,
    recommender: models.recommender,
    ratings: new DbRatingStore(deps.db),
    preferences: models.preferences,
    experiments,
    tastes,
    listeners: models.listeners,
    recommendCache: deps.recommendCache ?? new LruRecommendCache(),
    requests: new DbRequestLog(deps.db, deps.logger),
    logger: deps.logger,
    models,
    entities: () => entityIndexOf(deps.db),
    ...(spotify !== undefined ? { spotify } : {}),
  };
}
