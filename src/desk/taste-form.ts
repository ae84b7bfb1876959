/**
 * The taste form behind Discord's `/tastes` modal and Slack's "Set my tastes" modal (onboarding): what it offers
 * (the catalogue's genres and moods as `list_genres_and_moods` gives them, prefilled with what the person stated
 * before), how a submission is read (energy 0..1, at most 10 artists), and how it is stored: one `set_tastes` call
 * that states every field, so a submission replaces what was stated and the same submission delivered twice stores
 * the same state once. An empty submission forgets the stated tastes. Pure of any platform: front ends render the
 * view and the outcome.
 */
import type { ToolArgs } from '../tools/registry.ts';
import type { FrontDesk, Speaker } from './front-desk.ts';

/** Limits of the form (set_tastes takes at most 10 of each list). */
export const TASTE_FORM_LIMITS = { labels: 10, artists: 10, artistChars: 100, artistsChars: 500, energyChars: 20 } as const;

/** Field ids, shared by both platforms' modals (block ids in Slack, custom ids in Discord). */
export const TASTE_FIELDS = { genres: 'genres', moods: 'moods', artists: 'artists', energy: 'energy' } as const;

/** One field of the form. */
type TasteFormField = keyof typeof TASTE_FIELDS;

/** Stated tastes as the person sees them. */
interface StatedView {
  readonly genres: readonly string[];
  readonly moods: readonly string[];
  readonly energy: number | null;
  readonly artists: readonly string[];
}

/** What the form offers and starts with. */
export interface TasteFormView {
  /** Catalogue genres and moods, most tracks first (empty when no classifier is trained). */
  readonly genres: readonly string[];
  readonly moods: readonly string[];
  /** What the person stated before (empty lists and null energy when nothing). */
  readonly current: StatedView;
}

/** A submission as the platform delivered it: picked labels and the two text inputs as typed. */
export interface TasteFormInput {
  readonly genres: readonly string[];
  readonly moods: readonly string[];
  readonly artists: string;
  readonly energy: string;
}

/** Why a field was refused; the message is written for the person. */
export interface TasteFormError {
  readonly field: TasteFormField;
  readonly code: 'energy_not_a_number' | 'energy_out_of_range' | 'too_many_artists' | 'artist_too_long' | 'too_many_labels' | 'unknown_artist' | 'ambiguous_artist';
  readonly message: string;
}

/** What became of a submission. */
export type TasteFormOutcome =
  | {
      readonly kind: 'saved';
      readonly stated: StatedView;
      /** false: nothing differed from what was stored (e.g. the same submission again). */
      readonly changed: boolean;
      /** How much stated tastes count now, 0..1. */
      readonly weight: number;
      /** true: the form was empty, so the stated tastes were forgotten. */
      readonly cleared: boolean;
      /** The first thing to tell the person ("Saved your tastes."). */
      readonly headline: string;
      /** What to add after the stated tastes (how much they count, labels left out). */
      readonly notes: readonly string[];
    }
  | { readonly kind: 'invalid'; readonly errors: readonly TasteFormError[] }
  /** Rate limit or a failure: a message for the person; nothing was stored. */
  | { readonly kind: 'notice'; readonly message: string };

const EMPTY: StatedView = { genres: [], moods: [], energy: null, artists: [] };

const ENERGY_WORDS: Readonly<Record<string, number>> = { low: 0.2, calm: 0.2, medium: 0.5, mid: 0.5, moderate: 0.5, high: 0.8, intense: 0.8 };

/** Placeholder of the energy input. */
export const ENERGY_HINT = '0 (calm) to 1 (intense), e.g. 0.3 — or low, medium, high';

/** Placeholder of the artists input. */
export const ARTISTS_HINT = 'e.g. Radiohead, Björk, Daft Punk';

/** Reads the energy input: empty → null (not stated), a number 0..1 (a decimal comma is fine), or low / medium / high. */
function parseEnergy(text: string): { readonly value: number | null } | TasteFormError {
  const t = text.trim().toLowerCase();
  if (t === '') return { value: null };
  const word = ENERGY_WORDS[t];
  if (word !== undefined) return { value: word };
  if (!/^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/.test(t)) {
    return { field: 'energy', code: 'energy_not_a_number', message: `Energy is a number from 0 (calm) to 1 (intense), such as 0.3, or low, medium or high; “${clip(text.trim(), 20)}” is none of those.` };
  }
  const n = Number(t.replace(',', '.'));
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    return { field: 'energy', code: 'energy_out_of_range', message: `Energy goes from 0 (calm) to 1 (intense); ${clip(text.trim(), 20)} is outside that range. Try 0.3 for calm or 0.8 for intense.` };
  }
  return { value: Math.round(n * 100) / 100 };
}

/** Reads the artists input: names separated by commas, semicolons or new lines, each once. */
function parseArtists(text: string): { readonly value: readonly string[] } | TasteFormError {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const raw of text.split(/[,;\n]+/)) {
    const name = raw.trim().replace(/\s+/g, ' ');
    if (name === '' || seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    names.push(name);
  }
  const long = names.find((n) => n.length > TASTE_FORM_LIMITS.artistChars);
  if (long !== undefined) return { field: 'artists', code: 'artist_too_long', message: `“${clip(long, 30)}” is longer than an artist name can be (${TASTE_FORM_LIMITS.artistChars} characters). Separate artists with commas.` };
  if (names.length > TASTE_FORM_LIMITS.artists) return { field: 'artists', code: 'too_many_artists', message: `Name at most ${TASTE_FORM_LIMITS.artists} artists (you named ${names.length}).` };
  return { value: names };
}

/** Checks a whole submission; the `set_tastes` arguments when every field is fine. */
function readTasteForm(input: TasteFormInput): { readonly args: ToolArgs<'set_tastes'> } | { readonly errors: readonly TasteFormError[] } {
  const errors: TasteFormError[] = [];
  const labels = (field: 'genres' | 'moods', values: readonly string[]) => {
    const unique = [...new Set(values.map((v) => v.trim().toLowerCase()).filter((v) => v !== ''))];
    if (unique.length > TASTE_FORM_LIMITS.labels) errors.push({ field, code: 'too_many_labels', message: `Pick at most ${TASTE_FORM_LIMITS.labels} ${field}.` });
    return unique;
  };
  const genres = labels('genres', input.genres);
  const moods = labels('moods', input.moods);
  const energy = parseEnergy(input.energy);
  if ('field' in energy) errors.push(energy);
  const artists = parseArtists(input.artists);
  if ('field' in artists) errors.push(artists);
  if ('field' in energy || 'field' in artists || errors.length > 0) return { errors };
  if (genres.length === 0 && moods.length === 0 && energy.value === null && artists.value.length === 0) return { args: { clear: true } };
  // Every field is stated, so the submission replaces what was stored (set_tastes keeps fields it is not given).
  return { args: { genres, moods, energy: energy.value, artists: [...artists.value] } };
}

/** "low" / "medium" / "high" for an energy level. */
export function energyWord(energy: number): string {
  return energy < 0.4 ? 'low' : energy > 0.6 ? 'high' : 'medium';
}

/** The form's input that shows what is stored (to prefill a form). */
export function inputOf(s: StatedView): TasteFormInput {
  return { genres: s.genres, moods: s.moods, artists: s.artists.join(', '), energy: s.energy === null ? '' : String(s.energy) };
}

/** Stated tastes as lines ("Genres: rock, pop"), "—" for what was not stated. */
export function statedLines(s: StatedView): string[] {
  const list = (xs: readonly string[]) => (xs.length === 0 ? '—' : xs.join(', '));
  return [`Genres: ${list(s.genres)}`, `Moods: ${list(s.moods)}`, `Energy: ${s.energy === null ? '—' : `${s.energy} (${energyWord(s.energy)})`}`, `Artists: ${list(s.artists)}`];
}

function statedOf(o: StatedView): StatedView {
  return { genres: o.genres, moods: o.moods, energy: o.energy, artists: o.artists };
}

/** The form for a person: the catalogue's labels and what they stated before. Not rate-limited (opening a form is free). */
export async function loadTasteForm(desk: FrontDesk, speaker: Speaker): Promise<TasteFormView> {
  const vocab = await desk.tool(speaker, 'list_genres_and_moods', {}, { limited: false });
  const names = (key: 'genres' | 'moods') => ('outcome' in vocab && vocab.outcome.kind === 'ok' ? vocab.outcome.value[key].map((x) => x.name) : []);
  const profile = await desk.tool(speaker, 'get_taste_profile', {}, { limited: false });
  const stated = 'outcome' in profile && profile.outcome.kind === 'ok' && profile.outcome.value.stated !== null ? statedOf(profile.outcome.value.stated) : EMPTY;
  return { genres: names('genres'), moods: names('moods'), current: stated };
}

/** Stores a submission through `set_tastes` (rate-limited like any request); field errors store nothing. */
export async function submitTasteForm(desk: FrontDesk, speaker: Speaker, input: TasteFormInput): Promise<TasteFormOutcome> {
  const read = readTasteForm(input);
  if ('errors' in read) return { kind: 'invalid', errors: read.errors };
  const r = await desk.tool(speaker, 'set_tastes', read.args);
  if (!('outcome' in r)) return { kind: 'notice', message: r.kind === 'notice' ? r.message : 'I could not save that.' };
  const o = r.outcome;
  if (o.kind === 'retry' && o.code === 'ambiguous_artist') {
    const names = (o.candidates ?? []).slice(0, 5).map((c) => c.label);
    return { kind: 'invalid', errors: [{ field: 'artists', code: 'ambiguous_artist', message: clip(`One name matches several artists: ${names.join(', ')}. Write the full name of the one you mean.`, 300) }] };
  }
  if (o.kind === 'retry' && o.code === 'unknown_artist') return { kind: 'invalid', errors: [{ field: 'artists', code: 'unknown_artist', message: clip(o.message.replace(/ \(artists\[\d+\]\)/, ''), 300) }] };
  if (o.kind !== 'ok') return { kind: 'notice', message: o.message };
  const stated = statedOf(o.value.stated);
  const { changed, weight } = o.value;
  const cleared = read.args.clear === true;
  const headline = cleared
    ? changed ? 'Forgot your stated tastes: recommendations now rest on your votes and likes alone.' : 'You had no stated tastes to forget.'
    : changed ? 'Saved your tastes.' : 'Nothing changed: these are the tastes I already had.';
  const notes = cleared
    ? []
    : [
        weight >= 1 ? 'They shape your recommendations from now on, and fade as your votes and likes take over.' : `They count ${Math.round(weight * 100)}% now, next to what your votes and likes taught me.`,
        ...o.value.notes,
      ];
  return { kind: 'saved', stated, changed, weight, cleared, headline, notes };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A form input kept as JSON (e.g. in a button's server-side state) back as an input; empty fields where absent. */
export function tasteFormInputFrom(data: unknown): TasteFormInput {
  const o = (data ?? {}) as Record<string, unknown>;
  const strings = (x: unknown) => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : []);
  return { genres: strings(o.genres), moods: strings(o.moods), artists: typeof o.artists === 'string' ? o.artists : '', energy: typeof o.energy === 'string' ? o.energy : '' };
}
