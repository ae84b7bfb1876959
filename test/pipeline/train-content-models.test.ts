import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { activeModelVersion, CONTENT_MODEL_KINDS, modelFilePath } from '../../src/db/model-versions.ts';
import { artists, audioFeatures, interactions, people, playlists, tagAssignments, tags, trackArtists, trackTags, tracks } from '../../src/db/schema.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { trainContentModels, type ContentTrainSummary } from '../../src/pipeline/train-content-models.ts';
import { OnnxClassifier } from '../../src/recsys/classifier/onnx-classifier.ts';
import { ContentIndex } from '../../src/recsys/content/content-index.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { DRIVERS, freshDb } from '../support/db.ts';

const GENRES = [
  { genre: 'edm', subgenres: ['big room', 'electro house'], energy: 0.9, dance: 0.8, acoustic: 0.05 },
  { genre: 'rock', subgenres: ['hard rock', 'album rock'], energy: 0.8, dance: 0.4, acoustic: 0.1 },
  { genre: 'r&b', subgenres: ['neo soul', 'new jack swing'], energy: 0.5, dance: 0.7, acoustic: 0.4 },
];

/** A small catalogue: 240 labelled tracks with audio features, 20 tag-only tracks, mood tags, Last.fm artist tags. */
async function seedCatalogue(db: Db): Promise<void> {
  const rng = new SeededRandom(12);
  const artistRows = await db.orm
    .insert(artists)
    .values(Array.from({ length: 30 }, (_, i) => ({ name: `Artist ${i}`, normName: `artist ${i}` })))
    .returning({ id: artists.id });
  const playlistRows = await db.orm
    .insert(playlists)
    .values(GENRES.flatMap((g) => g.subgenres.map((s) => ({ source: 'tidytuesday', externalId: `${g.genre}-${s}`, genre: g.genre, subgenre: s }))))
    .returning({ id: playlists.id, genre: playlists.genre, subgenre: playlists.subgenre });
  const tagRows = await db.orm
    .insert(tags)
    .values(['happy', 'sad', 'chill', 'energetic', 'instrumental', 'rock', 'dance', 'soul'].map((name) => ({ name, kind: 'tag' })))
    .returning({ id: tags.id, name: tags.name });
  const tagId = (name: string) => tagRows.find((t) => t.name === name)!.id;
  const moodTags = ['happy', 'sad', 'chill', 'energetic', 'instrumental'];
  for (let i = 0; i < 260; i++) {
    const g = GENRES[i % 3]!;
    const artistIdx = (i % 3) + 3 * (Math.floor(i / 3) % 10);
    const [t] = await db.orm.insert(tracks).values({ title: `Song ${i}`, normKey: `song ${i}|artist ${artistIdx}`, year: 2000 + (i % 20), durationMs: 200_000 }).returning({ id: tracks.id });
    const trackId = t!.id;
    await db.orm.insert(trackArtists).values({ trackId, position: 0, artistId: artistRows[artistIdx]!.id });
    if (i < 240) {
      const broken = i === 5;
      await db.orm.insert(audioFeatures).values({
        trackId,
        source: 'tidytuesday',
        danceability: g.dance + 0.1 * rng.normal(),
        energy: broken ? Number.NaN : g.energy + 0.1 * rng.normal(),
        key: i % 12,
        loudness: -6 + rng.normal(),
        mode: i % 2,
        speechiness: 0.05,
        acousticness: Math.max(0, g.acoustic + 0.05 * rng.normal()),
        instrumentalness: 0,
        liveness: 0.1,
        valence: 0.5 + 0.2 * rng.normal(),
        tempo: broken ? 900 : 120,
      });
      const sub = g.subgenres[i % 2]!;
      const p = playlistRows.find((r) => r.genre === g.genre && r.subgenre === sub)!;
      await db.orm.insert(interactions).values({ source: 'tidytuesday', sourceKey: String(i), playlistId: p.id, trackId, kind: 'playlist' });
    }
    // Track-level mood tags on half the tracks (independent of the features: labels only need to exist).
    if (i % 2 === 0) await db.orm.insert(trackTags).values({ trackId, tagId: tagId(moodTags[i % 5]!), source: 'yes_complete' });
    if (i >= 240) await db.orm.insert(trackTags).values({ trackId, tagId: tagId(['rock', 'dance', 'soul'][i % 3]!), source: 'yes_complete' });
  }
  // Last.fm users tagging artists.
  const personRows = await db.orm.insert(people).values([{ displayName: 'a' }, { displayName: 'b' }]).returning({ id: people.id });
  const assignments = artistRows.flatMap((a, i) =>
    personRows.flatMap((p) => [
      { source: 'lastfm', sourceKey: `${p.id}|${a.id}|g`, personId: p.id, artistId: a.id, tagId: tagId(['rock', 'dance', 'soul'][i % 3]!) },
      { source: 'lastfm', sourceKey: `${p.id}|${a.id}|m`, personId: p.id, artistId: a.id, tagId: tagId(['chill', 'happy'][i % 2]!) },
    ]),
  );
  await db.orm.insert(tagAssignments).values(assignments);
}

describe.each(DRIVERS)('trainContentModels (%s)', (driver) => {
  let db: Db;
  let home: string;
  let summary: ContentTrainSummary;

  beforeAll(async () => {
    db = await freshDb(driver);
    await seedCatalogue(db);
    home = await mkdtemp(path.join(tmpdir(), 'ew-train-'));
    summary = await trainContentModels(db, { home }, silentLogger, { publishDir: null, epochs: 3, version: 'test-1' });
  });
  afterAll(async () => {
    await db.close();
  });

  it('trains the three classifiers and stores a prediction per track with features', async () => {
    expect(summary.tracks).toBe(260);
    expect(summary.tracksWithAudio).toBe(240); // the broken row (NaN energy, tempo 900) is repaired, not dropped
    for (const task of ['genre', 'subgenre', 'mood'] as const) {
      const c = summary.classifiers[task];
      expect('skipped' in c).toBe(false);
      if ('skipped' in c) continue;
      expect(c.onnxMaxAbsDiff).toBeLessThan(1e-5);
      const v = await activeModelVersion(db, CONTENT_MODEL_KINDS[task]);
      expect(v?.version).toBe('test-1');
      const [row] = await db.rows<{ n: number }>(sql`select count(*)::int as n from track_predictions where model_version_id = ${v!.id}`);
      expect(Number(row!.n)).toBe(240);
    }
    const genre = summary.classifiers.genre;
    if (!('skipped' in genre)) expect(Object.keys(genre.labelCounts).sort()).toEqual(['edm', 'r&b', 'rock']);
  });

  it('writes loadable ONNX files and a content index that includes tag-only tracks', async () => {
    const g = await activeModelVersion(db, CONTENT_MODEL_KINDS.genre);
    const clf = await OnnxClassifier.open(path.join(modelFilePath(home, g!), 'genre.onnx'));
    expect(clf.sidecar.classes).toEqual(['edm', 'r&b', 'rock']);
    await clf.release();
    const c = await activeModelVersion(db, CONTENT_MODEL_KINDS.content);
    const index = await ContentIndex.load(modelFilePath(home, c!));
    expect(index.size).toBe(260);
    expect(summary.contentVectors.fromTags).toBeGreaterThan(0);
    const [first] = await db.rows<{ id: number }>(sql`select t.id from tracks t left join audio_features af on af.track_id = t.id where af.track_id is null order by t.id limit 1`);
    expect(index.has(Number(first!.id))).toBe(true);
    const near = index.similarTo(Number(first!.id), 5, { genres: ['rock'] });
    expect(near.length).toBe(5);
  });
});
