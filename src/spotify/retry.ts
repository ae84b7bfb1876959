/**
 * Bounded retrying of Spotify calls: a 429 waits the `Retry-After` it names (up to a cap), a 5xx, timeout or
 * network failure backs off exponentially; anything else fails at once. The last failure is mapped by
 * `toSpotifyError`.
 */
import { SpotifyError, SpotifyRateLimitedError, retryAfterOf, statusOf, toSpotifyError } from './spotify-errors.ts';

/** How retries behave; every field has a default. */
export interface RetryPolicy {
  /** Attempts in all, the first included (default 4). */
  readonly attempts?: number;
  /** First backoff after a 5xx or network failure, doubled each time (default 250 ms). */
  readonly baseDelayMs?: number;
  /** The longest `Retry-After` Earworm waits; a longer one fails with SpotifyRateLimitedError (default 30 s). */
  readonly maxRetryAfterSeconds?: number;
  /** Waits (default: a timer); tests pass one that records. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const timer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `call`, retrying as the policy allows; throws a SpotifyError. */
export async function withRetry<T>(call: () => Promise<T>, policy: RetryPolicy = {}): Promise<T> {
  const attempts = Math.max(1, policy.attempts ?? 4);
  const base = policy.baseDelayMs ?? 250;
  const maxWait = policy.maxRetryAfterSeconds ?? 30;
  const sleep = policy.sleep ?? timer;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (err instanceof SpotifyError) throw err;
      const status = statusOf(err);
      const last = attempt >= attempts;
      if (status === 429) {
        const wait = retryAfterOf(err) ?? 1;
        if (last || wait > maxWait) throw new SpotifyRateLimitedError(wait, { cause: err });
        await sleep(wait * 1000);
        continue;
      }
      const transient = status === undefined ? !isProgrammingError(err) : status >= 500;
      if (!transient || last) throw toSpotifyError(err);
      await sleep(base * 2 ** (attempt - 1));
    }
  }
}

/** A TypeError or similar thrown by our own code is not a network failure: never retried. */
function isProgrammingError(err: unknown): boolean {
  return err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError || err instanceof ReferenceError;
}
