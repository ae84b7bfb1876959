/** The RatingStore contract: idempotent writes per interaction id or per (person, track, kind), the latest opinion wins. */
import { expect, it } from 'vitest';
import { suiteBackend, type BackendFactory } from './support/backends.ts';

/** Registers the RatingStore contract for one implementation. */
export function ratingStoreContract(open: BackendFactory): void {
  const backend = suiteBackend(open);
  let n = 0;
  // Each test rates as its own people, so tests sharing the backend do not see each other's ratings.
  const person = (name: string) => backend().person(`rating-${++n}-${name}`);

  it('records a rating once per interaction id; a redelivery changes nothing', async () => {
    const store = backend().ratings();
    const ann = await person('ann');
    const creep = backend().track('Creep');
    expect(await store.rate({ personId: ann, trackId: creep, kind: 'like', interactionId: 'i1' })).toEqual({ recorded: true });
    expect(await store.rate({ personId: ann, trackId: creep, kind: 'like', interactionId: 'i1' })).toEqual({ recorded: false });
    // Same interaction id, different content: still the first delivery's rating.
    expect(await store.rate({ personId: ann, trackId: creep, kind: 'dislike', interactionId: 'i1' })).toEqual({ recorded: false });
    expect(await store.opinions(ann)).toEqual({ liked: [creep], skipped: [], disliked: [] });
  });

  it('scopes interaction ids to their person: the same id from someone else is their own rating', async () => {
    const store = backend().ratings();
    const ann = await person('ann');
    const bob = await person('bob');
    await store.rate({ personId: ann, trackId: backend().track('Creep'), kind: 'like', interactionId: 'shared' });
    expect(await store.rate({ personId: bob, trackId: backend().track('Halo'), kind: 'skip', interactionId: 'shared' })).toEqual({ recorded: true });
    expect(await store.opinions(bob)).toEqual({ liked: [], skipped: [backend().track('Halo')], disliked: [] });
  });

  it('without an interaction id, the same (track, kind) is one rating and a repeat makes it the latest opinion', async () => {
    const store = backend().ratings();
    const ann = await person('ann');
    const halo = backend().track('Halo');
    expect(await store.rate({ personId: ann, trackId: halo, kind: 'like' })).toEqual({ recorded: true });
    expect(await store.rate({ personId: ann, trackId: halo, kind: 'skip' })).toEqual({ recorded: true });
    expect((await store.opinions(ann)).skipped).toEqual([halo]);
    expect(await store.rate({ personId: ann, trackId: halo, kind: 'like' })).toEqual({ recorded: false });
    expect(await store.opinions(ann)).toEqual({ liked: [halo], skipped: [], disliked: [] });
  });

  it('a newer rating of a track overwrites the older opinion', async () => {
    const store = backend().ratings();
    const ann = await person('ann');
    const creep = backend().track('Creep');
    await store.rate({ personId: ann, trackId: creep, kind: 'like', interactionId: 'a' });
    await store.rate({ personId: ann, trackId: creep, kind: 'dislike', interactionId: 'b' });
    expect(await store.opinions(ann)).toEqual({ liked: [], skipped: [], disliked: [creep] });
  });

  it('lists opinions in track id order, each track once, and only the person’s own', async () => {
    const store = backend().ratings();
    const ann = await person('ann');
    const bob = await person('bob');
    const ids = ['Let It Be', 'Creep', 'Halo', 'Genesis'].map((x) => backend().track(x));
    for (const [i, id] of ids.entries()) await store.rate({ personId: ann, trackId: id, kind: i === 3 ? 'dislike' : 'like', interactionId: `r${i}` });
    await store.rate({ personId: bob, trackId: backend().track('Strobe'), kind: 'like' });
    const o = await store.opinions(ann);
    expect(o.liked).toEqual(ids.slice(0, 3).sort((x, y) => x - y));
    expect(o.disliked).toEqual([ids[3]]);
    expect(o.liked).not.toContain(backend().track('Strobe'));
  });

  it('a person with no ratings has empty opinions', async () => {
    expect(await backend().ratings().opinions(await person('nobody'))).toEqual({ liked: [], skipped: [], disliked: [] });
  });
}
