/** The one error class of the catalogue importers: what went wrong, in which file and line, and what to do. */

/** Why an import stopped; callers branch on this, never on the message. */
type ImportErrorCode =
  /** The dataset's files are not in the data folder and could not be downloaded. */
  | 'DATASET_MISSING'
  /** A download started but failed or produced something unusable. */
  | 'DOWNLOAD_FAILED'
  /** A file is not in the encoding its format requires (e.g. invalid UTF-8). */
  | 'BAD_ENCODING'
  /** A CSV/TSV file is structurally broken: truncated, unbalanced quotes, a row with the wrong number of fields. */
  | 'BAD_CSV'
  /** A JSON slice is not valid JSON or not the expected shape. */
  | 'BAD_JSON'
  /** A field holds a value of the wrong kind (a non-numeric audio feature, an unknown song id). */
  | 'BAD_VALUE'
  /** The database refused a batch. */
  | 'WRITE_FAILED';

/** Where in which file an import failed; `line` is 1-based and absent when the failure is not tied to a line. */
interface ImportErrorDetails {
  readonly code: ImportErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly cause?: unknown;
}

/** An import failed; the message names the file and line and says how to fix it. Batches committed before it stay. */
export class ImportError extends Error {
  readonly code: ImportErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(message: string, details: ImportErrorDetails) {
    const where = details.file === undefined ? '' : details.line === undefined ? `${details.file}: ` : `${details.file}:${details.line}: `;
    super(`${where}${message}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ImportError';
    this.code = details.code;
    this.file = details.file;
    this.line = details.line;
  }
}
