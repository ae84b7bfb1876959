import { describe, expect, it } from 'vitest';
import { artistKey, artistLinkKeys, keyEvidenceOf, mainCreditKey } from '../../src/catalog/artist-keys.ts';

/**
 * A small catalogue's evidence (tracks credited plus Last.fm listeners per artist row), shaped like the full
 * catalogue's: bands named like lists are well known as a whole, their "parts" (Earth, AC, DC, Justice) are other,
 * smaller artists, and one-off collaborations are known less well than each collaborator.
 */
const evidence = keyEvidenceOf([
  { name: 'AC/DC', weight: 254 },
  { name: 'AC', weight: 25 },
  { name: 'DC', weight: 1 },
  { name: 'Simon & Garfunkel', weight: 55 },
  { name: 'Paul Simon', weight: 40 },
  { name: 'Earth, Wind & Fire', weight: 37 },
  { name: 'Earth', weight: 3 },
  { name: 'Fire', weight: 1 },
  { name: 'Artists for Peace and Justice', weight: 1 },
  { name: 'Justice', weight: 65 },
  { name: 'She & Him', weight: 57 },
  { name: 'HIM', weight: 83 },
  { name: 'She', weight: 7 },
  { name: 'Kanye West & Jay-Z', weight: 3 },
  { name: 'Kanye West', weight: 182 },
  { name: 'JAY-Z', weight: 172 },
  { name: 'Kanye West, Beyoncé & Charlie Wilson', weight: 1 },
  { name: 'Beyoncé', weight: 439 },
  { name: 'Charlie Wilson', weight: 12 },
  { name: 'Sleeping With Sirens', weight: 15 },
  { name: 'The Weeknd', weight: 120 },
  { name: 'Daft Punk', weight: 150 },
  { name: 'Rihanna', weight: 535 },
]);

describe('artistKey', () => {
  it('folds case and accents and drops a leading "the"', () => {
    expect(artistKey('Beyoncé')).toBe('beyonce');
    expect(artistKey('BJÖRK')).toBe('bjork');
    expect(artistKey('Sigur Rós')).toBe('sigur ros');
    expect(artistKey('The Beatles')).toBe('beatles');
    expect(artistKey('the the')).toBe('the');
  });

  it('reads "&", "+" and "and" alike', () => {
    expect(artistKey('Simon & Garfunkel')).toBe(artistKey('Simon and Garfunkel'));
    expect(artistKey('Florence + The Machine')).toBe(artistKey('Florence and the Machine'));
  });
});

describe('artistLinkKeys', () => {
  it('splits featured guests off the main artist', () => {
    expect(artistLinkKeys('The Weeknd feat. Daft Punk', evidence)).toEqual(['weeknd', 'daft punk']);
    expect(artistLinkKeys('Lady GaGa Ft. Beyoncé', evidence)).toEqual(['lady gaga', 'beyonce']);
    expect(artistLinkKeys('Calvin Harris featuring Rihanna', evidence)).toEqual(['calvin harris', 'rihanna']);
    expect(artistLinkKeys('Eminem (feat. Rihanna)', evidence)).toEqual(['eminem', 'rihanna']);
  });

  it('keeps a band named like a list whole, never splitting inside a known artist', () => {
    expect(artistLinkKeys('AC/DC', evidence)).toEqual(['ac dc']);
    expect(artistLinkKeys('Simon & Garfunkel', evidence)).toEqual(['simon and garfunkel']);
    expect(artistLinkKeys('Earth, Wind & Fire', evidence)).toEqual(['earth wind and fire']);
    expect(artistLinkKeys('Artists for Peace and Justice', evidence)).toEqual(['artists for peace and justice']);
    // Both sides are artists, but each less known than the duo: one artist.
    expect(artistLinkKeys('She & Him', evidence)).toEqual(['she and him']);
    // "with" inside a band's name is not a guest.
    expect(artistLinkKeys('Sleeping With Sirens', evidence)).toEqual(['sleeping with sirens']);
  });

  it('links a collaboration of known artists to each of them', () => {
    expect(artistLinkKeys('Kanye West & Jay-Z', evidence)).toEqual(['kanye west and jay z', 'kanye west', 'jay z']);
    expect(artistLinkKeys('Kanye West, Beyoncé & Charlie Wilson', evidence)).toEqual(['kanye west beyonce and charlie wilson', 'kanye west', 'beyonce', 'charlie wilson']);
  });

  it('splits a guest list unless the guests are one known artist', () => {
    expect(artistLinkKeys('Rihanna feat. Kanye West & Jay-Z', evidence)).toEqual(['rihanna', 'kanye west', 'jay z']);
    // Guests nobody knows as a group are each their own artist.
    expect(artistLinkKeys('Big Moe featuring Lil Keke & Z-Ro', evidence)).toEqual(['big moe', 'lil keke', 'z ro']);
    expect(artistLinkKeys('Daft Punk feat. Earth, Wind & Fire', evidence)).toEqual(['daft punk', 'earth wind and fire']);
    expect(artistLinkKeys('AC/DC feat. Simon & Garfunkel', evidence)).toEqual(['ac dc', 'simon and garfunkel']);
  });

  it('drops bracketed remarks and links accented and plain spellings to one key', () => {
    expect(artistLinkKeys('Beyoncé (I Am Tour@Edmonton)', evidence)).toEqual(['beyonce']);
    expect(artistLinkKeys('Sigur Rós', evidence)).toEqual(artistLinkKeys('sigur ros', evidence));
    expect(artistLinkKeys('The Killers', evidence)).toEqual(artistLinkKeys('Killers', evidence));
  });

  it('keeps a name that is only a stop word or punctuation', () => {
    expect(artistLinkKeys('With or Without', evidence)).toEqual(['with or without']);
    expect(artistLinkKeys('!!!', evidence)).toEqual(['!!!']);
    expect(artistLinkKeys('   ', evidence)).toEqual([]);
  });
});

describe('mainCreditKey', () => {
  it('is the whole main credit, guests and remarks left out', () => {
    expect(mainCreditKey('The Weeknd feat. Daft Punk')).toBe('weeknd');
    expect(mainCreditKey('Kanye West & Jay-Z')).toBe('kanye west and jay z');
    expect(mainCreditKey('AC/DC (Live)')).toBe('ac dc');
    expect(mainCreditKey(' ')).toBeUndefined();
  });
});

describe('keyEvidenceOf', () => {
  it('adds up rows that fold to one key', () => {
    const e = keyEvidenceOf([
      { name: 'The Killers', weight: 3 },
      { name: 'Killers', weight: 2 },
    ]);
    expect(e.get('killers')).toBe(5);
  });
});
