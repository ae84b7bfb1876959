/** A fresh database seeded by a test, a CF model trained on it, and the served recommender over it. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../src/db/db.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { trainCfModel } from '../../src/pipeline/train-cf-model.ts';
import { loadTrackModel } from '../../src/serving/models/track-model.ts';
import { RankedTrackRecommender } from '../../src/serving/recommender/ranked-track-recommender.ts';
import { freshDb } from './db.ts';

/** What openServedRecommender gives: the seeded fixture, the recommender, and a close that removes both. */
export interface ServedFixture<T> {
  readonly db: Db;
  readonly fixture: T;
  readonly served: RankedTrackRecommender;
  close(): Promise<void>;
}

/** Seeds a fresh PGlite database with `seed`, trains a small CF model on it and opens the served recommender. */
export async function openServedRecommender<T>(name: string, seed: (db: Db) => Promise<T>): Promise<ServedFixture<T>> {
  const db = await freshDb('pglite');
  const home = await mkdtemp(path.join(os.tmpdir(), `earworm-${name}-`));
  const fixture = await seed(db);
  await trainCfModel(db, home, silentLogger, { version: 'v1', ials: { factors: 8, iterations: 5 } });
  const served = await RankedTrackRecommender.create(db, await loadTrackModel(db, home), { artists: null, home });
  return {
    db,
    fixture,
    served,
    async close() {
      await db.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}
