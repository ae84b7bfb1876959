import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { artists, audioFeatures, trackArtists, tracks } from '../../src/db/schema.ts';
import type { RankedTrackRecommender } from '../../src/serving/recommender/ranked-track-recommender.ts';
import { openServedRecommender, seedShuffledPlaylists, type ServedFixture } from '../support/served-recommender.ts';

/**
 * 24 tracks by four artists. Two are known to be clean, and both are calm ballads (energy 0.2, 0.3); 18 are
 * energetic (0.8) with no explicit information, ten of them cheerful (valence 0.9, the rest 0.3); four are energetic
 * and marked explicit. Every track is played in seeded random playlists.
 */
async function seedCatalogue(db: Db) {
  const artistRows = await db.orm
    .insert(artists)
    .values(['A', 'B', 'C', 'D'].map((name) => ({ name, normName: name.toLowerCase() })))
    .returning({ id: artists.id });
  const kinds = Array.from({ length: 24 }, (_, i) => (i < 2 ? 'ballad' : i < 20 ? 'unknown' : 'explicit'));
  const rows = await db.orm
    .insert(tracks)
    .values(kinds.map((kind, i) => ({ title: `${kind} ${i}`, normKey: `${kind} ${i}|x`, explicit: kind === 'ballad' ? false : kind === 'explicit' ? true : null })))
    .returning({ id: tracks.id });
  await db.orm.insert(trackArtists).values(rows.map((r, i) => ({ trackId: r.id, position: 0, artistId: artistRows[i % 4]!.id })));
  const audio = { source: 'fixture', danceability: 0.6, key: 0, loudness: -6, mode: 1, speechiness: 0.05, acousticness: 0.2, instrumentalness: 0, liveness: 0.1, tempo: 110 };
  await db.orm.insert(audioFeatures).values(rows.map((r, i) => ({ ...audio, trackId: r.id, energy: i === 0 ? 0.2 : i === 1 ? 0.3 : 0.8, valence: i >= 2 && i < 12 ? 0.9 : 0.3 })));
  const all = rows.map((r) => r.id);
  await seedShuffledPlaylists(db, all, { lists: 40, perList: 10, seed: 9 });
  return { ballads: all.slice(0, 2), unknown: all.slice(2, 20), explicit: all.slice(20) };
}

describe('when too few tracks meet every constraint, the one whose loosening alone is enough gives way', () => {
  let opened: ServedFixture<Awaited<ReturnType<typeof seedCatalogue>>>;
  let fixture: Awaited<ReturnType<typeof seedCatalogue>>;
  let served: RankedTrackRecommender;
  beforeAll(async () => {
    opened = await openServedRecommender('relaxation', seedCatalogue);
    ({ fixture, served } = opened);
  }, 120_000);
  afterAll(async () => opened.close());

  it('"upbeat, nothing explicit" with two tracks known to be clean lets unknown tracks in and keeps "upbeat" (not a ballad first)', async () => {
    const r = await served.recommend({ seeds: [], k: 5, constraints: { ranges: { energy: { min: 0.7 } }, explicit: false } });
    expect(r.relaxed?.map((x) => x.constraint)).toEqual(['explicit']);
    expect(r.relaxed?.[0]?.reason).toMatch(/2 tracks are known to be clean and 18 have no explicit information/);
    const ids = r.items.map((x) => x.trackId);
    expect(ids).toHaveLength(5);
    for (const t of ids) expect(fixture.unknown, `track ${t}`).toContain(t);
  });

  it('still gives way in the stated order when loosening either constraint alone is enough', async () => {
    // Calm (the two ballads) and cheerful (ten others) together meet nothing; either alone is enough for two tracks,
    // and valence comes before energy in RELAXATION_ORDER.
    const r = await served.recommend({ seeds: [], k: 4, constraints: { ranges: { energy: { max: 0.5 }, valence: { min: 0.8 } } } });
    expect(r.relaxed?.map((x) => x.constraint)).toEqual(['valence']);
    expect(new Set(r.items.map((x) => x.trackId))).toEqual(new Set(fixture.ballads));
  });
});
