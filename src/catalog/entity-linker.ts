/**
 * Entity linking against the catalogue: an in-memory index of artist names, track titles and album titles, built
 * once from the catalogue tables, that resolves a name as a person writes it ("radioheads", "beyonce", "bjork",
 * "Smells Like Teen Spirit", "Creep by Radiohead") to catalogue entities, and finds the entities a message names.
 * Exact folded names win over near ones (possessives, plurals, one typo), and among equals the most played wins.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { artistKey } from './artist-keys.ts';
import { foldAscii, normalizeTitle } from './normalize.ts';

/** A catalogue artist a name resolved to. */
interface LinkedArtist {
  readonly id: number;
  /** The catalogue's spelling. */
  readonly name: string;
  /** Interactions with the artist's tracks (popularity, the tie-breaker). */
  readonly plays: number;
  /** `exact` after folding case, accents and "the"; `near` for possessives, plurals and typos. */
  readonly match: 'exact' | 'near';
}

/** A catalogue track a title resolved to. */
interface LinkedTrack {
  readonly id: number;
  readonly title: string;
  /** Primary artist. */
  readonly artist: string;
  readonly plays: number;
  readonly match: 'exact' | 'near';
}

/** An album a title resolved to: its most played track stands for it. */
interface LinkedAlbum {
  readonly title: string;
  readonly artist: string;
  /** Its tracks in the catalogue, most played first. */
  readonly trackIds: readonly number[];
  readonly plays: number;
}

/** One entity named in a message, with where it was named. */
export type Mention =
  | { readonly kind: 'artist'; readonly text: string; readonly start: number; readonly artist: LinkedArtist }
  | { readonly kind: 'track'; readonly text: string; readonly start: number; readonly track: LinkedTrack }
  | { readonly kind: 'album'; readonly text: string; readonly start: number; readonly album: LinkedAlbum };

/** Rows the index is built from. */
export interface EntityRows {
  readonly artists: readonly { readonly id: number; readonly name: string; readonly plays: number }[];
  /** Each track with its primary artist's id and its album, if known. */
  readonly tracks: readonly { readonly id: number; readonly title: string; readonly artistId: number; readonly album: string | null; readonly plays: number }[];
}

interface ArtistEntry {
  readonly id: number;
  readonly name: string;
  readonly key: string;
  readonly plays: number;
}

interface TrackEntry {
  readonly id: number;
  readonly title: string;
  readonly key: string;
  readonly artist: ArtistEntry;
  readonly plays: number;
}

/**
 * Words and phrases that are never an entity on their own, whatever the catalogue holds under that name ("Love",
 * "Music", "Yes" are artists and titles too): a message's ordinary words.
 */
const ORDINARY = new Set(
  (
    'a an the i me my mine you your yours it its is am are was were be been being do does did done go goes going gone so no not yes ok okay hi hey hello ' +
    'thanks thank please more less some any few many much song songs music track tracks tune tunes list playlist playlists like likes liked love loved ' +
    'happy sad party dance dancing rock pop jazz country chill calm summer winter spring autumn fall night day days time times good great nice cool new old ' +
    'best top fun perfect awesome wonderful amazing also add adding maybe just really very too something anything everything nothing the and or but with ' +
    'for from this that these those them they their there here what which who whom how why when where about can could would will want wanted need make ' +
    'create let lets us we our get got give gave other others another mix artist artists band bands singer singers genre genres style styles workout road ' +
    'trip album albums record records ep single singles vibe vibes sound sounds sounding similar kind sort type stuff things thing one two three four five ' +
    'six seven eight nine ten first second third last next again still even only ever never always often sometimes now then today tonight yesterday ' +
    'tomorrow week year years home world life heart girl boy baby man woman people person friend friends feel feeling feelings mood moods favorite ' +
    'favourite fan fans listen listening listened hear heard play playing played find looking look search recommend recommendations recommendation ' +
    'suggest suggestions suggestion help idea ideas anyone someone somebody anybody everyone guys guy lol edit reddit post thread sub subreddit youtube ' +
    'spotify radio video videos live acoustic cover covers remix version original lyrics vocals voice beat beats bass guitar piano drums instrumental ' +
    'rap hip hop metal punk indie folk soul funk blues classical electronic edm house techno trance ambient reggae disco alternative grunge emo ' +
    'yeah yes nope maybe sure right well want wants got get gets getting know knew think thought say said see saw seen tell told try tried use used ' +
    'all both each every most such same own off out up down over under again further once into onto upon in on at by to of as if than because while ' +
    'had has have having should shall may might must am im ive id youre dont cant wont isnt arent wasnt didnt doesnt havent hasnt its thats whats ' +
    'lately recently currently already after before since until during released release him her his hers he she'
  ).split(' '),
);

/** Multi-word phrases a message uses that happen to be titles too, never read as an entity. */
const ORDINARY_PHRASES = new Set(['thank you', 'i love you', 'i know', 'right now', 'love song', 'love songs', 'the end', 'you know', 'i want', 'i need', 'i like', 'in love', 'all of', 'one more', 'a lot', 'let me', 'let me know', 'for you', 'more like', 'so much', 'last night', 'this is', 'i am', 'good music', 'new music']);

/** Plays above which a one-word artist's name stands on its own even inside other capitalised words. */
const WELL_KNOWN_PLAYS = 50;
/** Small words inside a name ("Trudy and the Romance", "Rage of Plastics"). */
const NAME_JOINERS = new Set(['the', 'and', '&', 'of', 'n', "'n'", 'de', 'la', 'le', 'y']);
/** Plays a one-word artist written with a capital mid-sentence needs (at a sentence's start: 5); chosen on music-ner dataset1. */
const MID_SENTENCE_MIN_PLAYS = 2;
/** Plays an artist needs before one of their names stands for them. */
const ONE_NAME_MIN_PLAYS = 50;
/** Plays a band needs before its initials stand for it. */
const INITIALS_MIN_PLAYS = 30;
/** Abbreviations people write that are not bands. */
const NOT_INITIALS = new Set('edm idm dnb rnb lol omg usa ost bpm gta diy tbh imo fyi asap aka lmao smh nsfw wtf btw idk irl ootd lofi ost wip'.split(' '));

const possessive = (key: string): string[] => {
  const out: string[] = [];
  if (/s$/.test(key) && key.length > 3) out.push(key.slice(0, -1));
  if (/es$/.test(key) && key.length > 4) out.push(key.slice(0, -2));
  return out;
};

/** Keys one deletion away (the symmetric-delete neighbourhood used for one-typo matches). */
function deletions(key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < key.length; i++) if (key[i] !== ' ') out.push(key.slice(0, i) + key.slice(i + 1));
  return out;
}

/** The most played of some entries (ties: lowest id). */
function best<T extends { plays: number; id: number }>(list: readonly T[] | undefined): T | undefined {
  let top: T | undefined;
  for (const e of list ?? []) if (top === undefined || e.plays > top.plays || (e.plays === top.plays && e.id < top.id)) top = e;
  return top;
}

/** The catalogue's names, indexed for linking. */
export class EntityIndex {
  private readonly artistsByKey = new Map<string, ArtistEntry[]>();
  private readonly artistsByDeletion = new Map<string, ArtistEntry[]>();
  private readonly tracksByKey = new Map<string, TrackEntry[]>();
  private readonly albumsByKey = new Map<string, { title: string; artist: ArtistEntry; trackIds: number[]; plays: number }[]>();
  /** Artists by their key without spaces ("one republic", "notorious big" for "OneRepublic", "The Notorious B.I.G."). */
  private readonly artistsByCompact = new Map<string, ArtistEntry[]>();
  /** How many track titles use each word. */
  private readonly titleWords = new Map<string, number>();
  /** Two-word artists by each of their names ("kanye", "bowie"). */
  private readonly artistsByName = new Map<string, ArtistEntry[]>();
  /** Bands of three words or more by their initials ("rhcp", "nin", "qotsa"), for names people abbreviate. */
  private readonly artistsByInitials = new Map<string, ArtistEntry[]>();
  /** Each artist's tracks and albums, and their titles as words (apostrophes dropped; built on first use), for titles written beside their artist. */
  private readonly tracksByArtist = new Map<number, TrackEntry[]>();
  private readonly albumsByArtist = new Map<number, { title: string; artist: ArtistEntry; trackIds: number[]; plays: number }[]>();
  private readonly titlesOf = new Map<number, OwnTitle[]>();
  /** The longest name in words, so mention scanning stops there. */
  private maxWords = 1;

  /** An index over the given rows. */
  constructor(rows: EntityRows) {
    const artistById = new Map<number, ArtistEntry>();
    const playsOf = new Map<number, number>();
    for (const t of rows.tracks) playsOf.set(t.artistId, (playsOf.get(t.artistId) ?? 0) + t.plays);
    for (const a of rows.artists) {
      const key = artistKey(a.name);
      if (key === '') continue;
      const e: ArtistEntry = { id: a.id, name: a.name, key, plays: Math.max(a.plays, playsOf.get(a.id) ?? 0) };
      artistById.set(a.id, e);
      push(this.artistsByKey, key, e);
      const compact = key.replace(/ /g, '');
      if (compact.length >= 5) push(this.artistsByCompact, compact, e);
      const words = key.split(' ');
      if (words.length === 2 && e.plays > 0) for (const w of words) push(this.artistsByName, w, e);
      // Initials of a band's name; not of a duo or a collaboration ("Chris Brown & Tyga" is never "cbat").
      if (words.length >= 3 && words.length <= 6 && !words.includes('and') && e.plays >= INITIALS_MIN_PLAYS) push(this.artistsByInitials, words.map((w) => w[0]).join(''), e);
      this.maxWords = Math.max(this.maxWords, Math.min(8, key.split(' ').length));
      // One-typo matches only for names long enough that a typo does not make another word, and artists people play.
      if (key.length >= 5 && e.plays > 0) for (const d of deletions(key)) push(this.artistsByDeletion, d, e);
    }
    for (const t of rows.tracks) {
      const artist = artistById.get(t.artistId);
      if (artist === undefined) continue;
      const key = normalizeTitle(t.title);
      if (key === '') continue;
      const entry = { id: t.id, title: t.title, key, artist, plays: t.plays };
      push(this.tracksByKey, key, entry);
      // Written without its apostrophes too ("dont stop believin", "say it aint so").
      const bare = normalizeTitle(t.title.replace(/['’]/g, ''));
      if (bare !== key && bare !== '') push(this.tracksByKey, bare, entry);
      for (const w of new Set(key.split(' '))) this.titleWords.set(w, (this.titleWords.get(w) ?? 0) + 1);
      this.maxWords = Math.max(this.maxWords, Math.min(8, key.split(' ').length));
      if (t.album !== null && t.album.trim() !== '') {
        const ak = normalizeTitle(t.album);
        const list = this.albumsByKey.get(ak) ?? [];
        let album = list.find((x) => x.artist.id === artist.id);
        if (album === undefined) list.push((album = { title: t.album, artist, trackIds: [], plays: 0 }));
        album.trackIds.push(t.id);
        album.plays += t.plays;
        this.albumsByKey.set(ak, list);
      }
    }
    for (const list of this.albumsByKey.values()) for (const a of list) a.trackIds.sort((x, y) => (this.playsOfTrack(y) ?? 0) - (this.playsOfTrack(x) ?? 0));
    for (const list of this.tracksByKey.values()) for (const t of list) if (list === this.tracksByKey.get(t.key)) push(this.tracksByArtist, t.artist.id, t);
    for (const list of this.albumsByKey.values()) for (const a of list) push(this.albumsByArtist, a.artist.id, a);
  }

  private playsOfTrack(id: number): number | undefined {
    return this.trackById(id)?.plays;
  }

  /** Builds the index from the catalogue tables. */
  static async build(db: Db): Promise<EntityIndex> {
    return new EntityIndex(await EntityIndex.readRows(db));
  }

  /** The catalogue rows an index is built from (artists credited on a track or played; plays from interactions). */
  static async readRows(db: Db): Promise<EntityRows> {
    const tracks = await db.rows<{ id: number; title: string; artist_id: number; album: string | null; plays: number }>(sql`
      select t.id, t.title, ta.artist_id, t.album, coalesce(p.n, 0)::int as plays
      from tracks t join track_artists ta on ta.track_id = t.id and ta.position = 0
      left join (select track_id, count(*) as n from interactions where track_id is not null group by track_id) p on p.track_id = t.id`);
    const artists = await db.rows<{ id: number; name: string; plays: number }>(sql`
      select a.id, a.name, coalesce(p.n, 0)::int as plays from artists a
      left join (select artist_id, count(*) as n from interactions where artist_id is not null group by artist_id) p on p.artist_id = a.id
      where exists (select 1 from track_artists ta where ta.artist_id = a.id) or p.n is not null`);
    return {
      artists: artists.map((a) => ({ id: Number(a.id), name: a.name, plays: Number(a.plays) })),
      tracks: tracks.map((t) => ({ id: Number(t.id), title: t.title, artistId: Number(t.artist_id), album: t.album, plays: Number(t.plays) })),
    };
  }

  /** A track by id. */
  trackById(id: number): LinkedTrack | undefined {
    if (this.byId === undefined) {
      this.byId = new Map();
      for (const list of this.tracksByKey.values()) for (const t of list) this.byId.set(t.id, t);
    }
    const t = this.byId.get(id);
    return t === undefined ? undefined : { id: t.id, title: t.title, artist: t.artist.name, plays: t.plays, match: 'exact' };
  }

  private byId?: Map<number, TrackEntry>;

  /** The artist a name means: exact folded name, else a possessive or plural, else one typo (most played wins). */
  artist(name: string, options: { readonly near?: boolean } = {}): LinkedArtist | undefined {
    // A name whose own spelling ends in "'s" ("Plain White T's") before the possessive is dropped.
    const whole = best(this.artistsByKey.get(artistKey(name)));
    if (whole !== undefined && /['’]s\b/.test(name)) return out(whole, 'exact');
    const key = artistKey(name.replace(/['’]s?\b/g, (m) => (m.length > 1 ? '' : m)));
    if (key === '') return undefined;
    const exact = best(this.artistsByKey.get(key));
    if (exact !== undefined) return out(exact, 'exact');
    if (options.near === false) return undefined;
    // Spacing aside ("One Republic", "Notorious BIG", "Wu Tang Clan"): the same name.
    const spaced = best(this.artistsByCompact.get(key.replace(/ /g, '')));
    if (spaced !== undefined) return out(spaced, 'near');
    for (const k of possessive(key)) {
      const e = best(this.artistsByKey.get(k));
      if (e !== undefined) return out(e, 'near');
    }
    if (key.length < 5) return undefined;
    // One typo: a deletion on either side (insertions, deletions and substitutions of one letter).
    const candidates = [...(this.artistsByDeletion.get(key) ?? []), ...(this.artistsByKey.get(key) ?? [])];
    for (const d of deletions(key)) candidates.push(...(this.artistsByKey.get(d) ?? []), ...(this.artistsByDeletion.get(d) ?? []));
    const near = best(candidates.filter((c) => c.key[0] === key[0] && Math.abs(c.key.length - key.length) <= 1 && withinOne(c.key, key)));
    return near === undefined ? undefined : out(near, 'near');
  }

  /**
   * The band an abbreviation written in capitals means ("RHCP", "NIN", "QOTSA", "SOAD"): the most played band with
   * those initials when it is played far more than any other with them; never a word or an artist's own name.
   */
  initials(abbreviation: string): LinkedArtist | undefined {
    const key = abbreviation.toLowerCase();
    if (!/^[a-z]{3,6}$/.test(key) || ORDINARY.has(key) || NOT_INITIALS.has(key) || this.artistsByKey.has(key)) return undefined;
    const list = [...(this.artistsByInitials.get(key) ?? [])].sort((a, b) => b.plays - a.plays);
    const top = list[0];
    if (top === undefined || (list[1] !== undefined && list[1].plays * 4 > top.plays)) return undefined;
    return out(top, 'near');
  }

  /**
   * A well-known artist people call by one of their two names ("Kanye", "Bowie", "Elvis"): the artist played far more
   * than any other with that name, and the name is no artist of its own.
   */
  private oneName(word: string): LinkedArtist | undefined {
    const key = artistKey(word);
    if (key.length < 4 || key.includes(' ') || ORDINARY.has(key) || this.artistsByKey.has(key)) return undefined;
    // A word songs use ("Deep", "English", "Trick") is no one's name.
    if ((this.titleWords.get(key) ?? 0) >= 3) return undefined;
    const list = [...(this.artistsByName.get(key) ?? [])].sort((a, b) => b.plays - a.plays);
    const top = list[0];
    if (top === undefined || top.plays < ONE_NAME_MIN_PLAYS || (list[1] !== undefined && list[1].plays * 4 > top.plays)) return undefined;
    return out(top, 'near');
  }

  /** One typo of a well-known artist's one-word name ("Deftone", "Radiohed"). */
  private wellKnownNear(word: string): LinkedArtist | undefined {
    if (word.length < 6) return undefined;
    const a = this.artist(word);
    return a !== undefined && a.match === 'near' && a.plays >= ONE_NAME_MIN_PLAYS * 2 && !artistKey(a.name).includes(' ') ? a : undefined;
  }

  /** The track a title means (by `artist` when given, which must then match); the most played wins. */
  track(title: string, artist?: string): LinkedTrack | undefined {
    const key = normalizeTitle(title);
    let list = this.tracksByKey.get(key) ?? [];
    if (list.length === 0 && key.startsWith('the ')) list = this.tracksByKey.get(key.slice(4)) ?? [];
    if (artist !== undefined) {
      const a = this.artist(artist);
      if (a === undefined) return undefined;
      const akey = artistKey(a.name);
      list = list.filter((t) => t.artist.key === akey);
    }
    const t = best(list);
    return t === undefined ? undefined : { id: t.id, title: t.title, artist: t.artist.name, plays: t.plays, match: 'exact' };
  }

  /** The album a title means (by `artist` when given); the most played wins. */
  album(title: string, artist?: string): LinkedAlbum | undefined {
    let list = this.albumsByKey.get(normalizeTitle(title)) ?? [];
    if (artist !== undefined) {
      const a = this.artist(artist);
      list = a === undefined ? [] : list.filter((x) => x.artist.id === a.id);
    }
    const top = list.reduce<(typeof list)[number] | undefined>((b, x) => (b === undefined || x.plays > b.plays ? x : b), undefined);
    return top === undefined ? undefined : { title: top.title, artist: top.artist.name, trackIds: top.trackIds, plays: top.plays };
  }

  /**
   * The artists, tracks and albums `text` names, left to right, longest spans first. A span never crosses
   * punctuation; ordinary words alone are never an entity; a one-word artist or title must be written with a capital
   * (or be a near match of a well-known artist written with one); a title that is also a more played artist's name
   * is the artist ("Justice"), and a title with "by <artist>" after it is that artist's track.
   */
  mentions(text: string): Mention[] {
    const found: Mention[] = [];
    let previous: { text: string; words: Word[]; dashBefore: boolean } | undefined;
    // Two single quotes stand for a double one ("''bad guy'' by Billie Eilish"); same length, so positions hold.
    for (const clause of clauses(text.replace(/''/g, '" '))) {
      // "Artist - Title" or "Title - Artist".
      if (clause.dashBefore && previous !== undefined) {
        const pair = this.dashPair(previous.words, clause.words) ?? this.dashArtist(previous.words, clause.words);
        if (pair !== undefined && !found.some((m) => m.kind === 'artist' && pair.kind === 'artist' && m.artist.id === pair.artist.id)) found.push(pair);
      }
      // '"She Will Be Loved" by Maroon 5': a quoted title, then "by" and its artist.
      const quotedBy = previous?.words[0]?.quoted === true && clause.words[0]?.text.toLowerCase() === 'by' ? this.quotedTitleBy(previous.words, clause.words) : undefined;
      // The quoted words name that track, or, when the artist's version is not held, no one (not another artist's
      // song of the same title).
      const byKnownArtist = () => [1, 2, 3, 4, 5].some((n) => n < clause.words.length && this.artist(clause.words.slice(1, 1 + n).map((w) => w.text).join(' '), { near: false }) !== undefined);
      if (quotedBy !== undefined || (previous?.words[0]?.quoted === true && clause.words[0]?.text.toLowerCase() === 'by' && byKnownArtist())) {
        const from = previous!.words[0]!.start;
        for (let k = found.length - 1; k >= 0; k--) if (found[k]!.start >= from) found.splice(k, 1);
        if (quotedBy !== undefined) found.push(quotedBy.mention);
      }
      previous = clause;
      const words = clause.words;
      // A quoted phrase is one name or none ("Zoosters Breakout" is not the track "Breakout").
      const quoted = words[0]?.quoted === true;
      const inClause: { mention: Mention; from: number; to: number }[] = [];
      for (let i = quotedBy?.taken ?? 0; i < words.length; i++) {
        let taken = 0;
        for (let len = Math.min(quoted ? words.length : this.maxWords, words.length - i); len >= (quoted ? words.length : 1) && taken === 0; len--) {
          const span = words.slice(i, i + len);
          const byArtist = i > 0 && words[i - 1]!.text.toLowerCase() === 'by' ? this.byArtist(span, words.length - i - len, words[i + len]) : undefined;
          const m = byArtist ?? this.spanMention(span, words.slice(i + len));
          if (m === undefined) continue;
          if (m.mention !== undefined) inClause.push({ mention: m.mention, from: i, to: i + len });
          taken = len + m.extra;
        }
        if (taken > 0) i += taken - 1;
      }
      for (const c of inClause) if (!this.partOfLongerName(c, words, inClause, text) && !found.some((m) => m.start === c.mention.start)) found.push(c.mention);
    }
    const anchored = this.anchoredTitles(text, found);
    return this.listItems(text, this.withoutUnanchored(text, anchored.mentions, anchored.own));
  }

  /**
   * Titles written beside their artist: "Lou Reed's Perfect Day", "Taylor Swift Reputation", "Weezer's Pinkerton
   * album", "Hangover from Dynoro", "Help, I'm Alive by Metric", "All dead, all dead - Queen", "Death letter and Little
   * bird by the white stripes". For each artist named, that artist's own track or album whose title is written right
   * after the name (past a possessive, "the", "song", "album") or right before it (past "by", "from", a dash), in any
   * case; a short title of ordinary words only ("Feel Again") must be written with capitals or in quotes. The title becomes a
   * mention of that track or album, replacing what else was read in those words; written before its artist, the two
   * are one mention.
   */
  private anchoredTitles(text: string, found: readonly Mention[]): { mentions: Mention[]; own: Set<Mention> } {
    const tokens = textTokens(text);
    let out = [...found];
    const anchored = new Set<Mention>();
    for (const a of found) {
      // A "Title by Artist" read already anchors the titles listed before it ("Death letter and Little bird by …").
      const titleBy = a.kind !== 'artist' && normalizeTitle(a.text) !== normalizeTitle(a.kind === 'track' ? a.track.title : a.album.title);
      if (a.kind !== 'artist' && !titleBy) continue;
      const artist = a.kind === 'artist' ? a.artist : this.artist(a.kind === 'track' ? a.track.artist : a.album.artist, { near: false });
      const own = artist === undefined ? undefined : this.ownTitles(artist.id);
      if (own === undefined) continue;
      const aEnd = a.start + a.text.length;
      const first = tokens.findIndex((t) => t.start >= aEnd);
      let last = -1;
      for (let i = 0; i < tokens.length && tokens[i]!.end <= a.start; i++) last = i;
      const hits: { from: number; to: number; title: OwnTitle }[] = [];
      if (titleBy) {
        // "Death letter and Little bird by …", "Daydreaming from A Moon Shaped Pool by Radiohead".
        if (last >= 1 && /^(?:and|or|&|from|off|on)$/.test(tokens[last]!.word)) {
          const h = this.ownTitleAt(tokens, last - 1, own, -1, text);
          if (h !== undefined) hits.push(h);
        }
      }
      // After the name: "Lou Reed's Perfect Day", "Weezer's Pinkerton album", "Tame Impala's Currents".
      else if (first >= 0) {
        let i = first;
        for (let k = 0; k < 3 && i < tokens.length && AFTER_ARTIST.has(tokens[i]!.word); k++) i++;
        for (const at of [i, first]) {
          const h = this.ownTitleAt(tokens, at, own, 1, text);
          if (h !== undefined) {
            hits.push(h);
            break;
          }
        }
      }
      // Before the name: "Hangover from Dynoro", "bad guy by Billie Eilish", "Death letter and Little bird by …".
      let end = titleBy ? -1 : last;
      for (let k = 0; k < 2 && end >= 0 && BEFORE_ARTIST.has(tokens[end]!.word); k++) end--;
      for (let n = 0; n < 3 && end >= 0; n++) {
        const h = this.ownTitleAt(tokens, end, own, -1, text);
        if (h === undefined) break;
        hits.push(h);
        end = h.from - 1;
        // "Death letter and Little bird by …"; a song "from" its album ("El Scorcho from Pinkerton by Weezer").
        if (end < 0 || !(/^(?:and|or|&)$/.test(tokens[end]!.word) || (h.title.album !== undefined && /^(?:from|off|on)$/.test(tokens[end]!.word)))) break;
        end--;
      }
      for (const h of hits) {
        const from = tokens[h.from]!.start;
        const to = tokens[h.to]!.end;
        // Written after its artist ("Radiohead's Everything in Its Right Place"), the artist stays named on its own;
        // written right before ("Creep by Radiohead"), the two are one mention, as "Title by Artist" always is.
        const artistFirst = a.start < from;
        const joined = !titleBy && !artistFirst && h === hits.find((x) => tokens[x.from]!.start < a.start);
        const raw = text.slice(from, joined ? aEnd : to);
        const mention = ownMention(h.title, raw, from);
        out = out.filter((m) => m === a || m.start + m.text.length <= from || m.start >= (joined ? aEnd : to));
        if (joined) out = out.filter((m) => m !== a);
        out.push(mention);
        anchored.add(mention);
      }
    }
    // '"Hard Road" by him': the title of the artist named last before it.
    for (let i = 1; i + 1 < tokens.length; i++) {
      if (tokens[i]!.word !== 'by' || !/^(?:him|her|them)$/.test(tokens[i + 1]!.word)) continue;
      const by = tokens[i]!.start;
      const named = [...out].reverse().find((m) => m.kind === 'artist' && m.start + m.text.length <= by);
      const own = named?.kind === 'artist' ? this.ownTitles(named.artist.id) : undefined;
      const h = own === undefined ? undefined : this.ownTitleAt(tokens, i - 1, own, -1, text);
      if (h === undefined) continue;
      const from = tokens[h.from]!.start;
      const to = tokens[h.to]!.end;
      const mention = ownMention(h.title, text.slice(from, to), from);
      out = out.filter((m) => m.start + m.text.length <= from || m.start >= to);
      out.push(mention);
      anchored.add(mention);
    }
    return { mentions: out.sort((x, y) => x.start - y.start), own: anchored };
  }

  /** An artist's own track and album titles as words (the most played track of each title). */
  private ownTitles(artistId: number): OwnTitle[] | undefined {
    let own = this.titlesOf.get(artistId);
    if (own !== undefined) return own;
    const byWords = new Map<string, OwnTitle>();
    for (const t of this.tracksByArtist.get(artistId) ?? []) {
      const words = titleWords(t.title);
      const same = byWords.get(words.join(' '));
      if (same === undefined) byWords.set(words.join(' '), { words, track: t });
      else if (same.track!.plays < t.plays) same.track = t;
    }
    own = [...byWords.values(), ...(this.albumsByArtist.get(artistId) ?? []).map((a) => ({ words: titleWords(a.title), album: a }))];
    this.titlesOf.set(artistId, own);
    return own.length > 0 ? own : undefined;
  }

  /** The artist's own title whose words run from token `at` (step 1) or end there (step -1); the longest wins. */
  private ownTitleAt(tokens: readonly TextToken[], at: number, own: readonly OwnTitle[], step: 1 | -1, text: string): { from: number; to: number; title: OwnTitle } | undefined {
    let best: { from: number; to: number; title: OwnTitle } | undefined;
    for (const t of own) {
      const n = t.words.length;
      const from = step === 1 ? at : at - n + 1;
      if (from < 0 || from + n > tokens.length || (best !== undefined && best.to - best.from + 1 >= n)) continue;
      let ok = true;
      for (let j = 0; j < n && ok; j++) ok = tokens[from + j]!.word === t.words[j];
      if (!ok) continue;
      // Ordinary words alone ("love", "one more time") must look like a title: capitals or quotes.
      const span = tokens.slice(from, from + n);
      const ordinary = t.words.every((w) => ORDINARY.has(w));
      const marked = span.every((w) => /^[\p{Lu}\p{N}]/u.test(w.raw)) || /["“”'‘’]\s*$/.test(text.slice(0, span[0]!.start));
      if (ordinary && !marked && n <= 3) continue;
      // Not the tail of a longer title: "in the middle (dj snake)" is not DJ Snake's "Middle" (but is "The Middle").
      const prior = tokens[from - 1];
      const article = prior !== undefined && /^(?:the|a|an)$/.test(prior.word) && /^\s+$/.test(text.slice(prior.end, span[0]!.start)) ? prior.word : undefined;
      const rawTitle = t.track?.title ?? t.album?.title ?? '';
      if (step === -1 && article !== undefined && !rawTitle.toLowerCase().startsWith(`${article} `)) continue;
      // Nor the head of one: "Robin Schulz - Prayer In C" is not Robin Schulz's album "Prayer".
      const next = tokens[from + n];
      if (step === 1 && next !== undefined && /^\s+$/.test(text.slice(span[n - 1]!.end, next.start)) && /^[\p{Lu}\p{N}]/u.test(next.raw) && next.raw !== 'I' && !TITLE_TAILS.has(next.word)) continue;
      best = { from, to: from + n - 1, title: t };
    }
    return best;
  }

  /**
   * Mentions of a track or album that the words around them show are not meant: another artist's song of a title
   * written with its artist ("Blank Space by I Prevail", "Radiohead's Kid A", "Beret - Ojalá", "Colde - Sunflower",
   * '"Better Days" by Desso' when the catalogue lacks that artist's version); a title that is only part of a longer
   * capitalised name ("Drive" in "Drive By", "the Galaxy" in "Guardians of the Galaxy", "Real" and "Hero" in "A Real
   * Hero"); a number on its own ("the 17:10"); and one word before "songs", "music" or "vocals" ("Epic songs").
   */
  private withoutUnanchored(text: string, found: readonly Mention[], anchored: ReadonlySet<Mention>): Mention[] {
    const artistOf = (m: Mention): string => artistKey(m.kind === 'track' ? m.track.artist : m.kind === 'album' ? m.album.artist : m.artist.name);
    const ends = (m: Mention): number => m.start + m.text.length;
    return found.filter((m) => {
      if (m.kind === 'artist' || anchored.has(m)) return true;
      const own = artistOf(m);
      const before = text.slice(0, m.start);
      const after = text.slice(ends(m));
      const quoted = /["“'‘]\s*$/.test(before) && /^\s*["”'’]/.test(after);
      // Written with its own artist ("Numb by Linkin Park", "Cherokee - Numb" when resolved to Cherokee's): kept.
      const folded = artistKey(m.text);
      if (` ${folded} `.includes(` ${own} `)) return true;
      // An artist named right before (possessive, dash, nothing between) or right after ("by", "from", a dash, a bracket).
      const left = found.find((o) => o.kind === 'artist' && /^\s*(?:['’]s?)?\s*(?:[-–—:]\s*)?["“'‘]?\s*$/.test(text.slice(ends(o), m.start)) && ends(o) <= m.start);
      if (left !== undefined && artistOf(left) !== own) return false;
      const rightLink = /^\s*["”'’]*\s*(?:\(\s*(?:by\s+)?|by|from|[-–—])\s*/i.exec(after);
      if (rightLink !== null) {
        const at = ends(m) + rightLink[0].length;
        const right = found.find((o) => o.kind === 'artist' && o.start === at);
        if (right !== undefined && artistOf(right) !== own) return false;
        // An artist the catalogue lacks, written as a name: "by Desso", "- Jack Stauber", "- AURORA", or in lower case
        // closing the clause ("Come Together by urbandawn").
        const byOrDash = !/from/i.test(rightLink[0]);
        const rest = after.slice(rightLink[0].length);
        const restWords = (/^[^,.;:!?()[\]]*/.exec(rest)?.[0] ?? '').trim().split(/\s+/).filter((w) => w !== '');
        const nameShaped = /^[\p{Lu}\p{N}]/u.test(rest) || (restWords.length >= 1 && restWords.length <= 3 && restWords.every((w, i) => (i === 0 && w.toLowerCase() === 'the') || !ORDINARY.has(w.toLowerCase().replace(/['’]/g, ''))));
        if (right === undefined && byOrDash && nameShaped && !` ${artistKey(rest)} `.startsWith(` ${own} `)) return false;
      }
      // 'Calvin Hariss' "Heatstroke"': a capitalised name in the possessive right before it, not its artist's.
      if (left === undefined && /(?:^|\s)\p{Lu}[\p{L}\p{N}.&]*(?:['’]s|s['’]|['’])\s*["“'‘]?\s*$/u.test(before) && !artistKey(before.replace(/['’]s?\s*["“'‘]?\s*$/, '')).endsWith(own)) return false;
      // "Colde - Sunflower": a capitalised name the catalogue lacks right before a dash.
      if (left === undefined && /(?:^|[\s,;(])\p{Lu}[\p{L}\p{N}$.&'’]*\s+[-–—]\s*["“'‘]?\s*$/u.test(before) && !artistKey(before).endsWith(own)) return false;
      // After "bands like", "artists like": a name of an artist the catalogue lacks, not a song ("Bands like The Main Squeeze").
      if (/\b(?:bands?|artists?|singers?|rappers?|groups?|musicians?|producers?|djs?)\s+(?:similar to|like)\s+$/i.test(before)) return false;
      const words = m.text.split(/\s+/);
      // One word describing music ("Epic songs", "situation music", background "screaming" vocals).
      const lowerCase = !/^\p{Lu}/u.test(m.text.replace(/^the\s+/i, ''));
      if (words.filter((w) => w.toLowerCase() !== 'the').length === 1 && (!quoted || lowerCase) && /^\s*["”'’]?\s+(?:songs?|music|tracks?|tunes|vibes?|vocals|stuff|sound|sounds|beats?)\b/i.test(after)) return false;
      if (quoted) return true;
      // A number on its own is no title unless quoted ("the 17:10 time").
      if (words.every((w) => /^(?:the\s+)?\d+$/i.test(w) || w.toLowerCase() === 'the')) return false;
      // Part of a longer capitalised name: a capitalised word runs on right after it ("Drive By", "VooDoo Doll"), or
      // before it past small words ("Guardians of the Galaxy"), or it touches another title ("A Real Hero").
      const next = /^\s+(?:(?:of|the|in|on|to|a|o)\s+)*([\p{L}\p{N}][\p{L}\p{N}'’]*)/u.exec(after);
      if (next !== null && /^[\p{Lu}]/u.test(next[1]!) && next[1] !== 'I' && !found.some((o) => o.kind === 'artist' && o.start === ends(m) + next[0].length - next[1]!.length)) return false;
      const prev = /([\p{L}\p{N}][\p{L}\p{N}'’]*)\s+(?:(?:of|the|in|on|to|a|o)\s+)*$/u.exec(before);
      const prevWord = prev?.[1];
      if (prevWord !== undefined && /^\p{Lu}/u.test(prevWord) && prevWord !== 'I' && !ORDINARY.has(prevWord.toLowerCase().replace(/['’]/g, '')) && !found.some((o) => o.kind === 'artist' && ends(o) === prev!.index + prevWord.length)) return false;
      const touches = (o: Mention) => (ends(o) <= m.start && /^\s+$/.test(text.slice(ends(o), m.start))) || (o.start >= ends(m) && /^\s+$/.test(text.slice(ends(m), o.start)));
      if (found.some((o) => o !== m && o.kind !== 'artist' && touches(o))) return false;
      return true;
    });
  }

  /**
   * Whether a little-played one-word artist is only part of a longer name the catalogue lacks: capitalised words run on
   * beside it that nothing else names ("Fatima" in "Fatima Yamaha", "Death" in "Ocean Death", "Romance" in "Trudy and
   * the Romance"), or a quoted title right after a possessive ("Jerry Martin's "The Sims"").
   */
  private partOfLongerName(c: { mention: Mention; from: number; to: number }, words: readonly Word[], all: readonly { from: number; to: number }[], text: string): boolean {
    if (c.mention.kind !== 'artist') return false;
    // A name right before "by" is a title ("Ten Feet by Curio", "Love & Theft by Bob Dylan").
    const last = words[c.to - 1]!;
    if (/^\s*["”'’]?\s*by\s+\S/i.test(text.slice(last.start + last.text.length))) return true;
    if (c.mention.artist.plays >= WELL_KNOWN_PLAYS && c.mention.artist.match === 'exact') return false;
    const named = words.slice(c.from, c.to).filter((w) => w.text.toLowerCase() !== 'the');
    if (named.length !== 1) return false;
    if (words[c.from]!.quoted) return /['’]s?\s*$/.test(text.slice(0, words[c.from]!.start).replace(/["“”'‘’]\s*$/, ''));
    const covered = (i: number) => all.some((o) => i >= o.from && i < o.to);
    const runsOn = (i: number, step: number): boolean => {
      while (i >= 0 && i < words.length && NAME_JOINERS.has(words[i]!.text.toLowerCase())) i += step;
      const w = words[i];
      return w !== undefined && w.capital && !ORDINARY.has(w.text.toLowerCase().replace(/['’]/g, '')) && !covered(i);
    };
    return runsOn(c.from - 1, -1) || runsOn(c.to, 1);
  }

  /**
   * In a list of artists ("like sufjan, beach house, radiohead and the strokes"), an item written in lower case is an
   * artist too when it is exactly one people play: only when two or more items of the list already linked as artists.
   */
  private listItems(text: string, found: Mention[]): Mention[] {
    if (found.filter((m) => m.kind === 'artist').length < 2) return found;
    const out = [...found];
    // List items: split at commas, semicolons, slashes, "and" and "or".
    const items: { text: string; start: number }[] = [];
    for (const chunk of text.matchAll(/[^,;/]+/g)) {
      let cursor = 0;
      for (const part of chunk[0].split(/\s+(?:and|or)\s+/i)) {
        const at = chunk[0].indexOf(part, cursor);
        cursor = at + part.length;
        items.push({ text: part, start: chunk.index + at });
      }
    }
    for (const item of items) {
      const end = item.start + item.text.length;
      if (found.some((m) => m.start >= item.start && m.start < end)) continue;
      const words = item.text.trim().replace(/[.!?]+$/, '').split(/\s+/).filter((w) => w !== '');
      while (words.length > 0 && /^(?:like|also|plus|maybe|even)$/i.test(words[0]!)) words.shift();
      if (words.length === 0 || words.length > 4 || words.every((w) => ORDINARY.has(w.toLowerCase().replace(/['’]/g, '')))) continue;
      const name = words.join(' ');
      const a = this.artist(name, { near: false });
      if (a === undefined || a.plays < 20 || out.some((m) => m.kind === 'artist' && m.artist.id === a.id)) continue;
      out.push({ kind: 'artist', text: name, start: item.start + Math.max(0, item.text.indexOf(name)), artist: a });
    }
    return out.sort((x, y) => x.start - y.start);
  }

  /**
   * The words right after "by" (as in "Funeral by Phoebe bridges", "by outcast", "by deadmau5"): an artist's name
   * however it is written, when the whole span is one (exact after folding, or a near match of an artist people
   * play) and it runs to the end of the clause, or is written with capitals when more words follow.
   */
  private byArtist(span: readonly Word[], wordsAfter: number, next?: Word): { mention: Mention; extra: number } | undefined {
    const raw = span.map((w) => w.text).join(' ');
    const lower = span.map((w) => w.text.toLowerCase().replace(/['’]/g, ''));
    if (lower.every((w) => ORDINARY.has(w))) return undefined;
    // The clause ends there, or a list goes on ("somebody that i used to know by gotye and passionfruit by drake").
    if (wordsAfter > 0 && !span.every((w) => w.capital) && !/^(?:and|or|&)$/i.test(next?.text ?? '')) return undefined;
    const a = this.artist(raw);
    if (a === undefined || (a.match === 'near' && (a.plays < 20 || raw.length < 5))) return undefined;
    return { mention: { kind: 'artist', text: raw, start: span[0]!.start, artist: a }, extra: 0 };
  }

  /**
   * "Artist - Title" where the catalogue lacks the title ("REZZ - Edge", "Beret - Ojalá"): the artist whose exact name
   * ends the left side (written with capitals, or the whole side), else starts a short right side ("nursery - bbno$").
   */
  private dashArtist(left: readonly Word[], right: readonly Word[]): Mention | undefined {
    const named = (words: readonly Word[], whole: boolean, before?: Word): Mention | undefined => {
      if (!whole && !words.every((w) => w.capital)) return undefined;
      // The whole run of capitalised words, not its tail ("Dré Anthony" is not "Anthony").
      if (before !== undefined && before.capital) return undefined;
      if (words.every((w) => ORDINARY.has(w.text.toLowerCase().replace(/['’]/g, '')))) return undefined;
      const raw = words.map((w) => w.text).join(' ');
      const a = this.artist(raw, { near: false });
      return a === undefined ? undefined : { kind: 'artist', text: raw, start: words[0]!.start, artist: a };
    };
    for (let a = Math.min(5, left.length); a >= 1; a--) {
      const m = named(left.slice(left.length - a), a === left.length, left[left.length - a - 1]);
      if (m !== undefined) return m;
    }
    if (right.length > 5) return undefined;
    for (let b = right.length; b >= 1; b--) {
      const m = named(right.slice(0, b), b === right.length, right[b]);
      if (m !== undefined) return m;
    }
    return undefined;
  }

  /** The track or album a quoted title names with "by <artist>" after the quote, and how many words that took. */
  private quotedTitleBy(title: readonly Word[], after: readonly Word[]): { mention: Mention; taken: number } | undefined {
    const raw = title.map((w) => w.text).join(' ');
    for (let n = Math.min(5, after.length - 1); n >= 1; n--) {
      const artistWords = after.slice(1, 1 + n).map((w) => w.text).join(' ');
      const track = this.track(raw, artistWords);
      if (track !== undefined) return { mention: { kind: 'track', text: raw, start: title[0]!.start, track }, taken: 1 + n };
      const album = this.album(raw, artistWords);
      if (album !== undefined) return { mention: { kind: 'album', text: raw, start: title[0]!.start, album }, taken: 1 + n };
    }
    return undefined;
  }

  private dashPair(left: readonly Word[], right: readonly Word[]): Mention | undefined {
    for (let a = Math.min(5, left.length); a >= 1; a--) {
      const l = left.slice(left.length - a).map((w) => w.text).join(' ');
      for (let b = Math.min(6, right.length); b >= 1; b--) {
        const r = right.slice(0, b).map((w) => w.text).join(' ');
        const track = this.track(r, l) ?? this.track(l, r);
        if (track !== undefined) return { kind: 'track', text: track.title === r || normalizeTitle(r) === normalizeTitle(track.title) ? r : l, start: (normalizeTitle(r) === normalizeTitle(track.title) ? right[0]! : left[left.length - a]!).start, track };
      }
    }
    return undefined;
  }

  private spanMention(span: readonly Word[], after: readonly Word[]): { mention?: Mention; extra: number } | undefined {
    const raw = span.map((w) => w.text).join(' ');
    const lower = span.map((w) => w.text.toLowerCase().replace(/['’]s$/, ''));
    const phrase = lower.join(' ');
    const start = span[0]!.start;
    // "Title by Artist": the artist's track (or album), whatever words the title is made of ("Yesterday by The Beatles").
    if (after[0]?.text.toLowerCase() === 'by' && after.length > 1 && span.length <= 6 && !ORDINARY.has(lower[0]!.replace(/['’]/g, '')) || (after[0]?.text.toLowerCase() === 'by' && after.length > 1 && span.length <= 3)) {
      for (let n = Math.min(5, after.length - 1); n >= 1; n--) {
        const artistWords = after.slice(1, 1 + n).map((w) => w.text).join(' ');
        const track = this.track(raw, artistWords);
        if (track !== undefined) return { mention: { kind: 'track', text: `${raw} by ${artistWords}`, start, track }, extra: 1 + n };
      }
    }
    if (lower.every((w) => ORDINARY.has(w.replace(/['’]/g, ''))) || ORDINARY_PHRASES.has(phrase)) return undefined;
    if (ORDINARY.has(lower[0]!.replace(/['’]/g, '')) && !span[0]!.capital && !(lower[0] === 'the' && span[1]?.capital === true)) return undefined;
    if (ORDINARY.has(lower[lower.length - 1]!.replace(/['’]/g, '')) && !span[span.length - 1]!.capital) return undefined;
    const capital = span.every((w) => w.capital || ORDINARY.has(w.text.toLowerCase()) || /^\d/.test(w.text));
    const anyCapital = span.some((w) => w.capital);
    const quoted = span[0]!.quoted;
    // "Title by Artist": the artist's track (or album).
    if (after[0]?.text.toLowerCase() === 'by' && after.length > 1) {
      for (let n = Math.min(5, after.length - 1); n >= 1; n--) {
        const artistWords = after.slice(1, 1 + n).map((w) => w.text).join(' ');
        const track = this.track(raw, artistWords);
        if (track !== undefined) return { mention: { kind: 'track', text: `${raw} by ${artistWords}`, start, track }, extra: 1 + n };
        const album = this.album(raw, artistWords);
        if (album !== undefined) return { mention: { kind: 'album', text: `${raw} by ${artistWords}`, start, album }, extra: 1 + n };
      }
      // A title the catalogue does not hold, by an artist it does ("Ten Feet by Curio"): its words name no one.
      // (Not a span that already holds a "by": "Bron-Yr-Aur by Led Zeppelin or Orchid" by Black Sabbath.)
      if ((span[0]!.capital || quoted) && !ORDINARY.has(lower[0]!) && !lower.includes('by') && this.artist(after[1]!.text) !== undefined) return { extra: 0 };
    }
    const single = span.length === 1;
    if (single && (raw.length < 3 || (!span[0]!.capital && !quoted))) {
      // Lower-case single words: only a well-known artist, possibly misspelt ("radioheads", "beyonce").
      if (raw.length < 5) return undefined;
      const a = this.artist(raw);
      // A name of one word, or one written exactly as the artist spells it, punctuation and all ("blink-182", "jay-z").
      const oneWord = artistKey(a?.name ?? '').split(' ').length === 1 || a?.name.toLowerCase() === raw.toLowerCase();
      if (a !== undefined && a.plays >= (a.match === 'exact' ? 100 : 200) && (a.match === 'exact' || raw.length >= 6) && oneWord) {
        return { mention: { kind: 'artist', text: raw, start, artist: a }, extra: 0 };
      }
      return undefined;
    }
    if (single) {
      // One capitalised word: an artist people play, by its exact name or its possessive ("Radiohead's", "Trio's").
      const exact = this.artist(raw.replace(/['’]s?$/, ''), { near: false });
      const possessiveForm = /['’]s?$/.test(raw) || (raw.length >= 6 && /s$/.test(raw)) ? this.artist(raw.replace(/['’]s?$/, '')) : undefined;
      // Mid-sentence a capital is a sign of a name, so any artist the catalogue holds; opening a sentence, one people play.
      const a = exact !== undefined && exact.plays >= (span[0]!.initial ? 5 : MID_SENTENCE_MIN_PLAYS) ? exact : possessiveForm !== undefined && possessiveForm.plays >= 20 && possessiveForm.match !== 'near' ? possessiveForm : possessiveForm?.plays !== undefined && possessiveForm.plays >= 200 ? possessiveForm : undefined;
      const t0 = this.track(raw);
      // One word opening a sentence is a title only in quotes ("Epic songs with vocals", "Heavy metal with good vocals").
      const t = t0 !== undefined && (quoted || (t0.plays >= 10 && !span[0]!.initial)) ? t0 : undefined;
      if (a !== undefined && (t === undefined || a.plays >= t.plays / 4)) return { mention: { kind: 'artist', text: raw, start, artist: a }, extra: 0 };
      if (t !== undefined) return { mention: { kind: 'track', text: raw, start, track: t }, extra: 0 };
      // An abbreviation in capitals ("RHCP", "NIN's"); a well-known artist by one name ("Kanye's", "Bowie") or one typo ("Deftone").
      const bare = raw.replace(/['’]s?$/, '');
      const abbreviated = /^\p{Lu}{3,6}$/u.test(bare) ? this.initials(bare) : undefined;
      const near = abbreviated ?? (span[0]!.initial ? undefined : this.oneName(bare) ?? this.wellKnownNear(bare));
      if (near !== undefined) return { mention: { kind: 'artist', text: raw, start, artist: near }, extra: 0 };
      return undefined;
    }
    const artist = this.artist(raw, { near: capital });
    const track = capital || quoted || span.length >= 3 ? this.track(raw) : undefined;
    const album = capital || quoted ? this.album(raw) : undefined;
    if (artist !== undefined && (artist.match === 'exact' || anyCapital || artist.plays >= 200)) {
      // An artist unless a title of the same words is far more played than the artist ("Justice" the duo, not the song).
      if (track === undefined || artist.plays >= track.plays / 4 || artist.match === 'exact') return { mention: { kind: 'artist', text: raw, start, artist }, extra: 0 };
    }
    // A lower-case title of three words or more must be one people play, and not a whole sentence.
    if (track !== undefined && (capital || quoted || (track.plays >= 3 && span.length <= 6))) return { mention: { kind: 'track', text: raw, start, track }, extra: 0 };
    if (album !== undefined) return { mention: { kind: 'album', text: raw, start, album }, extra: 0 };
    return undefined;
  }
}

/** One of an artist's own titles, as words. */
interface OwnTitle {
  readonly words: readonly string[];
  track?: TrackEntry;
  readonly album?: { readonly title: string; readonly artist: ArtistEntry; readonly trackIds: number[]; readonly plays: number };
}

/** A word of a message, folded as titles are (lower case, ASCII, no apostrophes), with where it stands. */
interface TextToken {
  readonly word: string;
  readonly raw: string;
  readonly start: number;
  readonly end: number;
}

/** Words that may stand between an artist's name and their title after it ("Weezer's Pinkerton album", "Drake's new song"). */
const AFTER_ARTIST = new Set(['s', 'the', 'song', 'track', 'album', 'record', 'ep', 'single', 'new', 'latest', 'hit', 'classic']);
/** Words that may follow a title written after its artist ("Weezer's Pinkerton Album", "Drake's Hotline Bling Remix"). */
const TITLE_TAILS = new Set(['album', 'ep', 'lp', 'song', 'track', 'record', 'single', 'remix', 'version', 'live', 'acoustic', 'cover', 'demo']);
/** Words that may stand between a title and its artist after it ("Hangover from Dynoro", "Feels like Summer (by Donald Glover)"). */
const BEFORE_ARTIST = new Set(['by', 'from', 'of', 'ft', 'feat']);

/** A title as the words people write it in: normalised, apostrophes dropped ("Help, I'm Alive" -> help im alive). */
const titleWords = (title: string): string[] => normalizeTitle(title.replace(/['’]/g, '')).split(' ');

/** The words of a message. */
function textTokens(text: string): TextToken[] {
  const out: TextToken[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu)) {
    for (const part of foldAscii(m[0]).replace(/'/g, '').split(/[^\p{L}\p{N}]+/u)) {
      if (part !== '') out.push({ word: part, raw: m[0], start: m.index, end: m.index + m[0].length });
    }
  }
  return out;
}

interface Word {
  readonly text: string;
  readonly start: number;
  readonly capital: boolean;
  readonly quoted: boolean;
  /** Opens a sentence (a capital there says less). */
  readonly initial: boolean;
}

/** Splits text into clauses (at punctuation, "and", "or") and words with their positions. */
function clauses(text: string): { text: string; words: Word[]; dashBefore: boolean }[] {
  const parsed = clausesOf(text);
  // A quote opened and never closed ("'Feeling Good by Michael Buble") quotes nothing: read again without it.
  return parsed.unclosed < 0 ? parsed.clauses : clausesOf(`${text.slice(0, parsed.unclosed)} ${text.slice(parsed.unclosed + 1)}`).clauses;
}

/** clauses(), and where a quote left open at the end was opened (-1: none). */
function clausesOf(text: string): { clauses: { text: string; words: Word[]; dashBefore: boolean }[]; unclosed: number } {
  const out: { text: string; words: Word[]; dashBefore: boolean }[] = [];
  let opened = -1;
  let dash = false;
  let words: Word[] = [];
  let inQuote = false;
  let sentenceStart = true;
  // Text In Title Case: capitals are no sign of a name there.
  const all = text.match(/[\p{L}][\p{L}'’]*/gu) ?? [];
  const ordinary = all.filter((w) => ORDINARY.has(w.toLowerCase().replace(/['’]/g, '')));
  const titleCase = ordinary.length >= 3 && ordinary.filter((w) => /^\p{Lu}/u.test(w)).length >= 0.7 * ordinary.length;
  const flush = () => {
    if (words.length > 0) out.push({ text: words.map((w) => w.text).join(' '), words, dashBefore: dash });
    words = [];
    dash = false;
  };
  const re = /["“”]|(?<=^|\s)['‘’](?=\S)|(?<=\S)['‘’](?=\s|$|[,.!?;:])|[,;.!?()[\]:|/]+(?=\s|$)|\s[-–—]\s?|[-–—]\s|&|[\p{L}\p{N}](?:[\p{L}\p{N}'’&.+!$]|-(?=[\p{L}\p{N}]))*/gu;
  for (const m of text.matchAll(re)) {
    const w = m[0];
    if (/^["“”'‘’]$/.test(w)) {
      flush();
      inQuote = !inQuote;
      if (inQuote) opened = m.index;
      continue;
    }
    if (/^(?:[,;.!?()[\]:|/]+|\s[-–—]\s?|[-–—]\s)$/.test(w)) {
      flush();
      if (/[.!?]/.test(w)) sentenceStart = true;
      if (/[-–—]/.test(w)) dash = true;
      continue;
    }
    const clean = /^(?:mr|mrs|ms|dr|st|jr|sr|vs|no|vol|pt)\.$/i.test(w) ? w : w.replace(/[.!]+$/, '');
    const initial = sentenceStart;
    sentenceStart = false;
    // A capital opening a sentence says nothing when the word is an ordinary one ("Songs with …", "Looking for …").
    const capital = /^[\p{Lu}\p{N}]/u.test(clean) && !titleCase && !(initial && ORDINARY.has(clean.toLowerCase().replace(/['’]/g, '')));
    words.push({ text: clean, start: m.index, capital, quoted: inQuote, initial });
    if (clean !== w) {
      flush();
      sentenceStart = true;
    }
  }
  flush();
  return { clauses: out, unclosed: inQuote ? opened : -1 };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function out(e: ArtistEntry, match: 'exact' | 'near'): LinkedArtist {
  return { id: e.id, name: e.name, plays: e.plays, match };
}

/** Whether two strings of lengths within one are at most one edit apart. */
function withinOne(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length === b.length) {
    let diff = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && ++diff > 1) return false;
    return true;
  }
  const [s, l] = a.length < b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < s.length && s[i] === l[i]) i++;
  return s.slice(i) === l.slice(i + 1);
}

const cache = new WeakMap<Db, Promise<EntityIndex>>();

/** The index of a database's catalogue, built on first use and kept for the process. */
export function entityIndexOf(db: Db): Promise<EntityIndex> {
  let p = cache.get(db);
  if (p === undefined) {
    p = EntityIndex.build(db);
    cache.set(db, p);
    p.catch(() => cache.delete(db));
  }
  return p;
}

/** The mention of an artist's own title read at `start` as `raw`. */
function ownMention(title: OwnTitle, raw: string, start: number): Mention {
  return title.track !== undefined
    ? { kind: 'track', text: raw, start, track: { id: title.track.id, title: title.track.title, artist: title.track.artist.name, plays: title.track.plays, match: 'exact' } }
    : { kind: 'album', text: raw, start, album: { title: title.album!.title, artist: title.album!.artist.name, trackIds: title.album!.trackIds, plays: title.album!.plays } };
}
