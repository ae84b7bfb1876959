/** Catalogue rows for entity-linking tests, generated in code. */
import type { EntityRows } from '../../../src/catalog/entity-linker.ts';

/** A small catalogue: names chosen for the failures of issue 19 (Justice the duo vs Rev Theory's song, "like" in a title). */
export function fixtureRows(): EntityRows {
  const artists = [
    [1, 'Radiohead', 400],
    [2, 'Beyoncé', 380],
    [3, 'Björk', 170],
    [4, 'Justice', 60],
    [5, 'Rev Theory', 30],
    [6, 'Nirvana', 300],
    [7, 'Drake', 800],
    [8, 'Coldplay', 370],
    [9, 'Ciara', 100],
    [10, 'Bruno Mars', 250],
    [11, 'Justin Timberlake', 240],
    [12, 'Marshmello', 50],
    [13, 'The Beatles', 500],
    [14, 'Mumford & Sons', 120],
    [15, 'Love', 40],
    [16, 'Punch Brothers', 8],
    [17, 'blink-182', 150],
    [18, 'JAY-Z', 300],
  ] as const;
  const tracks = [
    [101, 'Creep', 1, 'Pablo Honey', 60],
    [102, 'Karma Police', 1, 'OK Computer', 50],
    [103, 'Everything in Its Right Place', 1, 'Kid A', 30],
    [104, 'Halo', 2, null, 90],
    [105, 'Army of Me', 3, null, 20],
    [106, 'Genesis', 4, null, 25],
    [107, 'Justice', 5, null, 12],
    [108, 'Smells Like Teen Spirit', 6, 'Nevermind', 120],
    [109, 'Hotline Bling', 7, null, 200],
    [110, 'Yellow', 8, null, 100],
    [111, 'Goodies', 9, null, 22],
    [112, 'Uptown Funk', 10, null, 150],
    [113, 'Mirrors', 11, null, 60],
    [114, 'Alone', 12, null, 30],
    [115, 'Yesterday', 13, null, 90],
    [116, 'Little Lion Man', 14, null, 40],
    [117, 'Alone Again', 15, null, 3],
    [118, 'Kid A', 16, null, 2],
  ] as const;
  return {
    artists: artists.map(([id, name, plays]) => ({ id, name, plays })),
    tracks: tracks.map(([id, title, artistId, album, plays]) => ({ id, title, artistId, album, plays })),
  };
}
