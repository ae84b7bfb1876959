import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { resolvePerson } from '../../src/serving/state/people.ts';
import { tracks } from '../../src/db/schema.ts';
import { UnknownComparisonError } from '../../src/db/votes.ts';
import { armCounts, loadBandit, recordFeedback } from '../../src/serving/state/bandit-feedback.ts';
import {
  createChosenComparison,
  fitPopulationPrior,
  loadPreferenceModel,
  loadSeenPairs,
  nextComparison,
  recordPreferenceVote,
  updatePreferenceModel,
  type PreferenceSpace,
} from '../../src/serving/state/preferences.ts';
import { SameTrackPairError } from '../../src/recsys/preference/preference-errors.ts';
import { PreferenceFeatures } from '../../src/recsys/preference/preference-features.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { countRows, DRIVERS, freshDb, truncateAll } from '../support/db.ts';

describe.each(DRIVERS)('preference pipeline on %s', (driver) => {
  let db: Db;
  let ids: number[];
  let space: PreferenceSpace;

  beforeAll(async () => {
    db = await freshDb(driver);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await truncateAll(db);
    const rows = await db.orm
      .insert(tracks)
      .values(Array.from({ length: 8 }, (_, i) => ({ title: `Track ${i}`, normKey: `track ${i}|artist` })))
      .returning({ id: tracks.id });
    ids = rows.map((r) => r.id);
    // Feature 0 is "energy": track k has energy k; feature 1 is noise-free constant structure.
    const values = new Float32Array(8 * 2);
    ids.forEach((_, k) => {
      values[k * 2] = (k - 3.5) / 2;
      values[k * 2 + 1] = k % 2 === 0 ? 0.5 : -0.5;
    });
    space = { features: PreferenceFeatures.fromMatrix(Int32Array.from(ids), 2, values), featureVersion: 'test-1', population: [0, 0], priorVariance: 1 };
  });

  it('folds a vote in once even when the same interaction is delivered twice', async () => {
    const p = await resolvePerson(db, 'discord', 'u1');
    const c = await createChosenComparison(db, p, ids[7]!, ids[0]!);
    const first = await recordPreferenceVote(db, space, { interactionId: 'i-1', comparisonId: c, personId: p, choice: 'a' });
    expect(first.outcome.recorded).toBe(true);
    expect(first.applied).toBe(1);
    const again = await recordPreferenceVote(db, space, { interactionId: 'i-1', comparisonId: c, personId: p, choice: 'a' });
    expect(again.outcome.recorded).toBe(false);
    expect(again.applied).toBe(0);
    expect(again.posterior.votes).toBe(1);
    expect(await countRows(db, 'votes')).toBe(1);
    const stored = await loadPreferenceModel(db, p, space);
    expect(stored.votes).toBe(1);
    // Track 7 (high energy) won, so energy now has positive weight.
    expect(stored.mean[0]!).toBeGreaterThan(0);
    expect(stored.mean[0]!).toBeCloseTo(first.posterior.mean[0]!, 12);
    // A repeated update job changes nothing.
    expect((await updatePreferenceModel(db, p, space)).applied).toBe(0);
  });

  it('applies concurrent votes of one person exactly once each', async () => {
    const p = await resolvePerson(db, 'discord', 'u5');
    const cs = await Promise.all([0, 1, 2, 3].map((k) => createChosenComparison(db, p, ids[k]!, ids[k + 4]!)));
    await Promise.all(cs.map((c, k) => recordPreferenceVote(db, space, { interactionId: `c${k}`, comparisonId: c, personId: p, choice: 'b' })));
    await Promise.all(cs.map((c, k) => recordPreferenceVote(db, space, { interactionId: `c${k}`, comparisonId: c, personId: p, choice: 'b' })));
    const model = await loadPreferenceModel(db, p, space);
    expect(model.votes).toBe(4);
  });

  it('refuses a vote on an unknown comparison and a pair of the same track', async () => {
    const p = await resolvePerson(db, 'discord', 'u2');
    await expect(recordPreferenceVote(db, space, { interactionId: 'x', comparisonId: 999_999, personId: p, choice: 'a' })).rejects.toBeInstanceOf(UnknownComparisonError);
    await expect(createChosenComparison(db, p, ids[1]!, ids[1]!)).rejects.toBeInstanceOf(SameTrackPairError);
  });

  it('chooses new pairs only, learns from votes, and refits after a feature-space change', async () => {
    const p = await resolvePerson(db, 'discord', 'u3');
    const rng = new SeededRandom(3);
    for (let n = 0; n < 12; n++) {
      const { comparisonId, pair } = await nextComparison(db, space, { personId: p, plausible: ids, rng });
      // The listener prefers higher energy.
      const winsA = space.features.vectorOf(pair.a)[0]! > space.features.vectorOf(pair.b)[0]!;
      await recordPreferenceVote(db, space, { interactionId: `v${n}`, comparisonId, personId: p, choice: winsA ? 'a' : 'b' });
    }
    const seen = await loadSeenPairs(db, p);
    expect(seen.size).toBe(12);
    const model = await loadPreferenceModel(db, p, space);
    expect(model.votes).toBe(12);
    expect(model.mean[0]!).toBeGreaterThan(1);
    expect(model.confidence()).toBeGreaterThan(0);
    const moved = { ...space, featureVersion: 'test-2' };
    const refit = await updatePreferenceModel(db, p, moved);
    expect(refit.applied).toBe(12);
    expect(refit.posterior.votes).toBe(12);
    const population = (await fitPopulationPrior(db, space.features)).mean;
    expect(population[0]!).toBeGreaterThan(0);
  });

  it('learns from "both" and "neither" as answers about both tracks, and stores a skip without moving the fit', async () => {
    const tied = await resolvePerson(db, 'discord', 'ties');
    const plain = await resolvePerson(db, 'discord', 'plain');
    // The same two decided votes for both people; one of them also answers two pairs with a tie and one with a skip.
    for (const person of [tied, plain]) {
      for (const [w, l] of [
        [7, 0],
        [6, 1],
      ] as const) {
        const c = await createChosenComparison(db, person, ids[w]!, ids[l]!);
        await recordPreferenceVote(db, space, { interactionId: `${person}-${w}`, comparisonId: c, personId: person, choice: 'a' });
      }
    }
    const before = await loadPreferenceModel(db, tied, space);
    // "Both" on two high-energy tracks and "neither" on two low-energy ones, each listed low track first: read as a
    // vote for "a" they would lower the energy weight; read as what they say, they raise it.
    for (const [x, y, choice] of [
      [5, 4, 'both'],
      [2, 3, 'neither'],
    ] as const) {
      const c = await createChosenComparison(db, tied, ids[x]!, ids[y]!);
      const r = await recordPreferenceVote(db, space, { interactionId: `tie-${x}`, comparisonId: c, personId: tied, choice });
      expect(r.outcome).toEqual({ recorded: true, choice });
    }
    const a = await loadPreferenceModel(db, tied, space);
    expect(a.votes).toBe(4);
    expect(a.mean[0]!).toBeGreaterThan(before.mean[0]!);
    // A skip is stored and changes nothing.
    const skipped = await createChosenComparison(db, plain, ids[2]!, ids[7]!);
    const plainBefore = await loadPreferenceModel(db, plain, space);
    await recordPreferenceVote(db, space, { interactionId: 'skip-1', comparisonId: skipped, personId: plain, choice: 'skip' });
    const b = await loadPreferenceModel(db, plain, space);
    expect(b.votes).toBe(2);
    for (let i = 0; i < 2; i++) expect(b.mean[i]!).toBeCloseTo(plainBefore.mean[i]!, 12);
    // A refit from every stored answer (another feature version) gives the same model.
    const refitTied = await updatePreferenceModel(db, tied, { ...space, featureVersion: 'test-2' });
    expect(refitTied.posterior.votes).toBe(4);
    for (let i = 0; i < 2; i++) expect(refitTied.posterior.mean[i]!).toBeCloseTo(a.mean[i]!, 9);
    expect(await countRows(db, 'votes')).toBe(7);
  });

  it('starts a new person from the population utility fitted on everyone else\'s votes', async () => {
    const voters = await Promise.all(['v1', 'v2', 'v3'].map((u) => resolvePerson(db, 'discord', u)));
    for (const [n, person] of voters.entries()) {
      for (const [w, l] of [
        [7, 1],
        [6, 0],
        [5, 2],
      ] as const) {
        const c = await createChosenComparison(db, person, ids[w]!, ids[l]!);
        await recordPreferenceVote(db, space, { interactionId: `pop-${n}-${w}`, comparisonId: c, personId: person, choice: 'a' });
      }
    }
    const population = (await fitPopulationPrior(db, space.features)).mean;
    // Everyone preferred the higher-energy track.
    expect(population[0]!).toBeGreaterThan(0.5);
    const newcomer = await resolvePerson(db, 'discord', 'newcomer');
    const withPopulation = { ...space, population, featureVersion: 'test-pop' };
    const model = await loadPreferenceModel(db, newcomer, withPopulation);
    expect(model.votes).toBe(0);
    expect(Array.from(model.mean)).toEqual(Array.from(population));
    // Before any vote of their own, the newcomer's model already ranks high-energy tracks first.
    expect(model.utility(space.features.vectorOf(ids[7]!))).toBeGreaterThan(model.utility(space.features.vectorOf(ids[0]!)));
    const next = await nextComparison(db, withPopulation, { personId: newcomer, plausible: ids, rng: new SeededRandom(3) });
    expect(next.pair.probabilityA).not.toBeCloseTo(0.5, 3);
  });

  it('counts like/skip feedback once per interaction in the bandit arms', async () => {
    const p = await resolvePerson(db, 'slack', 'u4');
    const f = { personId: p, trackId: ids[0]!, scope: 'global', arm: 'hybrid' };
    expect((await recordFeedback(db, { ...f, interactionId: 'f1', liked: true })).recorded).toBe(true);
    expect((await recordFeedback(db, { ...f, interactionId: 'f1', liked: true })).recorded).toBe(false);
    await recordFeedback(db, { ...f, interactionId: 'f2', liked: false });
    expect(await armCounts(db, 'global', 'hybrid')).toEqual({ successes: 1, failures: 1 });
    const bandit = await loadBandit(db, 'global', ['cf', 'hybrid']);
    expect(bandit.state()).toEqual([
      { arm: 'cf', successes: 0, failures: 0 },
      { arm: 'hybrid', successes: 1, failures: 1 },
    ]);
  });
});
