/**
 * The Listeners contract: similar listeners are reported only in aggregate and only when there are at least
 * MIN_GROUP of them; reported tracks are liked by at least MIN_SHARED of them and not rated by the person; shown
 * names are those of similar listeners who opted in, and consent is idempotent.
 */
import { expect, it } from 'vitest';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { MIN_GROUP } from '../../src/serving/ports/listeners.ts';
import type { Backend, BackendFactory } from './support/backends.ts';
import { CONTRACT_WORLD } from './support/contract-fixture.ts';

/** Registers the Listeners contract for one implementation. */
export function listenersContract(open: BackendFactory): void {
  /** Listeners are everyone: each test gets its own backend. */
  const withBackend = (name: string, body: (b: Backend) => Promise<void>) =>
    it(name, async () => {
      const b = await open();
      try {
        await body(b);
      } finally {
        await b.close();
      }
    });
  const likeAll = async (b: Backend, personId: number, titles: readonly string[], kind: 'like' | 'dislike' = 'like') => {
    for (const t of titles) await b.ratings().rate({ personId, trackId: b.track(t), kind });
  };
  /** Me, three similar listeners and one with other tastes. */
  const group = async (b: Backend) => {
    const me = await b.person('me');
    await likeAll(b, me, ['Creep', 'Karma Police', 'No Surprises']);
    await likeAll(b, me, ['Smells Like Teen Spirit'], 'dislike');
    const n1 = await b.person('n1');
    await likeAll(b, n1, ['Creep', 'Karma Police', 'No Surprises', 'Halo', 'Smells Like Teen Spirit']);
    const n2 = await b.person('n2');
    await likeAll(b, n2, ['Creep', 'Karma Police', 'Halo', 'Smells Like Teen Spirit']);
    const n3 = await b.person('n3');
    await likeAll(b, n3, ['Creep', 'No Surprises', 'Halo', 'Let It Be']);
    const far = await b.person('far');
    await likeAll(b, far, ['Genesis', 'Strobe']);
    return { me, n1, n2, n3, far };
  };

  withBackend('reports nothing for a person with no likes', async (b) => {
    await group(b);
    const nobody = await b.person('nobody');
    expect(await (await b.listeners()).similar(nobody, 10)).toEqual({ count: 0, enough: false, topGenres: [], topMoods: [], tracks: [], shown: [] });
    expect((await (await b.listeners()).candidates(nobody)).size).toBe(0);
  });

  withBackend('aggregates the similar listeners: their shared labels and the tracks at least two of them like that the person has not rated', async (b) => {
    const { me } = await group(b);
    const listeners = await b.listeners();
    const summary = await listeners.similar(me, 10);
    expect(summary).toEqual({
      count: 3,
      enough: true,
      topGenres: [
        { name: 'rnb', listeners: 3 },
        { name: 'rock', listeners: 3 },
      ],
      topMoods: [
        { name: 'happy', listeners: 3 },
        { name: 'sad', listeners: 3 },
        { name: 'calm', listeners: 2 },
        { name: 'energetic', listeners: 2 },
      ],
      // Smells Like Teen Spirit is liked by two of them but the person rated it; Let It Be by one only.
      tracks: [{ trackId: b.track('Halo'), listeners: 3 }],
      shown: [],
    });
    const candidates = await listeners.candidates(me);
    expect([...candidates.keys()]).toEqual([b.track('Halo')]);
    expect(candidates.get(b.track('Halo'))).toBeGreaterThan(0);
  });

  withBackend(`reports no aggregate from fewer than ${MIN_GROUP} similar listeners`, async (b) => {
    const { me } = await group(b);
    const listeners = await b.listeners();
    expect(await listeners.similar(me, 2)).toMatchObject({ count: 2, enough: false, topGenres: [], topMoods: [], tracks: [] });
  });

  withBackend('shows the names of similar listeners who opted in, and only theirs; consent is idempotent', async (b) => {
    const { me, n1, n3, far } = await group(b);
    const listeners = await b.listeners();
    expect(await listeners.consent(n1, 'Nia')).toEqual({ changed: true });
    expect(await listeners.consent(n1, 'Nia')).toEqual({ changed: false });
    expect(await listeners.consent(n3, 'Ari')).toEqual({ changed: true });
    expect(await listeners.consent(far, 'Far Away')).toEqual({ changed: true });
    expect(await listeners.shownName(n1)).toBe('Nia');
    expect((await listeners.similar(me, 10)).shown).toEqual(['Ari', 'Nia']);
    expect(await listeners.consent(n1, 'Nia B')).toEqual({ changed: true });
    expect(await listeners.consent(n1, null)).toEqual({ changed: true });
    expect(await listeners.consent(n1, null)).toEqual({ changed: false });
    expect(await listeners.shownName(n1)).toBeUndefined();
    expect((await listeners.similar(me, 10)).shown).toEqual(['Ari']);
  });

  withBackend('finds people who voted alike as similar, from their taste models alone, and leaves out who voted the other way', async (b) => {
    const prefs = b.preferences(() => new SeededRandom(5));
    const energy = (id: number) => CONTRACT_WORLD.tracks.find((t) => b.track(t.title) === id)!.audio!.energy!;
    const plausible = ['Genesis', 'Avril 14th', 'Smells Like Teen Spirit', "Don't Know Why", 'Around the World', 'No Surprises'].map((t) => b.track(t));
    const voteBy = async (personId: number, prefersEnergy: boolean) => {
      for (let i = 0; i < 4; i++) {
        const o = await prefs.nextComparison(personId, plausible);
        const aWins = energy(o.a) >= energy(o.b) === prefersEnergy;
        await prefs.vote({ personId, comparisonId: o.comparisonId, choice: aWins ? 'a' : 'b', interactionId: `v${i}` });
      }
    };
    const me = await b.person('me');
    await voteBy(me, true);
    for (const name of ['alike-1', 'alike-2', 'alike-3']) await voteBy(await b.person(name), true);
    await voteBy(await b.person('contrary'), false);
    const summary = await (await b.listeners()).similar(me, 10);
    expect(summary).toMatchObject({ count: 3, enough: true, tracks: [] });
  });
}
