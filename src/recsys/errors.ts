/** Typed errors of the recommendation core; callers branch on `code`, never on the message. */

/** Every code a recsys error can carry. */
type RecsysErrorCode =
  | 'UNKNOWN_ITEM'
  | 'UNKNOWN_USER'
  | 'EMPTY_SEEDS'
  | 'NOT_FITTED'
  | 'INVALID_INTERACTIONS'
  | 'INVALID_PARAMS'
  | 'MODEL_FILE_MISSING'
  | 'MODEL_FILE_CORRUPT'
  | 'MODEL_VERSION_EXISTS'
  | 'INVALID_SNAPSHOT';

/** Base class of the recommendation core's errors. */
export abstract class RecsysError extends Error {
  abstract readonly code: RecsysErrorCode;
}

/** An item id or index that the model does not know (for example an unknown seed). */
export class UnknownItemError extends RecsysError {
  override readonly code = 'UNKNOWN_ITEM' as const;
  constructor(readonly item: number | string) {
    super(`unknown item ${JSON.stringify(item)}`);
    this.name = 'UnknownItemError';
  }
}

/** A user index outside the fitted interaction matrix. */
export class UnknownUserError extends RecsysError {
  override readonly code = 'UNKNOWN_USER' as const;
  constructor(readonly user: number | string) {
    super(`unknown user ${JSON.stringify(user)}`);
    this.name = 'UnknownUserError';
  }
}

/** Recommendation from seeds was asked with no seeds at all. */
export class EmptySeedsError extends RecsysError {
  override readonly code = 'EMPTY_SEEDS' as const;
  constructor() {
    super('at least one seed item is needed');
    this.name = 'EmptySeedsError';
  }
}

/** A model was used before `fit` (or restore). */
export class NotFittedError extends RecsysError {
  override readonly code = 'NOT_FITTED' as const;
  constructor(readonly kind: string) {
    super(`model ${kind} is not fitted`);
    this.name = 'NotFittedError';
  }
}

/** Interaction data that cannot form a matrix (index out of range, negative or non-finite weight). */
export class InvalidInteractionsError extends RecsysError {
  override readonly code = 'INVALID_INTERACTIONS' as const;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInteractionsError';
  }
}

/** Hyperparameters outside their allowed range. */
export class InvalidParamsError extends RecsysError {
  override readonly code = 'INVALID_PARAMS' as const;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidParamsError';
  }
}

/** A model file that should exist does not. */
export class ModelFileMissingError extends RecsysError {
  override readonly code = 'MODEL_FILE_MISSING' as const;
  constructor(readonly path: string, options?: { cause?: unknown }) {
    super(`model file not found: ${path}`, options);
    this.name = 'ModelFileMissingError';
  }
}

/** A model file that is truncated, altered or not a model file; its contents are never used. */
export class ModelFileCorruptError extends RecsysError {
  override readonly code = 'MODEL_FILE_CORRUPT' as const;
  constructor(readonly path: string, readonly reason: string, options?: { cause?: unknown }) {
    super(`model file ${path} is corrupt: ${reason}`, options);
    this.name = 'ModelFileCorruptError';
  }
}

/** Saving a version that already exists (versions are immutable). */
export class ModelVersionExistsError extends RecsysError {
  override readonly code = 'MODEL_VERSION_EXISTS' as const;
  constructor(readonly path: string) {
    super(`model version already exists: ${path}`);
    this.name = 'ModelVersionExistsError';
  }
}

/** A snapshot whose kind, parameters or arrays do not describe a model this code can restore. */
export class InvalidSnapshotError extends RecsysError {
  override readonly code = 'INVALID_SNAPSHOT' as const;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSnapshotError';
  }
}
