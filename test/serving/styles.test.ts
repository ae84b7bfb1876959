import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { people, tagAssignments, tags, trackTags } from '../../src/db/schema.ts';
import type { RankedTrackRecommender } from '../../src/serving/recommender/ranked-track-recommender.ts';
import { openServedRecommender, seedArtistsWithSongs, seedShuffledPlaylists, type ServedFixture } from '../support/served-recommender.ts';

/**
 * Five artists of 6 rock tracks (each tagged "rock"). "Seattle": no track tagged grunge, but two listeners tag the
 * artist "grunge", its most used tag. "Sharers": 5 of 6 tracks tagged "grunge". "Radio": one track tagged "grunge"
 * among its six (as Yes.com tags TLC's "Waterfalls"). "Trappers": one track labelled "trap" by a playlist's subgenre.
 * "Plain": nothing. Every track is played in seeded random playlists.
 */
async function seedCatalogue(db: Db) {
  const names = ['Seattle', 'Sharers', 'Radio', 'Trappers', 'Plain'];
  const { artistIds, byArtist } = await seedArtistsWithSongs(db, names);
  const artistRows = artistIds.map((id) => ({ id }));
  const [seattle, sharers, radio, trappers, plain] = byArtist as [number[], number[], number[], number[], number[]];
  const [rock, grunge, trap] = (
    await db.orm
      .insert(tags)
      .values([
        { name: 'rock', kind: 'tag' },
        { name: 'grunge', kind: 'tag' },
        { name: 'trap', kind: 'subgenre' },
      ])
      .returning({ id: tags.id })
  ).map((r) => r.id) as [number, number, number];
  await db.orm.insert(trackTags).values([
    ...byArtist.flat().map((trackId) => ({ trackId, tagId: rock, source: 'yes_complete' })),
    ...sharers.slice(0, 5).map((trackId) => ({ trackId, tagId: grunge, source: 'yes_complete' })),
    { trackId: radio[0]!, tagId: grunge, source: 'yes_complete' },
    { trackId: trappers[0]!, tagId: trap, source: 'tidytuesday' },
  ]);
  const listeners = await db.orm.insert(people).values([{ displayName: 'tagger 1' }, { displayName: 'tagger 2' }]).returning({ id: people.id });
  await db.orm.insert(tagAssignments).values(listeners.map((p, k) => ({ source: 'fixture', sourceKey: `seattle|${k}`, personId: p.id, artistId: artistRows[0]!.id, tagId: grunge })));
  const all = byArtist.flat();
  await seedShuffledPlaylists(db, all, { lists: 40, perList: 12, seed: 5 });
  return { seattle, sharers, radio, trappers, plain };
}

describe('a style ("grunge", "trap") asked for or left out, by listeners\' tags, apart from its genre', () => {
  let opened: ServedFixture<Awaited<ReturnType<typeof seedCatalogue>>>;
  let fixture: Awaited<ReturnType<typeof seedCatalogue>>;
  let served: RankedTrackRecommender;
  beforeAll(async () => {
    opened = await openServedRecommender('style', seedCatalogue);
    ({ fixture, served } = opened);
  }, 120_000);
  afterAll(async () => opened.close());

  it('leaves out the tracks of an artist listeners tag with the style, or most of whose tracks carry it; one stray tag is not enough', async () => {
    const r = await served.recommend({ seeds: [], k: 30, constraints: { excludeGenres: ['grunge'] } });
    const ids = new Set(r.items.map((x) => x.trackId));
    expect(r.relaxed).toBeUndefined();
    for (const t of [...fixture.seattle, ...fixture.sharers]) expect(ids.has(t), `track ${t}`).toBe(false);
    // Radio's one stray "grunge" tag does not make the artist grunge, nor that track: "no grunge" is not "no rock".
    expect(ids).toEqual(new Set([...fixture.radio, ...fixture.trappers, ...fixture.plain]));
  });

  it('reads another word for the style ("Seattle grunge") and a playlist\'s label on the track itself ("trap")', async () => {
    const grunge = await served.recommend({ seeds: [], k: 30, constraints: { excludeGenres: ['Seattle Grunge'] } });
    expect(grunge.items.some((x) => fixture.seattle.includes(x.trackId) || fixture.sharers.includes(x.trackId))).toBe(false);
    // Post-grunge is a style of its own: leaving it out keeps grunge.
    const post = await served.recommend({ seeds: [], k: 30, constraints: { excludeGenres: ['post-grunge'] } });
    expect(post.items).toHaveLength(30);
    const trap = await served.recommend({ seeds: [], k: 30, constraints: { excludeGenres: ['trap'] } });
    const ids = trap.items.map((x) => x.trackId);
    expect(ids).not.toContain(fixture.trappers[0]);
    expect(ids).toHaveLength(29);
  });

  it('asked for ("some grunge"), keeps only the tracks its evidence marks, each named by the style', async () => {
    const r = await served.recommend({ seeds: [], k: 6, constraints: { genres: ['grunge'] } });
    expect(r.relaxed).toBeUndefined();
    expect(r.items).toHaveLength(6);
    for (const x of r.items) {
      expect([...fixture.seattle, ...fixture.sharers]).toContain(x.trackId);
      expect(x.style).toBe('grunge');
    }
    // A playlist's label on the one track: "trap" is that track, not all hip hop.
    const trap = await served.recommend({ seeds: [], k: 1, constraints: { genres: ['trap'] } });
    expect(trap.items.map((x) => x.trackId)).toEqual([fixture.trappers[0]]);
    expect(trap.relaxed).toBeUndefined();
  });

  it('too few tracks of the style: the ones of it come first, and it widens to its genre, said so', async () => {
    const r = await served.recommend({ seeds: [], k: 30, constraints: { genres: ['grunge'] } });
    const grunge = new Set([...fixture.seattle, ...fixture.sharers]);
    expect(new Set(r.items.slice(0, 12).map((x) => x.trackId))).toEqual(grunge);
    expect(r.relaxed?.[0]).toMatchObject({ constraint: 'styles', asked: "grunge (listeners' tags)", matching: 12, metAll: 12 });
    expect(r.relaxed?.[0]?.reason).toMatch(/, so it was widened to rock$/);
    expect(r.items.slice(12).some((x) => x.style !== undefined)).toBe(false);
  });
});
