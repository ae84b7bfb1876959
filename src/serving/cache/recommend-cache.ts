/**
 * A cache of recent recommend answers per (person, request, model version): in Redis when one is configured, in an
 * in-process LRU otherwise, behind one interface. A person's entries are invalidated by anything that changes their
 * answers — a vote, a rating (like/dislike/skip), a stated-tastes change — and a new model version changes the key.
 * Invalidation bumps the person's generation: a lookup returns a token, and an answer computed before an
 * invalidation is stored under the old generation, where no later lookup reads it. A failing backend is a miss.
 */

/** Hit/miss counters of a cache (or of every cache in the process: `cacheStats()`). */
export interface CacheCounters {
  hits: number;
  misses: number;
  invalidations: number;
  /** Backend failures (each served as a miss). */
  errors: number;
}

/** A lookup's outcome: the cached value, if any, and the token to store a fresh answer with. */
export interface CacheLookup<T> {
  readonly value: T | undefined;
  readonly token: string;
}

/** The recommend cache. */
export interface RecommendCache {
  /** `redis` or `memory`. */
  readonly backend: string;
  readonly counters: Readonly<CacheCounters>;
  lookup(personId: number, key: string): Promise<CacheLookup<unknown>>;
  /** Stores an answer; a no-op when the person was invalidated after the lookup that gave `token`. */
  store(personId: number, key: string, value: unknown, token: string): Promise<void>;
  /** Drops every cached answer of the person. */
  invalidate(personId: number): Promise<void>;
  close(): Promise<void>;
}

const totals: CacheCounters = { hits: 0, misses: 0, invalidations: 0, errors: 0 };

/** Process-wide counters of every recommend cache, with the hit ratio: what a metrics exporter reads. */
export function cacheStats(): Readonly<CacheCounters> & { readonly hitRatio: number } {
  const lookups = totals.hits + totals.misses;
  return { ...totals, hitRatio: lookups > 0 ? totals.hits / lookups : 0 };
}

/** Counts one event on an instance's counters and on the process totals. */
export function count(own: CacheCounters, what: keyof CacheCounters): void {
  own[what]++;
  totals[what]++;
}

/** A stable string for JSON-like data (object keys sorted), so equal requests give equal keys. */
export function stableKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableKey).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableKey((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
