/**
 * "People like you": the listeners nearest to a person by taste, reported only in aggregate — how many there are,
 * their top genres and moods, what they play that the person has not heard — plus the shown names of those who
 * opted in (listener_consents). Nobody's id, display name, platform id or history leaves this interface.
 */

/** What similar listeners have in common, as a person may see it. */
export interface SimilarListenersSummary {
  /** How many similar listeners were found (0 when too few to report anything). */
  readonly count: number;
  /** Whether there are enough of them (MIN_GROUP) for the aggregates to be shown. */
  readonly enough: boolean;
  /** Genres and moods most liked among them, with how many of them like each. */
  readonly topGenres: readonly { readonly name: string; readonly listeners: number }[];
  readonly topMoods: readonly { readonly name: string; readonly listeners: number }[];
  /** Tracks at least MIN_SHARED of them like that the person has not rated, most shared first. */
  readonly tracks: readonly { readonly trackId: number; readonly listeners: number }[];
  /** Shown names of similar listeners who opted in to be shown. */
  readonly shown: readonly string[];
}

/** Fewest similar listeners for any aggregate to be reported (k-anonymity). */
export const MIN_GROUP = 3;

/** Fewest similar listeners who must like a track before it is reported or used as a candidate. */
export const MIN_SHARED = 2;

/** Finds similar listeners and keeps consent to be shown. */
export interface Listeners {
  /** The aggregate view of the person's nearest listeners (up to `count` of them are considered). */
  similar(personId: number, count: number): Promise<SimilarListenersSummary>;
  /** Track → score (summed similarity of the similar listeners who like it), for tracks liked by ≥ MIN_SHARED of them. */
  candidates(personId: number): Promise<Map<number, number>>;
  /** Opts in to be shown to similar listeners under `shownName`, or out with null; returns whether anything changed. */
  consent(personId: number, shownName: string | null): Promise<{ changed: boolean }>;
  /** The person's shown name, when they opted in. */
  shownName(personId: number): Promise<string | undefined>;
}
