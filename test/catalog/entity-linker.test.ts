import { describe, expect, it } from 'vitest';
import { EntityIndex } from '../../src/catalog/entity-linker.ts';
import { fixtureRows } from './support/entity-rows.ts';

const index = new EntityIndex(fixtureRows());
const mentioned = (text: string) => index.mentions(text).map((m) => (m.kind === 'artist' ? `artist:${m.artist.name}` : m.kind === 'track' ? `track:${m.track.title}/${m.track.artist}` : `album:${m.album.title}`));

describe('entity linking against the catalogue', () => {
  it('resolves names as people write them: case, accents, possessives, plurals, one typo', () => {
    expect(index.artist('radiohead')).toMatchObject({ name: 'Radiohead', match: 'exact' });
    expect(index.artist('beyonce')).toMatchObject({ name: 'Beyoncé', match: 'exact' });
    expect(index.artist('bjork')).toMatchObject({ name: 'Björk', match: 'exact' });
    expect(index.artist("Radiohead's")).toMatchObject({ name: 'Radiohead' });
    expect(index.artist('radioheads')).toMatchObject({ name: 'Radiohead', match: 'near' });
    expect(index.artist('Radiohed')).toMatchObject({ name: 'Radiohead', match: 'near' });
    expect(index.artist('beatles')).toMatchObject({ name: 'The Beatles', match: 'exact' });
    expect(index.artist('Radiohed', { near: false })).toBeUndefined();
    expect(index.artist('Portishead')).toBeUndefined();
  });

  it('finds tracks by title (with "like" inside), by "title by artist", and albums', () => {
    expect(index.track('smells like teen spirit')).toMatchObject({ id: 108, artist: 'Nirvana' });
    expect(index.track('Creep', 'Radiohead')).toMatchObject({ id: 101 });
    expect(index.track('Creep', 'Coldplay')).toBeUndefined();
    expect(index.album('OK Computer')).toMatchObject({ artist: 'Radiohead', trackIds: [102] });
    expect(index.trackById(109)).toMatchObject({ title: 'Hotline Bling', artist: 'Drake' });
  });

  it('reads "Justice" as the duo, not the less played song of that name', () => {
    expect(mentioned('something like Justice')).toEqual(['artist:Justice']);
  });

  it('finds the entities a message names, longest first, and never ordinary words', () => {
    expect(mentioned('find Smells Like Teen Spirit')).toEqual(['track:Smells Like Teen Spirit/Nirvana']);
    expect(mentioned('Bruno Mars, Justin Timberlake, Marshmello')).toEqual(['artist:Bruno Mars', 'artist:Justin Timberlake', 'artist:Marshmello']);
    expect(mentioned('some Ciara would be nice please')).toEqual(['artist:Ciara']);
    expect(mentioned('similar to Creep by Radiohead')).toEqual(['track:Creep/Radiohead']);
    expect(mentioned('Yesterday by The Beatles')).toEqual(['track:Yesterday/The Beatles']);
    expect(mentioned("I love Radiohead's Everything in its Right Place")).toEqual(['artist:Radiohead', 'track:Everything in Its Right Place/Radiohead']);
    expect(mentioned('Music Like: Little Lion Man by Mumford & Sons.')).toEqual(['track:Little Lion Man/Mumford & Sons']);
    expect(mentioned('songs like radioheads stuff')).toEqual(['artist:Radiohead']);
    // Ordinary words that are also names ("Love", "Alone") are not entities; neither is a sentence in Title Case.
    expect(mentioned('I love sad songs, alone at night')).toEqual([]);
    expect(mentioned('Music To Listen To When You Feel Alone')).toEqual([]);
  });

  it('reads the words right after "by" as an artist however they are written (music-ner: "Dulce by Flofilz", "by outcast")', () => {
    expect(mentioned('something like Happier by marshmello')).toEqual(['artist:Marshmello']);
    expect(mentioned('songs by marshmelo')).toEqual(['artist:Marshmello']);
    // A near match only for an artist people play.
    expect(mentioned('anything by punch brotherz')).toEqual([]);
    expect(mentioned('anything by punch brothers')).toEqual(['artist:Punch Brothers']);
  });

  it('reads one lower-case word written as a played artist spells it, punctuation and all ("pop punk like blink-182")', () => {
    expect(mentioned('pop punk like blink-182')).toEqual(['artist:blink-182']);
    expect(mentioned('something like jay-z')).toEqual(['artist:JAY-Z']);
    // Spelled otherwise, one lower-case word is still no name.
    expect(mentioned('something like blink182')).toEqual([]);
  });

  it('in a list of artists, reads a lower-case item that is exactly an artist people play (music-ner: "flume or hermitude")', () => {
    expect(mentioned('like Bruno Mars, Justin Timberlake and marshmello')).toEqual(['artist:Bruno Mars', 'artist:Justin Timberlake', 'artist:Marshmello']);
    // Not on its own.
    expect(mentioned('like marshmello')).toEqual([]);
  });

  it('keeps a quoted name whole', () => {
    expect(mentioned('like "Alone Again" please')).toEqual(['track:Alone Again/Love']);
    expect(mentioned('like "Zoosters Alone" by Nobody')).toEqual([]);
  });

  it('breaks ties by popularity', () => {
    const tied = new EntityIndex({
      artists: [
        { id: 1, name: 'Alpha', plays: 5 },
        { id: 2, name: 'Beta', plays: 50 },
      ],
      tracks: [
        { id: 10, title: 'Same Song', artistId: 1, album: null, plays: 5 },
        { id: 11, title: 'Same Song', artistId: 2, album: null, plays: 50 },
      ],
    });
    expect(tied.track('Same Song')?.id).toBe(11);
    expect(tied.track('Same Song', 'Alpha')?.id).toBe(10);
  });

  describe('names as people write them in real requests (music-ner)', () => {
    const rows = {
      artists: [
        [1, 'Red Hot Chili Peppers', 120],
        [2, 'Nine Inch Nails', 90],
        [3, 'OneRepublic', 60],
        [4, 'The Notorious B.I.G.', 90],
        [5, 'Kanye West', 850],
        [6, 'Kanye Knight', 3],
        [7, 'Deftones', 120],
        [8, 'Deep Purple', 300],
        [9, 'Rezz', 3],
        [10, 'Fatima', 2],
        [11, 'Death', 37],
        [12, 'Ten Feet', 6],
        [13, 'Soundgarden', 140],
        [14, 'Every Day Matters', 40],
      ].map(([id, name, plays]) => ({ id: id as number, name: name as string, plays: plays as number })),
      tracks: [
        [201, 'Give It Away', 1],
        [202, 'Hurt', 2],
        [203, 'Apologize', 3],
        [204, 'Juicy', 4],
        [205, 'Stronger', 5],
        [206, 'Change (In the House of Flies)', 7],
        [211, 'Change', 7],
        [207, 'Deep Dive', 13],
        [208, 'Deep End', 13],
        [209, 'Too Deep', 8],
        [210, 'Edge', 9],
      ].map(([id, title, artistId]) => ({ id: id as number, title: title as string, artistId: artistId as number, album: null, plays: id === 205 ? 20 : 5 })),
    };
    const real = new EntityIndex(rows);
    const named = (text: string) => real.mentions(text).map((m) => (m.kind === 'artist' ? m.artist.name : `${m.kind}:${m.text}`));

    it('reads a band abbreviated in capitals, never a word or a genre', () => {
      expect(named('Gimme that RHCP vibe I love so dearly')).toEqual(['Red Hot Chili Peppers']);
      expect(named('Creepy songs like NIN?')).toEqual(['Nine Inch Nails']);
      expect(named('some EDM like this please')).toEqual([]);
      // Initials of a band few play do not stand for it.
      expect(named('anything like EDM or EDMX')).toEqual([]);
    });

    it('reads a name whatever its spacing, and a well-known artist by one name or with one typo', () => {
      expect(named('Albums like "Dreaming Out Loud" by One Republic')).toEqual(['OneRepublic']);
      expect(named('a rapper smooth like Notorious BIG')).toEqual(['The Notorious B.I.G.']);
      expect(named("Songs like Kanye's new song")).toEqual(['Kanye West']);
      expect(named('alternative metal like Deftone and Soundgarden')).toEqual(['Deftones', 'Soundgarden']);
      // A word that titles use is nobody's one name ("Deep House" is not Deep Purple).
      expect(named('I need Deep House recommendations')).toEqual([]);
    });

    it('reads "Artist - Title" when the catalogue lacks the title, and only the whole name before the dash', () => {
      expect(named('Looking for songs similar to REZZ - Cubic Squeal')).toEqual(['Rezz']);
      expect(named('Looking for songs similar to Dré Rezz - Cubic Squeal')).toEqual([]);
      expect(named('Song similar to Bishops Knife Trick -Soundgarden')).toEqual(['Soundgarden']);
    });

    it('does not read part of a longer name, or a title before "by", as a little-played artist', () => {
      expect(named('Any songs similar to this one by Fatima Yamaha')).toEqual([]);
      expect(named('music like this song (Ocean Death)')).toEqual([]);
      expect(named('Something like Ten Feet by Curio')).toEqual([]);
      // Mid-sentence with a capital and on its own, a little-played artist is a name.
      expect(named('music like Fatima and Soundgarden')).toEqual(['Fatima', 'Soundgarden']);
      expect(named('heavy stuff like Death')).toEqual(['Death']);
    });

    it('reads a quoted title followed by "by <artist>", and a title written without its apostrophes', () => {
      expect(named('Songs like "change" by Deftones please')).toEqual(['track:change']);
      expect(named('Songs like "Change" by Soundgarden please')).toEqual(['Soundgarden']);
      expect(real.track('dont stop me now')).toBeUndefined();
      const apostrophes = new EntityIndex({ artists: [{ id: 1, name: 'Weezer', plays: 100 }], tracks: [{ id: 9, title: "Say It Ain't So", artistId: 1, album: null, plays: 40 }] });
      expect(apostrophes.track('say it aint so')?.id).toBe(9);
      expect(apostrophes.track("Say it ain't so")?.id).toBe(9);
    });

    it('reads one capitalised word opening a sentence as a title only in quotes', () => {
      expect(named('Stronger songs for the gym')).toEqual([]);
      expect(named('"Stronger" songs for the gym')).toEqual(['track:Stronger']);
      expect(named('songs like Stronger please')).toEqual(['track:Stronger']);
    });
  });

  describe('titles written beside their artist, and titles the words around them rule out (music-ner work F1)', () => {
    const artists: [number, string, number][] = [
      [1, 'Lou Reed', 100], [2, 'Taylor Swift', 500], [3, 'Weezer', 200], [4, 'Dynoro', 30], [5, 'Taio Cruz', 90],
      [6, 'Metric', 60], [7, 'Queen', 400], [8, 'The White Stripes', 200], [9, 'I Prevail', 40], [10, 'Beret', 10],
      [11, 'Pesado', 12], [12, 'Post Malone', 600], [13, 'The Goo Goo Dolls', 200], [14, 'Incubus', 150], [15, 'Lil Peep', 90],
      [16, 'Paperwhite', 5], [17, 'James Wesley', 10], [18, 'Skillet', 100], [19, 'MK', 20], [20, 'Faith No More', 80],
      [21, 'Radiohead', 400], [22, 'Punch Brothers', 8], [23, 'Drake', 800], [24, 'The Beatles', 500], [25, 'Sugarland', 40], [28, "Plain White T's", 50], [29, 'Gotye', 80], [30, 'Black Sabbath', 300], [31, 'Michael Bublé', 120], [32, 'Black', 15],
    ];
    const tracks: [number, string, number, string | null, number][] = [
      [301, 'Perfect Day', 1, 'Transformer', 40], [302, 'Delicate', 2, 'Reputation', 90], [303, 'Blank Space', 2, '1989', 120],
      [304, 'El Scorcho', 3, 'Pinkerton', 30], [305, 'Hangover', 4, null, 6], [306, 'Hangover', 5, null, 50],
      [307, "Help, I'm Alive", 6, null, 12], [308, 'All Dead, All Dead - 2011 Remaster', 7, null, 9], [309, 'Death Letter', 8, null, 15],
      [310, 'Little Bird', 8, null, 11], [311, 'Ojalá', 11, null, 4], [312, 'Sunflower', 12, null, 200], [313, 'Better Days', 13, null, 60],
      [314, 'Drive', 14, null, 80], [315, 'Galaxy', 16, null, 10], [316, 'Real', 17, null, 10], [317, 'Hero', 18, null, 70],
      [318, '1999', 19, null, 15], [319, 'Epic', 20, null, 40], [320, 'Kid A', 22, null, 3], [321, 'Creep', 21, 'Pablo Honey', 300],
      [322, 'Love', 23, null, 30], [323, 'Home', 23, null, 25], [324, 'Help!', 24, null, 80], [325, 'Stay', 25, null, 20], [326, 'Middle', 18, null, 9], [327, 'Hey There Delilah', 28, null, 40], [328, 'Somebody That I Used to Know', 29, null, 60], [329, 'Orchid', 30, null, 5], [330, 'Feeling Good', 31, null, 30],
    ];
    const beside = new EntityIndex({
      artists: artists.map(([id, name, plays]) => ({ id, name, plays })),
      tracks: tracks.map(([id, title, artistId, album, plays]) => ({ id, title, artistId, album, plays })),
    });
    const linked = (text: string) => beside.mentions(text).map((m) => (m.kind === 'artist' ? m.artist.name : m.kind === 'track' ? `${m.track.id}` : `album:${m.album.title}/${m.album.artist}`));

    it('reads the artist\'s own track or album written right after the name, past a possessive or "album"', () => {
      expect(linked("Songs like Lou Reed's Perfect Day")).toEqual(['Lou Reed', '301']);
      expect(linked('female pop, similar to Taylor Swift Reputation and maybe Drake')).toEqual(['Taylor Swift', 'album:Reputation/Taylor Swift', 'Drake']);
      expect(linked("Music that sounds like Weezer's Pinkerton album.")).toEqual(['Weezer', 'album:Pinkerton/Weezer']);
      // Quoted, a title of ordinary words is a title; unquoted and in lower case it is not.
      expect(linked('Drake\'s "Home" is great')).toEqual(['Drake', '323']);
      expect(linked('play Drake love songs')).toEqual(['Drake']);
    });

    it('reads the artist\'s own track written right before "by", "from" or a dash, in any case, with commas inside', () => {
      // Dynoro's "Hangover", not Taio Cruz's more played one.
      expect(linked('really chill trap like Hangover from Dynoro')).toEqual(['305']);
      expect(linked("the first 35 seconds of Help, I'm Alive by Metric")).toEqual(['307']);
      expect(linked('All dead, all dead - Queen')).toEqual(['308']);
      expect(linked('What songs are similar to Death letter and Little bird by the white stripes.')).toEqual(['309', '310']);
    });

    it('does not read another artist\'s song of a title written with its artist', () => {
      expect(linked('Songs similar to Blank Space by I Prevail')).toEqual(['I Prevail']);
      expect(linked("I love Radiohead's Kid A. Something similar?")).toEqual(['Radiohead']);
      expect(linked('Beret - Ojalá')).toEqual(['Beret']);
      // Artists the catalogue lacks, written as names.
      expect(linked('songs like Colde - Sunflower')).toEqual([]);
      expect(linked('Something like "Better Days" by Desso?')).toEqual([]);
      expect(linked('Looking for something like Blank Space by urbandawn')).toEqual([]);
      expect(linked('sounds like Calvin Hariss\' "Hangover"')).toEqual([]);
      // Not the head of a longer title written after the artist.
      expect(linked('Taylor Swift Reputation Stadium Tour')).toEqual(['Taylor Swift']);
      expect(linked('Taylor Swift Reputation Album')).toEqual(['Taylor Swift', 'album:Reputation/Taylor Swift']);
      // Its own artist's: kept.
      expect(linked('Something like "Better Days" by the Goo Goo Dolls')).toEqual(['313']);
      expect(linked('Something like Blank Space by taylor swift')).toEqual(['303']);
      expect(linked('Sunflower - Post Malone')).toEqual(['312']);
    });

    it('does not read a title inside a longer capitalised name, a bare number, or a word describing music', () => {
      expect(linked('Songs/sounds like Drive By by Lil Peep')).toEqual(['Lil Peep']);
      expect(linked('Songs perfect for Guardians of the Galaxy')).toEqual([]);
      expect(linked('something like A Real Hero')).toEqual([]);
      expect(linked('dark jazz like the 1999 remaster in this video')).toEqual([]);
      expect(linked('Searching for Epic songs with vocals')).toEqual([]);
      expect(linked('songs like "1999" please')).toEqual(['318']);
      expect(linked('songs like Drive and Hero')).toEqual(['314', '317']);
    });

    it('reads a title written with two single quotes, from an album by its artist, or "by him" after the artist', () => {
      expect(linked("Song similar to the first minute of ''Delicate'' by Taylor Swift?")).toEqual(['302']);
      expect(linked('Like El Scorcho from Pinkerton by Weezer')).toEqual(['304', 'album:Pinkerton/Weezer']);
      expect(linked('anyone similar to Lou Reed? I particularly enjoy "Perfect Day" by him')).toEqual(['Lou Reed', '301']);
    });

    it('reads a quote left open as no quote, an artist whose name ends in "\'s", and long lower-case titles in a list', () => {
      expect(linked("Looking for similar songs to 'Feeling Good by Michael Buble")).toEqual(['330']);
      expect(linked('songs similar to hey there delilah by the plain white T’s')).toEqual(['327']);
      expect(linked('something similar to somebody that i used to know by gotye and Orchid by Black Sabbath')).toEqual(['328', '329']);
      // A span holding a "by" is not one title the catalogue lacks ("Black" is an artist too).
      expect(linked('songs like Hey There Delilah by Plain White T’s or Orchid by Black Sabbath')).toEqual(['327', '329']);
    });

    it('does not read a song after "bands like", the tail of a longer title, or a quoted word describing music', () => {
      expect(linked('Bands like The Hero / Tauk')).toEqual([]);
      expect(linked('songs like in the middle (Skillet)')).toEqual(['Skillet']);
      expect(linked('songs like Real (Skillet)')).toEqual(['Skillet']);
      expect(linked('Instrumentals with background "epic" vocals')).toEqual([]);
    });

    it('never reads common words that are also titles as works ("home", "help", "stay")', () => {
      expect(linked('songs for the drive home')).toEqual([]);
      expect(linked('I need help finding songs to stay awake')).toEqual([]);
      expect(linked('Help me find songs for home')).toEqual([]);
    });
  });
});
