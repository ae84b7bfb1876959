/**
 * One error class per way a Spotify call fails, chosen in one place (`toSpotifyError`) from what
 * spotify-web-api-node reports, keeping the original as `cause`. Callers branch on `code`, never on messages.
 */

/** Codes of Spotify failures. */
type SpotifyErrorCode =
  | 'SPOTIFY_RATE_LIMITED'
  | 'SPOTIFY_UNAVAILABLE'
  | 'SPOTIFY_AUTH_REVOKED'
  | 'SPOTIFY_UNAUTHORIZED'
  | 'SPOTIFY_FORBIDDEN'
  | 'SPOTIFY_NOT_FOUND'
  | 'SPOTIFY_BAD_REQUEST'
  | 'SPOTIFY_NOT_CONNECTED';

/** A failed call to Spotify; `status` is the HTTP status when there was one. */
export class SpotifyError extends Error {
  constructor(
    readonly code: SpotifyErrorCode,
    message: string,
    readonly status: number | undefined,
    options?: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'SpotifyError';
  }
}

/** 429 still answered after the retries allowed, or a `Retry-After` longer than Earworm waits. */
export class SpotifyRateLimitedError extends SpotifyError {
  constructor(
    readonly retryAfterSeconds: number,
    options?: { cause: unknown },
  ) {
    super('SPOTIFY_RATE_LIMITED', `Spotify is rate-limiting requests; retry in ${retryAfterSeconds} s`, 429, options);
    this.name = 'SpotifyRateLimitedError';
  }
}

/** 5xx, a timeout or a network failure, still there after the retries allowed. */
class SpotifyUnavailableError extends SpotifyError {
  constructor(status: number | undefined, options?: { cause: unknown }) {
    super('SPOTIFY_UNAVAILABLE', `Spotify did not answer${status === undefined ? '' : ` (HTTP ${status})`}`, status, options);
    this.name = 'SpotifyUnavailableError';
  }
}

/** The refresh token is no longer valid (`invalid_grant`: revoked, or older than six months): reconnect. */
export class SpotifyAuthRevokedError extends SpotifyError {
  constructor(options?: { cause: unknown }) {
    super('SPOTIFY_AUTH_REVOKED', 'Spotify no longer accepts this authorisation (invalid_grant); the account must be reconnected', 400, options);
    this.name = 'SpotifyAuthRevokedError';
  }
}

/** The person has no linked Spotify account (never connected, disconnected, or dropped after `invalid_grant`). */
export class SpotifyNotConnectedError extends SpotifyError {
  constructor(readonly reason: 'never' | 'revoked') {
    super('SPOTIFY_NOT_CONNECTED', reason === 'revoked' ? 'The Spotify authorisation expired or was revoked' : 'No Spotify account is connected', undefined);
    this.name = 'SpotifyNotConnectedError';
  }
}

/** The shape of spotify-web-api-node's WebapiError (and anything else carrying a status). */
interface LibraryError {
  readonly statusCode?: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string | undefined>;
  readonly name?: string;
}

/** The HTTP status of a library error, if it carries one. */
export function statusOf(err: unknown): number | undefined {
  const s = (err as LibraryError | null)?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

/** `Retry-After` in seconds from a library error (Spotify sends whole seconds); undefined when absent. */
export function retryAfterOf(err: unknown): number | undefined {
  const raw = (err as LibraryError | null)?.headers?.['retry-after'];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (Number.isFinite(n) && n >= 0) return n;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1000);
}

/** The OAuth `error` of an accounts-service answer (`invalid_grant`, ...). */
function oauthErrorOf(err: unknown): string | undefined {
  const body = (err as LibraryError | null)?.body;
  if (body !== null && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string') return (body as { error: string }).error;
  return undefined;
}

/** The Web API's `error.message`, for logs. */
function detailOf(err: unknown): string {
  const body = (err as LibraryError | null)?.body;
  if (body !== null && typeof body === 'object') {
    const e = (body as { error?: unknown; error_description?: unknown }).error;
    if (typeof e === 'string') return `${e}${typeof (body as { error_description?: unknown }).error_description === 'string' ? `: ${(body as { error_description: string }).error_description}` : ''}`;
    if (e !== null && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Maps whatever a call threw to one typed SpotifyError (already-typed errors pass through). */
export function toSpotifyError(err: unknown): SpotifyError {
  if (err instanceof SpotifyError) return err;
  const status = statusOf(err);
  const options = { cause: err };
  if (status === undefined) return new SpotifyUnavailableError(undefined, options);
  if (oauthErrorOf(err) === 'invalid_grant') return new SpotifyAuthRevokedError(options);
  if (status === 429) return new SpotifyRateLimitedError(retryAfterOf(err) ?? 1, options);
  if (status >= 500) return new SpotifyUnavailableError(status, options);
  const detail = detailOf(err);
  if (status === 401) return new SpotifyError('SPOTIFY_UNAUTHORIZED', `Spotify rejected the access token: ${detail}`, status, options);
  if (status === 403) return new SpotifyError('SPOTIFY_FORBIDDEN', `Spotify refused the request: ${detail}`, status, options);
  if (status === 404) return new SpotifyError('SPOTIFY_NOT_FOUND', `Spotify has no such resource: ${detail}`, status, options);
  return new SpotifyError('SPOTIFY_BAD_REQUEST', `Spotify rejected the request (HTTP ${status}): ${detail}`, status, options);
}
