/** The in-process recommend cache: a least-recently-used map with a time to live, and per-person generations. */
import { count, type CacheCounters, type CacheLookup, type RecommendCache } from './recommend-cache.ts';

/** Options; defaults in brackets. */
interface LruRecommendCacheOptions {
  /** Entries kept at most [5000]. */
  readonly maxEntries?: number;
  /** Time to live of an entry in ms [600000: 10 minutes]. */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

/** RecommendCache in this process's memory. */
export class LruRecommendCache implements RecommendCache {
  readonly backend = 'memory';
  readonly counters: CacheCounters = { hits: 0, misses: 0, invalidations: 0, errors: 0 };
  private readonly entries = new Map<string, { value: unknown; expires: number }>();
  private readonly generations = new Map<number, number>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: LruRecommendCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 5000;
    this.ttlMs = options.ttlMs ?? 600_000;
    this.now = options.now ?? Date.now;
  }

  async lookup(personId: number, key: string): Promise<CacheLookup<unknown>> {
    const token = String(this.generations.get(personId) ?? 0);
    const full = `${personId}\u0000${token}\u0000${key}`;
    const hit = this.entries.get(full);
    if (hit !== undefined && hit.expires > this.now()) {
      // Re-insert: Map order is the recency order.
      this.entries.delete(full);
      this.entries.set(full, hit);
      count(this.counters, 'hits');
      return { value: hit.value, token };
    }
    if (hit !== undefined) this.entries.delete(full);
    count(this.counters, 'misses');
    return { value: undefined, token };
  }

  async store(personId: number, key: string, value: unknown, token: string): Promise<void> {
    if (String(this.generations.get(personId) ?? 0) !== token) return;
    const full = `${personId}\u0000${token}\u0000${key}`;
    this.entries.delete(full);
    this.entries.set(full, { value, expires: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  async invalidate(personId: number): Promise<void> {
    // Older generations' entries are never read again and age out of the LRU.
    this.generations.set(personId, (this.generations.get(personId) ?? 0) + 1);
    count(this.counters, 'invalidations');
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  /** Entries held now. */
  get size(): number {
    return this.entries.size;
  }
}
