/**
 * Hard constraints on recommendations (genre, mood, tempo/energy/valence/... ranges, explicit, year, excluded artists
 * and tracks), compiled into a mask over item indices. A constraint that can never hold on its own (min > max, a range
 * outside the attribute's domain, an unknown genre) is a mistake in the request and throws InvalidConstraintError; a
 * combination of valid constraints that no track satisfies is not an error: it yields an empty mask with a reason.
 */

import { LABEL_EVIDENCE } from '../labels/track-labels.ts';

/** Attributes that can be restricted to a range, with the domain of valid values. */
export const RANGE_DOMAINS = {
  tempo: { min: 0, max: 250, unit: 'BPM' },
  energy: { min: 0, max: 1, unit: '' },
  valence: { min: 0, max: 1, unit: '' },
  danceability: { min: 0, max: 1, unit: '' },
  acousticness: { min: 0, max: 1, unit: '' },
  instrumentalness: { min: 0, max: 1, unit: '' },
  year: { min: 1900, max: 2100, unit: '' },
} as const;

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
  /** Any of these moods. */
  readonly moods?: readonly string[];
  /** None of these genres: a track whose evidence points to one is left out (a track with no evidence is not). */
  readonly excludeGenres?: readonly string[];
  /** None of these moods, as for genres. */
  readonly excludeMoods?: readonly string[];
  readonly ranges?: { readonly [F in RangeField]?: NumericRange };
  /** false: no explicit tracks. */
  readonly explicit?: boolean;
  readonly excludeArtists?: readonly number[];
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
  /** 1 = explicit, 0 = clean, absent = unknown (treated as clean). */
  readonly explicit?: Uint8Array;
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
    const known = { genres: lower(catalog.genres), moods: lower(catalog.moods) };
    for (const [field, kind] of [['genres', 'genres'], ['moods', 'moods'], ['excludeGenres', 'genres'], ['excludeMoods', 'moods']] as const) {
      for (const v of c[field] ?? []) {
        if (!known[kind].includes(v.trim().toLowerCase())) {
          throw new InvalidConstraintError(field, 'unknown_value', `unknown ${kind === 'genres' ? 'genre' : 'mood'} "${v}"; known: ${known[kind].join(', ')}`);
        }
      }
    }
    for (const i of c.excludeItems ?? []) {
      if (!(Number.isInteger(i) && i >= 0 && i < catalog.itemCount)) throw new InvalidConstraintError('excludeItems', 'unknown_item', `unknown item ${i}`);
    }
  }
}

/** Compiles valid constraints into a mask; an impossible combination gives an empty mask with `emptyReason`. */
export function applyConstraints(catalog: ConstraintCatalog, c: RankingConstraints): ConstraintMask {
  validateConstraints(c, catalog);
  const n = catalog.itemCount;
  const allowed = new Uint8Array(n).fill(1);
  const tests: { name: string; pass: (i: number) => boolean }[] = [];
  const indexSet = (names: readonly string[] | undefined, known: readonly string[]): Set<number> | undefined =>
    names === undefined || names.length === 0 ? undefined : new Set(names.map((x) => known.map((k) => k.toLowerCase()).indexOf(x.trim().toLowerCase())));
  const label = (kind: 'genre' | 'mood') => {
    const names = kind === 'genre' ? catalog.genres : catalog.moods;
    const top = kind === 'genre' ? catalog.genre : catalog.mood;
    const prob = kind === 'genre' ? catalog.genreProb : catalog.moodProb;
    const width = names.length;
    const wanted = indexSet(kind === 'genre' ? c.genres : c.moods, names);
    if (wanted !== undefined) {
      const list = [...wanted];
      tests.push({
        name: `${kind} ${(kind === 'genre' ? c.genres : c.moods)!.join(' or ')}`,
        pass: (i) => wanted.has(top[i]!) || (prob !== undefined && list.some((k) => prob[i * width + k]! >= LABEL_EVIDENCE.keep)),
      });
    }
    const banned = indexSet(kind === 'genre' ? c.excludeGenres : c.excludeMoods, names);
    if (banned !== undefined) {
      const list = [...banned];
      tests.push({
        name: `no ${(kind === 'genre' ? c.excludeGenres : c.excludeMoods)!.join(' or ')}`,
        pass: (i) => !banned.has(top[i]!) && !(prob !== undefined && list.some((k) => prob[i * width + k]! >= LABEL_EVIDENCE.exclude)),
      });
    }
  };
  label('genre');
  label('mood');
  for (const [field, range] of Object.entries(c.ranges ?? {}) as [RangeField, NumericRange | undefined][]) {
    if (range === undefined || (range.min === undefined && range.max === undefined)) continue;
    const values = catalog.ranges[field];
    const lo = range.min ?? -Infinity;
    const hi = range.max ?? Infinity;
    const label = `${field} ${range.min ?? '…'}–${range.max ?? '…'}`;
    // An attribute the catalogue lacks matches nothing, which the empty reason then names.
    tests.push({ name: label, pass: values === undefined ? () => false : (i) => values[i]! >= lo && values[i]! <= hi });
  }
  if (c.explicit === false) tests.push({ name: 'no explicit tracks', pass: (i) => catalog.explicit?.[i] !== 1 });
  if (c.excludeArtists !== undefined && c.excludeArtists.length > 0) {
    const banned = new Set(c.excludeArtists);
    const off = catalog.artistOffsets;
    const ids = catalog.artistIds;
    tests.push({
      name: `not by artist ${c.excludeArtists.join(', ')}`,
      pass: (i) => {
        if (off === undefined || ids === undefined) return true;
        for (let p = off[i]!; p < off[i + 1]!; p++) if (banned.has(ids[p]!)) return false;
        return true;
      },
    });
  }
  if (c.excludeItems !== undefined && c.excludeItems.length > 0) {
    const banned = new Set(c.excludeItems);
    tests.push({ name: `excluding ${banned.size} named tracks`, pass: (i) => !banned.has(i) });
  }
  const counts = tests.map((t) => ({ constraint: t.name, matching: 0 }));
  let count = 0;
  for (let i = 0; i < n; i++) {
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

function explainEmpty(counts: readonly ConstraintCount[], n: number): string {
  if (n === 0) return 'the catalogue is empty';
  const alone = counts.filter((c) => c.matching === 0);
  if (alone.length > 0) return `no track matches ${alone.map((c) => c.constraint).join(', nor ')}`;
  const parts = counts.map((c) => `${c.constraint} (${c.matching} tracks)`);
  return `each constraint matches some tracks, but no track meets all of them together: ${parts.join(' + ')}`;
}
