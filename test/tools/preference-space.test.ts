import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { activateModelVersion, CONTENT_MODEL_KINDS, recordModelVersion } from '../../src/db/model-versions.ts';
import { resolvePerson } from '../../src/serving/state/people.ts';
import { audioFeatures, tracks } from '../../src/db/schema.ts';
import { createChosenComparison, loadPreferenceModel, nextComparison, recordPreferenceVote, updatePreferenceModel } from '../../src/serving/state/preferences.ts';
import { BradleyTerryPosterior } from '../../src/recsys/preference/bradley-terry.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { DbPreferenceStore } from '../../src/serving/postgres/db-preference-store.ts';
import { DbTasteStore } from '../../src/serving/postgres/db-taste-store.ts';
import { statedPrior } from '../../src/serving/recommender/stated-prior.ts';
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

  /** Stores votes of people who each prefer the first track of every pair (track indices into ids). */
  const vote = async (space: Awaited<ReturnType<typeof buildPreferenceSpace>>, name: string, pairs: readonly (readonly [number, number])[]) => {
    const person = await resolvePerson(db, 'discord', name);
    for (const [w, l] of pairs) {
      const c = await createChosenComparison(db, person, ids[w]!, ids[l]!);
      await recordPreferenceVote(db, space, { interactionId: `${name}-${w}-${l}`, comparisonId: c, personId: person, choice: 'a' });
    }
    return person;
  };
  const rockOverJazz = [
    [0, 2],
    [1, 3],
    [0, 3],
  ] as const;
  const jazzOverRock = rockOverJazz.map(([w, l]) => [l, w] as const);
  /** xᵀΣx / xᵀx: the prior variance of utility differences along x, per unit length. */
  const along = (cov: ArrayLike<number>, x: Float64Array) => {
    const d = x.length;
    let q = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) q += x[i]! * cov[i * d + j]! * x[j]!;
    return q / x.reduce((s, v) => s + v * v, 0);
  };
  const diff = (f: { vectorOf(id: number): Float32Array }, a: number, b: number) => {
    const fa = f.vectorOf(ids[a]!);
    const fb = f.vectorOf(ids[b]!);
    return Float64Array.from(fa, (v, i) => v - fb[i]!);
  };

  it('reads the prior\'s shape from the stored votes: a new person\'s first comparison and fit use it', async () => {
    const isotropic = await buildPreferenceSpace(db, ids, undefined, await activeContentFactors(db, home));
    // No votes stored yet: the prior is isotropic.
    const d = isotropic.features.dim;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(isotropic.priorCovariance![i * d + j]).toBe(i === j ? 1 : 0);
    // Two people prefer the rock-tagged tracks, two the jazz-tagged ones: people differ along rock vs jazz.
    await vote(isotropic, 'rock-1', rockOverJazz);
    await vote(isotropic, 'rock-2', rockOverJazz);
    await vote(isotropic, 'jazz-1', jazzOverRock);
    await vote(isotropic, 'jazz-2', jazzOverRock);
    const space = await buildPreferenceSpace(db, ids, undefined, await activeContentFactors(db, home));
    const cov = space.priorCovariance!;
    // The prior is widest along the direction the voters differ in: rock vs jazz, not two rock tracks or two untagged ones
    // (the isotropic prior gives 1 along every direction).
    const rockJazz = along(cov, diff(space.features, 0, 2));
    expect(rockJazz).toBeGreaterThan(5 * along(cov, diff(space.features, 0, 1)));
    expect(rockJazz).toBeGreaterThan(5 * along(cov, diff(space.features, 6, 7)));
    // A new person starts from that prior ...
    const newcomer = await resolvePerson(db, 'discord', 'newcomer');
    const prior = await loadPreferenceModel(db, newcomer, space);
    expect(Array.from(prior.covariance)).toEqual(Array.from(cov));
    // ... so their first pair, chosen to cover the directions that prior leaves open, shows a rock or a jazz track,
    // with the information of that prior.
    const first = await nextComparison(db, space, { personId: newcomer, plausible: ids, rng: new SeededRandom(5), options: { randomShare: 0 } });
    const tagOf = (t: number) => (ids.indexOf(t) < 2 ? 'rock' : ids.indexOf(t) < 4 ? 'jazz' : 'none');
    expect([tagOf(first.pair.a), tagOf(first.pair.b)].some((t) => t !== 'none')).toBe(true);
    const x = diff(space.features, ids.indexOf(first.pair.a), ids.indexOf(first.pair.b));
    const p = first.pair.probabilityA;
    expect(first.pair.information).toBeCloseTo(p * (1 - p) * along(cov, x) * x.reduce((s, v) => s + v * v, 0), 9);
    // The fit folds their votes into the shaped prior, as stored and when refitted from every vote alike (an answer
    // labels two tracks, and each labelled track weighs one comparison: label-evidence.ts).
    await vote(space, 'newcomer', [[0, 2]]);
    const online = await loadPreferenceModel(db, newcomer, space);
    const expected = BradleyTerryPosterior.fit(space.population, [{ winner: space.features.vectorOf(ids[0]!), loser: space.features.vectorOf(ids[2]!), weight: 2 }], 1, cov);
    for (let i = 0; i < d; i++) expect(online.mean[i]!).toBeCloseTo(expected.mean[i]!, 6);
    const refit = await updatePreferenceModel(db, newcomer, { ...space, featureVersion: `${space.featureVersion}|moved` });
    const exact = BradleyTerryPosterior.fit(space.population, [{ winner: space.features.vectorOf(ids[0]!), loser: space.features.vectorOf(ids[2]!), weight: 2 }], 1, cov);
    for (let i = 0; i < d; i++) expect(refit.posterior.mean[i]!).toBeCloseTo(exact.mean[i]!, 6);
    // On the isotropic prior the same vote would have moved the weights differently.
    const flat = BradleyTerryPosterior.fit(space.population, [{ winner: space.features.vectorOf(ids[0]!), loser: space.features.vectorOf(ids[2]!), weight: 2 }], 1);
    expect(Math.max(...Array.from(flat.mean, (w, i) => Math.abs(w - exact.mean[i]!)))).toBeGreaterThan(0.01);
  });

  it('starts a cold person who stated tastes from them, on the population\'s prior shape', async () => {
    const before = await buildPreferenceSpace(db, ids, undefined, await activeContentFactors(db, home));
    await vote(before, 'rock-1', rockOverJazz);
    await vote(before, 'jazz-1', jazzOverRock);
    await vote(before, 'rock-2', rockOverJazz);
    const space = await buildPreferenceSpace(db, ids, undefined, await activeContentFactors(db, home));
    const tastes = new DbTasteStore(db);
    const store = new DbPreferenceStore(db, () => Promise.resolve(space), () => new SeededRandom(9), (personId, s) => statedPrior(tastes, s, personId));
    const plain = await resolvePerson(db, 'discord', 'plain');
    const energetic = await resolvePerson(db, 'discord', 'energetic');
    await tastes.state(energetic, { energy: 1 });
    const high = ids[7]!;
    const low = ids[6]!;
    const [p, e] = [await store.taste(plain), await store.taste(energetic)];
    expect(e.votes).toBe(0);
    expect(e.statedWeight).toBe(1);
    // Stated energy 1 adds +1 on the energy column: the high-energy track gains on the low one by its energy gap.
    const energy = space.columnNames.indexOf('energy');
    const gap = space.features.vectorOf(high)[energy]! - space.features.vectorOf(low)[energy]!;
    expect(gap).toBeGreaterThan(0);
    expect(e.utility(high) - e.utility(low) - (p.utility(high) - p.utility(low))).toBeCloseTo(gap, 6);
    // Their first comparison is chosen from that prior: its probability is the stated utility's.
    const offer = await store.nextComparison(energetic, ids);
    expect(offer.probabilityA).toBeCloseTo(1 / (1 + Math.exp(-(e.utility(offer.a) - e.utility(offer.b)))), 9);
  });
});
