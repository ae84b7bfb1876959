import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { people, tagAssignments, tags, trackArtists, trackTags, tracks } from '../../src/db/schema.ts';
import type { RankedTrackRecommender } from '../../src/serving/recommender/ranked-track-recommender.ts';
import { openServedRecommender, seedArtistsWithSongs, seedShuffledPlaylists, type ServedFixture } from '../support/served-recommender.ts';

/**
 * Four artists of 6 tracks. "Singer": 3 tracks tagged "female vocalists", 3 untagged. "Band": no track tags, tagged
 * "male vocalists" by two listeners. "Duo": one track tagged both "female vocalists" and "male vocals", the rest
 * untagged, and one listener's "female vocalist" tag. "Other": nothing said about who sings; two tracks tagged "sax".
 * Band is tagged "piano" by two listeners, Singer by one. A placeholder record "-" is played with everything.
 */
async function seedCatalogue(db: Db) {
  const names = ['Singer', 'Band', 'Duo', 'Other'];
  const { artistIds, byArtist } = await seedArtistsWithSongs(db, names);
  const artistRows = artistIds.map((id) => ({ id }));
  const [singer, band, duo, other] = byArtist as [number[], number[], number[], number[]];
  const tagRows = await db.orm
    .insert(tags)
    .values(['female vocalists', 'male vocals', 'male vocalists', 'female vocalist', 'rock', 'sax', 'piano'].map((name) => ({ name, kind: 'tag' })))
    .returning({ id: tags.id });
  const [femaleTag, maleTag, maleArtistTag, femaleArtistTag, rockTag, saxTag, pianoTag] = tagRows.map((r) => r.id) as [number, number, number, number, number, number, number];
  await db.orm.insert(trackTags).values([
    ...singer.slice(0, 3).flatMap((trackId) => [
      { trackId, tagId: femaleTag, source: 'yes_complete' },
      { trackId, tagId: rockTag, source: 'yes_complete' },
    ]),
    { trackId: duo[0]!, tagId: femaleTag, source: 'yes_complete' },
    { trackId: duo[0]!, tagId: maleTag, source: 'yes_complete' },
    { trackId: other[0]!, tagId: saxTag, source: 'yes_complete' },
    { trackId: other[1]!, tagId: saxTag, source: 'yes_small' },
  ]);
  const listeners = await db.orm.insert(people).values([{ displayName: 'tagger 1' }, { displayName: 'tagger 2' }]).returning({ id: people.id });
  await db.orm.insert(tagAssignments).values([
    ...listeners.map((p, k) => ({ source: 'fixture', sourceKey: `band|${k}`, personId: p.id, artistId: artistRows[1]!.id, tagId: maleArtistTag })),
    { source: 'fixture', sourceKey: 'duo|0', personId: listeners[0]!.id, artistId: artistRows[2]!.id, tagId: femaleArtistTag },
    // Two listeners call Band a piano band; one calls Singer so, which is too few.
    ...listeners.map((p, k) => ({ source: 'fixture', sourceKey: `band piano|${k}`, personId: p.id, artistId: artistRows[1]!.id, tagId: pianoTag })),
    { source: 'fixture', sourceKey: 'singer piano|0', personId: listeners[0]!.id, artistId: artistRows[0]!.id, tagId: pianoTag },
  ]);
  // A placeholder record ("-" by the Other artist), played everywhere.
  const [dash] = await db.orm.insert(tracks).values({ title: '-', normKey: '-|other' }).returning({ id: tracks.id });
  await db.orm.insert(trackArtists).values({ trackId: dash!.id, position: 0, artistId: artistRows[3]!.id });
  const all = [...byArtist.flat(), dash!.id];
  await seedShuffledPlaylists(db, all, { lists: 40, perList: 10, seed: 3 });
  return { singer, band, duo, other, dash: dash!.id };
}

describe('the lead voice ("female-fronted", "male vocals") and the instruments ("with saxophone") asked for come from listeners\' tags', () => {
  let opened: ServedFixture<Awaited<ReturnType<typeof seedCatalogue>>>;
  let fixture: Awaited<ReturnType<typeof seedCatalogue>>;
  let served: RankedTrackRecommender;
  beforeAll(async () => {
    opened = await openServedRecommender('voice', seedCatalogue);
    ({ fixture, served } = opened);
  }, 120_000);
  afterAll(async () => opened.close());

  it("keeps tracks whose own tags name a woman, and the untagged tracks of an artist most of whose tagged tracks do", async () => {
    const r = await served.recommend({ seeds: [], k: 12, constraints: { vocals: 'female' } });
    const ids = r.items.map((x) => x.trackId);
    expect(new Set(ids)).toEqual(new Set(fixture.singer));
    // Not the duet (its tags name both voices), nor its artist's other tracks (one listener's tag is too little).
    expect(ids).not.toContain(fixture.duo[0]);
  });

  it('takes an artist tagged by several listeners as the voice of its untagged tracks', async () => {
    const r = await served.recommend({ seeds: [], k: 12, constraints: { vocals: 'male' } });
    expect(new Set(r.items.map((x) => x.trackId))).toEqual(new Set(fixture.band));
  });

  it('keeps tracks tagged with an instrument, and an artist several listeners tag with it; never a placeholder record', async () => {
    const sax = await served.recommend({ seeds: [], k: 2, constraints: { instruments: ['saxophone'] } });
    expect(new Set(sax.items.map((x) => x.trackId))).toEqual(new Set(fixture.other.slice(0, 2)));
    const piano = await served.recommend({ seeds: [], k: 6, constraints: { instruments: ['piano'] } });
    expect(new Set(piano.items.map((x) => x.trackId))).toEqual(new Set(fixture.band));
    const plain = await served.recommend({ seeds: [], k: 30 });
    expect(plain.items.length).toBeGreaterThan(20);
    expect(plain.items.map((x) => x.trackId)).not.toContain(fixture.dash);
  });

  it('says so when it gives way on the voice, and never on an exclusion', async () => {
    const r = await served.recommend({ seeds: [], k: 6, constraints: { vocals: 'female', excludeArtists: ['Singer'] } });
    expect(r.relaxed?.map((x) => x.constraint)).toEqual(['vocals']);
    expect(r.relaxed?.[0]?.metAll).toBe(0);
    expect(r.items.length).toBeGreaterThan(0);
    expect(r.items.some((x) => fixture.singer.includes(x.trackId))).toBe(false);
  });
});
