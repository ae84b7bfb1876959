/** A person's A/B comparisons and the Bradley–Terry taste model their votes build. */

/** An answer to a comparison: a or b preferred, both fit, neither fits, or skipped; every answer but a skip moves the model. */
export type VoteAnswer = 'a' | 'b' | 'skip' | 'both' | 'neither';

/** A comparison offered to a person. */
export interface ComparisonOffer {
  readonly comparisonId: number;
  readonly a: number;
  readonly b: number;
  readonly strategy: 'informative' | 'random';
  /** The model's probability that the person prefers a. */
  readonly probabilityA: number;
}

/** A person's current taste model. */
export interface TasteModel {
  readonly votes: number;
  /** 0 with no votes, approaching 1 as votes pin the model down. */
  readonly confidence: number;
  /** Features the votes weigh most (positive: likes more of it), strongest first. */
  readonly leanings: readonly { readonly feature: string; readonly weight: number }[];
  /** Weight (0..1) of the person's stated tastes in their prior mean, when they stated any that has not faded out. */
  readonly statedWeight?: number;
  /** Tracks the person said do not fit them (answered "neither", not outweighed since): never recommended to them. */
  readonly notFitting: readonly number[];
  /** Posterior mean utility of a track; NaN when the track has no preference features. */
  utility(trackId: number): number;
}

/** Outcome of a vote. */
export interface VoteResult {
  /** False when this interaction (or this comparison) was answered before: nothing changed. */
  readonly recorded: boolean;
  readonly choice: VoteAnswer;
  readonly votes: number;
  readonly confidence: number;
}

/** The comparison voted on does not exist for this person (a mistake the caller can fix). */
export class UnknownComparisonIdError extends Error {
  readonly code = 'UNKNOWN_COMPARISON';
  constructor(readonly comparisonId: number) {
    super(`comparison ${comparisonId} does not exist for this person`);
    this.name = 'UnknownComparisonIdError';
  }
}

/** Stores comparisons and votes; votes are idempotent per interaction id. */
export interface PreferenceStore {
  /** Chooses and stores the next pair among `plausible` tracks (best first); throws UserError PAIRS_EXHAUSTED. */
  nextComparison(personId: number, plausible: readonly number[]): Promise<ComparisonOffer>;
  /** Records a vote once and folds it into the person's model; throws UnknownComparisonIdError. */
  vote(v: { personId: number; comparisonId: number; choice: VoteAnswer; interactionId: string }): Promise<VoteResult>;
  taste(personId: number): Promise<TasteModel>;
}
