import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { artists, interactions, playlists, tags, trackArtists, trackTags, tracks } from '../../src/db/schema.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';
import type { RankedTrackRecommender } from '../../src/serving/recommender/ranked-track-recommender.ts';
import { openServedRecommender, type ServedFixture } from '../support/served-recommender.ts';

const CLUSTER = 16;

/**
 * Two taste clusters of 16 tracks; 60 playlists draw 12 tracks from one. In cluster A: "Jingle Bell Rock" (a holiday
 * title), "Song 5" (tagged christmas among 3 tags), "Song 7" (tagged christmas among 25 tags: not a holiday song by
 * that alone), and "Mystery" (in two "Christmas Soul" playlists and one other: most of its playlists are named for
 * the holiday).
 */
async function seedCatalogue(db: Db): Promise<{ a: number[]; holiday: Set<number>; plain: number[]; notHoliday: number }> {
  const [artist] = await db.orm.insert(artists).values({ name: 'Artist', normName: 'artist' }).returning({ id: artists.id });
  const titles = Array.from({ length: 2 * CLUSTER }, (_, i) => (i === 3 ? 'Jingle Bell Rock' : `Song ${i}`));
  const rows = await db.orm
    .insert(tracks)
    .values([...titles, 'Mystery'].map((title, i) => ({ title, normKey: `${title.toLowerCase()}|artist ${i}` })))
    .returning({ id: tracks.id });
  const ids = rows.map((r) => r.id);
  await db.orm.insert(trackArtists).values(ids.map((trackId) => ({ trackId, position: 0, artistId: artist!.id })));
  const tagRows = await db.orm
    .insert(tags)
    .values(['christmas', ...Array.from({ length: 30 }, (_, i) => `tag ${i}`)].map((name) => ({ name, kind: 'tag' })))
    .returning({ id: tags.id });
  const tagIds = tagRows.map((r) => r.id);
  const tagTrack = (trackId: number, count: number) =>
    db.orm.insert(trackTags).values(tagIds.slice(0, count).map((tagId) => ({ trackId, tagId, source: 'yes_complete' })));
  await tagTrack(ids[5]!, 3);
  await tagTrack(ids[7]!, 25);
  const a = ids.slice(0, CLUSTER);
  const b = ids.slice(CLUSTER, 2 * CLUSTER);
  const mystery = ids[2 * CLUSTER]!;
  const lists = await db.orm
    .insert(playlists)
    .values(Array.from({ length: 60 }, (_, p) => ({ source: 'fixture', externalId: String(p), name: p < 2 ? 'Christmas Soul' : `Mix ${p}` })))
    .returning({ id: playlists.id });
  const rng = new SeededRandom(5);
  const values = lists.flatMap((pl, p) => {
    const pool = [...(p % 2 === 0 ? a : b)];
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    const picked = pool.slice(0, 12);
    // Playlist 0 and 2 are cluster A lists; "Christmas Soul" 1 is a B list, so give it A's mystery track too.
    if (p === 0 || p === 1 || p === 2) picked.push(mystery);
    return picked.map((t) => ({ source: 'fixture', sourceKey: `${p}|${t}`, playlistId: pl.id, trackId: t, kind: 'playlist' }));
  });
  await db.orm.insert(interactions).values(values);
  return { a, holiday: new Set([ids[3]!, ids[5]!, mystery]), plain: [ids[3]!, mystery], notHoliday: ids[7]! };
}

describe('holiday songs are recommended only when asked for', () => {
  let opened: ServedFixture<Awaited<ReturnType<typeof seedCatalogue>>>;
  let fixture: Awaited<ReturnType<typeof seedCatalogue>>;
  let served: RankedTrackRecommender;
  beforeAll(async () => {
    opened = await openServedRecommender('holiday', seedCatalogue);
    ({ fixture, served } = opened);
  }, 120_000);
  afterAll(async () => opened.close());

  const seeds = () => fixture.a.filter((t) => !fixture.holiday.has(t)).slice(0, 2);
  const holidayIn = (ids: readonly number[]) => ids.filter((t) => fixture.holiday.has(t));

  it('leaves holiday songs (by title, by a tag among few, by their playlists) out of an answer that did not ask', async () => {
    const any = await served.recommend({ seeds: seeds(), k: 14, constraints: { holiday: 'any' } });
    // The same request with no filter reaches them, so leaving them out is the filter's doing.
    expect(holidayIn(any.items.map((r) => r.trackId)).length).toBeGreaterThan(0);
    const plain = await served.recommend({ seeds: seeds(), k: 14 });
    const ids = plain.items.map((r) => r.trackId);
    expect(ids.length).toBeGreaterThanOrEqual(7);
    expect(holidayIn(ids)).toEqual([]);
    // One christmas tag among 25 does not make a holiday song.
    expect(ids).toContain(fixture.notHoliday);
  });

  it('gives only holiday songs when asked, and holiday songs may follow a holiday song the person named', async () => {
    const only = await served.recommend({ seeds: [], k: 5, constraints: { holiday: 'only' } });
    expect(only.items.length).toBeGreaterThan(0);
    expect(only.items.every((r) => fixture.holiday.has(r.trackId))).toBe(true);
    // The plain ones (a holiday title, holiday playlists) lead the song one tag calls a holiday song.
    expect(only.items.map((r) => r.trackId).slice(0, 2).sort()).toEqual([...fixture.plain].sort());
    expect(only.items[0]!.sentence).toMatch(/plainly a holiday song/);
    const jingle = [...fixture.holiday][0]!;
    const named = await served.recommend({ seeds: [jingle], k: 14 });
    expect(holidayIn(named.items.map((r) => r.trackId)).length).toBeGreaterThan(0);
    // The same track standing in for its artist or genre ("like Bing Crosby") does not ask for holiday songs.
    const standIn = await served.recommend({ seeds: [jingle], returnableSeeds: [jingle], k: 14 });
    expect(standIn.items.length).toBeGreaterThan(0);
    expect(holidayIn(standIn.items.map((r) => r.trackId))).toEqual([]);
  });
});
