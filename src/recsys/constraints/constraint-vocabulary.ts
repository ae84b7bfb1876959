/**
 * The one constraint vocabulary of Earworm: every field a request may constrain (as the tools, MCP, the rule planner,
 * Discord, Slack and the web name it), the thresholds behind the word-valued fields (vocals, explicit, popularity),
 * the order in which constraints are relaxed when too few tracks meet them all, and the activities as named presets
 * of these fields. Nothing else defines activities or these thresholds.
 */

/** Numeric fields restricted to an inclusive range, with the domain of valid values. */
export const RANGE_FIELDS = {
  year: { min: 1900, max: 2100, unit: '', what: 'Release year' },
  tempo: { min: 0, max: 250, unit: 'BPM', what: 'Tempo in BPM' },
  energy: { min: 0, max: 1, unit: '', what: 'Energy' },
  valence: { min: 0, max: 1, unit: '', what: 'Valence (musical positiveness)' },
  danceability: { min: 0, max: 1, unit: '', what: 'Danceability' },
  acousticness: { min: 0, max: 1, unit: '', what: 'Acousticness' },
  instrumentalness: { min: 0, max: 1, unit: '', what: 'Instrumentalness (prefer `vocals`)' },
} as const;

/** One range-restricted field. */
export type RangeFieldName = keyof typeof RANGE_FIELDS;

/**
 * `vocals`: "instrumental" (no singing, with evidence), "vocal" (sung or rapped), "female" (a woman sings lead) or
 * "male" (a man does). The lead voice comes from listeners' tags (LEAD_VOICE_TAGS): the track's own, else its primary
 * artist's.
 */
export const VOCALS = ['instrumental', 'vocal', 'female', 'male'] as const;
/** A value of `vocals`. */
export type Vocals = (typeof VOCALS)[number];

/** `explicit`: "clean" (only tracks a source marks clean) or "any". */
export const EXPLICIT = ['clean', 'any'] as const;
/** A value of `explicit` (the boolean false means "clean", true "any"). */
type Explicit = (typeof EXPLICIT)[number];

/** `popularity`: "mainstream" (the most played) or "deep_cuts" (the less played). */
export const POPULARITY = ['mainstream', 'deep_cuts'] as const;
/** A value of `popularity`. */
export type Popularity = (typeof POPULARITY)[number];

/**
 * `holiday`: "only" (holiday songs: Christmas and the season) or "any" (no filter). Left out, holiday songs are not
 * recommended unless a seed track is one: "classic soul from the 60s" answered with Christmas songs.
 */
export const HOLIDAY = ['only', 'any'] as const;
/** A value of `holiday`. */
export type Holiday = (typeof HOLIDAY)[number];

/** Tags (lower-cased) that say a track is a holiday song. */
export const HOLIDAY_TAGS: readonly string[] = ['christmas', 'xmas', 'christmas music', 'christmas songs', 'christmas song', 'holiday', 'holidays', 'holiday music', 'christmas carols', 'carols', 'navidad'];

/** A playlist name that says its tracks are holiday songs ("Christmas Soul"). */
export const HOLIDAY_PLAYLIST = /\b(?:christmas|xmas|x-mas|navidad|noel|holiday season|holidays)\b/i;

/** A title that says the track is a holiday song ("Santa Claus Is Coming To Town"; not "Santa Monica"). */
export const HOLIDAY_TITLE =
  /\b(?:christmas\w*|xmas|x-mas|santa claus|carol of the bells|most wonderful time of the year|happy holidays?|mary,? did you know|angels we have heard|go tell it on the mountain|what child is this|twelve days of|o tannenbaum|auld lang syne|santa baby|jingle bells?|sleigh ride|rudolph|mistletoe|winter wonderland|let it snow|silent night|o holy night|feliz navidad|frosty the snowman|deck the halls?|little drummer boy|first noel|silver bells|holly jolly|hark the herald|come all ye faithful|away in a manger|we wish you a merry|do you hear what i hear|it came upon a midnight|o little town of bethlehem|god rest ye)\b/i;

/** Every field of a request's constraints, by its wire name (the tool schemas accept each; a test checks). */
export const CONSTRAINT_FIELDS = [
  'genres',
  'exclude_genres',
  'moods',
  'exclude_moods',
  'artists',
  'exclude_artists',
  'tracks',
  'exclude_tracks',
  ...(Object.keys(RANGE_FIELDS) as RangeFieldName[]),
  'vocals',
  'instruments',
  'explicit',
  'popularity',
  'holiday',
] as const;

/**
 * Evidence thresholds of the word-valued fields, chosen on the full catalogue: instrumentalness of sung songs reaches
 * 0.5–0.7 (Seven Nation Army 0.55), so "instrumental" needs 0.8 and no tag or genre saying it is sung or rapped;
 * "vocal" needs instrumentalness at most 0.5 or such a tag. Mainstream is the most played fifth of the served
 * tracks, deep cuts the less played half.
 */
export const EVIDENCE = {
  instrumentalMin: 0.8,
  vocalMax: 0.5,
  mainstreamTopShare: 0.2,
  deepCutsBottomShare: 0.5,
} as const;

/** Tags (lower-cased) that say a track is sung or rapped: contrary evidence for "instrumental". */
export const VOCAL_TAGS: readonly string[] = [
  'vocal',
  'vocals',
  'vocalist',
  'vocalists',
  'female vocalists',
  'female vocalist',
  'female vocals',
  'male vocalists',
  'male vocalist',
  'male vocals',
  'female vocal',
  'male vocal',
  'singer-songwriter',
  'singer songwriter',
  'a cappella',
  'rap',
  'hip hop',
  'hip-hop',
  'hiphop',
  'gangsta rap',
];

/**
 * `instruments`: an instrument the track features, by listeners' tags (the track's own, or its primary artist's by
 * several listeners): "songs with saxophone", "piano ballads". Each name with the tags that say it.
 */
export const INSTRUMENT_TAGS = {
  saxophone: ['saxophone', 'sax', 'saxophonist', 'saxophon', 'tenor sax', 'alto sax', 'smooth sax', 'tenor saxophone', 'alto saxophone'],
  piano: ['piano', 'pianist', 'solo piano', 'piano rock', 'piano ballad', 'piano ballads', 'piano jazz', 'jazz piano', 'piano music'],
  guitar: ['guitar', 'guitarist', 'guitar solo', 'guitar solos', 'guitar virtuoso', 'acoustic guitar', 'electric guitar', 'guitar hero', 'great guitar', 'guitar music', 'guitar instrumental'],
  violin: ['violin', 'violinist', 'fiddle'],
  cello: ['cello', 'cellist'],
  trumpet: ['trumpet', 'trumpeter'],
  harmonica: ['harmonica', 'blues harp'],
  banjo: ['banjo'],
  ukulele: ['ukulele', 'uke'],
  flute: ['flute', 'flutist'],
  harp: ['harp', 'harpist'],
  accordion: ['accordion'],
  organ: ['organ', 'hammond', 'hammond organ'],
} as const satisfies Record<string, readonly string[]>;
/** The instruments a request may ask for. */
export const INSTRUMENTS = Object.keys(INSTRUMENT_TAGS) as (keyof typeof INSTRUMENT_TAGS)[];
/** An instrument a request may ask for. */
export type Instrument = keyof typeof INSTRUMENT_TAGS;

/**
 * Styles: narrower names inside the genres of the label vocabulary ("grunge" is rock there, "funk" r&b, "trap" hip hop)
 * that a request may ask for ("some grunge", "real funk, not r&b") or leave out without leaving out their genre ("90s
 * rock but no grunge"): `genres` and `exclude_genres` take them beside the genres. The evidence is listeners' tags: a
 * playlist's label on the track ("trap"), or its primary artist's style (Last.fm listeners tag the artist so, or most of
 * its tagged tracks carry the tag). Each style with the tags that say it; a style is listed only where the catalogue's
 * tags give sensible tracks for it.
 */
export const STYLE_TAGS = {
  grunge: ['grunge', 'seattle grunge'],
  'post-grunge': ['post-grunge', 'post grunge'],
  emo: ['emo', 'emocore', 'screamo'],
  'nu metal': ['nu metal', 'nu-metal', 'numetal'],
  'pop punk': ['pop punk', 'pop-punk'],
  metalcore: ['metalcore'],
  'hair metal': ['hair metal', 'glam metal'],
  'country pop': ['country pop', 'pop country'],
  trap: ['trap'],
  reggaeton: ['reggaeton'],
  disco: ['disco'],
  britpop: ['britpop', 'brit pop', 'brit-pop'],
  christian: ['christian', 'christian rock', 'contemporary christian', 'worship', 'gospel', 'ccm'],
  funk: ['funk', 'p-funk', 'p funk'],
  motown: ['motown'],
  shoegaze: ['shoegaze', 'shoegazing', 'shoegazer'],
  'post-punk': ['post-punk', 'post punk', 'postpunk'],
  synthpop: ['synthpop', 'synth pop', 'synth-pop'],
  'new wave': ['new wave', 'newwave'],
  bebop: ['bebop', 'be-bop', 'hard bop', 'post-bop'],
  'cool jazz': ['cool jazz', 'west coast jazz'],
} as const satisfies Record<string, readonly string[]>;
/** A style a request may ask for or leave out. */
export type Style = keyof typeof STYLE_TAGS;
/** The styles a request may ask for or leave out. */
export const STYLES = Object.keys(STYLE_TAGS) as Style[];

/**
 * The genre of the label vocabulary each style lies in, where one does: a style asked for widens to it when too few
 * tracks are of the style ("shoegaze" -> indie). Christian music spans genres.
 */
export const STYLE_GENRE: { readonly [S in Style]: string | undefined } = {
  grunge: 'rock',
  'post-grunge': 'rock',
  emo: 'punk',
  'nu metal': 'metal',
  'pop punk': 'punk',
  metalcore: 'metal',
  'hair metal': 'metal',
  'country pop': 'country',
  trap: 'hip hop',
  reggaeton: 'latin',
  disco: 'dance',
  britpop: 'indie',
  christian: undefined,
  funk: 'r&b',
  motown: 'r&b',
  shoegaze: 'indie',
  'post-punk': 'punk',
  synthpop: 'pop',
  'new wave': 'rock',
  bebop: 'jazz',
  'cool jazz': 'jazz',
};

/**
 * Styles whose tags also mark music of other genres, so that a track asked for by the style needs evidence for the
 * style's genre too: listeners tag Red Hot Chili Peppers and Rage Against the Machine "funk", The Police "post-punk",
 * TOTO "emo", Leona Lewis and James Blunt "britpop", The Human League and Alphaville "disco" (which then loses Earth,
 * Wind & Fire, labelled r&b). The other styles' tags keep to the style: with the genre, "nu metal" lost Linkin Park and
 * "pop punk" blink-182's "All the Small Things".
 */
export const STYLE_IN_GENRE: ReadonlySet<Style> = new Set<Style>(['funk', 'post-punk', 'emo', 'britpop', 'disco']);

const STYLE_WORDS: ReadonlyMap<string, Style> = new Map(STYLES.flatMap((s) => [[s, s] as const, ...STYLE_TAGS[s].map((t) => [t, s] as const)]));

/** The style a word names: its name or one of its tags ("nu-metal", "post-grunge"), in any case; else undefined. */
export function styleOf(word: string): Style | undefined {
  return STYLE_WORDS.get(word.trim().toLowerCase().replace(/\s+/g, ' '));
}

/**
 * A `genres` or `exclude_genres` list split into the genres and the styles it names ("grunge", "Post-Grunge" and
 * "funk" are styles; "rock" and "r&b" genres): recommenders constrain each by its own evidence.
 */
export function splitStyles(words: readonly string[] | undefined): { genres: string[]; styles: Style[] } {
  const xs = words ?? [];
  return { genres: xs.filter((g) => styleOf(g) === undefined), styles: [...new Set(xs.flatMap((g) => styleOf(g) ?? []))] };
}

/** Every word that names a style (names and tags, lower case), mapped to the style: for reading requests. */
export const STYLE_WORDS_TABLE: ReadonlyMap<string, Style> = STYLE_WORDS;

/** Tags (lower-cased) that say who sings lead: a woman ("female vocalists", "female fronted metal") or a man. */
export const LEAD_VOICE_TAGS: { readonly female: readonly string[]; readonly male: readonly string[] } = {
  female: ['female vocalists', 'female vocalist', 'female vocals', 'female vocal', 'female', 'female fronted', 'female fronted metal', 'female fronted rock', 'female singer', 'female singers', 'female voice', 'female voices', 'female artists', 'female artist'],
  male: ['male vocalists', 'male vocalist', 'male vocals', 'male vocal', 'male', 'malesinger', 'male singer', 'male singers', 'male voice', 'male voices', 'male artists', 'male artist'],
};

/** Genres of the label vocabulary whose evidence says a track has a voice (rap is spoken or sung). */
export const VOCAL_GENRES: readonly string[] = ['hip hop'];

/**
 * Which constraints give way, in this order, when too few tracks meet them all: the finest audio ranges first, what
 * the person named outright (styles, genres, artists, tracks) last; a style widens to its genre (STYLE_GENRE) rather
 * than going. Before the named ones, the first whose loosening alone is enough goes ahead of earlier ones that are not
 * (the served recommender's nextRelaxation). Exclusions are never relaxed.
 */
export const RELAXATION_ORDER = [
  'popularity',
  'tempo',
  'danceability',
  'acousticness',
  'valence',
  'instrumentalness',
  'energy',
  'explicit',
  'year',
  'vocals',
  'instruments',
  'moods',
  'holiday',
  'styles',
  'genres',
  'artists',
  'tracks',
] as const;

/** A constraint that may be relaxed. */
export type RelaxableField = (typeof RELAXATION_ORDER)[number];

/** An inclusive range; either end may be open. */
interface ValueRange {
  readonly min?: number;
  readonly max?: number;
}

/** Constraints in the vocabulary's terms (names as people say them, not ids). */
interface ConstraintSpec {
  readonly genres?: readonly string[];
  readonly excludeGenres?: readonly string[];
  readonly moods?: readonly string[];
  readonly excludeMoods?: readonly string[];
  readonly ranges?: { readonly [F in RangeFieldName]?: ValueRange };
  readonly vocals?: Vocals;
  readonly explicit?: Explicit;
  readonly popularity?: Popularity;
}

/** An activity: the words that name it and the constraints it stands for. */
interface ActivityPreset {
  readonly name: ActivityName;
  /** Words and phrases that name it in a request (lower case). */
  readonly words: readonly string[];
  /** The mood to start from when nothing else is named (a seed, not a filter). */
  readonly seedMood?: string;
  /** Hard constraints it adds. */
  readonly constraints: ConstraintSpec;
}

/** Names of the activities. */
export const ACTIVITY_NAMES = ['dinner', 'focus', 'study', 'sleep', 'relax', 'party', 'workout', 'commute', 'cry'] as const;
/** One activity. */
export type ActivityName = (typeof ACTIVITY_NAMES)[number];

/** The one activity table (chat planner, Discord `/vibe`, Slack and the web all read it). */
export const ACTIVITY_PRESETS: { readonly [A in ActivityName]: ActivityPreset } = {
  dinner: {
    name: 'dinner',
    words: ['dinner party', 'dinner', 'dining', 'cooking', 'candlelight', 'candle light', 'date night', 'brunch'],
    seedMood: 'calm',
    constraints: { ranges: { energy: { max: 0.55 } } },
  },
  focus: {
    name: 'focus',
    words: ['focus', 'focusing', 'concentrate', 'concentration', 'concentrating', 'coding', 'programming', 'deep work', 'at work', 'for work', 'while working'],
    seedMood: 'calm',
    constraints: { vocals: 'instrumental', ranges: { energy: { max: 0.6 } } },
  },
  study: {
    name: 'study',
    words: ['study', 'studying', 'homework', 'reading', 'revision', 'exam'],
    seedMood: 'calm',
    constraints: { vocals: 'instrumental', ranges: { energy: { max: 0.6 } } },
  },
  sleep: {
    name: 'sleep',
    words: ['sleep', 'sleeping', 'bedtime', 'fall asleep', 'falling asleep', 'insomnia', 'nap', 'lullaby'],
    seedMood: 'calm',
    constraints: { ranges: { energy: { max: 0.3 }, acousticness: { min: 0.5 } } },
  },
  relax: {
    name: 'relax',
    words: ['relax', 'relaxing', 'unwind', 'unwinding', 'wind down', 'lounge', 'chilling', 'meditate', 'meditation', 'chill out', 'rainy day', 'rainy', 'lazy sunday', 'sunday morning'],
    seedMood: 'calm',
    constraints: { ranges: { energy: { max: 0.5 } } },
  },
  party: {
    name: 'party',
    words: ['party', 'parties', 'dancing', 'dancefloor', 'dance floor', 'pregame', 'club', 'to dance to', 'celebrate', 'celebration'],
    seedMood: 'happy',
    constraints: { ranges: { danceability: { min: 0.7 }, energy: { min: 0.6 } } },
  },
  workout: {
    name: 'workout',
    words: ['workout', 'work out', 'working out', 'gym', 'running', 'for a run', 'jogging', 'jog', 'exercise', 'exercising', 'training', 'lifting', 'cardio'],
    seedMood: 'energetic',
    constraints: { ranges: { energy: { min: 0.7 }, tempo: { min: 120 } } },
  },
  commute: {
    name: 'commute',
    words: ['commute', 'commuting', 'driving', 'drive', 'road trip', 'on the train', 'on the bus', 'on my way to work'],
    constraints: { ranges: { energy: { min: 0.4, max: 0.85 } } },
  },
  cry: {
    name: 'cry',
    words: ['to cry to', 'cry', 'crying', 'breakup', 'break up', 'heartbreak', 'heartbroken'],
    seedMood: 'sad',
    // Songs to cry to are slow and quiet: sad metal and nu-metal anthems are not what is asked for.
    constraints: { moods: ['sad'], ranges: { valence: { max: 0.4 }, energy: { max: 0.6 } } },
  },
};

/** The preset an activity name or one of its words names ("gym" is workout), if any. */
export function activityPreset(name: string): ActivityPreset | undefined {
  const w = name.trim().toLowerCase();
  if ((ACTIVITY_NAMES as readonly string[]).includes(w)) return ACTIVITY_PRESETS[w as ActivityName];
  return ACTIVITY_NAMES.map((a) => ACTIVITY_PRESETS[a]).find((p) => p.words.includes(w));
}

/**
 * The activity a request's text names, if any: the longest matching word wins, so "jazz for a dinner party" is
 * dinner (not party) and "to dance to" is party.
 */
export function findActivity(text: string): ActivityPreset | undefined {
  const t = ` ${text.toLowerCase().replace(/[’‘]/g, "'").replace(/[^\p{L}\p{N}' ]+/gu, ' ').replace(/\s+/g, ' ')} `;
  let best: { preset: ActivityPreset; length: number } | undefined;
  for (const a of ACTIVITY_NAMES) {
    const preset = ACTIVITY_PRESETS[a];
    for (const word of preset.words) {
      if (t.includes(` ${word} `) && (best === undefined || word.length > best.length)) best = { preset, length: word.length };
    }
  }
  return best?.preset;
}

/** Energy at or below this reads as a calm request, at or above `energeticFrom` as an energetic one (for `fitMoods`). */
const FIT_ENERGY = { calmUpTo: 0.5, energeticFrom: 0.7 } as const;

/**
 * The moods a request with no usable seed is ranked by, among the tracks that meet its constraints (instead of by
 * popularity alone): the moods it asks for, else its activity's mood, else the mood its energy range implies
 * ("quiet piano", energy ≤ 0.4, is calm). Empty when nothing says which mood fits.
 */
export function fitMoods(request: { readonly activity?: string; readonly moods?: readonly string[]; readonly energy?: ValueRange }): string[] {
  if (request.moods !== undefined && request.moods.length > 0) return [...request.moods];
  const preset = request.activity === undefined ? undefined : activityPreset(request.activity);
  if (preset?.seedMood !== undefined) return [preset.seedMood];
  if (request.energy?.max !== undefined && request.energy.max <= FIT_ENERGY.calmUpTo) return ['calm'];
  if (request.energy?.min !== undefined && request.energy.min >= FIT_ENERGY.energeticFrom) return ['energetic'];
  return [];
}

/** A spec in the tools' wire shape (`exclude_genres`, ranges by field name), as recommend's `constraints` takes it. */
export function constraintInput(spec: ConstraintSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (spec.genres !== undefined) out.genres = [...spec.genres];
  if (spec.excludeGenres !== undefined) out.exclude_genres = [...spec.excludeGenres];
  if (spec.moods !== undefined) out.moods = [...spec.moods];
  if (spec.excludeMoods !== undefined) out.exclude_moods = [...spec.excludeMoods];
  for (const [field, r] of Object.entries(spec.ranges ?? {})) out[field] = { ...r };
  if (spec.vocals !== undefined) out.vocals = spec.vocals;
  if (spec.explicit !== undefined) out.explicit = spec.explicit;
  if (spec.popularity !== undefined) out.popularity = spec.popularity;
  return out;
}
