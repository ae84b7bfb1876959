/**
 * The rule planner: deterministic parsing of common music requests into the same tool calls the LLM would make.
 * It reads seeds ("like X", "similar to Y by Z"), genres, moods, activities, negations, relative words, counts,
 * comparisons, votes, ratings, profile, stated tastes, similar listeners ("people like me") and sharing one's name
 * with them, connect/export, greetings and help, and refines the previous turn
 * ("calmer", "more like the second one") from the conversation state. Pure: no I/O, same input, same plan.
 */
import { findActivity, STYLE_GENRE, STYLE_WORDS_TABLE, styleOf, type ActivityName, type Instrument, type Style } from '../recsys/constraints/constraint-vocabulary.ts';
import type { Mention } from '../catalog/entity-linker.ts';
import { GENRE_WORDS_TABLE, MOOD_WORDS_TABLE } from '../recsys/labels/vocabulary.ts';
import type { ActiveConstraints, BaseQuery, ConversationState, NamedEntity, Range } from './conversation-state.ts';

/** What a turn is about. */
type Intent =
  | 'recommend'
  | 'similar'
  | 'search'
  | 'classify'
  | 'refine'
  | 'compare'
  | 'vote'
  | 'rate'
  | 'explain'
  | 'profile'
  | 'listeners'
  | 'share'
  | 'onboard'
  | 'genres'
  | 'connect'
  | 'import'
  | 'disconnect'
  | 'export'
  | 'greeting'
  | 'done'
  | 'help'
  | 'unclear';

/** One tool call the planner chose. */
export interface PlannedCall {
  readonly name: string;
  readonly args: Record<string, unknown>;
}

/** The planner's decision for one utterance. */
export interface Plan {
  readonly intent: Intent;
  readonly calls: readonly PlannedCall[];
  /** Constraints active after this turn. */
  readonly constraints: ActiveConstraints;
  /** The base query a later refinement re-runs. */
  readonly query?: BaseQuery;
  readonly count?: number;
  /** The activity named, if any (focus, workout, sleep, party, study). */
  readonly activity?: Activity;
  /** Tracks per new answer from now on in this conversation (a playlist is being built). */
  readonly listSize?: number;
  /** The entity this turn names on its own (a seed artist or track), which "more like that" means next. */
  readonly named?: NamedEntity;
  /**
   * What to answer instead when the seed named in free text is not in the catalogue (a misspelt or missing artist):
   * more of the last answer, or tracks for the person, with a note that says what was not found.
   */
  readonly fallback?: { readonly plan: Plan; readonly note: string };
  /** The albums named whose tracks seed the calls (an album is seeded as its most played tracks). */
  readonly albums?: readonly { readonly title: string; readonly artist: string; readonly trackIds: readonly number[] }[];
  /** What the reply must say about the request that the plan could not carry ("no post-rock": not a genre it knows). */
  readonly notes?: readonly string[];
}

/** Activities the planner knows: the one activity table's (src/recsys/constraints). */
type Activity = ActivityName;

/** Default number of tracks per answer. */
export const DEFAULT_COUNT = 5;

/** Tracks per answer while a person builds a playlist ("make me a playlist for cleaning"), unless they say how many. */
const PLAYLIST_COUNT = 10;

/** Words that say a playlist is being built. */
const PLAYLIST_RE = /\b(?:playlists?|play list|mix ?tapes?|(?:make|create|build|put together|start) (?:me |us )?a (?:list|mix)|a list (?:of|for|to)|set ?list)\b/;

type Mutable = { -readonly [K in keyof ActiveConstraints]?: ActiveConstraints[K] | undefined };

/**
 * Vocabulary words too ambiguous in free text to read as a genre or mood ("the score", "alt", "love", "party" is an
 * activity). They still name their label where a label is expected (tool arguments, /vibe).
 */
const AMBIGUOUS_WORDS: ReadonlySet<string> = new Set([
  'alt', 'score', 'ost', 'swing', 'dub', 'club', 'musical', 'musicals', 'drone', 'drill', 'tropical', 'urbano', 'fun', 'love', 'loving',
  'party', 'energy', 'focus', 'heavy', 'driving', 'positive', 'quiet', 'tender', 'lively', 'exciting', 'moody', 'sunny', 'calmer', 'sadder',
  'darker', 'happier', 'upbeat',
]);

/** Genre words of the one vocabulary (src/recsys/labels/vocabulary.ts) the planner reads in requests. */
const GENRES: Record<string, string> = Object.fromEntries([...GENRE_WORDS_TABLE].filter(([w]) => !AMBIGUOUS_WORDS.has(w)));

/** Style words (STYLE_TAGS: "grunge", "post-punk", "p-funk") the planner reads in requests, as their style. */
const STYLE_WORDS: Record<string, Style> = Object.fromEntries(STYLE_WORDS_TABLE);

/** Mood words of the one vocabulary the planner reads in requests. */
const MOODS: Record<string, string> = Object.fromEntries([...MOOD_WORDS_TABLE].filter(([w]) => !AMBIGUOUS_WORDS.has(w)));

const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twelve: 12, fifteen: 15, twenty: 20, 'a couple of': 2, 'a couple': 2, 'a few': 3 };

const ORDINALS: Record<string, number> = { first: 0, '1st': 0, second: 1, '2nd': 1, third: 2, '3rd': 2, fourth: 3, '4th': 3, fifth: 4, '5th': 4, sixth: 5, seventh: 6, eighth: 7, ninth: 8, tenth: 9 };
const ORDINAL = '(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|seventh|eighth|ninth|tenth|last|#?\\d{1,2}|this|that|it)';

/**
 * Plans one utterance given the conversation so far and the catalogue entities it names (`linked`, from the entity
 * linker; empty when there is none, and free-text seeds are passed on as written).
 */
export function planTurn(utterance: string, state: ConversationState, linked: readonly Mention[] = []): Plan {
  const listSize = PLAYLIST_RE.test(utterance.toLowerCase().replace(/\s+/g, ' ')) ? PLAYLIST_COUNT : state.listSize;
  const plan = planUtterance(utterance, state, linked, listSize);
  const sized = listSize !== undefined ? { ...plan, listSize } : plan;
  const unknown = plan.calls.length > 0 ? unknownStylesLeftOut(utterance) : [];
  return unknown.length > 0 ? { ...sized, notes: unknown.map(styleNote) } : sized;
}

/** A style name by its shape: a compound on a genre's root ("post-rock", "shoegaze", "dubstep", "metalcore"). */
const STYLE_SHAPE = /^(?:[a-z]+[- ]?){1,2}(?:rock|pop|metal|core|wave|step|hop|house|punk|jazz|folk|soul|funk|gaze|techno|disco|grunge)$/;

/** Styles the person asked to leave out that the vocabulary has no name for ("no post-rock"). */
function unknownStylesLeftOut(utterance: string): string[] {
  const out: string[] = [];
  for (const m of utterance.toLowerCase().matchAll(/\b(?:no|without|not|minus|avoid|except|nothing)\s+(?:any\s+|more\s+)?([a-z]+(?:[- ][a-z]+)?)\b/g)) {
    const w = m[1]!;
    if (GENRES[w] === undefined && MOODS[w] === undefined && styleOf(w) === undefined && STYLE_SHAPE.test(w) && !out.includes(w)) out.push(w);
  }
  return out;
}

/** What the reply says about a style it could not leave out. */
function styleNote(style: string): string {
  return `I can't leave out "${style}": it is not a genre I know yet (${[...new Set(Object.values(GENRES))].slice(0, 8).join(', ')}, …). Say which genre to leave out, e.g. "no rock".`;
}

/** planTurn without the conversation's list size (`listSize`: tracks per new answer while a playlist is built). */
function planUtterance(utterance: string, state: ConversationState, linked: readonly Mention[], listSize: number | undefined): Plan {
  const text = utterance.trim();
  const t = text.toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, ' ');
  const keep = { constraints: state.constraints };
  // Building a playlist: new answers are a playlist's worth, not five, unless the person says how many.
  const fresh = listSize ?? DEFAULT_COUNT;

  if (/^(hi|hello|hey|hiya|yo|howdy|good (morning|afternoon|evening))\b[\s!.,]*(there|earworm|wizard|bot|you|all|everyone|friend|buddy)?[\s!.]*$/.test(t)) return { intent: 'greeting', calls: [], ...keep };
  if (/^(help|\?|commands|what can you do\??|how does this work\??|what do you do\??)$/.test(t)) return { intent: 'help', calls: [], ...keep };

  if (state.pendingComparison !== undefined) {
    const vote = parseVote(t);
    if (vote !== undefined) {
      return { intent: 'vote', calls: [{ name: 'record_preference', args: { comparison_id: state.pendingComparison.comparisonId, choice: vote } }], ...keep };
    }
  }
  const classify = CLASSIFY_RE.exec(text);
  if (classify !== null) {
    const track = trackRefOf(classify[1]!, linked, state);
    if (track !== undefined) return { intent: 'classify', calls: [{ name: 'classify_track', args: { track } }], ...keep, ...namedOf(linked, classify[1]!, text) };
  }
  const find = FIND_RE.exec(text);
  if (find !== null && isSearch(find[1]!, text, linked)) {
    const query = clean(find[1]!);
    return { intent: 'search', calls: [{ name: 'search_catalog', args: { query, limit: parseCount(t) ?? 10 } }], ...keep, ...namedOf(linked, find[1]!, text) };
  }
  // "two songs" starts an A/B game only as a short request of its own, not inside a longer post.
  if (/\b(compare|comparison|a\/b|ab test|which (one )?do i (prefer|like more)|play (me )?a game)\b/.test(t) || (/\btwo songs\b/.test(t) && t.split(' ').length <= 6 && !/\b(by|like|from|of)\b/.test(t))) {
    return { intent: 'compare', calls: [{ name: 'next_comparison', args: {} }], ...keep };
  }
  // Sharing first: "share my listening with people like me as Rocky" names similar listeners too.
  if (STOP_SHARING_RE.test(t)) return { intent: 'share', calls: [{ name: 'share_my_listening', args: { stop: true } }], ...keep };
  const share = SHARE_RE.exec(text.trim());
  if (share !== null) {
    const name = share[1]?.trim().replace(/^["“']|["”']$/g, '').trim().slice(0, 40);
    return { intent: 'share', calls: name === undefined || name === '' ? [] : [{ name: 'share_my_listening', args: { shown_name: name } }], ...keep };
  }
  if (LISTENERS_RE.test(t)) return { intent: 'listeners', calls: [{ name: 'similar_listeners', args: {} }], ...keep };
  if (/\b(my (taste|profile|stats|likes)|taste profile|what do i like|what have i liked|what do you know about me)\b/.test(t)) {
    return { intent: 'profile', calls: [{ name: 'get_taste_profile', args: {} }], ...keep };
  }
  const spotify = planSpotify(t, text, state);
  if (spotify !== undefined) return { ...spotify, ...keep };
  if (/\b(what|which|list( the)?|show( me)?( the)?) (genres|moods|labels)\b|\bgenres (and|or) moods\b/.test(t)) return { intent: 'genres', calls: [{ name: 'list_genres_and_moods', args: {} }], ...keep };

  const last = state.lastRecommendations;
  const rate = new RegExp(`^(i )?(really )?(like|love|dislike|hate|skip|thumbs up( for)?|thumbs down( for)?)s? (the |number |no\\.? |track |song )?${ORDINAL}( one| track| song)?[.!]*$`).exec(t);
  if (rate !== null && last.length > 0) {
    const track = pick(last, rate[7]!);
    if (track !== undefined) {
      const verb = rate[3]!;
      const rating = /dislike|hate|down/.test(verb) ? 'dislike' : verb === 'skip' ? 'skip' : 'like';
      return { intent: 'rate', calls: [{ name: 'rate_track', args: { track: track.id, rating } }], ...keep };
    }
  }
  const why = new RegExp(`\\bwhy\\b.*?\\b(the |number )?${ORDINAL}( one| track| song)?\\b`).exec(t);
  if (why !== null && last.length > 0) {
    const track = pick(last, why[2]!);
    if (track !== undefined) return { intent: 'explain', calls: [{ name: 'explain_recommendation', args: { track: track.id } }], ...keep };
  }
  const whyNamed = /\bwhy (?:did|do|would) you (?:recommend|pick|choose|suggest|show|play|give me)\s+(.+?)[?.!]*$/i.exec(text);
  if (whyNamed !== null) {
    const track = trackRefOf(whyNamed[1]!, linked, state);
    if (track !== undefined) return { intent: 'explain', calls: [{ name: 'explain_recommendation', args: { track } }], ...keep };
  }

  // Stating tastes before anything was asked sets them; in the middle of a conversation ("I love Sarah McLachlan!",
  // "i like rap songs") it asks for that music.
  const onboard = state.lastQuery === undefined ? parseStatedTastes(text, t) : undefined;
  if (onboard !== undefined) return { intent: 'onboard', calls: [{ name: 'set_tastes', args: onboard }], ...keep };

  // Catalogue entities named: those after a negation ("I don't like Drake", "nothing by Coldplay") are exclusions.
  const excluded = linked.filter((m) => negatedBefore(text, m.start));
  const wanted = linked.filter((m) => !excluded.includes(m));
  const excludeArtists = excluded.flatMap((m) => (m.kind === 'artist' ? [m.artist.name] : []));
  const excludeTracks = excluded.flatMap((m) => (m.kind === 'track' ? [m.track.id] : []));
  const seed = parseSeed(text);
  // Words inside a named seed ("Daft Punk", "One More Time") or a linked entity are not genres or counts.
  let rest = seed === undefined ? text : text.replace(seed.span, ' ');
  for (const m of linked) rest = rest.replace(m.text, ' ');
  const plain = stripNames(rest);
  const tr = plain.toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, ' ');
  const count = parseCount(tr) ?? (seed?.kind !== 'text' ? undefined : parseCount(t.replace(seed.ref.toLowerCase(), ' ')));
  const moreMatch = new RegExp(`\\b(more (songs )?like|similar to|songs like|close to) (the |number )?${ORDINAL}( one| track| song)?\\b`).exec(t);
  // "similar to that song by Radiohead" names a song of an artist, not a card shown.
  // "more like Last Christmas by Wham!" names a song, not the last card shown.
  const after = moreMatch === null ? '' : t.slice(moreMatch.index + moreMatch[0].length);
  const titled = moreMatch?.[4] === 'last' && moreMatch[5] === undefined && /^\s+[a-z0-9]/.test(after) && !/^\s+(?:please|pls|again|too|as well|thanks?|thank you)\b/.test(after);
  const more = moreMatch !== null && (/^\s+by\b/.test(after) || titled) ? null : moreMatch;
  if (more !== null && /^(this|that|it)$/.test(more[4]!) && last.length !== 1) {
    // "more like that": what was named last on its own, else more of the last answer.
    const named = state.lastNamed;
    const constraints = modifiers(tr, rest, state, state.constraints);
    if (named !== undefined) {
      const query: BaseQuery = named.kind === 'track' ? { kind: 'similar', track: named.id } : { kind: 'recommend', seeds: { artists: [named.name] }, for: 'me' };
      return withCalls({ intent: query.kind === 'similar' ? 'similar' : 'recommend', constraints, query, count: count ?? state.count ?? DEFAULT_COUNT, named });
    }
    if (state.lastQuery !== undefined) return withCalls({ intent: 'refine', constraints, query: state.lastQuery, count: count ?? state.count ?? DEFAULT_COUNT });
  }
  if (more !== null && last.length > 0) {
    const track = pick(last, more[4]!);
    if (track !== undefined) {
      const constraints = modifiers(tr, rest, state, state.constraints);
      const query: BaseQuery = { kind: 'similar', track: track.id };
      return withCalls({ intent: 'similar', constraints, query, count: count ?? state.count ?? DEFAULT_COUNT });
    }
  }

  const mods = withExclusions(modifiers(tr, rest, state, {}), excludeArtists, excludeTracks, linked);
  const labels = { genres: mods.genres ?? [], moods: mods.moods ?? [] };
  const activity = findActivity(tr)?.name;
  const party = activity === 'party' || /\b(for (a|the|my) (party|group|crowd|friends)|for everyone|for anyone)\b/.test(t);
  const withActivity = activity !== undefined ? { activity } : {};
  // Seeds from linked entities: the ones inside the "like …" span, else every entity named and not excluded.
  // Real requests name several ("like X by Y, Z and W"): every entity named and not excluded seeds the request.
  const seedMentions = wanted;
  // "that song by Radiohead" names no track: the tool asks which one rather than guessing from the artist.
  const vagueTrack = seed?.kind === 'track' && /^(?:that|this|the|a|one|some|their|his|her) (?:song|track|one|tune)$|^(?:it|one)$/i.test(seed.ref.split(' - ').slice(1).join(' - '));
  const fromLinked = seedMentions.length > 0 && !vagueTrack;
  if (fromLinked) {
    const tracks = seedMentions.flatMap((m) => (m.kind === 'track' ? [m.track.id] : m.kind === 'album' ? m.album.trackIds.slice(0, 3) : []));
    const artists = [...new Set(seedMentions.flatMap((m) => (m.kind === 'artist' ? [m.artist.name] : [])))].slice(0, 5);
    const named = seedMentions.length === 1 ? namedEntity(seedMentions[0]!) : undefined;
    const n = count ?? fresh;
    const seededAlbums = seedMentions.flatMap((m) => (m.kind === 'album' ? [{ title: m.album.title, artist: m.album.artist, trackIds: m.album.trackIds.slice(0, 3) }] : []));
    const albums = seededAlbums.length > 0 ? { albums: seededAlbums } : {};
    if (artists.length === 0 && tracks.length === 1) {
      return withCalls({ intent: 'similar', constraints: mods, query: { kind: 'similar', track: tracks[0]! }, count: n, ...withActivity, ...albums, ...(named !== undefined ? { named } : {}) });
    }
    const seeds = { ...(artists.length > 0 ? { artists } : {}), ...(tracks.length > 0 ? { tracks: tracks.slice(0, 10) } : {}) };
    const query: BaseQuery = { kind: 'recommend', seeds, for: party ? 'anyone' : 'me' };
    // "Add some Ciara", "more from Drake", "songs by Adele": the artists' own tracks; "like X": their neighbours too.
    const own = artists.length > 0 && seedMentions.every((m) => m.kind !== 'artist' || OWN_CUE_RE.test(text.slice(0, m.start)));
    const constraints = own ? { ...mods, artists } : mods;
    return withCalls({ intent: 'recommend', constraints, query, count: n, ...withActivity, ...albums, ...(named !== undefined ? { named } : {}) });
  }
  if (seed !== undefined) {
    const query: BaseQuery = seed.kind === 'track' ? { kind: 'similar', track: seed.ref } : { kind: 'recommend', seeds: { text: seed.ref }, for: party ? 'anyone' : 'me' };
    const p = withCalls({ intent: query.kind === 'similar' ? 'similar' : 'recommend', constraints: mods, query, count: count ?? fresh, ...(activity !== undefined ? { activity } : {}) });
    return { ...p, fallback: unknownSeedFallback(seed.ref, state, mods, fresh) };
  }
  // A kind of music named on its own ("quiet piano, no vocals", "slow jams") is a new request, not a refinement.
  const asksForMusic = /\b(songs?|music|tracks?|tunes|recommend\w*|suggest\w*|playlist|something|anything|surprise me|what should i (listen|play)|put on|play|(?:make|create|build) (?:me )?a list)\b/.test(t) || NAMES_MUSIC_RE.test(t);
  const hasVocabulary = mods.popularity !== undefined || mods.vocals !== undefined || mods.year !== undefined || mods.tempo !== undefined;
  // A voice or an instrument asked for names music as a genre does ("female singer-songwriters, acoustic", "banjo"),
  // unless it only adjusts the last answer ("only female singers", "now with male vocals").
  const namesVoiceOrInstrument = (mods.vocals === 'female' || mods.vocals === 'male' || (mods.instruments?.length ?? 0) > 0) && !/^(?:only|now|just|but|and|with|same|make (?:it|them)|ok|okay)\b/.test(t.trim());
  if (labels.genres.length > 0 || labels.moods.length > 0 || activity !== undefined || namesVoiceOrInstrument || (asksForMusic && !isRelativeOnly(t)) || ((hasVocabulary || excluded.length > 0) && state.lastQuery === undefined)) {
    // A style is no starting point (its genre's best tracks are not of it): the constraint keeps to it.
    const seedGenres = labels.genres.filter((g) => styleOf(g) === undefined);
    const seeds = { ...(seedGenres.length > 0 ? { genres: seedGenres } : {}), ...(labels.moods.length > 0 ? { moods: labels.moods } : {}) };
    const query: BaseQuery = { kind: 'recommend', ...(Object.keys(seeds).length > 0 ? { seeds } : {}), for: party ? 'anyone' : 'me' };
    return withCalls({ intent: 'recommend', constraints: mods, query, count: count ?? fresh, ...(activity !== undefined ? { activity } : {}) });
  }
  // The tracks just shown, left out when the person asks for more of the same.
  const notShownAgain = (c: ActiveConstraints): ActiveConstraints => withoutShown(c, state);
  // "More like these": more of the same.
  if (state.lastQuery !== undefined && MORE_OF_THESE_RE.test(t)) {
    return withCalls({ intent: 'refine', constraints: notShownAgain(state.constraints), query: state.lastQuery, count: state.count ?? DEFAULT_COUNT });
  }
  // "No that is all", "let's round up": the person is done; no music asked for.
  if (state.lastQuery !== undefined && ENOUGH_RE.test(t) && !/\bmore\b/.test(t) && count === undefined && wanted.length === 0 && Object.keys(mods).length === 0 && !asksForMusic) {
    return { intent: 'done', calls: [], ...keep };
  }
  // "Can we have more of him": the artist named last, else the one shown most in the last answer.
  const pronoun = PRONOUN_MORE_RE.test(t) ? (state.lastNamed?.kind === 'artist' ? state.lastNamed.name : mainArtistOf(state.lastRecommendations)) : undefined;
  if (pronoun !== undefined) {
    const query: BaseQuery = { kind: 'recommend', seeds: { artists: [pronoun] }, for: 'me' };
    return withCalls({ intent: 'recommend', constraints: notShownAgain({ ...mods, artists: [pronoun] }), query, count: count ?? state.count ?? DEFAULT_COUNT, named: { kind: 'artist', name: pronoun } });
  }
  // Only modifiers ("calmer", "no rap", "older", "3 more"): refine the previous query; "more", "another", "next" are
  // more of it, so not the same tracks again.
  const refined = withExclusions(modifiers(tr, rest, state, state.constraints), excludeArtists, excludeTracks, linked);
  if (state.lastQuery !== undefined && (Object.keys(mods).length > 0 || count !== undefined || isRelativeOnly(t) || /^(more|again|another|others?|next)\b/.test(t))) {
    const constraints = MORE_RE.test(t) ? notShownAgain(refined) : refined;
    return withCalls({ intent: 'refine', constraints, query: state.lastQuery, count: count ?? state.count ?? DEFAULT_COUNT });
  }
  // "Can you add some of Victony", "how about asap rocky?", "I want some Tasha Cobbs": the name after the cue seeds it.
  const asked = askedName(text);
  if (asked !== undefined) {
    const query: BaseQuery = { kind: 'recommend', seeds: { text: asked }, for: 'me' };
    return { ...withCalls({ intent: 'recommend', constraints: mods, query, count: count ?? fresh }), fallback: unknownSeedFallback(asked, state, mods, fresh) };
  }
  // Praise of what was shown ("Good choice!", "I love all of these!"): more of the same.
  if (state.lastQuery !== undefined && PRAISE_RE.test(t) && !ENOUGH_RE.test(t) && t.split(' ').length <= 12) {
    return withCalls({ intent: 'refine', constraints: notShownAgain(state.constraints), query: state.lastQuery, count: state.count ?? DEFAULT_COUNT });
  }
  // A short bare phrase is probably a song or an artist: seed with it.
  if (t.split(' ').length <= 6 && /[a-z]/.test(t) && !/\?$/.test(t)) {
    const bare = text.replace(/[.!]+$/, '');
    const query: BaseQuery = { kind: 'recommend', seeds: { text: bare }, for: 'me' };
    return { ...withCalls({ intent: 'recommend', constraints: mods, query, count: count ?? fresh }), fallback: unknownSeedFallback(bare, state, mods, fresh) };
  }
  return { intent: 'unclear', calls: [], ...keep };
}

/** Phrases that name a kind of music by themselves. */
const NAMES_MUSIC_RE = /\b(?:quiet|soft|gentle|calm|solo|relaxing) piano\b|\bpiano (?:only|pieces|instrumentals?)\b|\bslow jams?\b|\b(?:christmas|xmas|x-mas|carols|oldies)\b/;

/** "More of him", "some more from them", "more by that band": the artist just named or shown. */
const PRONOUN_MORE_RE = /\b(?:more|some|others?) (?:songs? |tracks? |music |stuff )?(?:of|from|by) (?:him|her|them|that (?:artist|band|singer|group)|this (?:artist|band|singer|group)|those guys)\b/;

/** The artist of most of `cards` (their first credit), when one is. */
function mainArtistOf(cards: ConversationState['lastRecommendations']): string | undefined {
  const n = new Map<string, number>();
  for (const c of cards) if (c.artists[0] !== undefined) n.set(c.artists[0], (n.get(c.artists[0]) ?? 0) + 1);
  const [top] = [...n.entries()].sort((a, b) => b[1] - a[1]);
  return top === undefined ? undefined : top[0];
}

/** `c` leaving out the tracks the last answer showed. */
function withoutShown(c: ActiveConstraints, state: ConversationState): ActiveConstraints {
  const shown = state.lastRecommendations.map((x) => x.id);
  return shown.length > 0 ? { ...c, excludeTracks: [...new Set([...(c.excludeTracks ?? []), ...shown])] } : c;
}

/**
 * The answer when a seed named in free text is not in the catalogue: more of the last answer (not the tracks just
 * shown), or, with none yet, tracks for the person under the turn's constraints; the note says what was not found.
 */
function unknownSeedFallback(what: string, state: ConversationState, mods: ActiveConstraints, fresh: number): { plan: Plan; note: string } {
  const name = `I could not find "${clean(what).slice(0, 80)}" in the catalogue`;
  if (state.lastQuery !== undefined) {
    return { plan: withCalls({ intent: 'refine', constraints: withoutShown(state.constraints, state), query: state.lastQuery, count: state.count ?? DEFAULT_COUNT }), note: `${name}, so here are more like the last ones.` };
  }
  return { plan: withCalls({ intent: 'recommend', constraints: mods, query: { kind: 'recommend', for: 'me' }, count: fresh }), note: `${name}, so here are some to start from.` };
}

/** "More", "3 more", "another 5", "next please": more of the last answer (not "more upbeat", a modifier). */
const MORE_RE = /^(?:\d+ |a few |some )?(?:more|another|others?|next)(?: \d+)?(?: (?:please|songs?|tracks?|ones?))*[\s!.]*$/;

/** "More like these/those/them": more of the last answer. */
const MORE_OF_THESE_RE = /\bmore (?:songs |tracks |music )?(?:like|of) (?:these|those|them|this|that)\b|\b(?:ready for|give me|keep them coming|some) more\b[\s!.]*$/;

/**
 * Praise or a go-ahead after an answer ("Good choice!", "thank you", "That's perfect.", "alright let us get it"); read
 * only once nothing else in the turn was understood.
 */
const PRAISE_RE =
  /\b(?:thanks?|thank you|great|good|nice|awesome|awsome|perfect|lovely|excellent|amazing|cool|ok+a*y*|alright|exactly|of course|yes|yeah|sure|(?:love|like) (?:all of )?(?:them|these|those|it)|let'?s (?:go|do it|get it)|let us (?:go|get it|do it)|blow me away)\b/;

/** Words that end the search rather than ask for more ("No that is all", "that's enough"). */
const ENOUGH_RE = /\b(?:that'?s all|that is all|enough|no more|stop|bye|goodbye|done|not seeing|round (?:it )?up|wrap (?:it )?up|finish)\b/;

/**
 * Words right before an artist's name that ask for the artist's own tracks ("add some ", "more from ", "songs by ");
 * not "by" after a title ("similar to Goner by Twenty One Pilots" wants music like it, not only theirs).
 */
const OWN_CUE_RE = /(?:\b(?:some|add|(?:more|songs?|tracks?|music|stuff|anything|everything|hits|something) (?:of|from|by)|from)|^\s*by)\s+(?:(?:of|from|by|more|songs?|tracks?)\s+)*$/i;

/** Cues before a name asked for ("add some of X", "some X please", "how about X", "I want some X", "I also like X"). */
const ASK_CUE_RE =
  /\b(?:(?:add|have|get|want|hear|need|play)(?: me)? (?:some(?:thing)?|more)(?: (?:songs?|tracks?|music|stuff))?(?: (?:of|from|by))?|some (?:songs? |tracks? |music |stuff )?(?:of|from|by)|(?:how|what) about(?: some)?(?: (?:songs?|tracks?|music|stuff))?(?: (?:of|from|by))?|i (?:also )?(?:like|love|dig)|(?:a thing|a soft spot) for|i want some|can (?:i|we) (?:have|get) some|(?:find|show|give|play) me (?:some|more)(?: (?:songs?|tracks?|music|stuff))?(?: (?:of|from|by))?)\s+/gi;

/** The name asked for after the last cue in the text, or undefined when there is none. */
function askedName(text: string): string | undefined {
  const cues = [...text.matchAll(ASK_CUE_RE)].reverse();
  for (const m of cues) {
    const name = text
      .slice(m.index + m[0].length)
      .replace(/[\s?.!,]+$/, '')
      .replace(/\s+(?:please|pls|vibes?|to (?:the|this|my) (?:list|playlist)|in (?:this|the|my) (?:list|playlist)|added in|as well|too|songs?|tracks?|music|stuff|now|added|in)(?=\s|$)/gi, ' ')
      .replace(/['’]s\b/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    if (name === '' || /[,;.!?]/.test(name) || name.split(' ').length > 5 || !/\p{L}/u.test(name)) continue;
    if (/^(?:all (?:of )?)?(?:them|these|those|it|this|that|him|her|his|more|some|all|any|something|anything|music|songs?)(?: (?:both|all|two|too))?$/i.test(name)) continue;
    // A decade or a label is a constraint, not a name ("some more from the early 2000s").
    if (VOCABULARY_ONLY_RE.test(name)) continue;
    return name;
  }
  return undefined;
}

/** "What genre is X?", "what kind of music is X", "classify X", "what mood is that one". */
const CLASSIFY_RE = /^(?:(?:and |so )?(?:what|which)(?:'s| is)? (?:the )?(?:genre|kind of music|type of music|style|mood|kind of song|type of song|sort of music)(?: is| of| would)?(?: the song| the track)?\s+|classify\s+(?:the song |the track )?)["“]?(.+?)["”]?(?:\s+in)?\s*[?.!]*$/i;

/** "Find X", "search for X", "look up X", "do you have X". */
const FIND_RE = /^(?:(?:can|could) you |please |pls )?(?:find|search(?: for)?|look up|lookup|look for|do you have|have you got)\s+(?:me\s+)?(?:the (?:song|track|album|artist|band)\s+)?["“]?(.+?)["”]?\s*(?:please)?[?.!]*$/i;

/** Whether "find …" names something to look up rather than asks for music ("find me something calm"). */
function isSearch(what: string, text: string, linked: readonly Mention[]): boolean {
  // "Find me some Ugly Kid Joe" asks for an artist's music, not for a title.
  if (/^(?:some|more)\b/i.test(what)) return false;
  const inside = linked.filter((m) => text.indexOf(what) <= m.start && m.start < text.indexOf(what) + what.length);
  if (inside.length > 0 && covers(what, inside)) return true;
  return !/\b(something|anything|songs?|music|tracks?|tunes|stuff|playlist|similar|recommendations?|more)\b/i.test(what) && what.split(/\s+/).length <= 8;
}

/** The track a phrase means: an ordinal or "that one" against what was shown or named, a linked track, or the text. */
function trackRefOf(ref: string, linked: readonly Mention[], state: ConversationState): number | string | undefined {
  const r = clean(ref).replace(/[?.!]+$/, '');
  const ord = new RegExp(`^(?:the |number )?${ORDINAL}(?: one| track| song)?$`, 'i').exec(r);
  if (ord !== null) {
    const word = ord[1]!.toLowerCase();
    if (/^(this|that|it)$/.test(word)) {
      if (state.lastNamed?.kind === 'track') return state.lastNamed.id;
      if (state.lastRecommendations.length > 0) return state.lastRecommendations[0]!.id;
      return undefined;
    }
    return pick(state.lastRecommendations, word)?.id;
  }
  const m = linked.find((x) => r.includes(x.text) && (x.kind === 'track' || x.kind === 'album'));
  if (m?.kind === 'track') return m.track.id;
  if (m?.kind === 'album') return m.album.trackIds[0];
  const by = /^(.+?)\s+by\s+(.+)$/i.exec(r);
  if (by !== null) return `${by[2]!} - ${by[1]!}`;
  return r === '' ? undefined : r;
}

/** The plan's `named` for a phrase that is one linked entity. */
function namedOf(linked: readonly Mention[], phrase: string, _text: string): { named: NamedEntity } | Record<string, never> {
  const inside = linked.filter((m) => phrase.includes(m.text));
  const n = inside.length === 1 ? namedEntity(inside[0]!) : undefined;
  return n === undefined ? {} : { named: n };
}

/** A mention as the conversation's named entity. */
function namedEntity(m: Mention): NamedEntity | undefined {
  if (m.kind === 'artist') return { kind: 'artist', name: m.artist.name };
  if (m.kind === 'track') return { kind: 'track', id: m.track.id, title: m.track.title };
  const id = m.album.trackIds[0];
  return id === undefined ? undefined : { kind: 'track', id, title: m.album.title };
}

/** Whether the linked mentions account for the words of a seed phrase (beyond filler like "the band"). */
function covers(phrase: string, mentions: readonly Mention[]): boolean {
  let left = ` ${phrase} `;
  for (const m of mentions) left = left.replace(m.text, ' ');
  return left.replace(/\b(the band|the artist|the song|the track|the album|songs?|music|tracks?|stuff|by|and|or|&|some|more|please|anything|something|of|from)\b/gi, ' ').replace(/[^\p{L}\p{N}]+/gu, '') === '';
}

/** A negation that ends right before position `at`, in the same clause ("I don't like ", "nothing by ", "no "). */
function negatedBefore(text: string, at: number): boolean {
  const before = text.slice(0, at);
  const clause = before.slice(Math.max(before.search(/[^,.;!?]*$/), 0)).toLowerCase().replace(/[’‘]/g, "'");
  return NEGATED_RE.test(clause);
}

const NEGATED_RE =
  /(?:\b(?:don'?t|do not|doesn'?t|does not|never|not)\s+(?:really\s+|much\s+|too much\s+)?(?:like|love|want|enjoy|dig|care for|need|into|a fan of)|\bhate|\bdislike|\bcan'?t stand|\bcannot stand|\bsick of|\btired of|\bno|\bnot|\bwithout|\bexcept|\bexcluding|\bnothing|\bavoid|\bminus|\bother than|\bbut not|\banything but|\bnone of|\bskip|\bno more|\bleave out|\bkeep out)\s+(?:(?:any|more|of|the|songs?|tracks?|music|stuff|anything|something|from|by|like)\s+)*$/;

/** Constraints with the linked exclusions added; a capitalised "no X" the linker resolved uses the catalogue's name. */
function withExclusions(c: ActiveConstraints, artists: readonly string[], tracks: readonly number[], linked: readonly Mention[]): ActiveConstraints {
  if (artists.length === 0 && tracks.length === 0 && c.excludeArtists === undefined) return c;
  const linkedText = linked.map((m) => m.text.toLowerCase());
  const raw = (c.excludeArtists ?? []).filter((a) => !linkedText.some((m) => a.toLowerCase().includes(m) || m.includes(a.toLowerCase())));
  const names = [...new Set([...raw, ...artists])];
  const out: Record<string, unknown> = { ...c };
  delete out.excludeArtists;
  if (names.length > 0) out.excludeArtists = names;
  if (tracks.length > 0) out.excludeTracks = [...new Set([...(c.excludeTracks ?? []), ...tracks])];
  return out as ActiveConstraints;
}

/** "People like me", "who listens like me", "similar listeners", "people with my taste": the similar_listeners tool. */
const LISTENERS_RE =
  /\b(?:(?:people|listeners|others|folks|users|fans|anyone|someone|somebody|who)(?: else)?(?: (?:who|that))?(?: (?:listens?|sounds?|are))? (?:like|similar to) me\b|similar (?:listeners|people|users)\b|(?:people|listeners|others|anyone|who)(?: else)? (?:with|who (?:has|have|shares?)|that (?:has|have|shares?)|sharing) (?:my|similar|the same) tastes?\b|who (?:else )?likes? what i like\b)/;

/** "Share my listening as Rocky", "show me to similar listeners as Rocky": opting in to be shown by that name. */
const SHARE_RE =
  /^(?:please )?(?:share my (?:listening|taste|profile)(?: (?:to|with) (?:similar listeners|people like me|others))?|(?:show|list) me (?:to|with) (?:similar listeners|people like me|others))(?:\s+(?:as|under the name|with the name|named|called)\s+(.+?))?[.!]*$/i;

/** "Stop sharing my listening", "don't show me to others", "hide me": opting out. */
const STOP_SHARING_RE = /\b(?:(?:stop|quit) (?:sharing|showing|listing)|(?:don't|do not|no longer) (?:share|show|list)) (?:my (?:listening|taste|name|profile)\b|me(?= to | by name|[.!]*$))|^hide me\b|^unshare\b/;

/** "I'm into …", "I like …", "my favourite artists are …": someone stating tastes rather than asking for music. */
const ONBOARD_RE = /^(?:(?:i'?m|i am) (?:really |mostly |very |quite )?(?:into|a (?:big |huge )?fan of)|i (?:really |mostly |mainly |usually )?(?:like|love|enjoy|dig|listen to)|my (?:favou?rite|fave|top) (?:artists?|bands?|genres?|music|singers?)(?: (?:are|is|include))?|(?:set|update|change) my tastes?(?: to)?)\s+/;

/** Mood words people use when stating tastes, beyond MOODS. */
const STATED_MOODS: Record<string, string> = { ...MOODS, upbeat: 'happy' };

/** Words that say nothing about a taste ("stuff", "a bit of"). */
const STATED_FILLER = /\b(?:a lot of|lots of|loads of|plenty of|stuff|music|songs?|tracks?|things?|tunes|bands?|artists?|kind of|kinda|sort of|a bit of|some|mostly|mainly|really|also|too|like|the likes of|anything by|everything by|by|genre|genres|vibes?|sounds?|mood|moods|with|please)\b/gi;

/** The set_tastes arguments of a taste statement, or undefined when the utterance is not one. */
function parseStatedTastes(text: string, t: string): Record<string, unknown> | undefined {
  const m = ONBOARD_RE.exec(t);
  if (m === null) return undefined;
  // "I like the second one" / "I love it" rate tracks; "I like songs like X" asks for music.
  if (/\b(recommend\w*|suggest\w*|play|give me|find|show me|something|anything|similar|more)\b/.test(t)) return undefined;
  const rest = text.slice(m[0].length).replace(/[.!?]+$/, '');
  if (new RegExp(`^(the |number )?${ORDINAL}( one| track| song)?$`, 'i').test(rest.trim()) || /^(all (of )?)?(it|this|that|them|these|those)\b/i.test(rest.trim())) return undefined;
  if (/\blike\b/i.test(rest)) return undefined;
  const lower = rest.toLowerCase();
  const energy = /\b(low|lower|little|less)[- ]energy\b/.test(lower) ? 0.2 : /\b(high|higher|lots of|more)[- ]energy\b/.test(lower) ? 0.8 : /\b(medium|mid|moderate)[- ]energy\b/.test(lower) ? 0.5 : undefined;
  const labelWords = Object.keys({ ...GENRES, ...STATED_MOODS }).sort((a, b) => b.length - a.length);
  const genres: string[] = [];
  const moods: string[] = [];
  const artists: string[] = [];
  for (const part of rest.split(/,|;|\band\b|\bor\b|\bplus\b|\bbut\b|\//i)) {
    let p = ` ${part} `.replace(/\b(?:low|lower|little|less|high|higher|lots of|more|medium|mid|moderate)[- ]energy\b/gi, ' ').replace(STATED_FILLER, ' ').replace(/\s+/g, ' ').trim();
    if (p === '') continue;
    // A capitalised part names an artist ("Daft Punk" is not punk), unless it is a label itself ("Jazz").
    const named = /^\p{Lu}/u.test(p) && GENRES[p.toLowerCase()] === undefined && STATED_MOODS[p.toLowerCase()] === undefined;
    if (!named) {
      genres.push(...matchLabels(p.toLowerCase(), GENRES, new Set()));
      moods.push(...matchLabels(p.toLowerCase(), STATED_MOODS, new Set()));
      for (const w of labelWords) p = p.replace(new RegExp(`(^|[^\\w&-])${w.replace(/[.*+?^${}()|[\]\\&-]/g, '\\$&')}(?=$|[^\\w&-])`, 'gi'), '$1 ');
      p = p.replace(/\s+/g, ' ').trim();
    }
    if (p !== '' && p.split(' ').length <= 5 && /\p{L}/u.test(p)) artists.push(p);
  }
  const args: Record<string, unknown> = {
    ...(genres.length > 0 ? { genres: [...new Set(genres)] } : {}),
    ...(moods.length > 0 ? { moods: [...new Set(moods)] } : {}),
    ...(energy !== undefined ? { energy } : {}),
    ...(artists.length > 0 ? { artists: artists.slice(0, 10) } : {}),
  };
  return Object.keys(args).length > 0 ? args : undefined;
}

/** Spotify requests: connect, import, disconnect, and export (the tracks shown last, else the current recommendations). */
function planSpotify(t: string, text: string, state: ConversationState): Pick<Plan, 'intent' | 'calls'> | undefined {
  if (/\b(disconnect|unlink|forget|remove|delete)\b.*\bspotify\b/.test(t)) return { intent: 'disconnect', calls: [{ name: 'spotify_disconnect', args: {} }] };
  if (/\b(import|sync|load|pull|read|use)\b.*\bspotify\b/.test(t)) return { intent: 'import', calls: [{ name: 'spotify_import', args: {} }] };
  if (/\b(connect|link|log ?in)\b.*\bspotify\b|^connect\b/.test(t)) return { intent: 'connect', calls: [{ name: 'spotify_connect_link', args: {} }] };
  // "Make a playlist for a road trip" asks for music; "make it a playlist", "make a playlist of these" exports.
  if (!/\b(export|save (this|these|them|it|that|my \w+) (as|to|in)|make (it|this|that|these|them) (into )?a playlist|make a playlist (of|from|out of|with) (these|them|those|this|that|it)\b|make a playlist[.!]*$|to (a |my )?(spotify )?playlist)\b/.test(t)) return undefined;
  const name = /\b(?:called|named)\s+["“']?(.+?)["”']?[.!]*$/i.exec(text)?.[1]?.trim().slice(0, 100);
  const ids = state.lastRecommendations.map((c) => c.id);
  const args = { ...(ids.length > 0 ? { track_ids: ids } : {}), ...(name !== undefined && name !== '' ? { name } : {}) };
  return { intent: 'export', calls: [{ name: 'spotify_export_playlist', args }] };
}

/** Adds the tool call for a plan's query, count and constraints. */
function withCalls(p: Omit<Plan, 'calls'> & { query: BaseQuery; count: number }): Plan {
  const call = queryCall(p.query, p.constraints, p.count);
  // The activity is context for the strategy bandit (recommend's `activity`).
  return { ...p, calls: [p.activity !== undefined && call.name === 'recommend' ? { ...call, args: { ...call.args, activity: p.activity } } : call] };
}

/** The tool call that runs a base query under constraints. */
export function queryCall(query: BaseQuery, constraints: ActiveConstraints, count: number): PlannedCall {
  const c = toolConstraints(constraints);
  const n = count;
  if (query.kind === 'similar') return { name: 'similar_tracks', args: { track: query.track, count: n, ...(c !== undefined ? { constraints: c } : {}) } };
  const seeds = query.seeds === undefined ? undefined : Object.fromEntries(Object.entries(query.seeds).filter(([, v]) => v !== undefined).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
  // A person naming artists builds a list from them: their own best tracks lead, their neighbours follow.
  const lead = (query.seeds?.artists?.length ?? 0) > 0 && (constraints.artists?.length ?? 0) === 0 ? { artists_first: true } : {};
  return { name: 'recommend', args: { ...(seeds !== undefined ? { seeds } : {}), ...(c !== undefined ? { constraints: c } : {}), count: n, for: query.for, ...lead } };
}

/** Active constraints in the recommend/similar_tracks input shape; undefined when there are none. */
function toolConstraints(c: ActiveConstraints): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (c.genres !== undefined && c.genres.length > 0) out.genres = [...c.genres];
  if (c.moods !== undefined && c.moods.length > 0) out.moods = [...c.moods];
  if (c.excludeGenres !== undefined && c.excludeGenres.length > 0) out.exclude_genres = [...c.excludeGenres];
  if (c.excludeMoods !== undefined && c.excludeMoods.length > 0) out.exclude_moods = [...c.excludeMoods];
  for (const f of ['tempo', 'energy', 'valence', 'danceability', 'acousticness', 'instrumentalness', 'year'] as const) {
    const r = c[f];
    if (r !== undefined && (r.min !== undefined || r.max !== undefined)) out[f] = { ...r };
  }
  if (c.explicit !== undefined) out.explicit = c.explicit;
  if (c.vocals !== undefined) out.vocals = c.vocals;
  if (c.instruments !== undefined && c.instruments.length > 0) out.instruments = [...c.instruments];
  if (c.popularity !== undefined) out.popularity = c.popularity;
  if (c.holiday !== undefined) out.holiday = c.holiday;
  if (c.artists !== undefined && c.artists.length > 0) out.artists = [...c.artists];
  if (c.excludeArtists !== undefined && c.excludeArtists.length > 0) out.exclude_artists = [...c.excludeArtists];
  if (c.excludeTracks !== undefined && c.excludeTracks.length > 0) out.exclude_tracks = [...c.excludeTracks];
  return Object.keys(out).length === 0 ? undefined : out;
}


/** An A/B vote in what the person typed. */
function parseVote(t: string): 'a' | 'b' | 'both' | 'neither' | 'skip' | undefined {
  const s = t.replace(/[.!]+$/, '');
  if (/^(both|both of them|i like both|both fit|both are good)$/.test(s)) return 'both';
  if (/^(neither|neither of them|none|i like neither|neither fits)$/.test(s)) return 'neither';
  if (/^(a|1|left|first|the first( one)?|option a|(i )?(prefer|pick|choose|vote( for)?) (a|the first( one)?|1)|a is better|a please)$/.test(s)) return 'a';
  if (/^(b|2|right|second|the second( one)?|option b|(i )?(prefer|pick|choose|vote( for)?) (b|the second( one)?|2)|b is better|b please)$/.test(s)) return 'b';
  if (/^(skip|pass|no preference|can't decide|dunno|don't know)$/.test(s)) return 'skip';
  return undefined;
}

/** The card an ordinal word points at. */
function pick<T>(list: readonly T[], word: string): T | undefined {
  if (word === 'last') return list[list.length - 1];
  if (word === 'this' || word === 'that' || word === 'it') return list[0];
  const i = ORDINALS[word] ?? Number(word.replace('#', '')) - 1;
  return Number.isInteger(i) && i >= 0 ? list[i] : undefined;
}

/** A number of tracks asked for, if any. */
function parseCount(t: string): number | undefined {
  const m = /\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|a couple of|a couple|a few)(?: more)?(?: [a-z&'-]+){0,2}? (songs?|tracks?|tunes|recommendations|picks|suggestions|options|ones|more)\b/.exec(t) ?? /\b(?:give me|show me|top|just|another)\s+(\d{1,2})\b/.exec(t) ?? /\b(\d{1,2}) more\b/.exec(t);
  if (m === null) return undefined;
  const n = NUMBER_WORDS[m[1]!] ?? Number(m[1]);
  return Number.isFinite(n) ? Math.max(1, Math.min(20, n)) : undefined;
}

const SEED_END = String.raw`(?=\s*(?:$|[,.!?;:]|\s(?:but|without|with|no|not|minus|for|from|that|which|only|please|except|and make|and keep|in the|to)\b))`;

/** "similar to Y by Z" (a track) or "like X" (anything: track, artist, free text). */
function parseSeed(text: string): { kind: 'track' | 'text'; ref: string; span: string } | undefined {
  const byRe = new RegExp(String.raw`\b(?:similar to|sounds? like|something like|songs? like|tracks? like|stuff like|music like|like)\s+["“]?(.+?)["”]?\s+by\s+(.+?)` + SEED_END, 'i');
  const by = byRe.exec(text);
  // "I like these, do you have more Kpop by boy bands?" names no title.
  if (by !== null && !/^(?:these|those|them|it)\b|\b(?:do|can|could|would) you\b/i.test(by[1]!) && by[1]!.split(/\s+/).length <= 8) return { kind: 'track', ref: `${clean(by[2]!)} - ${clean(by[1]!)}`, span: by[0] };
  const like = LIKE_RE.exec(text);
  if (like === null) return undefined;
  // "songs by artists like Gabby Barrett": the names after the second cue.
  const ref = clean(like.groups!['ref']!).replace(/^(?:(?:other )?(?:artists?|bands?|singers?|people|someone|groups?)\s+(?:like|such as)\s+)/i, '');
  // "more from the early 2000s", "songs by 80s bands": a decade or a label, read as a constraint.
  if (VOCABULARY_ONLY_RE.test(ref)) return undefined;
  // "songs by female rappers", "music by women": who sings, read as the voice, not a name.
  if (/^(?:(?:black|young|other|some)\s+)?(?:females?|males?|women|men|ladies)(?:[- ](?:rappers?|singers?|vocalists?|artists?|bands?|groups?|fronted|led|singer[- ]songwriters?|mcs?))?$/i.test(ref)) return undefined;
  // "like this one" names nothing (the catalogue has an artist called "This One"): what was shown, or nothing.
  if (ref === '' || /^((this|that|it)( one| song| track| tune)?|the (first|second|third|last)( one)?|these( ones| songs| tracks)?|those( ones| songs| tracks)?|them)$/i.test(ref)) return undefined;
  // "rock like it used to be", "punk like when we were kids": a comparison, not a name.
  if (like.groups?.['label'] !== undefined && /^(?:it|it's|they|we|you|when|back|before|in the)\b/.test(ref)) return undefined;
  return { kind: 'text', ref, span: like[0] };
}

/** A genre or style word of the vocabulary ("rock", "pop punk", "r&b"), longest first, as a regular-expression source. */
const LABEL_WORD = [...new Set([...Object.keys(GENRES), ...Object.keys(STYLE_WORDS)])]
  .sort((a, b) => b.length - a.length)
  .map(escapeRe)
  .join('|');

/**
 * "like X" after a cue ("songs like", "similar to", "in the vein of", "that sounds like") or after a genre or style named
 * right before it ("pop punk like blink-182", "rock like Nirvana": X seeds, the genre constrains). The span is the cue
 * and the name only, so the genre before it is still read.
 */
const LIKE_RE = new RegExp(
  String.raw`\b(?:similar to|in the (?:style|vein|mold|mould) of|reminds? me of|(?:^|\b(?:more|just|kinda|something|anything|songs?|music|tracks?|stuff|bands?|artists?|sounds?)\s+)like|(?<label>(?<=(?:^|[^\w&-])(?:${LABEL_WORD})\s+)like)|(?:songs|music|tracks|stuff) by|more by|more from)\s+(?:the band\s+|the artist\s+)?["“]?(?<ref>.+?)["”]?` + SEED_END,
  'i',
);

/** A phrase that is only a decade or year with its qualifiers ("early 2000s", "the 80s", "1999"). */
const VOCABULARY_ONLY_RE = /^(?:the\s+)?(?:(?:early|late|mid)[- ]?)?(?:(?:19|20)?\d0'?s|(?:19|20)\d\d|sixties|seventies|eighties|nineties|two thousands|noughties)(?:\s+(?:music|songs?|hits|tracks|bands|artists|stuff))?$/i;

/**
 * Removes multi-word capitalised names ("Daft Punk", "Foo Fighters") so their words are not read as labels; a title-cased
 * voice ("Emotional Songs with Female Singers", "Female Country/Rock") is not a name.
 */
function stripNames(text: string): string {
  return text.replace(/\b(?:[A-Z][\w'&.-]*\s+)+[A-Z][\w'&.-]*/g, (run) => (/^(?:(?:black|young)\s+)?(?:(?:fe)?males?|women)\b/i.test(run) ? run : ' '));
}

const clean = (s: string) => s.replace(/^["“']|["”']$/g, '').replace(/\s+/g, ' ').trim();

/** Whether the utterance only adjusts ("calmer", "older please"). */
function isRelativeOnly(t: string): boolean {
  // "upbeat songs from the 70s" and "70s classics" ask for music; "more upbeat" and "older" change the last answer.
  const comparative = t.replace(/\b(?<!more |less )(?:upbeat|oldies|classics)\b/g, ' ');
  return RELATIVE.some(([re]) => re.test(comparative)) && !/\b(like|similar|by)\b/.test(t);
}

const round = (x: number) => Math.round(x * 100) / 100;
const clamp = (x: number) => round(Math.max(0, Math.min(1, x)));

/** Relative words: each adjusts the constraints from their previous value. */
const RELATIVE: readonly [RegExp, (c: Mutable, years: readonly number[]) => void][] = [
  [/\b(calmer|chiller|softer|quieter|gentler|mellower|more (calm|chill|relaxed|mellow|gentle)|less (intense|energetic|loud)|slow it down|tone it down)\b/, (c) => {
    c.energy = lower(c.energy, 'max', clamp((c.energy?.max ?? 0.7) - 0.2));
  }],
  [/\b(more upbeat|upbeat|livelier|more lively|more energ\w*|more intense|pump it up|harder|louder|more hype)\b/, (c) => {
    c.energy = raise(c.energy, 'min', clamp((c.energy?.min ?? 0.5) + 0.2));
  }],
  [/\b(happier|more (happy|cheerful|positive|upbeat))\b/, (c) => {
    c.valence = raise(c.valence, 'min', clamp((c.valence?.min ?? 0.4) + 0.2));
  }],
  [/\b(sadder|darker|more (sad|melancholic|moody|dark))\b/, (c) => {
    c.valence = lower(c.valence, 'max', clamp((c.valence?.max ?? 0.6) - 0.2));
  }],
  [/\b(faster|quicker|higher tempo|more tempo)\b/, (c) => {
    c.tempo = raise(c.tempo, 'min', (c.tempo?.min ?? 100) + 20);
  }],
  [/\b(slower|lower tempo)\b/, (c) => {
    c.tempo = lower(c.tempo, 'max', Math.max(40, (c.tempo?.max ?? 120) - 20));
  }],
  [/\b(older|oldies|classics|more classic|earlier)\b/, (c, years) => {
    const max = years.length > 0 ? Math.min(...years) - 1 : (c.year?.max ?? 2010) - 10;
    c.year = lower(c.year, 'max', max);
  }],
  [/\b(newer|more recent|fresher|modern|latest|recent)\b/, (c, years) => {
    const min = years.length > 0 ? Math.max(...years) + 1 : (c.year?.min ?? 2000) + 10;
    c.year = raise(c.year, 'min', Math.min(2100, min));
  }],
  [/\b(more danceable|danceable|groovier|more groove)\b/, (c) => {
    c.danceability = raise(c.danceability, 'min', clamp((c.danceability?.min ?? 0.5) + 0.2));
  }],
  [/\b(more acoustic|acoustic|unplugged)\b/, (c) => {
    c.acousticness = raise(c.acousticness, 'min', 0.5);
  }],
];

/** A range with a new upper end (dropping a lower end above it). */
function lower(r: Range | undefined, _end: 'max', max: number): Range {
  return r?.min !== undefined && r.min < max ? { min: r.min, max } : { max };
}

/** A range with a new lower end (dropping an upper end below it). */
function raise(r: Range | undefined, _end: 'min', min: number): Range {
  return r?.max !== undefined && r.max > min ? { min, max: r.max } : { min };
}

/** Words naming an instrument of the vocabulary (INSTRUMENT_TAGS), as regular-expression sources. */
const INSTRUMENT_WORDS: readonly [string, Instrument][] = [
  ['sax(?:ophones?)?', 'saxophone'],
  ['pianos?', 'piano'],
  ['guitars?', 'guitar'],
  ['(?:violins?|fiddles?)', 'violin'],
  ['cellos?', 'cello'],
  ['trumpets?', 'trumpet'],
  ['harmonicas?', 'harmonica'],
  ['banjos?', 'banjo'],
  ['(?:ukuleles?|ukes?)', 'ukulele'],
  ['flutes?', 'flute'],
  ['harps?', 'harp'],
  ['accordions?', 'accordion'],
  ['(?:organs?|hammond)', 'organ'],
];
const INSTRUMENT_OF = INSTRUMENT_WORDS.map(([w, x]) => [new RegExp(`^${w}$`), x] as const);
/** Any instrument word, not after a negation ("no guitars"). */
const INSTRUMENT_RE = new RegExp(String.raw`(?<!\b(?:no|without|not|minus|less|fewer)\s(?:any\s|more\s)?)\b(?:${INSTRUMENT_WORDS.map(([w]) => w).join('|')})\b`, 'g');

/** Genres, moods, activities, negations, decades and relative words, applied on top of `base`. */
function modifiers(text: string, original: string, state: ConversationState, base: ActiveConstraints): ActiveConstraints {
  const c: Mutable = { ...base };
  // Everyday phrases first, and their words taken out ("not too fast" is not the energetic mood, "to dance to" not the genre).
  let t = text;
  for (const [re, apply] of PHRASES) {
    if (!re.test(t)) continue;
    apply(c);
    t = t.replace(re, ' ');
  }
  // Instruments ("songs with saxophone", "banjo music"), not after a negation ("no guitars").
  const played: Instrument[] = [];
  t = t.replace(INSTRUMENT_RE, (word: string) => {
    const x = INSTRUMENT_OF.find(([re]) => re.test(word))?.[1];
    if (x !== undefined && !played.includes(x)) played.push(x);
    return ' ';
  });
  if (played.length > 0) c.instruments = played;
  // Negations first, so "no rap" does not also count as a wanted genre.
  const negated = new Set<string>();
  const negRe = /\b(?:no|without|not|minus|avoid|except|skip the|nothing)\s+(?:any\s+|more\s+|too much\s+)?([\w&'.-]+(?:\s+[\w&'.-]+){0,2}?)(?=$|[,.!?;]|\s(?:and|but|or|with|for|please|songs?|music|tracks?|stuff|in it)\b)/gi;
  for (const m of original.matchAll(negRe)) {
    const what = m[1]!.trim();
    const w = what.toLowerCase();
    // "no grunge bands": the style, whatever noun follows it.
    const styleWord = w.replace(/\s+(?:bands?|artists?|groups?|acts?)$/, '');
    const style = styleOf(styleWord);
    if (/^(vocals?|singing|lyrics|words|voice|voices)$/.test(w)) c.vocals = 'instrumental';
    else if (/^(explicit|swearing|cursing|bad words|profanity|explicit lyrics|explicit content)$/.test(w)) c.explicit = false;
    else if (style !== undefined) {
      // "90s rock but no grunge", "latin music, no reggaeton": a style, left out by its own evidence; its genre stays.
      // Its words are not asked for either ("no country pop" is not pop, "no hair metal" not metal).
      t = t.replace(m[0].toLowerCase(), ' ');
      c.excludeGenres = [...new Set([...(c.excludeGenres ?? []), style])];
    } else if (GENRES[w] !== undefined && w !== GENRES[w] && matchLabels(t.replace(m[0].toLowerCase(), ' '), GENRES, new Set([w])).includes(GENRES[w])) {
      // "r&b, no soul": another word for the genre asked for and no style the catalogue can tell apart: not left out.
      negated.add(w);
    } else if (GENRES[w] !== undefined) {
      negated.add(w);
      c.excludeGenres = [...new Set([...(c.excludeGenres ?? []), GENRES[w]])];
      c.genres = c.genres?.filter((g) => g !== GENRES[w]);
      if (c.genres?.length === 0) delete c.genres;
    } else if (MOODS[w] !== undefined) {
      negated.add(w);
      c.excludeMoods = [...new Set([...(c.excludeMoods ?? []), MOODS[w]])];
      c.moods = c.moods?.filter((m2) => m2 !== MOODS[w]);
      if (c.moods?.length === 0) delete c.moods;
    } else if (/^[A-Z0-9]/.test(what) && !/^(I|More|Too)$/.test(what)) {
      c.excludeArtists = [...new Set([...(c.excludeArtists ?? []), what])];
    }
  }
  // "Female vocalists with pretty instrumentals" asks for a voice: the word does not undo one asked for.
  if (/\b(instrumentals?|no-vocals?)\b/.test(t) && (c.vocals === undefined || c.vocals === 'instrumental')) c.vocals = 'instrumental';
  if (/\b(clean|family[- ]friendly|kid[- ]friendly|radio edit|safe for work)\b/.test(t)) c.explicit = false;
  // Styles asked for ("some grunge", "90s britpop", "pop punk like blink-182"): met by their own evidence, and their
  // words are not read as their genre too ("funk" is not r&b, "pop punk" not pop). "Real funk, not r&b": the style's
  // own genre left out beside it is the rest of that genre, which the style already leaves out.
  const styles = matchLabels(t, STYLE_WORDS, negated) as Style[];
  if (styles.length > 0) {
    for (const word of Object.keys(STYLE_WORDS).sort((a, b) => b.length - a.length)) t = t.replace(wordRe(word), '$1 $2');
    c.genres = [...new Set([...(c.genres ?? []), ...styles])].filter((g) => !(c.excludeGenres ?? []).includes(g));
    c.excludeGenres = c.excludeGenres?.filter((g) => !styles.some((x) => STYLE_GENRE[x] === g));
    if (c.excludeGenres?.length === 0) delete c.excludeGenres;
  }
  const genres = matchLabels(t, GENRES, negated);
  if (genres.length > 0) c.genres = [...new Set([...(c.genres ?? []), ...genres])].filter((g) => !(c.excludeGenres ?? []).includes(g));
  // After an answer, "more energetic" and "less sad" adjust its range (RELATIVE): not a mood asked for.
  const moods = matchLabels(state.lastQuery === undefined ? t : t.replace(/\b(?:more|less)\s+[a-z-]+/g, ' '), MOODS, negated);
  if (moods.length > 0) c.moods = moods.filter((m) => !(c.excludeMoods ?? []).includes(m));
  if (c.moods?.length === 0) delete c.moods;
  // The activity's preset from the one table (Discord /vibe reads the same one).
  const preset = findActivity(text);
  if (preset !== undefined) {
    const p = preset.constraints;
    if (p.vocals !== undefined) c.vocals = p.vocals;
    for (const [field, r] of Object.entries(p.ranges ?? {}) as [keyof typeof p.ranges & string, Range][]) {
      const k = field as 'energy' | 'valence' | 'tempo' | 'danceability' | 'acousticness' | 'instrumentalness' | 'year';
      if (r.max !== undefined) c[k] = lower(c[k], 'max', r.max);
      if (r.min !== undefined) c[k] = raise(c[k], 'min', r.min);
    }
    if (p.moods !== undefined) c.moods = [...new Set([...(c.moods ?? []), ...p.moods])].filter((m) => !(c.excludeMoods ?? []).includes(m));
  }
  const decade = /\b(?:the )?(?:(19|20)?(\d)0'?s|(sixties|seventies|eighties|nineties|two thousands|noughties))\b/.exec(t);
  if (decade !== null) {
    const words: Record<string, number> = { sixties: 1960, seventies: 1970, eighties: 1980, nineties: 1990, 'two thousands': 2000, noughties: 2000 };
    const start = decade[3] !== undefined ? words[decade[3]]! : Number(`${decade[1] ?? (Number(decade[2]) >= 5 ? '19' : '20')}${decade[2]}0`);
    c.year = { min: start, max: start + 9 };
  }
  const single = decade === null ? /\b(?:from|in|of|released in) ((?:19|20)\d\d)\b/.exec(t) : null;
  if (single !== null) c.year = { min: Number(single[1]), max: Number(single[1]) };
  const before = /\b(?:before|pre|older than)[- ](\d{4})\b/.exec(t);
  if (before !== null) c.year = lower(c.year, 'max', Number(before[1]) - 1);
  const after = /\b(?:after|since|newer than|post)[- ](\d{4})\b/.exec(t);
  if (after !== null) c.year = raise(c.year, 'min', Number(after[1]));
  const years = state.lastRecommendations.map((r) => r.year).filter((y): y is number => y !== null);
  // "70s classics", "oldies from 1965": the years named say how old; "classics" does not move them earlier.
  const yearNamed = decade !== null || single !== null || before !== null || after !== null;
  const rel = yearNamed ? t.replace(/\b(?<!more )(?:classics|oldies)\b/g, ' ') : t;
  for (const [re, apply] of RELATIVE) if (re.test(rel)) apply(c, years);
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as ActiveConstraints;
}

const addMood = (c: Mutable, mood: string) => {
  c.moods = [...new Set([...(c.moods ?? []), mood])];
};

/** Everyday phrases and what they mean in the constraint vocabulary. */
const PHRASES: readonly [RegExp, (c: Mutable) => void][] = [
  // "I'm sad, cheer me up": the person's mood is not the music's; what they ask for is.
  [/\b(?:(?:i'?m|i am|i feel|feeling)\s+(?:so\s+|a bit\s+|kind of\s+|kinda\s+|really\s+)?(?:sad|down|low|blue|depressed|gloomy)\b[^.?!]{0,20}?\b)?(?:cheer (?:me|us) up|pick[- ]me[- ]up|lift my (?:mood|spirits)|make me (?:happy|smile|feel better)|to feel better)\b/g, (c) => addMood(c, 'happy')],
  [/\b(?:to cry to|cry(?:ing)? (?:to|music|songs?)|make me cry|heart ?break\w*|heart ?broken|break ?up songs?|sad songs? to cry)\b/g, (c) => addMood(c, 'sad')],
  [/\b(?:no|without|not|nothing|skip the|none of the)\s+(?:sappy |slow |sad |cheesy )?(?:ballads?|love songs)\b/g, (c) => {
    c.excludeMoods = [...new Set([...(c.excludeMoods ?? []), 'romantic'])];
  }],
  [/\bslow jams?\b/g, (c) => {
    addMood(c, 'romantic');
    c.tempo = lower(c.tempo, 'max', 100);
  }],
  [/\b(?:not (?:too|that|so|very) fast|not fast|mid[- ]?tempo|moderate tempo)\b/g, (c) => {
    c.tempo = lower(c.tempo, 'max', 120);
  }],
  [/\bnot (?:too|that|so|very) (?:loud|intense|heavy|energetic|hard)\b/g, (c) => {
    c.energy = lower(c.energy, 'max', 0.6);
  }],
  [/\b(?:quiet|soft|gentle|calm|solo|relaxing) piano(?: music| pieces| songs)?\b|\bpiano (?:only|pieces|instrumentals?)\b/g, (c) => {
    c.vocals = 'instrumental';
    c.instrumentalness = raise(c.instrumentalness, 'min', 0.5);
    c.acousticness = raise(c.acousticness, 'min', 0.6);
    c.energy = lower(c.energy, 'max', 0.4);
  }],
  // Lo-fi beats (chillhop, jazz hop: TidyTuesday's "Lush Lofi", "Lo-Fi Beats", "Jazz Vibes"): calm instrumental hip
  // hop. "Lo-fi indie" or "lo-fi rock" is a recording style of those genres instead.
  [/\b(?:lo[- ]?fi(?! (?:indie|rock|pop|punk|garage|folk|country|bedroom))(?: hip[- ]?hop| beats?| music| jazz| chill| study)?|chill ?hop|jazz ?hop|study beats)\b/g, (c) => {
    c.genres = [...new Set([...(c.genres ?? []), 'hip hop'])];
    c.vocals = 'instrumental';
    c.energy = lower(c.energy, 'max', 0.6);
    addMood(c, 'calm');
  }],
  // Holiday songs are left out unless asked for: "no christmas songs" keeps it so, "christmas jazz" asks for them.
  [/\b(?:no|without|not|nothing|skip the|none of the|not any)\s+(?:more\s+)?(?:christmas|xmas|x-mas|holiday|festive|seasonal)(?: songs?| music| tunes| stuff| carols)?\b/g, (c) => {
    delete c.holiday;
  }],
  [/\b(?:christmas|xmas|x-mas|holiday (?:songs?|music|tunes|season|playlist|classics|hits|party)|festive|carols?|navidad|hanukkah|advent)\b/g, (c) => {
    c.holiday = 'only';
  }],
  // "Classic hip hop", "classic soul": the genre's older records (the word alone is left for the genre's name).
  [/\bclassic(?= (?:hip[- ]?hop|rap|r&b|rnb|house|techno|trance|grunge|alternative)\b)/g, (c) => {
    c.year = lower(c.year, 'max', 1999);
  }],
  [/\bclassic(?= (?:rock|metal|heavy metal|punk|pop|soul|funk|disco|motown|jazz|country|blues|folk|reggae)\b)/g, (c) => {
    c.year = lower(c.year, 'max', 1989);
  }],
  [/\bold[- ]?school\b/g, (c) => {
    c.year = lower(c.year, 'max', 1999);
  }],
  [/\b(?:deep cuts?|lesser[- ]known|less known|under ?rated|underground|obscure|hidden gems?|b-sides|not (?:too |that |so )?(?:mainstream|popular|well[- ]known)|nothing (?:too )?(?:mainstream|popular)|(?:songs?|music|tracks?|something|stuff|anything|bands?|artists?)(?: new)? (?:that )?i(?:'ve| have)? (?:never|not yet|haven't|have not) heard(?! of)(?: yet| before)?|new to me)\b/g, (c) => {
    c.popularity = 'deep_cuts';
  }],
  [/\b(?:mainstream|chart[- ]?(?:toppers|hits)|top hits|big hits|popular (?:songs|tracks|hits)|the hits|greatest hits|well[- ]known|(?:every(?:one|body)|all) (?:knows?|can sing(?: along)?)|crowd[- ]pleasers?|famous (?:songs|tracks|hits))\b/g, (c) => {
    c.popularity = 'mainstream';
  }],
  // Who sings lead ("female-fronted rock", "songs sung by women", "male vocals"), before "sung" alone. Both voices
  // ("male and female singers", "female clean vocals with male growl") ask for neither; "female" on its own in a
  // request for music speaks of the voice ("female pop music", "Female Country/Rock").
  [/\b(?:(?:both )?(?:male (?:and|or|&|\/) ?(?:an? )?female|female (?:and|or|&|\/) ?(?:an? )?male)|female\b[^.?!]{0,40}\bwith (?:a )?male|male\b[^.?!]{0,40}\bwith (?:a )?female)\b[\w-]*/g, (c) => {
    delete c.vocals;
  }],
  [/\b(?:females?|women|woman|girls?|ladies) (?:rappers?|rapping|mcs?|rap|hip[- ]?hop)\b/g, (c) => {
    c.vocals = 'female';
    c.genres = [...new Set([...(c.genres ?? []), 'hip hop'])];
  }],
  [/\b(?:males?|men|man|guys?) (?:rappers?|rapping|mcs?)\b/g, (c) => {
    c.vocals = 'male';
    c.genres = [...new Set([...(c.genres ?? []), 'hip hop'])];
  }],
  [/\b(?:females?(?:[- ](?:fronted|led|lead|vocals?|vocalists?|singers?|voices?|artists?|singer[- ]songwriters?|bands?|groups?))*|(?:women|woman|girls?|lady|ladies)(?: who)? (?:sing(?:ing|ers?)?|vocalists?|singer[- ]songwriters?|fronted|in (?:rock|metal|punk|pop|jazz|country|hip hop|rap|folk|indie))|(?:sung|fronted|led|songs|music) by (?:a |an? )?(?:black |young )?(?:women|woman|females?|girls?|ladies)|divas?)\b/g, (c) => {
    c.vocals = 'female';
  }],
  [/\b(?:males?(?:[- ](?:fronted|led|lead|vocals?|vocalists?|singers?|voices?|artists?|singer[- ]songwriters?))*|(?:men|man|guys?)(?: who)? (?:sing(?:ing|ers?)?|vocalists?)|(?:sung|fronted|led) by (?:a )?(?:men|man|males?|guys?)|crooners?)\b/g, (c) => {
    c.vocals = 'male';
  }],
  [/\b(?:with (?:vocals|singing|lyrics|a singer)|sung|vocal (?:tracks|songs|music))\b/g, (c) => {
    c.vocals ??= 'vocal';
  }],
  // "to dance to" names an activity (party), not the dance genre.
  [/\b(?:(?:to|can|could) dance (?:to|with)|dance to|dance party|dancing)\b/g, () => {}],
];

/** A word of the vocabulary standing on its own in a text (not inside "hip-hop" or "r&b"), with what is either side. */
function wordRe(word: string): RegExp {
  return new RegExp(`(^|[^\\w&-])${escapeRe(word)}($|[^\\w&-])`, 'g');
}

/** `s` matched literally inside a regular expression. */
function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\&-]/g, '\\$&');
}

/** Vocabulary labels named in the text (longest names first, so "hip hop" wins over "hop"). */
function matchLabels(t: string, vocab: Record<string, string>, skip: ReadonlySet<string>): string[] {
  const out: string[] = [];
  let rest = t;
  for (const word of Object.keys(vocab).sort((a, b) => b.length - a.length)) {
    if (skip.has(word)) continue;
    const re = wordRe(word);
    if (!re.test(rest)) continue;
    out.push(vocab[word]!);
    // A longer name consumes its words: "punk rock" is punk, not also rock.
    rest = rest.replace(re, '$1 $2');
  }
  return [...new Set(out)];
}
