/**
 * Hard constraints on recommendations (the one vocabulary of src/recsys/constraints: genre and style, mood, ranges,
 * vocals, explicit, popularity, artists and tracks, and their exclusions), compiled into a mask over item indices. A track
 * meets a constraint only with evidence (its own attributes, its tags, its artist's labels); an exclusion removes a
 * track whose evidence points to the excluded value. A constraint that can never hold on its own (min > max, a range
 * outside the attribute's domain, a genre outside the vocabulary) is a mistake in the request and throws
 * InvalidConstraintError; a combination of valid constraints that no track satisfies is not an error: it yields an
 * empty mask with a reason, and `relaxConstraint` says how to loosen it.
 */

import { EVIDENCE, RANGE_FIELDS, STYLE_GENRE, STYLE_IN_GENRE, VOCAL_GENRES, type Holiday, type Instrument, type Popularity, type RelaxableField, type Style, type Vocals } from '../constraints/constraint-vocabulary.ts';
import { LABEL_EVIDENCE, meetsProbability } from '../labels/track-labels.ts';
import { GENRES, MOODS, sameFamily } from '../labels/vocabulary.ts';

/** Values of ConstraintCatalog.leadVoice. */
export const LEAD_VOICE = { female: 1, male: 2 } as const;

/** Attributes that can be restricted to a range, with the domain of valid values (the vocabulary's range fields). */
export const RANGE_DOMAINS = RANGE_FIELDS;

/** One range-restricted attribute. */
export type RangeField = keyof typeof RANGE_DOMAINS;

/** An inclusive range; either end may be open. */
interface NumericRange {
  readonly min?: number;
  readonly max?: number;
}

/** What a request may demand; every given constraint must hold. */
export interface RankingConstraints {
  /** Any of these genres. */
  readonly genres?: readonly string[];
  /**
   * Any of these styles ("some grunge", "real funk"): a track the catalogue's style evidence marks
   * (ConstraintCatalog.styles). With `genres` too, a track meets either (the request named them as one list: "hip hop
   * and funk"). Relaxed, a style widens to its genre (STYLE_GENRE).
   */
  readonly styles?: readonly Style[];
  /** Any of these moods. */
  readonly moods?: readonly string[];
  /** None of these genres: a track whose evidence points to one is left out (a track with no evidence is not). */
  readonly excludeGenres?: readonly string[];
  /** None of these moods, as for genres. */
  readonly excludeMoods?: readonly string[];
  /**
   * None of these styles ("no grunge" in a request for rock): a track the catalogue's style evidence marks is left out
   * (ConstraintCatalog.styles); the genre it belongs to stays.
   */
  readonly excludeStyles?: readonly Style[];
  readonly ranges?: { readonly [F in RangeField]?: NumericRange };
  /** false: only tracks a source marks clean (`explicitLenient`: also tracks with no information). */
  readonly explicit?: boolean;
  /** With `explicit: false`, let tracks with no explicit information through (the stated relaxation of "clean"). */
  readonly explicitLenient?: boolean;
  /**
   * "instrumental": instrumentalness ≥ EVIDENCE.instrumentalMin and no tag or genre saying it is sung; "vocal": the
   * opposite evidence; "female" / "male": the catalogue's lead voice says so.
   */
  readonly vocals?: Vocals;
  /** One of these instruments, by listeners' tags (ConstraintCatalog.instruments). */
  readonly instruments?: readonly Instrument[];
  /** "mainstream": the most played share of the items; "deep_cuts": the less played share. */
  readonly popularity?: Popularity;
  /**
   * "only": holiday songs alone; "any": no filter. Left out, a catalogue that knows its holiday songs leaves them out
   * (relaxed, and said so, when too few tracks are left).
   */
  readonly holiday?: Holiday;
  /** Only tracks by one of these artists (ids; empty: the named artists are not in the catalogue, so nothing matches). */
  readonly artists?: readonly number[];
  readonly excludeArtists?: readonly number[];
  /** The artists as the request named them, for the constraint's name in relaxations ("by Norah Jones"). */
  readonly artistNames?: readonly string[];
  readonly excludeArtistNames?: readonly string[];
  /** Only these item indices (empty: nothing matches). */
  readonly items?: readonly number[];
  /** Item indices never to return. */
  readonly excludeItems?: readonly number[];
}

/** Per-item attributes constraints are checked against (NaN / -1 = unknown; an unknown value fails a filter on it). */
export interface ConstraintCatalog {
  readonly itemCount: number;
  readonly genres: readonly string[];
  /** Index into `genres` per item, or -1. */
  readonly genre: Int16Array;
  readonly moods: readonly string[];
  readonly mood: Int16Array;
  /**
   * Label probabilities with evidence from every source (row-major, itemCount × genres.length); when present, a
   * genre request keeps an item whose top genre it is or whose probability reaches LABEL_EVIDENCE.keep, and an
   * exclusion removes an item whose probability reaches LABEL_EVIDENCE.exclude. Absent: only `genre` counts.
   */
  readonly genreProb?: Float32Array;
  /** Mood probabilities, as `genreProb`. */
  readonly moodProb?: Float32Array;
  readonly ranges: { readonly [F in RangeField]?: Float32Array };
  /** 1 = explicit, 0 = clean or unknown (see `explicitKnown`). */
  readonly explicit?: Uint8Array;
  /** 1 = a source states the explicit flag; absent: every flag in `explicit` counts as stated. */
  readonly explicitKnown?: Uint8Array;
  /** 1 = a tag or genre says the track is sung or rapped (contrary evidence for "instrumental"). */
  readonly vocalEvidence?: Uint8Array;
  /** 1 = a tag, a playlist's name or the title says the track is a holiday song (Christmas and the season). */
  readonly holiday?: Uint8Array;
  /** Who sings lead, by tags: LEAD_VOICE.female, LEAD_VOICE.male, or 0 (unknown, or both). */
  readonly leadVoice?: Uint8Array;
  /** 1 = a placeholder record (a title with no letter or digit, as "-" by "-"): never recommended, whatever is asked. */
  readonly untitled?: Uint8Array;
  /** Per instrument, 1 where listeners' tags say the track features it; an instrument absent here matches nothing. */
  readonly instruments?: Readonly<Partial<Record<Instrument, Uint8Array>>>;
  /** Per style, 1 where listeners' tags say the track is of it; a style absent here marks no track. */
  readonly styles?: Readonly<Partial<Record<Style, Uint8Array>>>;
  /** Popularity percentile per item in [0, 1] (1 = the most played): the share of items played less. */
  readonly popularity?: Float32Array;
  /** The share of items played more than each item (0 for every track tied for the most plays); absent: 1 − `popularity`. */
  readonly playedMore?: Float32Array;
  /** The genre probabilities of each item's artists (their labelled tracks on average), as `genreProb`. */
  readonly artistGenreProb?: Float32Array;
  /** The mood probabilities of each item's artists, as `artistGenreProb`. */
  readonly artistMoodProb?: Float32Array;
  /** Artist ids per item: artistOffsets[i]..artistOffsets[i+1] into artistIds. */
  readonly artistOffsets?: Int32Array;
  readonly artistIds?: Int32Array;
}

/** Why a constraint is invalid on its own. */
type ConstraintProblem = 'empty_range' | 'outside_domain' | 'not_a_number' | 'unknown_value' | 'unknown_item';

/** A constraint that can never be met on its own; the caller fixes the request (`field` and `problem` say how). */
export class InvalidConstraintError extends Error {
  readonly code = 'INVALID_CONSTRAINT';
  constructor(
    readonly field: string,
    readonly problem: ConstraintProblem,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidConstraintError';
  }
}

/** How many items one constraint lets through on its own. */
interface ConstraintCount {
  readonly constraint: string;
  /** The vocabulary field it comes from (`exclusions` for every exclusion, which is never relaxed). */
  readonly field: RelaxableField | 'exclusions';
  readonly matching: number;
}

/** The compiled constraints: allowed items, and why none are when the mask is empty. */
interface ConstraintMask {
  /** 1 = allowed. */
  readonly allowed: Uint8Array;
  readonly count: number;
  readonly counts: readonly ConstraintCount[];
  /** Set when no item is allowed: which constraints (alone or together) ruled everything out. */
  readonly emptyReason?: string;
}

/** Throws InvalidConstraintError for a constraint that is impossible on its own (before looking at any item). */
function validateConstraints(c: RankingConstraints, catalog?: ConstraintCatalog): void {
  for (const [field, range] of Object.entries(c.ranges ?? {}) as [RangeField, NumericRange | undefined][]) {
    const domain = RANGE_DOMAINS[field];
    if (domain === undefined) throw new InvalidConstraintError(field, 'unknown_value', `"${field}" cannot be restricted to a range; use one of ${Object.keys(RANGE_DOMAINS).join(', ')}`);
    if (range === undefined) continue;
    for (const end of ['min', 'max'] as const) {
      const v = range[end];
      if (v !== undefined && !Number.isFinite(v)) throw new InvalidConstraintError(field, 'not_a_number', `${field} ${end} must be a finite number`);
    }
    const lo = range.min ?? domain.min;
    const hi = range.max ?? domain.max;
    if (lo > hi) throw new InvalidConstraintError(field, 'empty_range', `${field} range ${lo}–${hi} is empty: min is above max`);
    if (hi < domain.min || lo > domain.max) {
      throw new InvalidConstraintError(field, 'outside_domain', `${field} ${lo}–${hi} lies outside the possible ${domain.min}–${domain.max}${domain.unit === '' ? '' : ` ${domain.unit}`}`);
    }
  }
  if (catalog !== undefined) {
    const lower = (xs: readonly string[]) => xs.map((x) => x.toLowerCase());
    // A vocabulary name with no label in this catalogue is valid (it matches nothing, which relaxation then states).
    const known = { genres: [...new Set([...lower(catalog.genres), ...GENRES])], moods: [...new Set([...lower(catalog.moods), ...MOODS])] };
    for (const [field, kind] of [['genres', 'genres'], ['moods', 'moods'], ['excludeGenres', 'genres'], ['excludeMoods', 'moods']] as const) {
      for (const v of c[field] ?? []) {
        if (!known[kind].includes(v.trim().toLowerCase())) {
          throw new InvalidConstraintError(field, 'unknown_value', `unknown ${kind === 'genres' ? 'genre' : 'mood'} "${v}"; known: ${known[kind].join(', ')}`);
        }
      }
    }
    for (const field of ['items', 'excludeItems'] as const) {
      for (const i of c[field] ?? []) {
        if (!(Number.isInteger(i) && i >= 0 && i < catalog.itemCount)) throw new InvalidConstraintError(field, 'unknown_item', `unknown item ${i}`);
      }
    }
  }
}

/** Compiles valid constraints into a mask; an impossible combination gives an empty mask with `emptyReason`. */
export function applyConstraints(catalog: ConstraintCatalog, c: RankingConstraints): ConstraintMask {
  validateConstraints(c, catalog);
  const n = catalog.itemCount;
  const allowed = new Uint8Array(n).fill(1);
  const tests: { name: string; field: ConstraintCount['field']; pass: (i: number) => boolean }[] = [];
  // Vocabulary names with no label in this catalogue map to -1 and match nothing.
  const indexSet = (names: readonly string[] | undefined, known: readonly string[]): Set<number> | undefined =>
    names === undefined || names.length === 0
      ? undefined
      : new Set(names.map((x) => known.map((k) => k.toLowerCase()).indexOf(x.trim().toLowerCase())).filter((k) => k >= 0));
  const label = (kind: 'genre' | 'mood') => {
    const names = kind === 'genre' ? catalog.genres : catalog.moods;
    const top = kind === 'genre' ? catalog.genre : catalog.mood;
    const prob = kind === 'genre' ? catalog.genreProb : catalog.moodProb;
    const artistProb = kind === 'genre' ? catalog.artistGenreProb : catalog.artistMoodProb;
    const width = names.length;
    const asked = kind === 'genre' ? c.genres : c.moods;
    const pass = wantedLabel(catalog, kind, asked);
    // Styles asked for beside genres are one test with them (either meets it), named after the styles.
    const styles = kind === 'genre' && c.styles !== undefined && c.styles.length > 0 ? c.styles : undefined;
    if (styles !== undefined) tests.push(styleTest(catalog, styles, pass === undefined ? undefined : asked!, pass ?? (() => false)));
    else if (pass !== undefined) tests.push({ name: `${kind} ${asked!.join(' or ')}`, field: kind === 'genre' ? 'genres' : 'moods', pass });
    const excluded = kind === 'genre' ? c.excludeGenres : c.excludeMoods;
    const banned = indexSet(excluded, names);
    if (banned !== undefined) {
      const list = [...banned];
      // The track's own evidence or its artist's: "no rap" leaves out an unlabelled track by a rapper.
      tests.push({
        name: `no ${excluded!.join(' or ')}`,
        field: 'exclusions',
        pass: (i) =>
          !banned.has(top[i]!) &&
          !(prob !== undefined && list.some((k) => prob[i * width + k]! >= LABEL_EVIDENCE.exclude)) &&
          !(artistProb !== undefined && list.some((k) => artistProb[i * width + k]! >= LABEL_EVIDENCE.exclude)),
      });
    }
  };
  label('genre');
  label('mood');
  if (c.excludeStyles !== undefined && c.excludeStyles.length > 0) {
    const marked = c.excludeStyles.map((x) => catalog.styles?.[x]);
    tests.push({ name: `no ${c.excludeStyles.join(' or ')}`, field: 'exclusions', pass: (i) => marked.every((m) => m?.[i] !== 1) });
  }
  for (const [field, range] of Object.entries(c.ranges ?? {}) as [RangeField, NumericRange | undefined][]) {
    if (range === undefined || (range.min === undefined && range.max === undefined)) continue;
    const values = catalog.ranges[field];
    // Values are stored as 32-bit floats: compare with the bounds rounded the same way, so an energy of exactly 0.6
    // meets "energy ≤ 0.6" (as a double, 0.6 stored as a float is 0.6000000238 and failed it).
    const lo = range.min === undefined ? -Infinity : Math.fround(range.min);
    const hi = range.max === undefined ? Infinity : Math.fround(range.max);
    const name = `${field} ${range.min ?? '…'}–${range.max ?? '…'}`;
    // An attribute the catalogue lacks (or an item's unknown value) matches nothing, which the empty reason names.
    tests.push({ name, field, pass: values === undefined ? () => false : (i) => values[i]! >= lo && values[i]! <= hi });
  }
  if (c.vocals !== undefined) {
    const instr = catalog.ranges.instrumentalness;
    const vocalTag = catalog.vocalEvidence;
    const width = catalog.genres.length;
    // A request for instrumental hip hop (lo-fi beats) asks for the genre without its voice: the genre is no evidence of one then.
    const asked = new Set((c.genres ?? []).map((g) => g.trim().toLowerCase()));
    const vocalGenres = VOCAL_GENRES.filter((g) => !asked.has(g)).map((g) => catalog.genres.indexOf(g)).filter((k) => k >= 0);
    const sungByGenre = (i: number): boolean =>
      vocalGenres.some((k) => catalog.genre[i] === k || (catalog.genreProb !== undefined && catalog.genreProb[i * width + k]! >= LABEL_EVIDENCE.exclude));
    const sung = (i: number): boolean => vocalTag?.[i] === 1 || sungByGenre(i);
    const voice = catalog.leadVoice;
    tests.push(
      c.vocals === 'instrumental'
        ? { name: `instrumental (instrumentalness ≥ ${EVIDENCE.instrumentalMin}, no vocal tags)`, field: 'vocals', pass: (i) => instr !== undefined && instr[i]! >= Math.fround(EVIDENCE.instrumentalMin) && !sung(i) }
        : c.vocals === 'vocal'
          ? { name: 'with vocals', field: 'vocals', pass: (i) => (instr !== undefined && instr[i]! <= Math.fround(EVIDENCE.vocalMax)) || sung(i) }
          : // A catalogue that does not know who sings matches nothing, which the empty reason names.
            { name: `${c.vocals} lead vocals (listeners' tags)`, field: 'vocals', pass: (i) => voice !== undefined && voice[i] === LEAD_VOICE[c.vocals as 'female' | 'male'] },
    );
  }
  if (c.instruments !== undefined && c.instruments.length > 0) {
    const masks = c.instruments.map((x) => catalog.instruments?.[x]);
    tests.push({ name: `with ${c.instruments.join(' or ')} (listeners' tags)`, field: 'instruments', pass: (i) => masks.some((m) => m !== undefined && m[i] === 1) });
  }
  if (c.explicit === false) {
    const known = catalog.explicitKnown;
    tests.push(
      c.explicitLenient === true || known === undefined
        ? { name: c.explicitLenient === true ? 'not marked explicit' : 'clean', field: 'explicit', pass: (i) => catalog.explicit?.[i] !== 1 }
        : { name: 'known to be clean', field: 'explicit', pass: (i) => catalog.explicit?.[i] !== 1 && known[i] === 1 },
    );
  }
  if (c.popularity !== undefined) {
    const pct = catalog.popularity;
    const mainstream = c.popularity === 'mainstream';
    tests.push({
      name: mainstream ? `mainstream (most played ${EVIDENCE.mainstreamTopShare * 100}%)` : `deep cuts (less played ${EVIDENCE.deepCutsBottomShare * 100}%)`,
      field: 'popularity',
      pass:
        pct === undefined
          ? () => false
          : mainstream
            ? (i) => (catalog.playedMore !== undefined ? catalog.playedMore[i]! < Math.fround(EVIDENCE.mainstreamTopShare) : pct[i]! >= 1 - EVIDENCE.mainstreamTopShare)
            : (i) => pct[i]! <= EVIDENCE.deepCutsBottomShare,
    });
  }
  const holiday = catalog.holiday;
  if (holiday !== undefined && c.holiday !== 'any') {
    tests.push(
      c.holiday === 'only'
        ? { name: 'holiday songs', field: 'holiday', pass: (i) => holiday[i] === 1 }
        : { name: 'no holiday songs (not asked for)', field: 'holiday', pass: (i) => holiday[i] !== 1 },
    );
  }
  const byArtist = (ids: readonly number[]) => {
    const set = new Set(ids);
    const off = catalog.artistOffsets;
    const all = catalog.artistIds;
    return (i: number): boolean | undefined => {
      if (off === undefined || all === undefined) return undefined;
      for (let p = off[i]!; p < off[i + 1]!; p++) if (set.has(all[p]!)) return true;
      return false;
    };
  };
  if (c.artists !== undefined) {
    const by = byArtist(c.artists);
    tests.push({ name: `by ${(c.artistNames ?? c.artists.map((a) => `artist ${a}`)).join(', ')}`, field: 'artists', pass: (i) => by(i) === true });
  }
  if (c.excludeArtists !== undefined && c.excludeArtists.length > 0) {
    const by = byArtist(c.excludeArtists);
    tests.push({ name: `not by ${(c.excludeArtistNames ?? c.excludeArtists.map((a) => `artist ${a}`)).join(', ')}`, field: 'exclusions', pass: (i) => by(i) !== true });
  }
  if (c.items !== undefined) {
    const only = new Set(c.items);
    tests.push({ name: `one of ${only.size} named tracks`, field: 'tracks', pass: (i) => only.has(i) });
  }
  if (c.excludeItems !== undefined && c.excludeItems.length > 0) {
    const banned = new Set(c.excludeItems);
    tests.push({ name: `excluding ${banned.size} named tracks`, field: 'exclusions', pass: (i) => !banned.has(i) });
  }
  const counts = tests.map((t) => ({ constraint: t.name, field: t.field, matching: 0 }));
  let count = 0;
  const untitled = catalog.untitled;
  for (let i = 0; i < n; i++) {
    if (untitled?.[i] === 1) {
      allowed[i] = 0;
      continue;
    }
    let ok = true;
    tests.forEach((t, k) => {
      if (t.pass(i)) (counts[k] as { matching: number }).matching++;
      else ok = false;
    });
    allowed[i] = ok ? 1 : 0;
    if (ok) count++;
  }
  if (count > 0) return { allowed, count, counts };
  return { allowed, count, counts, emptyReason: explainEmpty(counts, n) };
}

/** The constraints with one field loosened: "clean" lets unknown tracks through; any other field is dropped. */
export function relaxConstraint(c: RankingConstraints, field: RelaxableField): RankingConstraints | undefined {
  const out: { -readonly [K in keyof RankingConstraints]: RankingConstraints[K] } = { ...c };
  switch (field) {
    case 'explicit':
      if (c.explicit !== false || c.explicitLenient === true) return undefined;
      out.explicitLenient = true;
      return out;
    case 'styles': {
      // A style widens to its genre ("shoegaze" to indie), beside the genres asked for with it.
      if (c.styles === undefined) return undefined;
      delete out.styles;
      const excluded = new Set(c.excludeGenres ?? []);
      const genres = [...new Set([...(c.genres ?? []), ...c.styles.flatMap((x) => STYLE_GENRE[x] ?? [])])].filter((g) => !excluded.has(g));
      if (genres.length > 0) out.genres = genres;
      else delete out.genres;
      return out;
    }
    case 'genres':
    case 'moods':
    case 'vocals':
    case 'instruments':
    case 'popularity':
    case 'artists':
      if (c[field] === undefined) return undefined;
      delete out[field];
      return out;
    case 'holiday':
      // Asked for or left out by default, holiday songs give way to "any".
      if (c.holiday === 'any') return undefined;
      out.holiday = 'any';
      return out;
    case 'tracks':
      if (c.items === undefined) return undefined;
      delete out.items;
      return out;
    default: {
      const r = c.ranges?.[field];
      if (r === undefined) return undefined;
      const { [field]: _drop, ...ranges } = c.ranges!;
      out.ranges = ranges;
      return out;
    }
  }
}

/**
 * Whether an item has evidence for one of the labels `asked` (undefined when none is asked): its top label, or one that
 * no label outside its family clearly outweighs in its probabilities. Own evidence first; a track with no genre of its
 * own counts by its artist's genres. Mood belongs to the track: an artist's mood is no evidence for one of its tracks
 * (a calm request showed an unlabelled rap track).
 */
function wantedLabel(catalog: ConstraintCatalog, kind: 'genre' | 'mood', asked: readonly string[] | undefined): ((i: number) => boolean) | undefined {
  if (asked === undefined || asked.length === 0) return undefined;
  const names = kind === 'genre' ? catalog.genres : catalog.moods;
  const top = kind === 'genre' ? catalog.genre : catalog.mood;
  const prob = kind === 'genre' ? catalog.genreProb : catalog.moodProb;
  const width = names.length;
  // Vocabulary names with no label in this catalogue map to -1 and match nothing.
  const lower = names.map((k) => k.toLowerCase());
  const wanted = new Set(asked.map((x) => lower.indexOf(x.trim().toLowerCase())).filter((k) => k >= 0));
  const list = [...wanted];
  const family = list.map((k) => names.map((x, j) => (sameFamily(x.toLowerCase(), names[k]!.toLowerCase()) ? -1 : j)).filter((j) => j >= 0));
  const meets = (p: Float32Array, i: number): boolean => {
    let best = -1;
    for (let k = 0; k < width; k++) if (p[i * width + k]! > 0 && (best < 0 || p[i * width + k]! > p[i * width + best]!)) best = k;
    if (best < 0) return false;
    return list.some((k, n) => {
      if (k === best) return true;
      let rival = 0;
      for (const j of family[n]!) rival = Math.max(rival, p[i * width + j]!);
      return meetsProbability(p[i * width + k]!, rival);
    });
  };
  const byArtist = kind === 'genre' ? catalog.artistGenreProb : undefined;
  return (i) => wanted.has(top[i]!) || (prob !== undefined && meets(prob, i)) || (top[i] === -1 && byArtist !== undefined && meets(byArtist, i));
}

/**
 * The test of styles asked for (ConstraintCatalog.styles marks their tracks; a style absent there marks none), or of the
 * genres asked for with them (`genrePass`): field `styles`, so relaxing it widens the styles to their genres.
 */
function styleTest(catalog: ConstraintCatalog, styles: readonly Style[], genres: readonly string[] | undefined, genrePass: (i: number) => boolean): { name: string; field: 'styles'; pass: (i: number) => boolean } {
  // A style whose tags mix in other music (STYLE_IN_GENRE: "funk" on funk rock) also needs evidence for its genre.
  const marked = styles.map((x) => {
    const m = catalog.styles?.[x];
    const genre = STYLE_IN_GENRE.has(x) ? STYLE_GENRE[x] : undefined;
    const inGenre = genre === undefined ? undefined : wantedLabel(catalog, 'genre', [genre]);
    return (i: number) => m?.[i] === 1 && (inGenre === undefined || inGenre(i));
  });
  return {
    name: `${genres === undefined ? '' : `genre ${genres.join(' or ')} or `}${styles.join(' or ')} (listeners' tags)`,
    field: 'styles',
    pass: (i) => marked.some((m) => m(i)) || genrePass(i),
  };
}

function explainEmpty(counts: readonly ConstraintCount[], n: number): string {
  if (n === 0) return 'the catalogue is empty';
  const alone = counts.filter((c) => c.matching === 0);
  if (alone.length > 0) return `no track matches ${alone.map((c) => c.constraint).join(', nor ')}`;
  const parts = counts.map((c) => `${c.constraint} (${c.matching} tracks)`);
  return `each constraint matches some tracks, but no track meets all of them together: ${parts.join(' + ')}`;
}
