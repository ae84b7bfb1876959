/**
 * The models that serving answers from, swappable while the process runs: the chat model (TrackModel), the ranked
 * recommender over it and the preference store whose feature space is built over its tracks. `recommender` and
 * `preferences` are stable facades; `reload()` builds the new set aside and swaps it in with one assignment, so a
 * call already running finishes on the models it started with and no call is dropped. A new active version that
 * cannot be loaded (missing or corrupt files) is refused and the old one keeps serving.
 */
import type { Db } from '../../db/db.ts';
import { activeModelVersion, TRACK_MODEL_KIND } from '../../db/model-versions.ts';
import type { Logger } from '../../logging/logger.ts';
import type { RecsysError } from '../../recsys/errors.ts';
import type { ArtistServingParams } from '../../recsys/ranking/ranking-params.ts';
import type { SeededRandom } from '../../recsys/rng.ts';
import type { ArtistModel } from '../models/artist-model.ts';
import { loadTrackModel, type TrackModel } from '../models/track-model.ts';
import type { Catalog } from '../ports/catalog.ts';
import type { Listeners } from '../ports/listeners.ts';
import type { PreferenceStore } from '../ports/preference-store.ts';
import type { TrackRecommender } from '../ports/track-recommender.ts';
import { DbListeners } from '../postgres/db-listeners.ts';
import { DbPreferenceStore, type PersonalPriorSource } from '../postgres/db-preference-store.ts';
import { activeContentFactors, buildPreferenceSpace, cfFactorsOf } from './preference-space.ts';
import { RankedTrackRecommender } from './ranked-track-recommender.ts';

/** What a reload did. */
export type ReloadOutcome =
  | { readonly status: 'swapped'; readonly from: string | undefined; readonly to: string | undefined }
  | { readonly status: 'refused'; readonly kept: string | undefined; readonly problem: RecsysError };

/** Dependencies (as createToolServices receives them). */
interface ServingModelDeps {
  readonly db: Db;
  readonly home: string;
  readonly logger: Logger;
  /** The chat model to start with (default: the active version). */
  readonly model?: TrackModel;
  /** The artist model (default: the active version; null: none). The served benchmark passes one trained without its held-out listeners. */
  readonly artists?: ArtistModel | null;
  /** Artist-serving settings over those saved with the artist model (the served benchmark's sweeps); default: the saved ones. */
  readonly artistParams?: Partial<ArtistServingParams>;
  readonly random?: () => SeededRandom;
  /** Per-person prior means of the taste model (stated tastes); default: the population utility for everyone. */
  readonly personalPrior?: PersonalPriorSource;
  /** The catalogue (similar listeners describe their tracks with it). */
  readonly catalog: Catalog;
}

interface ModelSet {
  readonly model: TrackModel;
  readonly recommender: RankedTrackRecommender;
  readonly preferences: DbPreferenceStore;
  readonly listeners: DbListeners;
}

/** The swappable models behind the tool services. */
export class ServingModels {
  #current: ModelSet;
  #reloading: Promise<ReloadOutcome> | undefined;
  #again = false;

  /** Delegates each call to the recommender current when the call starts. */
  readonly recommender: TrackRecommender;
  /** Delegates each call to the preference store current when the call starts. */
  readonly preferences: PreferenceStore;
  /** Delegates each call to the similar-listeners service over the current model. */
  readonly listeners: Listeners;

  private constructor(
    private readonly deps: ServingModelDeps,
    first: ModelSet,
  ) {
    this.#current = first;
    const current = () => this.#current;
    this.recommender = {
      get description() {
        return current().recommender.description;
      },
      get strategies() {
        return current().recommender.strategies;
      },
      knows: (trackId) => current().recommender.knows(trackId),
      resolveArtist: (name) => current().recommender.resolveArtist(name),
      recommend: (request) => current().recommender.recommend(request),
      similar: (trackId, k, constraints) => current().recommender.similar(trackId, k, constraints),
      explain: (request, trackId) => current().recommender.explain(request, trackId),
    };
    this.preferences = {
      nextComparison: (personId, plausible) => current().preferences.nextComparison(personId, plausible),
      vote: (v) => current().preferences.vote(v),
      taste: (personId) => current().preferences.taste(personId),
    };
    this.listeners = {
      similar: (personId, count) => current().listeners.similar(personId, count),
      candidates: (personId) => current().listeners.candidates(personId),
      consent: (personId, shownName) => current().listeners.consent(personId, shownName),
      shownName: (personId) => current().listeners.shownName(personId),
    };
  }

  /** Loads the active models (or uses `deps.model`). */
  static async create(deps: ServingModelDeps): Promise<ServingModels> {
    const model = deps.model ?? (await loadTrackModel(deps.db, deps.home));
    if (model.unloadable !== undefined) {
      deps.logger.error({ err: model.problem, version: model.unloadable }, 'the active chat model cannot be loaded; serving the popularity floor and reporting not ready');
    } else if (model.problem !== undefined) deps.logger.warn({ err: model.problem }, 'serving the popularity floor');
    return new ServingModels(deps, await ServingModels.build(deps, model));
  }

  private static async build(deps: ServingModelDeps, model: TrackModel): Promise<ModelSet> {
    const recommender = await RankedTrackRecommender.create(deps.db, model, {
      home: deps.home,
      ...(deps.artists !== undefined ? { artists: deps.artists } : {}),
      ...(deps.artistParams !== undefined ? { artistParams: deps.artistParams } : {}),
    });
    const preferences = new DbPreferenceStore(
      deps.db,
      async () => buildPreferenceSpace(deps.db, model.trackIds, cfFactorsOf(model), await activeContentFactors(deps.db, deps.home)),
      deps.random,
      deps.personalPrior,
    );
    return { model, recommender, preferences, listeners: new DbListeners(deps.db, model, deps.catalog) };
  }

  /** The chat model serving now. */
  get model(): TrackModel {
    return this.#current.model;
  }

  /**
   * Loads the active versions again and swaps them in. Refuses (keeping the current models) when the active chat
   * model cannot be loaded while a working one is serving. Calls made during a reload share it, and one more reload
   * follows so that a version activated meanwhile is not missed.
   */
  reload(): Promise<ReloadOutcome> {
    if (this.#reloading !== undefined) {
      this.#again = true;
      return this.#reloading;
    }
    const run = this.#reload().finally(() => {
      this.#reloading = undefined;
      if (this.#again) {
        this.#again = false;
        void this.reload().catch((err: unknown) => this.deps.logger.error({ err }, 'model reload failed'));
      }
    });
    this.#reloading = run;
    return run;
  }

  async #reload(): Promise<ReloadOutcome> {
    const old = this.#current.model;
    // Only the content index or the classifiers changed: keep the loaded chat model, rebuild what depends on them.
    const active = await activeModelVersion(this.deps.db, TRACK_MODEL_KIND);
    const same = old.source === 'model' && active !== undefined && active.version === old.version;
    const next = same ? old : await loadTrackModel(this.deps.db, this.deps.home);
    if (next.source !== 'model' && next.problem !== undefined && old.source === 'model') {
      this.deps.logger.error({ err: next.problem, kept: old.version }, 'the active chat model cannot be loaded; still serving the previous version');
      return { status: 'refused', kept: old.version, problem: next.problem };
    }
    this.#current = await ServingModels.build(this.deps, next);
    this.deps.logger.info({ from: old.version, to: next.version }, 'models reloaded');
    return { status: 'swapped', from: old.version, to: next.version };
  }
}
