import { describe, expect, it } from 'vitest';
import { artistKey, artistLinkKeys } from '../../src/catalog/artist-keys.ts';

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
    expect(artistLinkKeys('The Weeknd feat. Daft Punk')).toEqual(['weeknd', 'daft punk']);
    expect(artistLinkKeys('Lady GaGa Ft. Beyoncé')).toEqual(['lady gaga', 'beyonce']);
    expect(artistLinkKeys('Calvin Harris featuring Rihanna')).toEqual(['calvin harris', 'rihanna']);
    expect(artistLinkKeys('Eminem (feat. Rihanna)')).toEqual(['eminem', 'rihanna']);
  });

  it('keeps a duo whole and links each of its members', () => {
    expect(artistLinkKeys('Simon & Garfunkel')).toEqual(['simon and garfunkel', 'simon', 'garfunkel']);
    expect(artistLinkKeys('Kanye West, Beyoncé & Charlie Wilson')).toEqual(['kanye west beyonce and charlie wilson', 'kanye west', 'beyonce', 'charlie wilson']);
  });

  it('drops bracketed remarks and links accented and plain spellings to one key', () => {
    expect(artistLinkKeys('Beyoncé (I Am Tour@Edmonton)')).toEqual(['beyonce']);
    expect(artistLinkKeys('Sigur Rós')).toEqual(artistLinkKeys('sigur ros'));
    expect(artistLinkKeys('The Killers')).toEqual(artistLinkKeys('Killers'));
  });

  it('keeps a name that is only a stop word or punctuation', () => {
    expect(artistLinkKeys('With or Without')).toEqual(['with or without']);
    expect(artistLinkKeys('!!!')).toEqual(['!!!']);
    expect(artistLinkKeys('   ')).toEqual([]);
  });
});
