/**
 * The Catalog contract: search folds accents and case, needs every word (or a whole tag), ranks whole words then
 * plays; cards carry credits in order and plays; unknown ids are left out; predictions, labelled tops and the
 * vocabulary come from the active classifiers.
 */
import { expect, it } from 'vitest';
import { CONTRACT_WORLD } from './support/contract-fixture.ts';
import { suiteBackend, type BackendFactory } from './support/backends.ts';

/** Plays of a contract track in the fixture's playlists. */
function fixturePlays(title: string): number {
  const i = CONTRACT_WORLD.tracks.findIndex((t) => t.title === title);
  return (CONTRACT_WORLD.playlists ?? []).filter((p) => p.includes(i)).length;
}

/** Registers the Catalog contract for one implementation. */
export function catalogContract(open: BackendFactory): void {
  const backend = suiteBackend(open);
  const titles = (cards: readonly { title: string }[]) => cards.map((c) => c.title);

  it('finds "Beyoncé" whether typed with the accent or without, in either case', async () => {
    const catalog = await backend().catalog();
    const plain = await catalog.search('beyonce', 10);
    expect(titles(plain).sort()).toEqual(['Crazy in Love', 'Halo']);
    expect(titles(await catalog.search('BEYONCÉ', 10))).toEqual(titles(plain));
    expect(titles(await catalog.search('Beyoncé halo', 10))).toEqual(['Halo']);
  });

  it('needs every word; filler words ("the", "song", "by") are ignored', async () => {
    const catalog = await backend().catalog();
    expect(titles(await catalog.search('creep by radiohead', 10))).toEqual(['Creep']);
    expect(titles(await catalog.search('the beatles song', 10))).toEqual(['Let It Be']);
    expect(await catalog.search('radiohead halo', 10)).toEqual([]);
    expect(await catalog.search('the', 10)).toEqual([]);
    expect(await catalog.search('   ', 10)).toEqual([]);
  });

  it('matches a whole tag phrase: "french house" finds the tagged tracks only', async () => {
    const catalog = await backend().catalog();
    expect(titles(await catalog.search('French House', 10)).sort()).toEqual(['Around the World', 'Digital Love', 'One More Time']);
  });

  it('ranks whole-word matches above partial ones, then by plays, and honours the limit', async () => {
    const catalog = await backend().catalog();
    // "one" is a word of "One More Time" and only part of "jones" in "Don't Know Why".
    expect(titles(await catalog.search('one', 10))).toEqual(['One More Time', "Don't Know Why"]);
    const radiohead = await catalog.search('radiohead', 10);
    expect(radiohead.map((c) => c.plays)).toEqual([...radiohead.map((c) => c.plays)].sort((x, y) => y - x));
    expect(await catalog.search('radiohead', 2)).toEqual(radiohead.slice(0, 2));
    expect(await catalog.search('radiohead', 0)).toEqual([]);
  });

  it('applies genre, mood and year filters together', async () => {
    const catalog = await backend().catalog();
    expect(titles(await catalog.search('radiohead', 10, { mood: 'calm' }))).toEqual(['No Surprises']);
    expect(titles(await catalog.search('daft punk', 10, { genre: 'Pop' }))).toEqual(['Get Lucky']);
    expect(titles(await catalog.search('radiohead', 10, { yearMin: 1995 })).sort()).toEqual(['Karma Police', 'No Surprises']);
    expect(titles(await catalog.search('daft punk', 10, { yearMax: 1999 }))).toEqual(['Around the World']);
    expect(await catalog.search('radiohead', 10, { genre: 'edm' })).toEqual([]);
    expect(await catalog.search('radiohead', 10, { genre: 'polka' })).toEqual([]);
  });

  it('describes known ids with every credit in order, labels and plays; unknown and invalid ids are left out', async () => {
    const b = backend();
    const catalog = await b.catalog();
    const crazy = b.track('Crazy in Love');
    const cards = await catalog.describe([crazy, crazy, 987_654, -1, 1.5, 2 ** 40]);
    expect([...cards.keys()]).toEqual([crazy]);
    expect(cards.get(crazy)).toEqual({ id: crazy, title: 'Crazy in Love', artists: ['Beyoncé', 'JAY-Z'], album: null, year: 2003, genre: 'rnb', mood: 'energetic', plays: fixturePlays('Crazy in Love') });
    const unplayed = b.track('Quiet Field Recording');
    expect((await catalog.describe([unplayed])).get(unplayed)?.plays).toBe(0);
    expect((await catalog.describe([])).size).toBe(0);
  });

  it('counts a rating as a play of the track', async () => {
    const b = backend();
    const catalog = await b.catalog();
    const track = b.track('Quiet Field Recording');
    const before = (await catalog.describe([track])).get(track)!.plays;
    await b.ratings().rate({ personId: await b.person('catalog-rater'), trackId: track, kind: 'like', interactionId: 'p1' });
    expect((await catalog.describe([track])).get(track)!.plays).toBe(before + 1);
  });

  it('gives each active classifier’s prediction with its probabilities, best first; none for an unknown track', async () => {
    const b = backend();
    const catalog = await b.catalog();
    const p = await catalog.predictions(b.track('Teardrop'));
    expect(Object.keys(p).sort()).toEqual(['genre', 'mood']);
    expect(p.genre).toMatchObject({ label: 'edm', modelVersion: 'contract' });
    expect(p.genre!.confidence).toBeCloseTo(0.7, 5);
    expect(p.genre!.probabilities[0]!.label).toBe('edm');
    expect(p.genre!.probabilities.map((x) => x.label).sort()).toEqual(['edm', 'pop', 'rnb', 'rock']);
    const probs = p.mood!.probabilities.map((x) => x.probability);
    expect(probs).toEqual([...probs].sort((x, y) => y - x));
    expect(probs.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 5);
    expect(await catalog.predictions(987_654)).toEqual({});
  });

  it('lists the most played tracks with a label (case and spaces forgiven), at most `limit`', async () => {
    const b = backend();
    const catalog = await b.catalog();
    const rock = await catalog.topWithLabel('genre', ' Rock ', 10);
    expect(rock.length).toBe(5);
    const cards = await catalog.describe(rock);
    expect(rock.every((t) => cards.get(t)!.genre === 'rock')).toBe(true);
    expect(rock.map((t) => cards.get(t)!.plays)).toEqual([...rock.map((t) => cards.get(t)!.plays)].sort((x, y) => y - x));
    expect(await catalog.topWithLabel('genre', 'rock', 2)).toEqual(rock.slice(0, 2));
    expect(await catalog.topWithLabel('genre', 'polka', 5)).toEqual([]);
    expect(await catalog.topWithLabel('subgenre', 'anything', 5)).toEqual([]);
  });

  it('reports the vocabulary of the active classifiers with track counts', async () => {
    const catalog = await backend().catalog();
    const v = await catalog.vocabulary();
    expect(v.genres).toEqual([
      { name: 'edm', tracks: 7 },
      { name: 'rock', tracks: 5 },
      { name: 'pop', tracks: 3 },
      { name: 'rnb', tracks: 2 },
    ]);
    expect(v.moods.map((m) => m.name)).toEqual(['happy', 'sad', 'energetic', 'calm']);
    expect(v.moods.reduce((s, m) => s + m.tracks, 0)).toBe(CONTRACT_WORLD.tracks.length);
    expect(v.subgenres).toEqual([]);
  });

  it('has no label table to read labels from', async () => {
    const b = backend();
    const catalog = await b.catalog();
    expect(await catalog.labels?.(b.track('Creep'))).toBeUndefined();
  });
}
