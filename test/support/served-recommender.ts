/** A fresh database seeded by a test, a CF model trained on it, and the served recommender over it. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../src/db/db.ts';
import { artists, interactions, playlists, trackArtists, tracks } from '../../src/db/schema.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { trainCfModel } from '../../src/pipeline/train-cf-model.ts';
import { loadTrackModel } from '../../src/serving/models/track-model.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';
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

/** `lists` playlists ("Mix 0", "Mix 1", …), each of `perList` of the tracks drawn at random (seeded): enough plays for CF. */
export async function seedShuffledPlaylists(db: Db, trackIds: readonly number[], opts: { readonly lists: number; readonly perList: number; readonly seed: number }): Promise<void> {
  const lists = await db.orm
    .insert(playlists)
    .values(Array.from({ length: opts.lists }, (_, p) => ({ source: 'fixture', externalId: String(p), name: `Mix ${p}` })))
    .returning({ id: playlists.id });
  const rng = new SeededRandom(opts.seed);
  await db.orm.insert(interactions).values(
    lists.flatMap((pl, p) => {
      const pool = [...trackIds];
      for (let i = pool.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [pool[i], pool[j]] = [pool[j]!, pool[i]!];
      }
      return pool.slice(0, opts.perList).map((t) => ({ source: 'fixture', sourceKey: `${p}|${t}`, playlistId: pl.id, trackId: t, kind: 'playlist' }));
    }),
  );
}

/** One artist per name, each with `perArtist` tracks ("<Name> song 0", …); the artists' ids and each artist's track ids. */
export async function seedArtistsWithSongs(db: Db, names: readonly string[], perArtist = 6): Promise<{ artistIds: number[]; byArtist: number[][] }> {
  const artistRows = await db.orm
    .insert(artists)
    .values(names.map((name) => ({ name, normName: name.toLowerCase() })))
    .returning({ id: artists.id });
  const byArtist = await Promise.all(
    artistRows.map(async (a, k) => {
      const rows = await db.orm
        .insert(tracks)
        .values(Array.from({ length: perArtist }, (_, i) => ({ title: `${names[k]} song ${i}`, normKey: `${names[k]!.toLowerCase()} song ${i}|${names[k]!.toLowerCase()}` })))
        .returning({ id: tracks.id });
      await db.orm.insert(trackArtists).values(rows.map((r) => ({ trackId: r.id, position: 0, artistId: a.id })));
      return rows.map((r) => r.id);
    }),
  );
  return { artistIds: artistRows.map((a) => a.id), byArtist };
}
