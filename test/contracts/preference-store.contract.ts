/**
 * The PreferenceStore contract: pairs come from the plausible tracks with features and never repeat; a vote is
 * stored once per interaction id and once per comparison, only on the person's own comparisons; answers (A, B, and
 * "both" / "neither", which say both tracks fit or neither does; not skips) move the taste model, towards the tracks
 * the person said fit.
 */
import { expect, it } from 'vitest';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { UserError } from '../../src/tools/errors.ts';
import { UnknownComparisonIdError } from '../../src/serving/ports/preference-store.ts';
import { CONTRACT_WORLD } from './support/contract-fixture.ts';
import { suiteBackend, type BackendFactory } from './support/backends.ts';

/** Registers the PreferenceStore contract for one implementation. */
export function preferenceStoreContract(open: BackendFactory): void {
  const backend = suiteBackend(open);
  let n = 0;
  let seed = 1;
  const person = (name: string) => backend().person(`prefs-${++n}-${name}`);
  const store = () => backend().preferences(() => new SeededRandom(seed++));
  const ids = (...titles: string[]) => titles.map((t) => backend().track(t));
  const energy = (id: number) => CONTRACT_WORLD.tracks.find((t) => backend().track(t.title) === id)!.audio!.energy!;
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      return err instanceof UserError ? err.code : String(err);
    }
    return 'no error';
  };

  it('offers two distinct plausible tracks with features, and never the same pair twice', async () => {
    const prefs = store();
    const ann = await person('ann');
    const plausible = ids('Creep', 'Genesis', 'Halo', 'Avril 14th');
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const offer = await prefs.nextComparison(ann, plausible);
      expect(plausible).toContain(offer.a);
      expect(plausible).toContain(offer.b);
      expect(offer.a).not.toBe(offer.b);
      expect(['informative', 'random']).toContain(offer.strategy);
      expect(offer.probabilityA).toBeGreaterThan(0);
      expect(offer.probabilityA).toBeLessThan(1);
      const key = [offer.a, offer.b].sort((x, y) => x - y).join('-');
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
    expect(await code(prefs.nextComparison(ann, plausible))).toBe('PAIRS_EXHAUSTED');
  });

  it('says PAIRS_EXHAUSTED when fewer than two plausible tracks have features', async () => {
    const prefs = store();
    const bob = await person('bob');
    expect(await code(prefs.nextComparison(bob, ids('Creep', 'Quiet Field Recording')))).toBe('PAIRS_EXHAUSTED');
    expect(await code(prefs.nextComparison(bob, []))).toBe('PAIRS_EXHAUSTED');
  });

  it('refuses a vote on a comparison that does not exist or belongs to someone else', async () => {
    const prefs = store();
    const cy = await person('cy');
    const dee = await person('dee');
    const offer = await prefs.nextComparison(cy, ids('Creep', 'Genesis', 'Halo'));
    await expect(prefs.vote({ personId: cy, comparisonId: 987_654, choice: 'a', interactionId: 'x1' })).rejects.toBeInstanceOf(UnknownComparisonIdError);
    await expect(prefs.vote({ personId: dee, comparisonId: offer.comparisonId, choice: 'a', interactionId: 'x2' })).rejects.toBeInstanceOf(UnknownComparisonIdError);
    expect((await prefs.taste(dee)).votes).toBe(0);
  });

  it('stores a vote once: a redelivery or a second click on the same comparison changes nothing', async () => {
    const prefs = store();
    const eve = await person('eve');
    const offer = await prefs.nextComparison(eve, ids('Creep', 'Genesis', 'Halo'));
    const first = await prefs.vote({ personId: eve, comparisonId: offer.comparisonId, choice: 'a', interactionId: 'click-1' });
    expect(first).toMatchObject({ recorded: true, choice: 'a', votes: 1 });
    expect(first.confidence).toBeGreaterThan(0);
    expect(await prefs.vote({ personId: eve, comparisonId: offer.comparisonId, choice: 'a', interactionId: 'click-1' })).toMatchObject({ recorded: false, choice: 'a', votes: 1 });
    expect(await prefs.vote({ personId: eve, comparisonId: offer.comparisonId, choice: 'b', interactionId: 'click-2' })).toMatchObject({ recorded: false, choice: 'a', votes: 1 });
    expect((await prefs.taste(eve)).votes).toBe(1);
  });

  it('stores a skip without moving the model, and learns from "both" and "neither" as answers about both tracks', async () => {
    const prefs = store();
    const fay = await person('fay');
    const plausible = ids('Creep', 'Genesis', 'Halo', 'Strobe');
    const offer = await prefs.nextComparison(fay, plausible);
    expect(await prefs.vote({ personId: fay, comparisonId: offer.comparisonId, choice: 'skip', interactionId: 't0' })).toMatchObject({ recorded: true, choice: 'skip', votes: 0 });
    expect(await prefs.taste(fay)).toMatchObject({ votes: 0, confidence: 0, leanings: [] });
    // Two energetic tracks both fit, two calm ones neither: energy now leads the taste.
    const gil = await person('gil');
    const hot = await prefs.nextComparison(gil, ids('Smells Like Teen Spirit', 'Around the World'));
    expect(await prefs.vote({ personId: gil, comparisonId: hot.comparisonId, choice: 'both', interactionId: 't1' })).toMatchObject({ recorded: true, choice: 'both', votes: 1 });
    const calm = await prefs.nextComparison(gil, ids("Don't Know Why", 'Avril 14th'));
    expect(await prefs.vote({ personId: gil, comparisonId: calm.comparisonId, choice: 'neither', interactionId: 't2' })).toMatchObject({ votes: 2 });
    const taste = await prefs.taste(gil);
    expect(taste.votes).toBe(2);
    expect(taste.leanings.find((l) => l.feature === 'energy')?.weight).toBeGreaterThan(0);
    expect(taste.utility(backend().track('Smells Like Teen Spirit'))).toBeGreaterThan(taste.utility(backend().track('Avril 14th')));
    // The two tracks said not to fit are the ones recommendations leave out.
    expect([...taste.notFitting].sort((x, y) => x - y)).toEqual(ids("Don't Know Why", 'Avril 14th').sort((x, y) => x - y));
    expect((await prefs.taste(fay)).notFitting).toEqual([]);
  });

  it('starts a new person at the prior, with no utility for a track without features', async () => {
    const taste = await store().taste(await person('gus'));
    expect(taste).toMatchObject({ votes: 0, confidence: 0, leanings: [] });
    expect(Number.isFinite(taste.utility(backend().track('Creep')))).toBe(true);
    expect(taste.utility(backend().track('Quiet Field Recording'))).toBeNaN();
    expect(taste.utility(987_654)).toBeNaN();
  });

  it('learns from decided votes: always choosing the more energetic track makes energetic tracks preferred', async () => {
    const prefs = store();
    const hal = await person('hal');
    const plausible = ids('Genesis', 'Avril 14th', 'Smells Like Teen Spirit', "Don't Know Why", 'Around the World', 'No Surprises');
    for (let i = 0; i < 6; i++) {
      const offer = await prefs.nextComparison(hal, plausible);
      const result = await prefs.vote({ personId: hal, comparisonId: offer.comparisonId, choice: energy(offer.a) >= energy(offer.b) ? 'a' : 'b', interactionId: `e${i}` });
      expect(result.votes).toBe(i + 1);
    }
    const taste = await prefs.taste(hal);
    expect(taste.votes).toBe(6);
    expect(taste.confidence).toBeGreaterThan(0);
    expect(taste.leanings.length).toBeGreaterThan(0);
    expect(taste.leanings.find((l) => l.feature === 'energy')?.weight).toBeGreaterThan(0);
    expect(taste.utility(backend().track('Genesis'))).toBeGreaterThan(taste.utility(backend().track('Avril 14th')));
    // Another instance over the same storage sees the same model.
    expect((await store().taste(hal)).utility(backend().track('Genesis'))).toBeCloseTo(taste.utility(backend().track('Genesis')), 9);
  });
}
