import { mkdtemp, rm, truncate, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { activeModelVersion, modelFilePath, TRACK_IDS_FILE } from '../../src/db/model-versions.ts';
import { interactions, playlists, tracks } from '../../src/db/schema.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { NoInteractionsError, trainCfModel } from '../../src/pipeline/train-cf-model.ts';
import type { HybridRecommender } from '../../src/recsys/hybrid.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { loadTrackModel } from '../../src/serving/models/track-model.ts';
import { DRIVERS, freshDb, truncateAll } from '../support/db.ts';

const CLUSTER = 15;

/** Two taste clusters of 15 tracks; 60 playlists each draw 12 tracks from one cluster. */
async function seedCatalogue(db: Db): Promise<{ a: number[]; b: number[] }> {
  const rows = await db.orm
    .insert(tracks)
    .values(Array.from({ length: 2 * CLUSTER }, (_, i) => ({ title: `Song ${i}`, normKey: `song ${i}|artist ${i % 7}` })))
    .returning({ id: tracks.id });
  const ids = rows.map((r) => r.id);
  const a = ids.slice(0, CLUSTER);
  const b = ids.slice(CLUSTER);
  const rng = new SeededRandom(7);
  const lists = await db.orm
    .insert(playlists)
    .values(Array.from({ length: 60 }, (_, p) => ({ source: 'fixture', externalId: String(p) })))
    .returning({ id: playlists.id });
  const values = lists.flatMap((pl, p) => {
    const pool = [...(p % 2 === 0 ? a : b)];
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, 12).map((t) => ({ source: 'fixture', sourceKey: `${p}|${t}`, playlistId: pl.id, trackId: t, kind: 'playlist' }));
  });
  await db.orm.insert(interactions).values(values);
  return { a, b };
}

describe.each(DRIVERS)('chat recommender training and serving on %s', (driver) => {
  let db: Db;
  let home: string;
  beforeAll(async () => {
    db = await freshDb(driver);
    home = await mkdtemp(path.join(os.tmpdir(), 'earworm-cf-'));
  });
  afterAll(async () => {
    await db.close();
    await rm(home, { recursive: true, force: true });
  });

  it('refuses to train on an empty catalogue, saying what to run', async () => {
    await truncateAll(db);
    await expect(trainCfModel(db, home, silentLogger)).rejects.toBeInstanceOf(NoInteractionsError);
    const model = await loadTrackModel(db, home);
    expect(model.source).toBe('popularity-fallback');
    expect(model.problem).toBeUndefined();
    expect(model.recommendFromTracks([1, 2], 5)).toEqual([]);
  });

  it('trains, activates and serves a version that keeps each taste cluster together', async () => {
    await truncateAll(db);
    const { a, b } = await seedCatalogue(db);
    const summary = await trainCfModel(db, home, silentLogger, { version: 'v1', ials: { factors: 8, iterations: 5 } });
    expect(summary).toMatchObject({ version: 'v1', users: 60, items: 30, interactions: 720 });
    expect(summary.validation.users).toBeGreaterThan(0);
    expect((await activeModelVersion(db, 'hybrid'))?.version).toBe('v1');

    const model = await loadTrackModel(db, home);
    expect(model.source).toBe('model');
    expect(model.version).toBe('v1');
    // The fusion chosen on validation is recorded and served: a learned one travels with the saved hybrid.
    expect(['z', 'learned']).toContain(summary.fusion.method);
    expect(summary.fusion.learnedCrossFittedNdcg20).toBeGreaterThan(0);
    expect(((await activeModelVersion(db, 'hybrid'))?.metrics as { fusion?: unknown }).fusion).toEqual(summary.fusion);
    expect((model.recommender as HybridRecommender).learned !== undefined).toBe(summary.fusion.method === 'learned');
    const recs = model.recommendFromTracks(a.slice(0, 3), 10);
    expect(recs).toHaveLength(10);
    expect(recs.every((r) => a.includes(r.trackId) && !a.slice(0, 3).includes(r.trackId))).toBe(true);
    expect(recs.every((r) => Number.isFinite(r.score))).toBe(true);
    const similar = model.similarTracks(b[0]!, 5);
    expect(similar.every((r) => b.includes(r.trackId) && r.trackId !== b[0])).toBe(true);
    // Excluded tracks and unknown seeds.
    const withExclusion = model.recommendFromTracks(a.slice(0, 3), 10, [recs[0]!.trackId]);
    expect(withExclusion.map((r) => r.trackId)).not.toContain(recs[0]!.trackId);
    expect(model.recommendFromTracks([999_999], 3)).toHaveLength(3);
    expect(model.similarTracks(999_999, 3)).toEqual([]);
  });

  it('falls back to popularity, with the reason, when the active files are corrupt or missing', async () => {
    const active = await activeModelVersion(db, 'hybrid');
    expect(active).toBeDefined();
    await truncate(modelFilePath(home, active!), 100);
    const corrupt = await loadTrackModel(db, home);
    expect(corrupt.source).toBe('popularity-fallback');
    expect(corrupt.problem?.code).toBe('MODEL_FILE_CORRUPT');
    expect(corrupt.recommendFromTracks([], 3)).toHaveLength(3);

    await trainCfModel(db, home, silentLogger, { version: 'v2', ials: { factors: 8, iterations: 5 } });
    expect((await loadTrackModel(db, home)).version).toBe('v2');
    await unlink(path.join(path.dirname(modelFilePath(home, (await activeModelVersion(db, 'hybrid'))!)), TRACK_IDS_FILE));
    const missing = await loadTrackModel(db, home);
    expect(missing.source).toBe('popularity-fallback');
    expect(missing.problem?.code).toBe('MODEL_FILE_MISSING');
  });
});
