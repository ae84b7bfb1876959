import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { activateModelVersion, CONTENT_MODEL_KINDS, recordModelVersion } from '../../src/db/model-versions.ts';
import { resolvePerson } from '../../src/serving/state/people.ts';
import { audioFeatures, tracks } from '../../src/db/schema.ts';
import { createChosenComparison, loadPreferenceModel, recordPreferenceVote } from '../../src/serving/state/preferences.ts';
import { ContentIndex } from '../../src/recsys/content/content-index.ts';
import { activeContentFactors, buildPreferenceSpace } from '../../src/serving/recommender/preference-space.ts';
import { DRIVERS, freshDb, truncateAll } from '../support/db.ts';

// 8 tracks; content vectors of 3 audio + 2 tag columns (tagDim 2). Tracks 0-3 have tags, 4-7 none (zero tag block).
const N = 8;
const DIM = 5;
const TAG_DIM = 2;

describe.each(DRIVERS)('served preference space on %s', (driver) => {
  let db: Db;
  let home: string;
  let ids: number[];

  beforeAll(async () => {
    db = await freshDb(driver);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await truncateAll(db);
    home = await mkdtemp(path.join(os.tmpdir(), 'earworm-pref-space-'));
    const rows = await db.orm
      .insert(tracks)
      .values(Array.from({ length: N }, (_, i) => ({ title: `Track ${i}`, normKey: `track ${i}|artist` })))
      .returning({ id: tracks.id });
    ids = rows.map((r) => r.id);
    await db.orm.insert(audioFeatures).values(
      ids.map((trackId, k) => ({
        trackId,
        source: 'test',
        danceability: 0.1 * k,
        energy: k / N,
        key: k % 12,
        loudness: -6,
        mode: k % 2,
        speechiness: 0.05,
        acousticness: 1 - k / N,
        instrumentalness: 0,
        liveness: 0.1,
        valence: k % 2 === 0 ? 0.8 : 0.2,
        tempo: 100 + k,
      })),
    );
    const vectors = new Float32Array(N * DIM);
    for (let k = 0; k < N; k++) {
      vectors.set([k / N, 1 - k / N, (k % 3) / 3], k * DIM);
      // Tag block: "rock" (column 3) on tracks 0 and 1, "jazz" (column 4) on 2 and 3, none after.
      if (k < 4) vectors[k * DIM + 3 + (k < 2 ? 0 : 1)] = 1;
    }
    const index = ContentIndex.build(Int32Array.from(ids), vectors, DIM, { genres: [], moods: [], genre: new Int16Array(N).fill(-1), mood: new Int16Array(N).fill(-1), ranges: {} });
    const dir = path.join(home, 'models', CONTENT_MODEL_KINDS.content, 'cv-test');
    await index.save(dir);
    await recordModelVersion(db, home, { kind: CONTENT_MODEL_KINDS.content, version: 'cv-test', path: dir, params: { dim: DIM, tagDim: TAG_DIM } });
    await activateModelVersion(db, CONTENT_MODEL_KINDS.content, 'cv-test');
    return () => rm(home, { recursive: true, force: true });
  });

  it('holds the tag and content-vector blocks of the active content index, in the benchmark recipe order', async () => {
    const content = await activeContentFactors(db, home);
    expect(content).toMatchObject({ version: 'cv-test', dim: DIM, tagDim: TAG_DIM });
    const space = await buildPreferenceSpace(db, ids, undefined, content);
    expect(space.features.blocks.map((b) => `${b.name}(${b.dim})`)).toEqual(['tags(2)', 'content(5)', 'audio(7)']);
    expect(space.columnNames.slice(0, 3)).toEqual(['tag 0', 'tag 1', 'content 0']);
    expect(space.featureVersion).toContain('content5t2:cv-test');
    const tagOf = (k: number) => Array.from(space.features.vectorOf(ids[k]!).subarray(0, TAG_DIM));
    // Tracks with the same tags share a tag block; tagged tracks differ from each other by tag.
    expect(tagOf(0)).toEqual(tagOf(1));
    expect(tagOf(0)).not.toEqual(tagOf(2));
    // An untagged track's tag block is unknown, so it sits at the column means (0 after standardising), not at "no tags".
    expect(tagOf(6).every((x) => x === 0)).toBe(true);
  });

  it('goes without the blocks when no content index is active, and a space over them names a different version', async () => {
    const without = await buildPreferenceSpace(db, ids);
    expect(without.features.blocks.map((b) => b.name)).toEqual(['audio']);
    const withContent = await buildPreferenceSpace(db, ids, undefined, await activeContentFactors(db, home));
    expect(withContent.featureVersion).not.toBe(without.featureVersion);
    await rm(path.join(home, 'models'), { recursive: true, force: true });
    // Files gone: the served space still builds, from audio alone.
    expect(await activeContentFactors(db, home)).toBeUndefined();
  });

  it('starts a new person from the population utility fitted on the others\' votes over the served features', async () => {
    const before = await buildPreferenceSpace(db, ids, undefined, await activeContentFactors(db, home));
    expect(Array.from(before.population).every((w) => w === 0)).toBe(true);
    // Three people each prefer the "rock"-tagged tracks to the "jazz" ones.
    for (const name of ['p1', 'p2', 'p3']) {
      const person = await resolvePerson(db, 'discord', name);
      for (const [w, l] of [
        [0, 2],
        [1, 3],
        [0, 3],
        [1, 2],
      ] as const) {
        const c = await createChosenComparison(db, person, ids[w]!, ids[l]!);
        await recordPreferenceVote(db, before, { interactionId: `${name}-${w}-${l}`, comparisonId: c, personId: person, choice: 'a' });
      }
    }
    const space = await buildPreferenceSpace(db, ids, undefined, await activeContentFactors(db, home));
    const newcomer = await resolvePerson(db, 'discord', 'newcomer');
    const model = await loadPreferenceModel(db, newcomer, space);
    expect(model.votes).toBe(0);
    expect(Array.from(model.mean)).toEqual(Array.from(space.population));
    // With no vote of their own, the newcomer already ranks the rock-tagged tracks above the jazz ones.
    expect(model.utility(space.features.vectorOf(ids[0]!))).toBeGreaterThan(model.utility(space.features.vectorOf(ids[2]!)));
    expect(model.utility(space.features.vectorOf(ids[1]!))).toBeGreaterThan(model.utility(space.features.vectorOf(ids[3]!)));
  });
});
