/** Like / skip / dislike feedback on tracks, per person. */

/** What a person said about a track. */
export type RatingKind = 'like' | 'skip' | 'dislike';

/** A person's current opinion of tracks: the latest rating of each track wins. */
export interface Opinions {
  readonly liked: readonly number[];
  readonly skipped: readonly number[];
  readonly disliked: readonly number[];
}

/** Stores ratings; every write is idempotent. */
export interface RatingStore {
  /**
   * Records a rating once: per `interactionId` when given, else per (person, track, kind) — then rating the same
   * track again with the same kind only makes it the latest opinion. `recorded` is false for a repeat.
   */
  rate(r: { personId: number; trackId: number; kind: RatingKind; interactionId?: string }): Promise<{ recorded: boolean }>;
  opinions(personId: number): Promise<Opinions>;
}
