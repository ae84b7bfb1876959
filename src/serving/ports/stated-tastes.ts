/**
 * What a person says they like before any vote (onboarding): genres, moods, an energy level and favourite artists.
 * Stated tastes are a prior, not a verdict: they become the prior mean of the person's Bradley–Terry utility and
 * seeds of their fold-in, and both fade as real evidence arrives, on one schedule:
 *
 *   weight(n) = τ / (τ + n),   n = decided A/B votes + liked tracks,   τ = STATED_HALF_LIFE (8)
 *
 * so the stated part counts fully for a new person, half after 8 votes or likes, a fifth after 32, and is dropped
 * (weight 0) once it falls below STATED_FLOOR (after 72). The prior mean is w_pop + weight(n)·w_stated; the fold-in
 * gets ceil(weight(n) · k) of the k stated seeds (artists' tracks first, then genres and moods), next to the likes.
 */

/** What was stated, as stored. */
export interface StatedTastes {
  readonly genres: readonly string[];
  readonly moods: readonly string[];
  /** 0..1, or null when not stated. */
  readonly energy: number | null;
  readonly artists: readonly { readonly id: number; readonly name: string }[];
  readonly updatedAt: Date;
}

/** A change: given fields replace what was stored; omitted ones stay. */
export interface StatedTastesChange {
  readonly genres?: readonly string[];
  readonly moods?: readonly string[];
  readonly energy?: number | null;
  readonly artistIds?: readonly number[];
}

/** A catalogue artist that a name may mean. */
export interface ArtistMatch {
  readonly id: number;
  readonly name: string;
  /** Interactions with the artist's tracks (how well known they are here). */
  readonly plays: number;
}

/** Stores stated tastes and resolves artist names. */
export interface TasteStore {
  stated(personId: number): Promise<StatedTastes | undefined>;
  /** Applies a change; `changed` is false when nothing differs from what was stored. */
  state(personId: number, change: StatedTastesChange): Promise<{ changed: boolean; tastes: StatedTastes }>;
  /** Forgets what the person stated; false when nothing was stored. */
  clear(personId: number): Promise<boolean>;
  /** Catalogue artists a name may mean: the exact (normalised) name alone when there is one, else partial matches. */
  findArtists(name: string, limit?: number): Promise<ArtistMatch[]>;
  /** The most played tracks of each artist (at most `perArtist` each), artist by artist. */
  artistTracks(artistIds: readonly number[], perArtist: number): Promise<number[]>;
  /** Real evidence about the person: decided A/B votes + liked tracks (the n of the fade schedule). */
  evidence(personId: number): Promise<number>;
}

/** τ of the fade schedule. */
export const STATED_HALF_LIFE = 8;

/** Below this weight stated tastes are dropped. */
const STATED_FLOOR = 0.1;

/** Confidence the ranker gives the stated prior of a person with no evidence (their utility's weight is this × weight(n) until votes give more). */
export const STATED_CONFIDENCE = 0.5;

/** The weight of stated tastes after `evidence` votes and likes (see the module comment). */
export function statedWeight(evidence: number): number {
  const w = STATED_HALF_LIFE / (STATED_HALF_LIFE + Math.max(0, evidence));
  return w < STATED_FLOOR ? 0 : w;
}

/** Whether anything was stated. */
export function hasTastes(t: StatedTastes | undefined): t is StatedTastes {
  return t !== undefined && (t.genres.length > 0 || t.moods.length > 0 || t.energy !== null || t.artists.length > 0);
}
