import { describe, expect, it } from 'vitest';
import { artistAliasKey, normalizeArtist, normalizeArtistName, normalizeTitle, trackKey } from '../../src/catalog/normalize.ts';

describe('normalisation (the yes-com README rules)', () => {
  it.each([
    ['Lose Control (feat. Ciara & Fat Man Scoop)', 'lose control'],
    ['Memories - Dillon Francis Remix', 'memories'],
    ["I Don't Care (with Justin Bieber) - Loud Luxury Remix", 'i don t care'],
    ['Gucci Time (w\\/ Swizz Beatz)', 'gucci time'],
    ['Hey Ya! [Radio Mix]', 'hey ya'],
    ['Crazy In Love feat. Jay-Z', 'crazy in love'],
    ['The Boxer', 'boxer'],
    ['Café del Mar', 'cafe del mar'],
    ['Straße', 'strasse'],
    // A cut that would leave nothing is not made; other scripts are kept, punctuation-only names keep themselves.
    ['With or Without You', 'with or without you'],
    ['(Intro)', 'intro'],
    ['倖田來未', '倖田來未'],
    ['!!!', '!!!'],
  ])('title %j -> %j', (input, expected) => {
    expect(normalizeTitle(input)).toBe(expected);
  });

  it.each([
    ['The Weeknd feat. Daft Punk', 'weeknd'],
    ['Simon & Garfunkel', 'simon'],
    ['Jason Mraz, Colbie Caillat', 'jason mraz'],
    ['Beyoncé', 'beyonce'],
    ['Jay-Z and Kanye West', 'jay z'],
    ['AC\\/DC', 'ac dc'],
  ])('primary artist %j -> %j', (input, expected) => {
    expect(normalizeArtist(input)).toBe(expected);
  });

  it('keeps every name of a credit in the artist identity, unlike the key', () => {
    expect(normalizeArtistName('Simon & Garfunkel')).toBe('simon garfunkel');
    expect(normalizeArtistName('The Killers')).toBe(normalizeArtistName('Killers'));
    expect(normalizeArtistName('múm')).toBe(normalizeArtistName('MUM'));
  });

  it('gives the same key to the same recording as different sources spell it', () => {
    expect(trackKey('Gucci Time (w\\/ Swizz Beatz)', 'Gucci Mane')).toBe(trackKey('Gucci Time (feat. Swizz Beatz)', 'Gucci Mane'));
    expect(trackKey('Hey Ya!', 'OutKast')).toBe(trackKey('Hey Ya! - Radio Mix', 'Outkast'));
    expect(trackKey('Toxic', 'Britney Spears')).toBe('toxic|britney spears');
  });
});

describe('artist alias keys', () => {
  it('write number words as digits, so one artist spelt two ways has one key', () => {
    expect(artistAliasKey(normalizeArtistName('Thirty Seconds To Mars'))).toBe(artistAliasKey(normalizeArtistName('30 Seconds to Mars')));
    expect(artistAliasKey('twenty one pilots')).toBe('21 pilots');
    expect(artistAliasKey('4 seasons')).toBe(artistAliasKey(normalizeArtistName('The Four Seasons')));
    expect(artistAliasKey('one direction')).toBe('1 direction');
    // Words that only contain a number word stay as they are.
    expect(artistAliasKey('someone')).toBe('someone');
    expect(artistAliasKey('coldplay')).toBe('coldplay');
  });
});
