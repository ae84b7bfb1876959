/**
 * The recommend cache in Redis (ioredis), shared by every process of a deployment. Per person: a generation counter
 * `<prefix>gen:<person>` and a hash `<prefix>p:<person>:<generation>` of request key → answer (JSON) with a time to
 * live. A lookup reads both in one Lua call; invalidation increments the generation (the old hash is never read
 * again and expires). Backend errors are served as misses and counted, so a Redis outage only costs speed.
 */
import { Redis } from 'ioredis';
import { count, type CacheCounters, type CacheLookup, type RecommendCache } from './recommend-cache.ts';

/** Options; defaults in brackets. */
interface RedisRecommendCacheOptions {
  /** Key prefix ["earworm:rec:"]. */
  readonly prefix?: string;
  /** Time to live of a person's cached answers in seconds [600]. */
  readonly ttlSeconds?: number;
  /** Called with a backend error (default: ignored; it is counted either way). */
  readonly onError?: (err: unknown) => void;
}

const LOOKUP = `local g = redis.call('GET', KEYS[1]) or '0'
return {g, redis.call('HGET', ARGV[1] .. g, ARGV[2])}`;

/** RecommendCache over a Redis connection. */
export class RedisRecommendCache implements RecommendCache {
  readonly backend = 'redis';
  readonly counters: CacheCounters = { hits: 0, misses: 0, invalidations: 0, errors: 0 };
  private readonly prefix: string;
  private readonly ttl: number;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisRecommendCacheOptions = {},
    /** Whether close() quits the connection (true when this class opened it). */
    private readonly owned = false,
  ) {
    this.prefix = options.prefix ?? 'earworm:rec:';
    this.ttl = options.ttlSeconds ?? 600;
  }

  /**
   * Opens a connection to `url` (e.g. Config.redisUrl). Commands wait for the connection, but give up after one
   * reconnection attempt, so an outage costs a recommend call about a tenth of a second, not a hang.
   */
  static connect(url: string, options: RedisRecommendCacheOptions = {}): RedisRecommendCache {
    const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 1000, retryStrategy: (times) => Math.min(times * 100, 2000) });
    redis.on('error', (err) => options.onError?.(err));
    return new RedisRecommendCache(redis, options, true);
  }

  async lookup(personId: number, key: string): Promise<CacheLookup<unknown>> {
    try {
      const [gen, raw] = (await this.redis.eval(LOOKUP, 1, `${this.prefix}gen:${personId}`, `${this.prefix}p:${personId}:`, key)) as [string, string | null];
      if (raw !== null && raw !== undefined) {
        count(this.counters, 'hits');
        return { value: JSON.parse(raw) as unknown, token: gen };
      }
      count(this.counters, 'misses');
      return { value: undefined, token: gen };
    } catch (err) {
      this.failed(err);
      count(this.counters, 'misses');
      // A token no generation has: the answer computed now is not stored.
      return { value: undefined, token: 'offline' };
    }
  }

  async store(personId: number, key: string, value: unknown, token: string): Promise<void> {
    if (token === 'offline') return;
    const hash = `${this.prefix}p:${personId}:${token}`;
    try {
      await this.redis.multi().hset(hash, key, JSON.stringify(value)).expire(hash, this.ttl).exec();
    } catch (err) {
      this.failed(err);
    }
  }

  async invalidate(personId: number): Promise<void> {
    const gen = `${this.prefix}gen:${personId}`;
    try {
      // The generation outlives every hash written under an older one (2 × their time to live).
      await this.redis.multi().incr(gen).expire(gen, 2 * this.ttl).exec();
      count(this.counters, 'invalidations');
    } catch (err) {
      this.failed(err);
    }
  }

  async close(): Promise<void> {
    if (this.owned) await this.redis.quit().catch(() => undefined);
  }

  private failed(err: unknown): void {
    count(this.counters, 'errors');
    this.options.onError?.(err);
  }
}
