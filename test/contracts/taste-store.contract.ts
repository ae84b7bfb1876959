/** The TasteStore contract: stated tastes replace field by field, artist lookup folds names, evidence counts decided votes and likes. */
import { expect, it } from 'vitest';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { suiteBackend, type BackendFactory } from './support/backends.ts';

/** Registers the TasteStore contract for one implementation. */
export function tasteStoreContract(open: BackendFactory): void {
  const backend = suiteBackend(open);
  let n = 0;
  const person = (name: string) => backend().person(`tastes-${++n}-${name}`);

  it('has nothing for a person who stated nothing', async () => {
    expect(await backend().tastes().stated(await person('new'))).toBeUndefined();
  });

  it('stores a change once: given fields replace, omitted fields stay, duplicates collapse, a repeat changes nothing', async () => {
    const tastes = backend().tastes();
    const ann = await person('ann');
    const radiohead = await backend().artist('Radiohead');
    const first = await tastes.state(ann, { genres: ['rock', 'rock', 'pop'], energy: 0.3, artistIds: [radiohead, radiohead] });
    expect(first.changed).toBe(true);
    expect(first.tastes).toMatchObject({ genres: ['rock', 'pop'], moods: [], energy: 0.3, artists: [{ id: radiohead, name: 'Radiohead' }] });
    expect((await tastes.state(ann, { genres: ['rock', 'pop'] })).changed).toBe(false);
    const second = await tastes.state(ann, { moods: ['calm'], energy: null });
    expect(second.changed).toBe(true);
    expect(second.tastes).toMatchObject({ genres: ['rock', 'pop'], moods: ['calm'], energy: null, artists: [{ id: radiohead, name: 'Radiohead' }] });
    expect(await tastes.stated(ann)).toMatchObject({ genres: ['rock', 'pop'], moods: ['calm'], energy: null });
  });

  it('leaves out stated artist ids the catalogue does not have', async () => {
    const tastes = backend().tastes();
    const bob = await person('bob');
    const nirvana = await backend().artist('Nirvana');
    const { tastes: stored } = await tastes.state(bob, { artistIds: [nirvana, 987_654] });
    expect(stored.artists).toEqual([{ id: nirvana, name: 'Nirvana' }]);
  });

  it('clears what was stated once; clearing again reports nothing stored', async () => {
    const tastes = backend().tastes();
    const cy = await person('cy');
    await tastes.state(cy, { genres: ['edm'] });
    expect(await tastes.clear(cy)).toBe(true);
    expect(await tastes.stated(cy)).toBeUndefined();
    expect(await tastes.clear(cy)).toBe(false);
  });

  it('finds an artist by the folded name: accents, case and a leading "the" do not matter', async () => {
    const tastes = backend().tastes();
    const beyonce = await backend().artist('Beyoncé');
    expect((await tastes.findArtists('beyonce')).map((a) => a.id)).toEqual([beyonce]);
    expect((await tastes.findArtists('BEYONCÉ')).map((a) => a.name)).toEqual(['Beyoncé']);
    expect((await tastes.findArtists('beatles')).map((a) => a.name)).toEqual(['The Beatles']);
    expect((await tastes.findArtists('The Beatles')).map((a) => a.name)).toEqual(['The Beatles']);
  });

  it('falls back to partial matches, most played first, at most `limit`; nothing for an empty or unknown name', async () => {
    const tastes = backend().tastes();
    const [radiohead] = await tastes.findArtists('radioh');
    expect(radiohead).toMatchObject({ name: 'Radiohead' });
    expect(radiohead!.plays).toBeGreaterThan(0);
    const partial = await tastes.findArtists('a', 3);
    expect(partial).toHaveLength(3);
    expect(partial.map((a) => a.plays)).toEqual([...partial.map((a) => a.plays)].sort((x, y) => y - x));
    expect(await tastes.findArtists('   ')).toEqual([]);
    expect(await tastes.findArtists('zzqxj')).toEqual([]);
  });

  it('lists each artist’s most played tracks, artist by artist, at most perArtist each (a credit counts)', async () => {
    const b = backend();
    const tastes = b.tastes();
    const daft = await b.artist('Daft Punk');
    const pharrell = await b.artist('Pharrell Williams');
    const catalog = await b.catalog();
    const tracks = await tastes.artistTracks([daft, pharrell], 2);
    expect(tracks).toHaveLength(3);
    expect(tracks[2]).toBe(b.track('Get Lucky'));
    const cards = await catalog.describe(tracks.slice(0, 2));
    expect(tracks.slice(0, 2).every((t) => cards.get(t)!.artists.includes('Daft Punk'))).toBe(true);
    const daftTracks = ['One More Time', 'Around the World', 'Digital Love', 'Get Lucky'].map((x) => b.track(x));
    const plays = await catalog.describe(daftTracks);
    const best = [...daftTracks].sort((x, y) => plays.get(y)!.plays - plays.get(x)!.plays || x - y).slice(0, 2);
    expect(tracks.slice(0, 2)).toEqual(best);
    expect(await tastes.artistTracks([], 3)).toEqual([]);
  });

  it('counts evidence as decided votes plus tracks whose latest rating is a like', async () => {
    const b = backend();
    const tastes = b.tastes();
    const ratings = b.ratings();
    const dee = await person('dee');
    expect(await tastes.evidence(dee)).toBe(0);
    await ratings.rate({ personId: dee, trackId: b.track('Creep'), kind: 'like', interactionId: 'e1' });
    await ratings.rate({ personId: dee, trackId: b.track('Halo'), kind: 'like', interactionId: 'e2' });
    await ratings.rate({ personId: dee, trackId: b.track('Strobe'), kind: 'skip', interactionId: 'e3' });
    expect(await tastes.evidence(dee)).toBe(2);
    await ratings.rate({ personId: dee, trackId: b.track('Halo'), kind: 'dislike', interactionId: 'e4' });
    expect(await tastes.evidence(dee)).toBe(1);
    const prefs = b.preferences(() => new SeededRandom(3));
    const plausible = ['Creep', 'Karma Police', 'No Surprises', 'Teardrop', 'Strobe'].map((x) => b.track(x));
    const one = await prefs.nextComparison(dee, plausible);
    await prefs.vote({ personId: dee, comparisonId: one.comparisonId, choice: 'a', interactionId: 'v1' });
    const two = await prefs.nextComparison(dee, plausible);
    await prefs.vote({ personId: dee, comparisonId: two.comparisonId, choice: 'skip', interactionId: 'v2' });
    expect(await tastes.evidence(dee)).toBe(2);
  });
}
