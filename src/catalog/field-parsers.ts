/** Checked conversions of raw text fields; a bad value is an ImportError naming file, line and column. */
import { ImportError } from './import-error.ts';
import type { AudioFeatureValues } from './catalog-writer.ts';

/** Where a field came from, for the error message. */
interface FieldSite {
  readonly file: string;
  readonly line: number;
}

function bad(site: FieldSite, column: string, value: string, expected: string): ImportError {
  return new ImportError(
    `column ${column} is ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}, not ${expected}. Fix or remove that row (or use an intact copy of the file) and run the import again: it resumes.`,
    { code: 'BAD_VALUE', file: site.file, line: site.line },
  );
}

/** Text that the dataset marks as missing (`NA`, empty) becomes null. */
export function optionalText(value: string | undefined): string | null {
  if (value === undefined) return null;
  const v = value.trim();
  return v === '' || v === 'NA' ? null : v;
}

/** A finite number (exponent notation allowed). */
function requireNumber(site: FieldSite, column: string, value: string | undefined): number {
  const v = (value ?? '').trim();
  const n = v === '' ? Number.NaN : Number(v);
  if (!Number.isFinite(n)) throw bad(site, column, value ?? '', 'a number');
  return n;
}

/** An integer, optionally within [min, max]. */
export function requireInt(site: FieldSite, column: string, value: string | undefined, min = -Infinity, max = Infinity): number {
  const n = requireNumber(site, column, value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw bad(site, column, value ?? '', `an integer${Number.isFinite(min) ? ` from ${min}` : ''}${Number.isFinite(max) ? ` to ${max}` : ''}`);
  }
  return n;
}

/** An integer, or null when the field is missing (`NA` or empty). */
export function optionalInt(site: FieldSite, column: string, value: string | undefined, min = -Infinity, max = Infinity): number | null {
  return optionalText(value) === null ? null : requireInt(site, column, value, min, max);
}

/** `True`/`False` (any case), or null when missing. */
export function optionalBool(site: FieldSite, column: string, value: string | undefined): boolean | null {
  const v = optionalText(value);
  if (v === null) return null;
  const lower = v.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw bad(site, column, v, 'True or False');
}

/** The eleven Spotify audio features (and time signature when the format has it) of one row. */
export function audioFeatures(site: FieldSite, get: (column: string) => string | undefined, withTimeSignature: boolean): AudioFeatureValues {
  const n = (c: string) => requireNumber(site, c, get(c));
  return {
    danceability: n('danceability'),
    energy: n('energy'),
    key: requireInt(site, 'key', get('key'), -1, 11),
    loudness: n('loudness'),
    mode: requireInt(site, 'mode', get('mode'), 0, 1),
    speechiness: n('speechiness'),
    acousticness: n('acousticness'),
    instrumentalness: n('instrumentalness'),
    liveness: n('liveness'),
    valence: n('valence'),
    tempo: n('tempo'),
    timeSignature: withTimeSignature ? requireInt(site, 'time_signature', get('time_signature'), 0, 20) : null,
  };
}

/** The year of a `YYYY`, `YYYY-MM` or `YYYY-MM-DD` date, or null. */
export function yearOf(date: string | null): number | null {
  if (date === null) return null;
  const m = /^(\d{4})(?:-\d{2}){0,2}$/.exec(date);
  return m === null ? null : Number(m[1]);
}

/** A `YYYY-MM-DD` date from day, month, year fields, or null when they do not form a real date. */
export function dateFrom(day: number, month: number, year: number): string | null {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
