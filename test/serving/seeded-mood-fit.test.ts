import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { TRACK_LABELS_KIND } from '../../src/db/model-versions.ts';
import { interactions, modelVersions, playlists, trackLabels } from '../../src/db/schema.ts';
import type { RankedTrackRecommender } from '../../src/serving/recommender/ranked-track-recommender.ts';
import { openServedRecommender, seedArtistsWithSongs, type ServedFixture } from '../support/served-recommender.ts';

/**
 * Two artists whose songs are never played together: Loud (energetic) and Quiet (calm). A person who liked a Loud song
 * asks for music for focus: the answer starts from their like, and the mood asked for still counts beside it.
 */
async function seedCatalogue(db: Db) {
  const { byArtist } = await seedArtistsWithSongs(db, ['Loud', 'Quiet'], 8);
  const [loud, quiet] = byArtist as [number[], number[]];
  const [version] = await db.orm.insert(modelVersions).values({ kind: TRACK_LABELS_KIND, version: 'v1', path: '-', active: true }).returning({ id: modelVersions.id });
  await db.orm.insert(trackLabels).values([
    ...loud.map((trackId) => ({ modelVersionId: version!.id, trackId, kind: 'mood', label: 'energetic', probability: 0.9, sources: {} })),
    ...quiet.map((trackId) => ({ modelVersionId: version!.id, trackId, kind: 'mood', label: 'calm', probability: 0.9, sources: {} })),
  ]);
  const lists = await db.orm
    .insert(playlists)
    .values(Array.from({ length: 40 }, (_, p) => ({ source: 'fixture', externalId: String(p), name: `Mix ${p}` })))
    .returning({ id: playlists.id });
  await db.orm.insert(interactions).values(
    lists.flatMap((pl, p) => {
      const side = p % 2 === 0 ? loud : quiet;
      return side.filter((_, i) => i !== p % 8).map((t) => ({ source: 'fixture', sourceKey: `${p}|${t}`, playlistId: pl.id, trackId: t, kind: 'playlist' }));
    }),
  );
  return { loud, quiet };
}

describe('a mood asked for beside the person\'s own seeds', () => {
  let opened: ServedFixture<Awaited<ReturnType<typeof seedCatalogue>>>;
  let fixture: Awaited<ReturnType<typeof seedCatalogue>>;
  let served: RankedTrackRecommender;
  beforeAll(async () => {
    opened = await openServedRecommender('seeded-mood', seedCatalogue);
    ({ fixture, served } = opened);
  }, 120_000);
  afterAll(async () => opened.close());

  it('puts tracks of the mood asked for ahead of the seed\'s neighbours that do not have it', async () => {
    const seed = fixture.loud[0]!;
    const plain = await served.recommend({ seeds: [seed], k: 4 });
    // Without a mood, the seed's neighbours answer.
    for (const r of plain.items) expect(fixture.loud).toContain(r.trackId);
    const calm = await served.recommend({ seeds: [seed], k: 4, fitMoods: ['calm'] });
    const ids = calm.items.map((r) => r.trackId);
    expect(ids).toHaveLength(4);
    for (const t of ids) expect(fixture.quiet, `track ${t}`).toContain(t);
    expect(calm.items[0]!.sentence).toMatch(/mood fits what you asked for/);
  });
});
