/**
 * The one genre and mood vocabulary of Earworm: the words people ask for, each with the words that name it in a
 * request (aliases) and the human tags (Last.fm / Yes.com / playlist genres) that count as evidence for it. Labels,
 * filters, the rule planner, Discord `/vibe` and the tool schemas all use these names; nothing else defines genres or
 * moods.
 */

/** Genres, in the order lists show them. */
export const GENRES = [
  'pop',
  'rock',
  'hip hop',
  'r&b',
  'electronic',
  'dance',
  'latin',
  'country',
  'folk',
  'jazz',
  'blues',
  'classical',
  'metal',
  'punk',
  'indie',
  'reggae',
  'ambient',
  'soundtrack',
] as const;

/**
 * Families of genres: a broader genre and narrower ones that the same tracks are often labelled with (Iron Maiden is
 * rock 0.67 and metal 0.32). Within a family one label does not outweigh another as evidence for a request.
 */
const GENRE_FAMILIES: readonly (readonly string[])[] = [
  ['rock', 'metal', 'punk', 'indie'],
  ['electronic', 'dance', 'ambient'],
];

/** Whether two labels of one kind are the same or of one family (see GENRE_FAMILIES); moods have no families. */
export function sameFamily(a: string, b: string): boolean {
  return a === b || GENRE_FAMILIES.some((f) => f.includes(a) && f.includes(b));
}

/** The labels of `label`'s family, itself included. */
export function familyOf(label: string): readonly string[] {
  return GENRE_FAMILIES.find((f) => f.includes(label)) ?? [label];
}

/** Moods, in the order lists show them. */
export const MOODS = ['happy', 'sad', 'calm', 'energetic', 'angry', 'romantic', 'dark'] as const;

/** One genre of the vocabulary. */
type Genre = (typeof GENRES)[number];
/** One mood of the vocabulary. */
type Mood = (typeof MOODS)[number];
/** Which half of the vocabulary a label belongs to. */
export type LabelKind = 'genre' | 'mood';

/** Words a person (or a classifier's class name) may use for a genre, beyond its name. */
const GENRE_ALIASES: { readonly [G in Genre]: readonly string[] } = {
  pop: ['pop music', 'k-pop', 'kpop', 'j-pop', 'synthpop', 'synth pop', 'synth-pop', 'electropop', 'teen pop', 'post-teen pop'],
  rock: ['rock music', 'rock and roll', "rock 'n' roll", 'rock n roll', 'classic rock', 'hard rock', 'grunge', 'album rock'],
  'hip hop': ['hip-hop', 'hiphop', 'rap', 'rap music', 'trap', 'gangster rap', 'southern hip hop', 'hip pop', 'drill', 'grime'],
  'r&b': ['rnb', 'r and b', 'r & b', 'rhythm and blues', 'soul', 'neo soul', 'neo-soul', 'funk', 'motown', 'urban contemporary', 'new jack swing', 'slow jams'],
  electronic: ['edm', 'electronica', 'electro', 'house', 'techno', 'trance', 'dubstep', 'drum and bass', 'dnb', 'idm', 'electronic music', 'big room', 'progressive house'],
  dance: ['dance music', 'disco', 'dance pop', 'dance-pop', 'club', 'eurodance'],
  latin: ['reggaeton', 'salsa', 'bachata', 'latin pop', 'latin music', 'cumbia', 'tropical', 'urbano', 'bossa nova', 'latin hip hop'],
  country: ['country music', 'americana', 'bluegrass', 'honky tonk'],
  folk: ['folk music', 'singer-songwriter', 'singer songwriter', 'acoustic folk', 'indie folk', 'folk rock'],
  jazz: ['jazz music', 'smooth jazz', 'bebop', 'swing', 'big band', 'jazz fusion'],
  blues: ['blues music', 'delta blues', 'blues rock'],
  classical: ['classical music', 'orchestral', 'symphony', 'opera', 'baroque', 'piano classical', 'chamber music'],
  metal: ['heavy metal', 'metal music', 'death metal', 'black metal', 'thrash metal', 'metalcore', 'nu metal', 'doom metal'],
  punk: ['punk rock', 'pop punk', 'pop-punk', 'hardcore punk', 'post-punk', 'emo'],
  indie: ['alternative', 'alt', 'alternative rock', 'alt rock', 'indie rock', 'indie pop', 'indie music', 'permanent wave', 'indie poptimism', 'shoegaze'],
  reggae: ['reggae music', 'ska', 'dub', 'dancehall', 'roots reggae'],
  ambient: ['ambient music', 'drone', 'new age', 'dark ambient'],
  soundtrack: ['soundtracks', 'film score', 'score', 'movie soundtrack', 'ost', 'video game music', 'musical', 'musicals'],
};

/** Words a person (or a classifier's class name) may use for a mood, beyond its name. */
const MOOD_ALIASES: { readonly [M in Mood]: readonly string[] } = {
  happy: ['cheerful', 'joyful', 'feel good', 'feelgood', 'feel-good', 'upbeat', 'uplifting', 'fun', 'sunny', 'happier', 'positive'],
  sad: ['melancholic', 'melancholy', 'gloomy', 'heartbreak', 'sadder', 'depressing', 'to cry to', 'tearjerker', 'sorrowful'],
  calm: ['chill', 'chilled', 'chillout', 'chill out', 'mellow', 'relaxing', 'relaxed', 'peaceful', 'serene', 'soothing', 'laid back', 'laid-back', 'calmer', 'quiet', 'focus', 'tender'],
  energetic: ['energy', 'hype', 'pumped', 'pump up', 'high energy', 'lively', 'driving', 'exciting', 'party'],
  angry: ['intense', 'aggressive', 'angst', 'rage', 'furious', 'heavy', 'brutal', 'angry/intense'],
  romantic: ['love', 'love songs', 'sensual', 'sexy', 'romance', 'loving', 'seductive'],
  dark: ['darker', 'ominous', 'haunting', 'gothic', 'eerie', 'creepy', 'sinister', 'moody', 'brooding'],
};

/** Extra human tags that are evidence for a mood (beyond the name and aliases). */
const MOOD_TAG_EXTRA: { readonly [M in Mood]: readonly string[] } = {
  happy: ['happy music', 'good mood', 'summer', 'cheerful', 'catchy', 'party music', 'fun music', 'optimistic'],
  sad: ['sad songs', 'sadness', 'depressive', 'lonely', 'heartbreaking', 'sad song', 'breakup', 'melancholic music'],
  calm: ['relax', 'easy listening', 'downtempo', 'chillout music', 'lounge', 'quiet storm', 'beautiful', 'dreamy', 'calming', 'ambient', 'lullaby', 'acoustic'],
  energetic: ['powerful', 'workout', 'energetic music', 'dance', 'fast', 'running', 'high energy music', 'danceable'],
  angry: ['hardcore', 'screamo', 'noise', 'thrash', 'hate', 'aggressive music', 'angry music', 'death metal', 'grindcore'],
  romantic: ['love song', 'love songs', 'romantic music', 'ballad', 'ballads', 'slow jams', 'love at first listen'],
  dark: ['dark music', 'darkwave', 'gothic rock', 'doom', 'dark ambient', 'atmospheric', 'industrial', 'horror'],
};

/** Word patterns inside a longer tag that are evidence for a genre ("90s alternative rock" -> indie, rock). */
const GENRE_WORDS: readonly [RegExp, Genre][] = [
  [/\bpop\b/, 'pop'],
  [/\brock\b/, 'rock'],
  [/\b(hip[- ]?hop|rap|trap|gangsta)\b/, 'hip hop'],
  [/\b(r ?& ?b|rnb|soul|funk)\b/, 'r&b'],
  [/\b(electronic|electronica|electro|edm|house|techno|trance|dubstep|drum (and|n) bass|idm|synth)\b/, 'electronic'],
  [/\b(dance|disco)\b/, 'dance'],
  [/\b(latin|reggaeton|salsa|bachata|cumbia|tropical|bossa)\b/, 'latin'],
  [/\b(country|bluegrass|americana)\b/, 'country'],
  [/\bfolk\b/, 'folk'],
  [/\bjazz\b/, 'jazz'],
  [/\bblues\b/, 'blues'],
  [/\b(classical|orchestral|baroque|opera|symphon\w*)\b/, 'classical'],
  [/\bmetal\w*\b/, 'metal'],
  [/\b(punk|emo)\b/, 'punk'],
  [/\b(indie|alternative|alt|shoegaze|permanent wave)\b/, 'indie'],
  [/\b(reggae|ska|dancehall)\b/, 'reggae'],
  [/\b(ambient|new age|drone)\b/, 'ambient'],
  [/\b(soundtrack|score|ost)\b/, 'soundtrack'],
];

/** Lower case, single spaces, curly quotes straightened: the form every lookup here uses. */
function normaliseLabelWord(word: string): string {
  return word.trim().toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, ' ');
}

function index<L extends string>(names: readonly L[], aliases: { readonly [K in L]: readonly string[] }): ReadonlyMap<string, L> {
  const m = new Map<string, L>();
  for (const n of names) {
    m.set(n, n);
    for (const a of aliases[n]) if (!m.has(normaliseLabelWord(a))) m.set(normaliseLabelWord(a), n);
  }
  return m;
}

const GENRE_WORD_INDEX = index(GENRES, GENRE_ALIASES);
const MOOD_WORD_INDEX = index(MOODS, MOOD_ALIASES);

/** Every word (names and aliases) that names a genre, mapped to the genre. */
export const GENRE_WORDS_TABLE: ReadonlyMap<string, Genre> = GENRE_WORD_INDEX;
/** Every word (names and aliases) that names a mood, mapped to the mood. */
export const MOOD_WORDS_TABLE: ReadonlyMap<string, Mood> = MOOD_WORD_INDEX;

/** The genre a word names ("rap" -> "hip hop", "EDM" -> "electronic"), or undefined. */
export function canonicalGenre(word: string): Genre | undefined {
  return GENRE_WORD_INDEX.get(normaliseLabelWord(word));
}

/** The mood a word names ("chill" -> "calm"), or undefined. */
export function canonicalMood(word: string): Mood | undefined {
  return MOOD_WORD_INDEX.get(normaliseLabelWord(word));
}

/** The vocabulary name a word names in one half of the vocabulary, or undefined. */
export function canonicalLabel(kind: LabelKind, word: string): string | undefined {
  return kind === 'genre' ? canonicalGenre(word) : canonicalMood(word);
}

/** The names of one half of the vocabulary. */
export function vocabularyOf(kind: LabelKind): readonly string[] {
  return kind === 'genre' ? GENRES : MOODS;
}

const TAG_GENRE_CACHE = new Map<string, readonly Genre[]>();

/**
 * The genres a human tag is evidence for: its exact name or alias, else every genre word inside it
 * ("indie rock" -> indie, rock; "latin hip hop" -> latin, hip hop). Mood-only or unrelated tags give none.
 */
export function genresOfTag(tag: string): readonly Genre[] {
  const t = normaliseLabelWord(tag);
  const cached = TAG_GENRE_CACHE.get(t);
  if (cached !== undefined) return cached;
  const exact = GENRE_WORD_INDEX.get(t);
  const out: Genre[] = exact !== undefined ? [exact] : [];
  if (exact === undefined || t.includes(' ')) {
    for (const [re, g] of GENRE_WORDS) if (re.test(t) && !out.includes(g)) out.push(g);
  }
  // "dance pop" is both; "dance" alone in a tag list is a genre, never a mood here.
  if (TAG_GENRE_CACHE.size < 50_000) TAG_GENRE_CACHE.set(t, out);
  return out;
}

const TAG_MOOD_INDEX: ReadonlyMap<string, Mood> = (() => {
  const m = new Map<string, Mood>();
  for (const mood of MOODS) {
    m.set(mood, mood);
    for (const t of [...MOOD_ALIASES[mood], ...MOOD_TAG_EXTRA[mood]]) if (!m.has(normaliseLabelWord(t))) m.set(normaliseLabelWord(t), mood);
  }
  return m;
})();

/** The mood a human tag is evidence for (exact tag, e.g. "mellow" -> calm), or undefined. */
export function moodOfTag(tag: string): Mood | undefined {
  return TAG_MOOD_INDEX.get(normaliseLabelWord(tag));
}
