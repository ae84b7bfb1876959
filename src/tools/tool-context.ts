/**
 * What tools receive: role-named services and the person the call is for. `createToolServices` is the one place
 * that builds the real implementations (from a Db, the state folder and the loaded model); tools never read config.
 */
import type { Db } from '../db/db.ts';
import type { Logger } from '../logging/logger.ts';
import type { SeededRandom } from '../recsys/rng.ts';
import type { TrackModel } from '../serving/track-model.ts';
import type { Catalog } from './catalog.ts';
import type { ToolCallOutcome } from './registry.ts';
import type { Experiments } from './experiments.ts';
import type { PreferenceStore } from './preference-store.ts';
import type { RatingStore } from './rating-store.ts';
import { DbCatalog } from './services/db-catalog.ts';
import { DbExperiments } from './services/db-experiments.ts';
import { DbRatingStore } from './services/db-rating-store.ts';
import { ServingModels } from './services/serving-models.ts';
import type { TrackRecommender } from './track-recommender.ts';

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
  readonly logger: Logger;
  /** The swappable models behind `recommender` and `preferences` (hot reload: `models.reload()`, ModelWatcher). */
  readonly models?: ServingModels;
}

/** Instrumentation of tool calls, told each call's outcome and duration (src/server/metrics.ts implements it). */
export interface ToolObserver {
  toolCall(tool: string, outcome: ToolCallOutcome, seconds: number): void;
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
}

/** Builds the real services over the database and the active models. */
export async function createToolServices(deps: ToolServiceDeps): Promise<ToolServices> {
  const models = await ServingModels.create(deps);
  const catalog = await DbCatalog.open(deps.db);
  const experiments = new DbExperiments(deps.db, deps.random);
  return { catalog, recommender: models.recommender, ratings: new DbRatingStore(deps.db), preferences: models.preferences, experiments, logger: deps.logger, models };
}
