/**
 * The two thrown kinds of tool error. A `UserError` is meant for the person (rendered per platform from its code);
 * a `ToolSystemError` is a failure of Earworm itself: logged with its cause, shown as a short generic message.
 * Callers branch on `code`, never on the message.
 */

/** Codes of errors shown to the person. */
type UserErrorCode =
  | 'NOT_READY'
  | 'PAIRS_EXHAUSTED'
  // Spotify (src/tools/spotify-*.ts)
  | 'spotify_not_configured'
  | 'spotify_not_connected'
  | 'spotify_busy'
  | 'spotify_unavailable'
  | 'spotify_forbidden'
  | 'spotify_nothing_to_export';

/** Something the person (not the calling model) has to act on; the message is written for them. */
export class UserError extends Error {
  constructor(
    readonly code: UserErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** An unexpected failure inside a tool; `cause` holds the original error. */
export class ToolSystemError extends Error {
  readonly code = 'TOOL_FAILED';
  constructor(
    readonly tool: string,
    options: { cause: unknown },
  ) {
    super(`The ${tool} tool failed unexpectedly`, options);
    this.name = 'ToolSystemError';
  }
}

/** What the person sees for a system error. */
export const GENERIC_FAILURE = 'Something went wrong inside Earworm. Please try again in a moment.';
