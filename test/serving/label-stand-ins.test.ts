import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { TRACK_LABELS_KIND } from '../../src/db/model-versions.ts';
import { interactions, modelVersions, playlists, trackLabels, tracks } from '../../src/db/schema.ts';
import { DbCatalog } from '../../src/serving/postgres/db-catalog.ts';
import { freshDb } from '../support/db.ts';

/**
 * The tracks that stand for a genre ("some rock music" seeds with them): one radio format's heavy rotation (a song 40
 * stations of one dataset play) against hits that radio, playlists and listeners of several datasets play.
 */
describe('the tracks that stand for a label', () => {
  let db: Db;
  const id: Record<string, number> = {};
  beforeAll(async () => {
    db = await freshDb('pglite');
    const titles = ['Rotation Hit', 'Everywhere Hit', 'Two Sources', 'Not Rock'];
    const rows = await db.orm
      .insert(tracks)
      .values(titles.map((title) => ({ title, normKey: `${title.toLowerCase()}|x` })))
      .returning({ id: tracks.id });
    titles.forEach((t, i) => (id[t] = rows[i]!.id));
    const [version] = await db.orm.insert(modelVersions).values({ kind: TRACK_LABELS_KIND, version: 'v1', path: '-', active: true }).returning({ id: modelVersions.id });
    await db.orm.insert(trackLabels).values([
      ...['Rotation Hit', 'Everywhere Hit', 'Two Sources'].map((t) => ({ modelVersionId: version!.id, trackId: id[t]!, kind: 'genre', label: 'rock', probability: 0.9, sources: {} })),
      { modelVersionId: version!.id, trackId: id['Not Rock']!, kind: 'genre', label: 'pop', probability: 0.9, sources: {} },
    ]);
    // Plays per source: Rotation Hit 40 (radio only), Everywhere Hit 3 (radio, playlists, listeners), Two Sources 10.
    const plays: [string, string, number][] = [
      ['Rotation Hit', 'radio', 40],
      ['Everywhere Hit', 'radio', 1],
      ['Everywhere Hit', 'playlists', 1],
      ['Everywhere Hit', 'listeners', 1],
      ['Two Sources', 'radio', 6],
      ['Two Sources', 'playlists', 4],
      ['Not Rock', 'radio', 5],
      ['Not Rock', 'playlists', 5],
      ['Not Rock', 'listeners', 5],
    ];
    for (const [title, source, n] of plays) {
      const lists = await db.orm
        .insert(playlists)
        .values(Array.from({ length: n }, (_, k) => ({ source, externalId: `${title}|${k}` })))
        .returning({ id: playlists.id });
      await db.orm.insert(interactions).values(lists.map((p, k) => ({ source, sourceKey: `${title}|${k}`, playlistId: p.id, trackId: id[title]!, kind: 'playlist' })));
    }
  }, 60_000);
  afterAll(async () => {
    await db.close();
  });

  it('puts tracks played in more datasets first, then the most played, and only tracks with the label', async () => {
    const catalog = await DbCatalog.open(db);
    expect(await catalog.topWithLabel('genre', 'rock', 10)).toEqual([id['Everywhere Hit'], id['Two Sources'], id['Rotation Hit']]);
    expect(await catalog.topWithLabel('genre', 'Rock', 1)).toEqual([id['Everywhere Hit']]);
  });
});
