/** A per-person rate limit: at most `limit` requests in any sliding window of `windowMs` (in process memory). */

/** The outcome of one `take`. */
type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

/** Sliding-window limiter keyed by any string (e.g. `discord:1234`). */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`rate limit must be a positive whole number, got ${limit}`);
  }

  /** Counts one request for `key` if the window has room. */
  take(key: string): RateDecision {
    const t = this.now();
    const since = t - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((h) => h > since);
    if (list.length >= this.limit) {
      this.hits.set(key, list);
      return { allowed: false, retryAfterMs: Math.max(1, list[0]! + this.windowMs - t) };
    }
    list.push(t);
    this.hits.set(key, list);
    if (this.hits.size > 10_000) this.sweep(since);
    return { allowed: true };
  }

  /** Whether `key` has room now, without counting a request (for limits that count only failures). */
  check(key: string): RateDecision {
    const t = this.now();
    const list = (this.hits.get(key) ?? []).filter((h) => h > t - this.windowMs);
    return list.length >= this.limit ? { allowed: false, retryAfterMs: Math.max(1, list[0]! + this.windowMs - t) } : { allowed: true };
  }

  private sweep(since: number): void {
    for (const [k, list] of this.hits) if (list.every((h) => h <= since)) this.hits.delete(k);
  }
}
