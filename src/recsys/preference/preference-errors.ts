/** Typed errors of the preference model; callers branch on `code`, never on the message. */

/** Every code a preference error can carry. */
type PreferenceErrorCode = 'SAME_TRACK_PAIR' | 'UNKNOWN_TRACK' | 'PAIRS_EXHAUSTED' | 'FEATURE_DIMENSION' | 'INVALID_PREFERENCE_STATE';

/** Base class of the preference model's errors. */
export abstract class PreferenceError extends Error {
  abstract readonly code: PreferenceErrorCode;
}

/** A pair (or a vote) that names the same track twice: it says nothing about preference. */
export class SameTrackPairError extends PreferenceError {
  override readonly code = 'SAME_TRACK_PAIR' as const;
  constructor(readonly track: number) {
    super(`a comparison needs two different tracks, got ${track} twice`);
    this.name = 'SameTrackPairError';
  }
}

/** A track with no feature vector (not in the feature table). */
export class UnknownTrackError extends PreferenceError {
  override readonly code = 'UNKNOWN_TRACK' as const;
  constructor(readonly track: number) {
    super(`track ${track} has no preference features`);
    this.name = 'UnknownTrackError';
  }
}

/** Every pair among the eligible tracks has been shown already (pairs are never repeated). */
export class PairsExhaustedError extends PreferenceError {
  override readonly code = 'PAIRS_EXHAUSTED' as const;
  constructor(readonly eligible: number) {
    super(`every pair among the ${eligible} eligible tracks was already compared`);
    this.name = 'PairsExhaustedError';
  }
}

/** A feature vector or stored state whose dimension differs from the model's. */
export class FeatureDimensionError extends PreferenceError {
  override readonly code = 'FEATURE_DIMENSION' as const;
  constructor(readonly expected: number, readonly got: number) {
    super(`expected ${expected} preference features, got ${got}`);
    this.name = 'FeatureDimensionError';
  }
}

/** A stored preference state that cannot be restored (wrong sizes, non-finite numbers). */
export class InvalidPreferenceStateError extends PreferenceError {
  override readonly code = 'INVALID_PREFERENCE_STATE' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidPreferenceStateError';
  }
}
