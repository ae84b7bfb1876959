import { describe, expect, it } from 'vitest';
import { attachedArtist, goldKeys, matchEntities, plannedKeys } from '../../src/eval/served/music-ner.ts';
import { EntityIndex } from '../../src/catalog/entity-linker.ts';

describe('music-ner scoring', () => {
  it('counts a planned entity right when it is the catalogue entity named by the mention or by the Wikipedia link', () => {
    // "John Mayer" linked to John_Mayer_Trio: both readings count, once.
    const gold = [new Set(['a795', 'a7950']), new Set(['a10'])];
    expect(matchEntities(gold, [new Set(['a795'])])).toBe(1);
    expect(matchEntities(gold, [new Set(['a7950']), new Set(['a10'])])).toBe(2);
    expect(matchEntities(gold, [new Set(['a795']), new Set(['a7950'])])).toBe(1);
    expect(matchEntities(gold, [new Set(['a11'])])).toBe(0);
  });

  it('uses a planned entity for one gold entity only', () => {
    expect(matchEntities([new Set(['a1', 'a2']), new Set(['a1'])], [new Set(['a1'])])).toBe(1);
  });
});

describe('music-ner gold: the artist a work is named with', () => {
  const artists = ['boris', 'weezers', 'dynoro', 'dua lipa', 'milky chance', 'radiohead'];
  it('reads "by", "from", a possessive, a dash (gone in preprocessing) and a bracket (" | ") as naming the artist', () => {
    expect(attachedArtist('songs similar to blackout by boris', 'blackout', artists)).toBe('boris');
    expect(attachedArtist('really chill trap like hangover from dynoro', 'hangover', artists)).toBe('dynoro');
    expect(attachedArtist('music that sounds like weezers pinkerton album', 'pinkerton', artists)).toBe('weezers');
    expect(attachedArtist('any songs like milky chance running', 'running', artists)).toBe('milky chance');
    expect(attachedArtist('lush life zara larsson be the one | dua lipa', 'be the one', artists)).toBe('dua lipa');
  });

  it('leaves a work named on its own, or beside other words, without an artist', () => {
    expect(attachedArtist('like daydreaming from a moon shaped pool by radiohead', 'daydreaming', artists)).toBeUndefined();
    expect(attachedArtist('songs like hotel california and something by radiohead', 'hotel california', artists)).toBeUndefined();
    // A word that merely starts like the artist is not the artist ("borisov").
    expect(attachedArtist('blackout by borisov', 'blackout', artists)).toBeUndefined();
    // Punctuation the preprocessing dropped still parts them: "(dj snake), lush life (zara larsson)".
    const listed = 'in the middle dj snake lush life zara larsson';
    expect(attachedArtist(listed, 'lush life', ['dj snake', 'zara larsson'], 'in the middle (dj snake), lush life (zara larsson)')).toBe('zara larsson');
    expect(attachedArtist('colde sunflower colde shh offonoff dance', 'shh', ['colde', 'offonoff'], 'Colde - Sunflower, Colde - Shh, offonoff - Dance?')).toBe('colde');
  });
});

describe('music-ner matching', () => {
  it('matches a planned work by its title or by its title with its artist, once each', () => {
    // Gold "Blank Space" named alone (title) and "Numb by Linkin Park" (title with artist 7).
    const gold = [new Set(['wblank space']), new Set(['wnumb@a7'])];
    expect(matchEntities(gold, [new Set(['wblank space', 'wblank space@a3']), new Set(['wnumb', 'wnumb@a7'])])).toBe(2);
    // Another artist's "Numb" is not Linkin Park's.
    expect(matchEntities(gold, [new Set(['wnumb', 'wnumb@a9'])])).toBe(0);
    // One planned entity that could serve either gold entity is used by the one only it can serve.
    expect(matchEntities([new Set(['x', 'y']), new Set(['x'])], [new Set(['x']), new Set(['y'])])).toBe(2);
  });
});

describe('music-ner gold and planned entities against a catalogue', () => {
  const index = new EntityIndex({
    artists: [
      { id: 1, name: 'Boris', plays: 20 },
      { id: 2, name: 'Britney Spears', plays: 300 },
      { id: 3, name: 'Weezer', plays: 200 },
      { id: 4, name: 'Eagles', plays: 150 },
    ],
    tracks: [
      { id: 11, title: 'Blackout', artistId: 2, album: null, plays: 40 },
      { id: 12, title: 'El Scorcho', artistId: 3, album: 'Pinkerton', plays: 30 },
      { id: 13, title: 'Pink Triangle', artistId: 3, album: 'Pinkerton', plays: 20 },
      { id: 14, title: 'Hotel California', artistId: 4, album: null, plays: 90 },
    ],
  });
  const query = (text: string, pre: string, entities: { mention: string; type: 'Artist' | 'WoA'; wikiName: string }[]) => ({ text, query: pre, entities });

  it('holds a work named with its artist only in that artist\'s version, and one named alone in any', () => {
    const boris = query('Songs similar to Blackout by Boris', 'songs similar to blackout by boris', [
      { mention: 'blackout', type: 'WoA', wikiName: 'Blackout_(Britney_Spears_album)' },
      { mention: 'boris', type: 'Artist', wikiName: 'Boris_(band)' },
    ]);
    expect(goldKeys(boris, index).works).toEqual([]);
    const alone = query('I love Blackout', 'i love blackout', [{ mention: 'blackout', type: 'WoA', wikiName: 'Blackout_(Britney_Spears_album)' }]);
    expect(goldKeys(alone, index).works).toEqual([new Set(['wblackout'])]);
    const weezer = query("Music like Weezer's Pinkerton album", 'music like weezers pinkerton album', [
      { mention: 'weezers', type: 'Artist', wikiName: 'Weezer' },
      { mention: 'pinkerton', type: 'WoA', wikiName: 'Pinkerton_(album)' },
    ]);
    expect(goldKeys(weezer, index).works).toEqual([new Set(['wpinkerton@a3'])]);
  });

  it('counts an album the plan seeds with once, as the album, and a track by title and by title with its artist', () => {
    const album = plannedKeys({ intent: 'recommend', constraints: {}, calls: [{ name: 'recommend', args: { seeds: { artists: ['Weezer'], tracks: [12, 13] } } }], albums: [{ title: 'Pinkerton', artist: 'Weezer', trackIds: [12, 13] }] }, index);
    expect(album.works).toEqual([new Set(['wpinkerton', 'wpinkerton@a3'])]);
    expect(album.artists).toEqual([new Set(['a3'])]);
    const track = plannedKeys({ intent: 'similar', constraints: {}, calls: [{ name: 'similar_tracks', args: { track: 14 } }] }, index);
    expect(track.works).toEqual([new Set(['whotel california', 'whotel california@a4'])]);
  });
});
