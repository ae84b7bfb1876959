/** Typed error for dataset files that are missing or not in the documented format. */

/** A dataset could not be read; `cause` keeps the underlying error. */
export class DatasetError extends Error {
  readonly code = 'DATASET_UNREADABLE';
  constructor(
    readonly dataset: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`dataset ${dataset}: ${message}`, options);
    this.name = 'DatasetError';
  }
}
