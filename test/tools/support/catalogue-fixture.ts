/**
 * A tiny catalogue with known structure, generated in code: two taste clusters (electronic / rock-and-quiet) of 12
 * tracks each, audio features, genre and mood predictions from active classifier versions, a tag, 80 playlists, and
 * a small trained chat model. Real artist and song names, so fuzzy resolution can be tested on what people type.
 */
import { normalizeArtistName, trackKey } from '../../../src/catalog/normalize.ts';
import type { Db } from '../../../src/db/db.ts';
import { activateModelVersion, recordModelVersion } from '../../../src/db/model-versions.ts';
import { artists, audioFeatures, interactions, playlists, tags, trackArtists, trackPredictions, tracks, trackTags } from '../../../src/db/schema.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { trainCfModel } from '../../../src/pipeline/train-cf-model.ts';
import { SeededRandom } from '../../../src/recsys/rng.ts';

/** Genre and mood classes of the fixture's classifiers. */
export const GENRES = ['edm', 'rock', 'pop'] as const;
export const MOODS = ['happy', 'sad', 'energetic', 'calm'] as const;

type Spec = { title: string; artist: string; genre: (typeof GENRES)[number]; mood: (typeof MOODS)[number]; energy: number; tempo: number; year: number; explicit?: boolean };

const ELECTRONIC: Spec[] = [
  { title: 'One More Time', artist: 'Daft Punk', genre: 'edm', mood: 'happy', energy: 0.9, tempo: 123, year: 2000 },
  { title: 'Around the World', artist: 'Daft Punk', genre: 'edm', mood: 'energetic', energy: 0.85, tempo: 121, year: 1997 },
  { title: 'Digital Love', artist: 'Daft Punk', genre: 'edm', mood: 'happy', energy: 0.7, tempo: 125, year: 2001 },
  { title: 'Harder, Better, Faster, Stronger', artist: 'Daft Punk', genre: 'edm', mood: 'energetic', energy: 0.88, tempo: 123, year: 2001 },
  { title: 'Windowlicker', artist: 'Aphex Twin', genre: 'edm', mood: 'energetic', energy: 0.8, tempo: 128, year: 1999 },
  { title: 'Avril 14th', artist: 'Aphex Twin', genre: 'edm', mood: 'calm', energy: 0.1, tempo: 80, year: 2001 },
  { title: 'Teardrop', artist: 'Massive Attack', genre: 'edm', mood: 'calm', energy: 0.4, tempo: 77, year: 1998 },
  { title: 'Angel', artist: 'Massive Attack', genre: 'edm', mood: 'sad', energy: 0.5, tempo: 90, year: 1998 },
  { title: 'Midnight City', artist: 'M83', genre: 'pop', mood: 'energetic', energy: 0.75, tempo: 105, year: 2011 },
  { title: 'Genesis', artist: 'Justice', genre: 'edm', mood: 'energetic', energy: 0.95, tempo: 120, year: 2007, explicit: true },
  { title: 'D.A.N.C.E.', artist: 'Justice', genre: 'edm', mood: 'happy', energy: 0.8, tempo: 114, year: 2007 },
  { title: 'Strobe', artist: 'deadmau5', genre: 'edm', mood: 'calm', energy: 0.6, tempo: 128, year: 2009 },
];

const ROCK: Spec[] = [
  { title: 'Creep', artist: 'Radiohead', genre: 'rock', mood: 'sad', energy: 0.45, tempo: 92, year: 1992 },
  { title: 'Karma Police', artist: 'Radiohead', genre: 'rock', mood: 'sad', energy: 0.5, tempo: 75, year: 1997 },
  { title: 'No Surprises', artist: 'Radiohead', genre: 'rock', mood: 'calm', energy: 0.3, tempo: 76, year: 1997 },
  { title: 'Paranoid Android', artist: 'Radiohead', genre: 'rock', mood: 'energetic', energy: 0.7, tempo: 82, year: 1997 },
  { title: 'One', artist: 'Metallica', genre: 'rock', mood: 'energetic', energy: 0.8, tempo: 106, year: 1988 },
  { title: 'Enter Sandman', artist: 'Metallica', genre: 'rock', mood: 'energetic', energy: 0.95, tempo: 123, year: 1991 },
  { title: "Don't Know Why", artist: 'Norah Jones', genre: 'pop', mood: 'calm', energy: 0.2, tempo: 88, year: 2002 },
  { title: 'Come Away With Me', artist: 'Norah Jones', genre: 'pop', mood: 'calm', energy: 0.15, tempo: 70, year: 2002 },
  { title: 'Smells Like Teen Spirit', artist: 'Nirvana', genre: 'rock', mood: 'energetic', energy: 0.9, tempo: 117, year: 1991 },
  { title: 'Come as You Are', artist: 'Nirvana', genre: 'rock', mood: 'sad', energy: 0.6, tempo: 120, year: 1991 },
  { title: 'Everlong', artist: 'Foo Fighters', genre: 'rock', mood: 'energetic', energy: 0.9, tempo: 158, year: 1997 },
  { title: 'Black', artist: 'Pearl Jam', genre: 'rock', mood: 'sad', energy: 0.5, tempo: 76, year: 1991 },
];

/** Ids of the fixture's tracks. */
export interface Fixture {
  readonly electronic: number[];
  readonly rock: number[];
  /** Title → id. */
  readonly byTitle: Map<string, number>;
}

/** Fills an empty database with the catalogue (no model). */
export async function seedCatalogue(db: Db): Promise<Fixture> {
  const specs = [...ELECTRONIC, ...ROCK];
  const names = [...new Set(specs.map((s) => s.artist))];
  const artistRows = await db.orm
    .insert(artists)
    .values(names.map((name) => ({ name, normName: normalizeArtistName(name) })))
    .returning({ id: artists.id, name: artists.name });
  const artistId = new Map(artistRows.map((a) => [a.name, a.id]));
  const trackRows = await db.orm
    .insert(tracks)
    .values(specs.map((s) => ({ title: s.title, normKey: trackKey(s.title, s.artist), year: s.year, album: null, explicit: s.explicit ?? false })))
    .returning({ id: tracks.id });
  const ids = trackRows.map((r) => r.id);
  await db.orm.insert(trackArtists).values(specs.map((s, i) => ({ trackId: ids[i]!, position: 0, artistId: artistId.get(s.artist)! })));
  const rng = new SeededRandom(11);
  await db.orm.insert(audioFeatures).values(
    specs.map((s, i) => ({
      trackId: ids[i]!,
      source: 'fixture',
      danceability: s.genre === 'edm' ? 0.8 : 0.4,
      energy: s.energy,
      key: i % 12,
      loudness: -8,
      mode: 1,
      speechiness: 0.05,
      acousticness: s.mood === 'calm' ? 0.8 : 0.1,
      instrumentalness: s.artist === 'Aphex Twin' || s.artist === 'deadmau5' ? 0.9 : 0.05,
      liveness: 0.1,
      valence: s.mood === 'happy' ? 0.9 : s.mood === 'sad' ? 0.2 : 0.5 + 0.1 * rng.next(),
      tempo: s.tempo,
      timeSignature: 4,
    })),
  );
  const [tag] = await db.orm.insert(tags).values({ name: 'french house', kind: 'tag' }).returning({ id: tags.id });
  await db.orm.insert(trackTags).values(specs.flatMap((s, i) => (s.artist === 'Daft Punk' ? [{ trackId: ids[i]!, tagId: tag!.id, source: 'fixture' }] : [])));
  for (const [task, kind, classes, pick] of [
    ['genre', 'genre-classifier', GENRES, (s: Spec) => s.genre],
    ['mood', 'mood-classifier', MOODS, (s: Spec) => s.mood],
  ] as const) {
    const row = await recordModelVersion(db, '/nonexistent', { kind, version: 'fixture', path: `/nonexistent/${task}`, params: { classes: [...classes] } });
    await db.orm.insert(trackPredictions).values(
      specs.map((s, i) => {
        const label = pick(s) as string;
        const probs = classes.map((c) => (c === label ? 0.7 : 0.3 / (classes.length - 1)));
        return { modelVersionId: row.id, trackId: ids[i]!, label, confidence: 0.7, probs };
      }),
    );
    await activateModelVersion(db, kind, 'fixture');
  }
  const electronic = ids.slice(0, ELECTRONIC.length);
  const rock = ids.slice(ELECTRONIC.length);
  const lists = await db.orm
    .insert(playlists)
    .values(Array.from({ length: 80 }, (_, p) => ({ source: 'fixture', externalId: String(p) })))
    .returning({ id: playlists.id });
  const values = lists.flatMap((pl, p) => {
    const pool = [...(p % 2 === 0 ? electronic : rock)];
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    // Earlier tracks of each cluster are played more often, so popularity has an order.
    const n = 6 + (p % 4);
    return pool
      .sort((a, b) => a - b + (rng.next() - 0.5) * 6)
      .slice(0, n)
      .map((t) => ({ source: 'fixture', sourceKey: `${p}|${t}`, playlistId: pl.id, trackId: t, kind: 'playlist' }));
  });
  await db.orm.insert(interactions).values(values);
  return { electronic, rock, byTitle: new Map(specs.map((s, i) => [s.title, ids[i]!])) };
}

/** Seeds the catalogue and trains a small chat model into `home`. */
export async function buildFixture(db: Db, home: string): Promise<Fixture> {
  const f = await seedCatalogue(db);
  await trainCfModel(db, home, silentLogger, { version: 'v1', ials: { factors: 8, iterations: 5 } });
  return f;
}
