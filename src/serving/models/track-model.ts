/**
 * The chat recommender as serving sees it: the active model version loaded at start (its files under the current
 * state folder), with catalogue track ids in and out. When no version is active, or its files are missing or corrupt,
 * it serves the popularity floor over the stored interactions and says why; an active version that cannot be loaded
 * is named in `unloadable`, which readiness reports as a failure (a broken model is not a quiet downgrade).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../db/db.ts';
import { activeModelVersion, modelFilePath, TRACK_IDS_FILE, TRACK_MODEL_KIND } from '../../db/model-versions.ts';
import { loadTrackInteractions } from '../../db/track-interactions.ts';
import { ModelFileCorruptError, ModelFileMissingError, RecsysError } from '../../recsys/errors.ts';
import { pairsToMatrix } from '../../recsys/interaction-pairs.ts';
import { ModelStore } from '../../recsys/model-store.ts';
import { PopularityRecommender } from '../../recsys/popularity.ts';
import { rankingParamsOf, type RankingParams } from '../../recsys/ranking/ranking-params.ts';
import type { ScoringRecommender } from '../../recsys/scoring-recommender.ts';

/** A recommended catalogue track with the model's score. */
interface ScoredTrack {
  readonly trackId: number;
  readonly score: number;
}

/** The loaded recommender over catalogue track ids. */
export class TrackModel {
  readonly #indexOf: Map<number, number>;

  constructor(
    readonly recommender: ScoringRecommender,
    readonly trackIds: Int32Array,
    /** `model`: the active version; `popularity-fallback`: the floor, because of `problem`. */
    readonly source: 'model' | 'popularity-fallback',
    readonly version: string | undefined,
    readonly problem: RecsysError | undefined,
    /** The active version whose files could not be loaded (so the floor serves instead of it); undefined otherwise. */
    readonly unloadable?: string,
    /** The ranking settings saved with the version at training time (undefined: none saved, serving's defaults apply). */
    readonly ranking?: RankingParams,
  ) {
    this.#indexOf = new Map(Array.from(trackIds, (t, i) => [t, i]));
  }

  /** Whether the model can use a track as a seed (it occurs in the training interactions). */
  knows(trackId: number): boolean {
    return this.#indexOf.has(trackId);
  }

  /**
   * The k best tracks for someone who named these tracks (fold-in). Seeds the model has never seen are ignored;
   * when none is known the answer is the popularity ranking. `exclude` tracks are never returned.
   */
  recommendFromTracks(seedTrackIds: readonly number[], k: number, exclude: readonly number[] = []): ScoredTrack[] {
    const seeds = seedTrackIds.map((t) => this.#indexOf.get(t)).filter((i): i is number => i !== undefined);
    const excluded = exclude.map((t) => this.#indexOf.get(t)).filter((i): i is number => i !== undefined);
    const items = seeds.length > 0 ? this.recommender.recommendFromSeeds(seeds, k, { exclude: excluded }) : this.popular(k, excluded);
    return items.map((r) => ({ trackId: this.trackIds[r.item]!, score: r.score }));
  }

  /** The k tracks most similar to one track; empty when the model has never seen it. */
  similarTracks(trackId: number, k: number): ScoredTrack[] {
    const i = this.#indexOf.get(trackId);
    if (i === undefined) return [];
    return this.recommender.similarItems(i, k).map((r) => ({ trackId: this.trackIds[r.item]!, score: r.score }));
  }

  private popular(k: number, exclude: number[]): { item: number; score: number }[] {
    const pop = this.recommender.itemPopularity;
    const blocked = new Set(exclude);
    return Array.from(pop, (score, item) => ({ item, score }))
      .filter((r) => r.score > 0 && !blocked.has(r.item))
      .sort((a, b) => b.score - a.score || a.item - b.item)
      .slice(0, k);
  }
}

/** Loads the active chat recommender, or the popularity floor (with the reason) when it cannot be used. */
export async function loadTrackModel(db: Db, home: string): Promise<TrackModel> {
  const active = await activeModelVersion(db, TRACK_MODEL_KIND);
  if (active !== undefined) {
    try {
      const file = modelFilePath(home, active);
      const store = ModelStore.underHome(home);
      const recommender = await store.loadFile(file, active.checksum ?? undefined);
      const ids = await readTrackIds(path.join(path.dirname(file), TRACK_IDS_FILE), recommender.itemCount);
      const saved = rankingParamsOf(active.params);
      return new TrackModel(recommender, ids, 'model', active.version, undefined, undefined, saved.problem === undefined ? saved.params : undefined);
    } catch (err) {
      if (!(err instanceof RecsysError)) throw err;
      return fallback(db, err, active.version);
    }
  }
  return fallback(db, undefined, undefined);
}

async function fallback(db: Db, problem: RecsysError | undefined, unloadable: string | undefined): Promise<TrackModel> {
  const pairs = await loadTrackInteractions(db);
  const popularity = new PopularityRecommender();
  popularity.fit(pairsToMatrix(pairs));
  return new TrackModel(popularity, pairs.trackIds, 'popularity-fallback', undefined, problem, unloadable);
}

async function readTrackIds(file: string, expected: number): Promise<Int32Array> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ModelFileMissingError(file, { cause: err });
  }
  let ids: unknown;
  try {
    ids = JSON.parse(text);
  } catch (err) {
    throw new ModelFileCorruptError(file, 'is not valid JSON', { cause: err });
  }
  if (!Array.isArray(ids) || ids.length !== expected || !ids.every((x) => Number.isInteger(x))) {
    throw new ModelFileCorruptError(file, `does not list ${expected} integer track ids`);
  }
  return Int32Array.from(ids as number[]);
}
