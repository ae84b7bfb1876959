/**
 * The two implementations every port contract runs against: the Postgres adapters on a PGlite clone of the migrated
 * template (test/support/db.ts) seeded with the contract catalogue, and the in-memory fakes over a MemoryWorld of the
 * same catalogue. A backend builds each port on demand, so a contract gets a fresh implementation per test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll } from 'vitest';
import type { Db } from '../../../src/db/db.ts';
import { resolvePerson } from '../../../src/serving/state/people.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { trainCfModel } from '../../../src/pipeline/train-cf-model.ts';
import { PreferenceFeatures } from '../../../src/recsys/preference/preference-features.ts';
import { SeededRandom } from '../../../src/recsys/rng.ts';
import { MemoryCatalog } from '../../../src/serving/fakes/memory-catalog.ts';
import { MemoryExperiments } from '../../../src/serving/fakes/memory-experiments.ts';
import { MemoryListeners } from '../../../src/serving/fakes/memory-listeners.ts';
import { MemoryPreferenceStore } from '../../../src/serving/fakes/memory-preference-store.ts';
import { MemoryRatingStore } from '../../../src/serving/fakes/memory-rating-store.ts';
import { MemoryRequestLog } from '../../../src/serving/fakes/memory-request-log.ts';
import { MemoryTasteStore } from '../../../src/serving/fakes/memory-taste-store.ts';
import { MemoryTrackRecommender } from '../../../src/serving/fakes/memory-track-recommender.ts';
import { MemoryWorld } from '../../../src/serving/fakes/memory-world.ts';
import { loadTrackModel } from '../../../src/serving/models/track-model.ts';
import type { Catalog } from '../../../src/serving/ports/catalog.ts';
import type { Experiments } from '../../../src/serving/ports/experiments.ts';
import type { Listeners } from '../../../src/serving/ports/listeners.ts';
import type { PreferenceStore } from '../../../src/serving/ports/preference-store.ts';
import type { RatingStore } from '../../../src/serving/ports/rating-store.ts';
import type { RequestLog } from '../../../src/serving/ports/request-log.ts';
import { DbCatalog } from '../../../src/serving/postgres/db-catalog.ts';
import { DbExperiments } from '../../../src/serving/postgres/db-experiments.ts';
import { DbListeners } from '../../../src/serving/postgres/db-listeners.ts';
import { DbPreferenceStore } from '../../../src/serving/postgres/db-preference-store.ts';
import { DbRatingStore } from '../../../src/serving/postgres/db-rating-store.ts';
import { DbRequestLog } from '../../../src/serving/postgres/db-request-log.ts';
import { DbTasteStore } from '../../../src/serving/postgres/db-taste-store.ts';
import type { NamedPreferenceSpace } from '../../../src/serving/recommender/preference-space.ts';
import type { TasteStore } from '../../../src/serving/ports/stated-tastes.ts';
import type { TrackRecommender } from '../../../src/serving/ports/track-recommender.ts';
import { createToolServices } from '../../../src/tools/tool-context.ts';
import { DRIVERS, freshDb, type Driver } from '../../support/db.ts';
import { CONTRACT_WORLD, seedDatabase } from './contract-fixture.ts';

/** A stored recommend request, as a drift check reads it. */
export interface StoredRequest {
  readonly personId: number;
  readonly platform: string;
  readonly genres: readonly string[];
  readonly moods: readonly string[];
  readonly activity: string | null;
}

/** One implementation of every port over the contract catalogue. */
export interface Backend {
  /** A new person (a people row in Postgres); the name only needs to be unique within the backend. */
  person(name: string): Promise<number>;
  /** The id of a contract track by title. */
  track(title: string): number;
  /** The id of a catalogue artist by name (as stored). */
  artist(name: string): Promise<number>;
  catalog(): Promise<Catalog>;
  ratings(): RatingStore;
  tastes(): TasteStore;
  requests(): RequestLog;
  /** Every stored recommend request, oldest first. */
  storedRequests(): Promise<StoredRequest[]>;
  experiments(random: () => SeededRandom, now: () => number): Experiments;
  listeners(): Promise<Listeners>;
  /** A preference store over `preferenceSpace(backend)`, with seeded randomness. */
  preferences(random: () => SeededRandom): PreferenceStore;
  recommender(): Promise<TrackRecommender>;
  close(): Promise<void>;
}

/** How to open a backend, by name. */
export type BackendFactory = () => Promise<Backend>;

/** Tracks of the contract catalogue that have preference features: all but the last (unplayed) one. */
const FEATURED = CONTRACT_WORLD.tracks.length - 1;

/** A small preference space over the contract tracks' audio (energy, valence, danceability), generated in code. */
export function preferenceSpace(trackIds: readonly number[]): NamedPreferenceSpace {
  const ids = Int32Array.from(trackIds.slice(0, FEATURED));
  const values = new Float32Array(ids.length * 3);
  CONTRACT_WORLD.tracks.slice(0, FEATURED).forEach((s, i) => {
    values[i * 3] = s.audio?.energy ?? Number.NaN;
    values[i * 3 + 1] = s.audio?.valence ?? Number.NaN;
    values[i * 3 + 2] = s.audio?.danceability ?? Number.NaN;
  });
  const features = PreferenceFeatures.build(ids, [{ name: 'audio', dim: 3, values }]);
  return { features, featureVersion: 'contract-audio', population: new Float64Array(3), columnNames: ['energy', 'valence', 'danceability'] };
}

/** The Postgres adapters on a fresh clone of the migrated template (PGlite, or the CI Postgres) seeded with the contract catalogue. */
export const postgresBackend = (driver: Driver): BackendFactory => async () => {
  const db: Db = await freshDb(driver);
  const ids = await seedDatabase(db);
  const byTitle = new Map(CONTRACT_WORLD.tracks.map((s, i) => [s.title, ids[i]!]));
  let home: string | undefined;
  let catalog: DbCatalog | undefined;
  const openCatalog = async () => (catalog ??= await DbCatalog.open(db));
  return {
    person: (name) => resolvePerson(db, 'contract', name),
    track: (title) => byTitle.get(title) ?? fail(`no contract track ${title}`),
    artist: async (name) => {
      const [row] = await db.rows<{ id: number }>(sql`select id from artists where name = ${name}`);
      return row === undefined ? fail(`no contract artist ${name}`) : Number(row.id);
    },
    catalog: openCatalog,
    ratings: () => new DbRatingStore(db),
    tastes: () => new DbTasteStore(db),
    requests: () => new DbRequestLog(db, silentLogger),
    storedRequests: async () =>
      (await db.rows<{ person_id: number; platform: string; genres: string[]; moods: string[]; activity: string | null }>(sql`select person_id, platform, genres, moods, activity from recommend_requests order by id`)).map((r) => ({
        personId: Number(r.person_id),
        platform: r.platform,
        genres: r.genres,
        moods: r.moods,
        activity: r.activity,
      })),
    experiments: (random, now) => new DbExperiments(db, random, { now }),
    // No collaborative model: similarity falls back to the liked-track sets, as the fake computes it.
    listeners: async () => new DbListeners(db, await loadTrackModel(db, '/nonexistent'), await openCatalog(), { minRebuildMs: 0 }),
    preferences: (random) => new DbPreferenceStore(db, async () => preferenceSpace(ids), random),
    recommender: async () => {
      home ??= await mkdtemp(path.join(os.tmpdir(), 'earworm-contract-'));
      await trainCfModel(db, home, silentLogger, { version: 'contract', ials: { factors: 8, iterations: 5 } });
      let seed = 1;
      return (await createToolServices({ db, home, logger: silentLogger, artists: null, random: () => new SeededRandom(seed++) })).recommender;
    },
    close: async () => {
      await db.close();
      if (home !== undefined) await rm(home, { recursive: true, force: true });
    },
  };
};

/** The in-memory fakes over one MemoryWorld of the contract catalogue. */
export const memoryBackend: BackendFactory = async () => {
  const world = new MemoryWorld(CONTRACT_WORLD);
  const people = new Map<string, number>();
  const catalog = new MemoryCatalog(world);
  return {
    person: async (name) => {
      if (!people.has(name)) people.set(name, people.size + 1);
      return people.get(name)!;
    },
    track: (title) => world.trackId(title),
    artist: async (name) => world.artists.find((a) => a.name === name)?.id ?? fail(`no contract artist ${name}`),
    catalog: async () => catalog,
    ratings: () => new MemoryRatingStore(world),
    tastes: () => new MemoryTasteStore(world),
    requests: () => new MemoryRequestLog(world),
    storedRequests: async () => world.requests.map((r) => ({ ...r })),
    experiments: (random, now) => new MemoryExperiments(world, random, now),
    listeners: async () => new MemoryListeners(world, catalog),
    preferences: (random) => new MemoryPreferenceStore(world, preferenceSpace(world.tracks.map((t) => t.id)), random),
    recommender: async () => new MemoryTrackRecommender(world),
    close: async () => {},
  };
};

/** Both implementations, for `describe.each`: the adapters on every driver of this run, and the fakes. */
export const BACKENDS: readonly (readonly [string, BackendFactory])[] = [
  ...DRIVERS.map((d) => [`postgres adapter (${d === 'pglite' ? 'PGlite' : 'Postgres'})`, postgresBackend(d)] as const),
  ['in-memory fake', memoryBackend],
];

function fail(message: string): never {
  throw new Error(message);
}

/**
 * Opens one backend for the enclosing suite (a PGlite clone costs seconds on a loaded machine) and returns its
 * getter; tests stay independent by using their own people, and build a fresh port implementation each.
 */
export function suiteBackend(open: BackendFactory): () => Backend {
  let b: Backend | undefined;
  beforeAll(async () => {
    b = await open();
  });
  afterAll(async () => {
    await b?.close();
  });
  return () => b ?? fail('the backend is opened in beforeAll');
}
