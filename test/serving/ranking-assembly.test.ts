import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { activeModelVersion } from '../../src/db/model-versions.ts';
import { artists, interactions, modelVersions, playlists, trackArtists, tracks } from '../../src/db/schema.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { trainArtistModel } from '../../src/pipeline/train-artist-model.ts';
import { trainCfModel } from '../../src/pipeline/train-cf-model.ts';
import { loadTrackInteractions } from '../../src/db/track-interactions.ts';
import { HybridRecommender } from '../../src/recsys/hybrid.ts';
import { pairsToMatrix } from '../../src/recsys/interaction-pairs.ts';
import { mmrVectorsOf } from '../../src/recsys/ranking/assembly.ts';
import { RankedRecommender } from '../../src/recsys/ranking/ranked-recommender.ts';
import { ARTIST_SERVING_DEFAULTS, rankingParamsOf, type RankingParams } from '../../src/recsys/ranking/ranking-params.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { loadArtistModel } from '../../src/serving/models/artist-model.ts';
import { loadTrackModel } from '../../src/serving/models/track-model.ts';
import { RankedTrackRecommender } from '../../src/serving/recommender/ranked-track-recommender.ts';
import { freshDb } from '../support/db.ts';

const CLUSTER = 15;

/** Two taste clusters of 15 tracks by 5 artists each; 60 playlists draw 12 tracks from one cluster. */
async function seedCatalogue(db: Db): Promise<{ a: number[]; b: number[]; rare: number }> {
  const artistRows = await db.orm
    .insert(artists)
    .values(Array.from({ length: 10 }, (_, i) => ({ name: `Artist ${i}`, normName: `artist ${i}` })))
    .returning({ id: artists.id });
  const rows = await db.orm
    .insert(tracks)
    .values(Array.from({ length: 2 * CLUSTER }, (_, i) => ({ title: `Song ${i}`, normKey: `song ${i}|artist ${Math.floor(i / 3)}` })))
    .returning({ id: tracks.id });
  const ids = rows.map((r) => r.id);
  await db.orm.insert(trackArtists).values(ids.map((trackId, i) => ({ trackId, position: 0, artistId: artistRows[Math.floor(i / 3)]!.id })));
  const rng = new SeededRandom(11);
  const lists = await db.orm
    .insert(playlists)
    .values(Array.from({ length: 60 }, (_, p) => ({ source: 'fixture', externalId: String(p) })))
    .returning({ id: playlists.id });
  const a = ids.slice(0, CLUSTER);
  const b = ids.slice(CLUSTER);
  const values = lists.flatMap((pl, p) => {
    const pool = [...(p % 2 === 0 ? a : b)];
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, 12).map((t) => ({ source: 'fixture', sourceKey: `${p}|${t}`, playlistId: pl.id, trackId: t, kind: 'playlist' }));
  });
  await db.orm.insert(interactions).values(values);
  // A little-played track of Artist 0: in one playlist only, so serving leaves it to its artist's signal as a seed.
  const [rare] = await db.orm.insert(tracks).values({ title: 'Rare Song', normKey: 'rare song|artist 0' }).returning({ id: tracks.id });
  await db.orm.insert(trackArtists).values({ trackId: rare!.id, position: 0, artistId: artistRows[0]!.id });
  await db.orm.insert(interactions).values({ source: 'fixture', sourceKey: `0|${rare!.id}`, playlistId: lists[0]!.id, trackId: rare!.id, kind: 'playlist' });
  return { a, b, rare: rare!.id };
}

async function setVersionParams(db: Db, kind: string, edit: (params: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const row = (await activeModelVersion(db, kind))!;
  await db.orm
    .update(modelVersions)
    .set({ params: edit(row.params as Record<string, unknown>) })
    .where(eq(modelVersions.id, row.id));
}

describe('one ranking assembly, its settings saved with the model version', () => {
  let db: Db;
  let home: string;
  let clusters: { a: number[]; b: number[]; rare: number };
  beforeAll(async () => {
    db = await freshDb('pglite');
    home = await mkdtemp(path.join(os.tmpdir(), 'earworm-assembly-'));
    clusters = await seedCatalogue(db);
    await trainCfModel(db, home, silentLogger, { version: 'v1', ials: { factors: 8, iterations: 5 } });
    await trainArtistModel(db, home, silentLogger, { version: 'a1' });
  }, 120_000);
  afterAll(async () => {
    await db.close();
    await rm(home, { recursive: true, force: true });
  });

  it('saves the tuned fusion, MMR λ and pool depth with the chat model version, and serving ranks with exactly those', async () => {
    const row = (await activeModelVersion(db, 'hybrid'))!;
    const saved = rankingParamsOf(row.params);
    expect(saved.problem).toBeUndefined();
    const metrics = row.metrics as { fusion: { method: string } };
    expect(saved.params.fusion).toBe(metrics.fusion.method);
    expect([1, 0.98, 0.95, 0.9, 0.8]).toContain(saved.params.lambda);
    const model = await loadTrackModel(db, home);
    expect(model.ranking).toEqual(saved.params);
    const served = await RankedTrackRecommender.create(db, model, { artists: null, home });
    expect(served.rankingParams).toEqual(saved.params);

    // Serving reads the version's settings, not a default: change them in the version row and serve again.
    const edited: RankingParams = { fusion: 'z', lambda: 0.37, poolPerComponent: 40 };
    await setVersionParams(db, 'hybrid', (p) => ({ ...p, ranking: edited }));
    const again = await RankedTrackRecommender.create(db, await loadTrackModel(db, home), { artists: null, home });
    expect(again.rankingParams).toEqual(edited);
    await setVersionParams(db, 'hybrid', (p) => ({ ...p, ranking: saved.params }));
  });

  it('saves the artist-serving settings with the artist model version, and serving uses them', async () => {
    const row = (await activeModelVersion(db, 'artist-graph'))!;
    expect((row.params as { artistServing?: unknown }).artistServing).toEqual(ARTIST_SERVING_DEFAULTS);
    const edited = { supportShrink: 3, artistWeight: 4, selfShare: 0.25, tracksPerArtist: 2, knownTrackArtistWeight: 0.75 };
    await setVersionParams(db, 'artist-graph', (p) => ({ ...p, artistServing: edited }));
    const { model: artistModel } = await loadArtistModel(db, home);
    expect(artistModel?.servingParams).toEqual(edited);
    const served = await RankedTrackRecommender.create(db, await loadTrackModel(db, home), { home });
    expect(served.artistParams).toEqual(edited);
    await setVersionParams(db, 'artist-graph', (p) => ({ ...p, artistServing: ARTIST_SERVING_DEFAULTS }));
  });

  it('never answers with the seed a person named, even a little-played one left to its artist ("more like Spill The Wine")', async () => {
    const model = await loadTrackModel(db, home);
    expect(model.trackIds).toContain(clusters.rare);
    // Every track of an artist joins its signal, the seed included.
    await setVersionParams(db, 'artist-graph', (p) => ({ ...p, artistServing: { ...ARTIST_SERVING_DEFAULTS, tracksPerArtist: 10 } }));
    const served = await RankedTrackRecommender.create(db, model, { home });
    await setVersionParams(db, 'artist-graph', (p) => ({ ...p, artistServing: ARTIST_SERVING_DEFAULTS }));
    const answer = await served.similar(clusters.rare, 30);
    expect(answer.items.length).toBeGreaterThan(0);
    expect(answer.items.map((r) => r.trackId)).not.toContain(clusters.rare);
  });

  it("ranks the same tracks in the same order as the evaluation's ranked model with the saved settings", async () => {
    const model = await loadTrackModel(db, home);
    const hybrid = model.recommender as HybridRecommender;
    expect(hybrid).toBeInstanceOf(HybridRecommender);
    // What `npm run eval` measures: the ranked model over the same fitted components, with the version's settings.
    const matrix = pairsToMatrix(await loadTrackInteractions(db));
    const vectors = mmrVectorsOf(hybrid.components.map((c) => c.model));
    const evaluated = RankedRecommender.ofFitted(
      hybrid.components.map((c) => ({ name: c.model.kind, model: c.model, weight: c.weight })),
      matrix,
      { ...model.ranking!, ...(hybrid.learned !== undefined ? { learned: hybrid.learned } : {}), ...(vectors !== undefined ? { vectors } : {}) },
    );
    // Serving without the artist signal and the low-support guard (which the offline protocol does not have).
    const served = await RankedTrackRecommender.create(db, model, { artists: null, home, artistParams: { supportShrink: 0 } });
    const indexOf = new Map(Array.from(model.trackIds, (t, i) => [t, i]));
    for (const seeds of [clusters.a.slice(0, 3), clusters.b.slice(2, 6)]) {
      const answer = await served.recommend({ seeds, k: 8 });
      const expected = evaluated.recommendFromSeeds(seeds.map((t) => indexOf.get(t)!), 8).map((r) => model.trackIds[r.item]);
      expect(answer.items.map((r) => r.trackId)).toEqual(expected);
      expect(expected).toHaveLength(8);
    }
  });
});
