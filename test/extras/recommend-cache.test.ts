import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePerson } from '../../src/serving/state/people.ts';
import { callTool } from '../../src/tools/registry.ts';
import { cacheStats, type RecommendCache } from '../../src/serving/cache/recommend-cache.ts';
import { LruRecommendCache } from '../../src/serving/cache/lru-recommend-cache.ts';
import { RedisRecommendCache } from '../../src/serving/cache/redis-recommend-cache.ts';
import { contextFor, type ToolServices } from '../../src/tools/tool-context.ts';
import type { TrackRecommender } from '../../src/serving/ports/track-recommender.ts';
import { DRIVERS } from '../support/db.ts';
import { openHarness, valueOf, type Harness } from '../tools/support/tool-harness.ts';
import { NO_TEST_REDIS, skippedSuite, TEST_REDIS_URL } from '../support/test-services.ts';

const PREFIX = `earworm:test:${randomBytes(4).toString('hex')}:`;

/** `scope` keeps the databases of one run apart: person ids repeat across them, so they need their own key space (as deployments sharing a Redis do). */
type Backend = { name: string; open: (scope?: string) => RecommendCache };
function redisBackend(url: string): Backend {
  return { name: 'redis', open: (scope = 'unit') => RedisRecommendCache.connect(url, { prefix: `${PREFIX}${scope}:`, ttlSeconds: 60 }) };
}

/** The in-memory cache always; the Redis one on the Redis CI provides (EARWORM_TEST_REDIS_URL), skipped without it. */
const BACKENDS: Backend[] = [
  { name: 'memory', open: () => new LruRecommendCache() },
  ...(TEST_REDIS_URL === undefined ? [] : [redisBackend(TEST_REDIS_URL)]),
];
skippedSuite('the recommend cache (redis)', NO_TEST_REDIS);

afterAll(async () => {
  if (TEST_REDIS_URL === undefined) return;
  const r = new Redis(TEST_REDIS_URL);
  const keys = await r.keys(`${PREFIX}*`);
  if (keys.length > 0) await r.del(...keys);
  await r.quit();
});

describe.each(BACKENDS)('the recommend cache ($name)', (backend) => {
  it('stores per person and request, drops a person on invalidate, and ignores answers computed before it', async () => {
    const cache = backend.open();
    try {
      const a = await cache.lookup(1, 'k1');
      expect(a.value).toBeUndefined();
      await cache.store(1, 'k1', { x: 1 }, a.token);
      expect((await cache.lookup(1, 'k1')).value).toEqual({ x: 1 });
      expect((await cache.lookup(1, 'k2')).value).toBeUndefined();
      expect((await cache.lookup(2, 'k1')).value).toBeUndefined();
      const other = await cache.lookup(2, 'k1');
      await cache.store(2, 'k1', { y: 2 }, other.token);
      // A lookup, then an invalidation (a vote lands), then the slow answer arrives: it must not be stored.
      const slow = await cache.lookup(1, 'k3');
      await cache.invalidate(1);
      await cache.store(1, 'k3', { stale: true }, slow.token);
      expect((await cache.lookup(1, 'k3')).value).toBeUndefined();
      expect((await cache.lookup(1, 'k1')).value).toBeUndefined();
      // Other people keep their entries.
      expect((await cache.lookup(2, 'k1')).value).toEqual({ y: 2 });
      expect(cache.counters.invalidations).toBe(1);
      expect(cache.counters.hits).toBe(2);
    } finally {
      await cache.close();
    }
  });
});

describe.each(DRIVERS)('recommend with the cache on %s', (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(driver);
  });
  afterAll(async () => {
    await h?.close();
  });

  describe.each(BACKENDS)('$name', (backend) => {
    it('returns the same answer until a vote, a rating or a stated-tastes change invalidates it', async () => {
      const cache = backend.open(driver);
      const services: ToolServices = { ...h.services, recommendCache: cache };
      try {
        const personId = await resolvePerson(h.db, 'test', `cache-${backend.name}`);
        const ctx = contextFor(services, personId, { platform: 'web' });
        const ask = async (args: Record<string, unknown> = { seeds: { artists: ['Daft Punk'] }, count: 4 }) => valueOf(await callTool('recommend', args, ctx));
        const first = await ask();
        expect(cache.counters).toMatchObject({ hits: 0, misses: 1 });
        for (let i = 0; i < 5; i++) expect(await ask()).toEqual(first);
        expect(cache.counters).toMatchObject({ hits: 5, misses: 1 });
        // Another request, platform or person is another entry.
        await ask({ seeds: { artists: ['Daft Punk'] }, count: 3 });
        await callTool('recommend', { seeds: { artists: ['Daft Punk'] }, count: 4 }, contextFor(services, personId, { platform: 'slack' }));
        expect(cache.counters).toMatchObject({ hits: 5, misses: 3 });

        // A vote invalidates: the next answer is computed again (a miss), then cached again.
        const c = valueOf(await callTool('next_comparison', {}, ctx));
        valueOf(await callTool('record_preference', { comparison_id: c.comparison_id, choice: 'a' }, ctx));
        const afterVote = await ask();
        expect(cache.counters).toMatchObject({ hits: 5, misses: 4 });
        expect(await ask()).toEqual(afterVote);
        expect(cache.counters.hits).toBe(6);
        // The vote reached the answer: the preference signal now takes part.
        expect((afterVote.recommendations as { why: { signals: { signal: string }[] } }[]).some((r) => r.why.signals.some((s) => s.signal === 'preference'))).toBe(true);

        // A rating invalidates, and the rated track is not served again.
        const liked = (afterVote.recommendations as { track: { id: number } }[])[0]!.track.id;
        valueOf(await callTool('rate_track', { track: liked, rating: 'skip' }, ctx));
        const afterRating = await ask();
        expect(cache.counters.misses).toBe(5);
        expect((afterRating.recommendations as { track: { id: number } }[]).map((r) => r.track.id)).not.toContain(liked);

        // A stated-tastes change invalidates; restating the same tastes does not.
        valueOf(await callTool('set_tastes', { genres: ['rock'] }, ctx));
        await ask();
        expect(cache.counters.misses).toBe(6);
        valueOf(await callTool('set_tastes', { genres: ['rock'] }, ctx));
        await ask();
        expect(cache.counters.misses).toBe(6);

        // A new model version is a new key.
        const v2 = new Proxy(h.services.recommender, {
          get: (target, prop) => (prop === 'description' ? 'hybrid v2' : Reflect.get(target, prop, target)),
        }) as TrackRecommender;
        await callTool('recommend', { seeds: { artists: ['Daft Punk'] }, count: 4 }, contextFor({ ...services, recommender: v2 }, personId, { platform: 'web' }));
        expect(cache.counters.misses).toBe(7);
        const totals = cacheStats();
        expect(totals.hits).toBeGreaterThanOrEqual(cache.counters.hits);
        expect(totals.hitRatio).toBeGreaterThan(0);
        expect(totals.hitRatio).toBeLessThan(1);
      } finally {
        await cache.close();
      }
    });
  });

  it('answers from the model when Redis is down, counting the failures', async () => {
    const errors: unknown[] = [];
    const cache = RedisRecommendCache.connect('redis://127.0.0.1:1', { prefix: PREFIX, onError: (e) => errors.push(e) });
    try {
      const personId = await resolvePerson(h.db, 'test', 'cache-down');
      const ctx = contextFor({ ...h.services, recommendCache: cache }, personId);
      const v = valueOf(await callTool('recommend', { seeds: { artists: ['Radiohead'] }, count: 3 }, ctx));
      expect((v.recommendations as unknown[]).length).toBe(3);
      valueOf(await callTool('rate_track', { track: h.fixture.byTitle.get('Creep')!, rating: 'like' }, ctx));
      expect(cache.counters.errors).toBeGreaterThanOrEqual(2);
      expect(cache.counters.hits).toBe(0);
    } finally {
      await cache.close();
    }
  });
});
