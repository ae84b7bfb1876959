/**
 * Genre/mood labels through the tools: the label table built from the fixture catalogue (classifier predictions,
 * a track tag, Last.fm artist tags), list_genres_and_moods over the one vocabulary, provenance in classify_track,
 * and genre requests and exclusions in recommend, with and without evidence.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { resolvePerson } from '../../src/serving/state/people.ts';
import { artists, people, tagAssignments, tags, trackArtists, tracks } from '../../src/db/schema.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { buildTrackLabels } from '../../src/pipeline/build-track-labels.ts';
import { trainCfModel } from '../../src/pipeline/train-cf-model.ts';
import { GENRES, MOODS } from '../../src/recsys/labels/vocabulary.ts';
import { LABEL_EVIDENCE } from '../../src/recsys/labels/track-labels.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { callTool } from '../../src/tools/registry.ts';
import { contextFor, createToolServices, type ToolServices } from '../../src/tools/tool-context.ts';
import { DRIVERS, freshDb } from '../support/db.ts';
import { seedCatalogue, type Fixture } from './support/catalogue-fixture.ts';
import { valueOf } from './support/tool-harness.ts';

type Rec = { track: { id: number; artists: string[]; title: string } };

describe.each(DRIVERS)('labels through the tools on %s', (driver) => {
  let db: Db;
  let home: string;
  let fixture: Fixture;
  let services: ToolServices;
  let thisIsWar: number;
  const call = async (name: string, args: unknown) => valueOf(await callTool(name, args, contextFor(services, await resolvePerson(db, 'test', 'labels'))));

  beforeAll(async () => {
    db = await freshDb(driver);
    home = await mkdtemp(path.join(os.tmpdir(), 'earworm-labels-'));
    fixture = await seedCatalogue(db);
    // Last.fm listeners tagged Metallica as metal; "Come Away With Me" has no genre evidence at all.
    const [metallica] = await db.rows<{ id: number }>(sql`select id from artists where name = 'Metallica'`);
    const [person] = await db.orm.insert(people).values({ displayName: 'tagger' }).returning({ id: people.id });
    const tagRows = await db.orm.insert(tags).values([{ name: 'thrash metal', kind: 'tag' }, { name: 'heavy metal', kind: 'tag' }]).returning({ id: tags.id });
    await db.orm.insert(tagAssignments).values(tagRows.map((t, i) => ({ source: 'lastfm', sourceKey: `k${i}`, personId: person!.id, artistId: Number(metallica!.id), tagId: t.id })));
    // One band under two spellings: Yes.com's "Thirty Seconds To Mars" (a track, no tags) and Last.fm's "30 Seconds to
    // Mars" (tagged by listeners). Its track's labels come from the Last.fm spelling's tags.
    const [yesBand, lastfmBand] = await db.orm
      .insert(artists)
      .values([
        { name: 'Thirty Seconds To Mars', normName: 'thirty seconds to mars' },
        { name: '30 Seconds to Mars', normName: '30 seconds to mars' },
      ])
      .returning({ id: artists.id });
    const [war] = await db.orm.insert(tracks).values({ title: 'This Is War', normKey: 'this is war|thirty seconds to mars' }).returning({ id: tracks.id });
    thisIsWar = war!.id;
    await db.orm.insert(trackArtists).values({ trackId: war!.id, position: 0, artistId: yesBand!.id });
    const [alt] = await db.orm.insert(tags).values({ name: 'alternative rock', kind: 'tag' }).returning({ id: tags.id });
    await db.orm.insert(tagAssignments).values({ source: 'lastfm', sourceKey: 'k-mars', personId: person!.id, artistId: lastfmBand!.id, tagId: alt!.id });
    await db.rows(sql`delete from track_predictions where track_id = ${fixture.byTitle.get('Come Away With Me')!}`);
    await trainCfModel(db, home, silentLogger, { version: 'v1', ials: { factors: 8, iterations: 5 } });
    await buildTrackLabels(db, silentLogger, { version: 'labels-v1' });
    let seed = 1;
    services = await createToolServices({ db, home, logger: silentLogger, random: () => new SeededRandom(seed++) });
  });
  afterAll(async () => {
    await db?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('lists the one vocabulary with track counts', async () => {
    const v = await call('list_genres_and_moods', {});
    const genres = v.genres as { name: string; tracks: number }[];
    expect(genres.map((g) => g.name)).toEqual([...GENRES]);
    expect((v.moods as { name: string }[]).map((m) => m.name)).toEqual([...MOODS]);
    expect(genres.find((g) => g.name === 'electronic')!.tracks).toBe(11);
    expect(genres.find((g) => g.name === 'metal')!.tracks).toBe(2);
  });

  it('shows each label with its sources in classify_track', async () => {
    const v = await call('classify_track', { track: fixture.byTitle.get('Enter Sandman')! });
    const labels = v.labels as { genre: { label: string; sources: Record<string, number> }[] };
    expect(labels.genre.find((l) => l.label === 'metal')!.sources).toEqual({ artist_tags: 1 });
    expect(Object.keys(labels.genre.find((l) => l.label === 'rock')!.sources)).toEqual(['classifier']);
    const daft = (await call('classify_track', { track: fixture.byTitle.get('One More Time')! })).labels as { genre: { label: string; sources: Record<string, number> }[] };
    expect(daft.genre[0]).toMatchObject({ label: 'electronic' });
    expect(Object.keys(daft.genre[0]!.sources).sort()).toEqual(['artist_tracks', 'classifier', 'track_tags']);
  });

  it('pools an artist written two ways ("Thirty Seconds To Mars", "30 Seconds to Mars") for its labels', async () => {
    const v = await call('classify_track', { track: thisIsWar });
    const labels = v.labels as { genre: { label: string; sources: Record<string, number> }[] };
    expect(labels.genre.map((l) => l.label).sort()).toEqual(['indie', 'rock']);
    expect(Object.keys(labels.genre[0]!.sources)).toEqual(['artist_tags']);
  });

  it('a genre request keeps only tracks with evidence for it; words of the vocabulary name it', async () => {
    // Two tracks meet the genre; for 30 asked, the rest come after them with the genre relaxed, and the answer says so.
    const out = await call('recommend', { for: 'anyone', count: 30, constraints: { genres: ['heavy metal'] } });
    const metal = out.recommendations as Rec[];
    expect(metal.slice(0, 2).map((r) => r.track.title).sort()).toEqual(['Enter Sandman', 'One']);
    expect((out.relaxed as { constraint: string; met_all: number }[] | undefined)?.[0]).toMatchObject({ constraint: 'genres', met_all: 2 });
    const strict = (await call('recommend', { for: 'anyone', count: 2, constraints: { genres: ['heavy metal'] } })).recommendations as Rec[];
    expect(strict.map((r) => r.track.title).sort()).toEqual(['Enter Sandman', 'One']);
  });

  it('an exclusion removes tracks whose evidence points to the genre, before ranking, and keeps tracks without evidence', async () => {
    const noRock = (await call('recommend', { for: 'anyone', count: 30, constraints: { exclude_genres: ['rock'] } })).recommendations as Rec[];
    const titles = noRock.map((r) => r.track.title);
    expect(titles).toContain('Come Away With Me');
    for (const t of ['Creep', 'Karma Police', 'Everlong', 'Smells Like Teen Spirit']) expect(titles).not.toContain(t);
    // No track shown has evidence that points to rock (the exclusion's threshold on the stored label).
    for (const r of noRock) {
      const labels = (await call('classify_track', { track: r.track.id })).labels as { genre: { label: string; probability: number }[] };
      expect(labels.genre.find((l) => l.label === 'rock')?.probability ?? 0).toBeLessThan(LABEL_EVIDENCE.exclude);
    }
    // Tracks whose only evidence is a classifier rating rock below chance are not rock.
    expect(titles).toEqual(expect.arrayContaining(['One More Time', 'Windowlicker', 'Teardrop', "Don't Know Why"]));
    const noMetal = (await call('recommend', { for: 'anyone', count: 30, constraints: { exclude_genres: ['metal'] } })).recommendations as Rec[];
    expect(noMetal.some((r) => r.track.artists.includes('Metallica'))).toBe(false);
    expect(noMetal.some((r) => r.track.title === 'Creep')).toBe(true);
  });
});
