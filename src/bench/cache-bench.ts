/**
 * The cache part of `npm run bench`: a replayed request stream (Zipf-like over people and over requests, with a
 * vote or rating now and then that invalidates the person's cache) run through the recommend tool three ways —
 * without a cache, with the in-process LRU, and with Redis when REDIS_URL is set — reporting the hit ratio and
 * latency (p50/p99/mean) of each. It uses the configured catalogue when a chat model is active there, else a
 * synthetic one (the MCP bench's).
 */
import { sql } from 'drizzle-orm';
import type { Config } from '../config/config.ts';
import { resolvePerson } from '../serving/state/people.ts';
import { silentLogger } from '../logging/logger.ts';
import { SeededRandom } from '../recsys/rng.ts';
import { callTool } from '../tools/registry.ts';
import type { CacheCounters, CacheLookup, RecommendCache } from '../serving/cache/recommend-cache.ts';
import { LruRecommendCache } from '../serving/cache/lru-recommend-cache.ts';
import { RedisRecommendCache } from '../serving/cache/redis-recommend-cache.ts';
import { contextFor, createToolServices } from '../tools/tool-context.ts';
import { openBenchDb } from './mcp-bench.ts';

/** Bench options; every field has a default. */
export interface CacheBenchOptions {
  /** Requests replayed per run [2000]. */
  readonly requests?: number;
  /** Distinct people [150] and distinct requests [60] in the stream. */
  readonly people?: number;
  readonly templates?: number;
  /** Zipf exponent of both draws [1.1]. */
  readonly zipf?: number;
  /** Share of events that are a rating (invalidating that person's cache) instead of a request [0.05]. */
  readonly ratingShare?: number;
  readonly print?: (line: string) => void;
}

/** A cache that never hits: the "without" run. */
class NoCache implements RecommendCache {
  readonly backend = 'none';
  readonly counters: CacheCounters = { hits: 0, misses: 0, invalidations: 0, errors: 0 };
  async lookup(): Promise<CacheLookup<unknown>> {
    this.counters.misses++;
    return { value: undefined, token: '0' };
  }
  async store(): Promise<void> {}
  async invalidate(): Promise<void> {
    this.counters.invalidations++;
  }
  async close(): Promise<void> {}
}

/** Draws 0..n-1 with P(k) ∝ 1/(k+1)^s. */
function zipf(n: number, s: number, rng: SeededRandom): () => number {
  const cum: number[] = [];
  let total = 0;
  for (let k = 0; k < n; k++) cum.push((total += 1 / (k + 1) ** s));
  return () => {
    const u = rng.next() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

type Event = { kind: 'recommend'; person: number; args: Record<string, unknown> } | { kind: 'rate'; person: number; track: number };

/** Runs the cache benchmark and prints its figures. */
export async function runCacheBench(config: Config, opts: CacheBenchOptions = {}): Promise<void> {
  const print = opts.print ?? ((line: string) => console.log(line));
  const n = opts.requests ?? 2000;
  const { db, cleanup, label } = await openBenchDb(config);
  try {
    const services = await createToolServices({ db, home: label.home, logger: silentLogger });
    // Request templates over the most played artists and tracks (and "for me" with no seeds).
    const artists = (await db.rows<{ name: string }>(sql`
      select a.name from artists a join track_artists ta on ta.artist_id = a.id join interactions i on i.track_id = ta.track_id
      group by a.id, a.name order by count(*) desc limit 40`)).map((r) => r.name);
    const tracks = (await db.rows<{ id: number }>(sql`select track_id as id from interactions where track_id is not null group by track_id order by count(*) desc limit 200`)).map((r) => Number(r.id));
    const rng = new SeededRandom(7);
    const templates: Record<string, unknown>[] = [{ count: 10 }];
    for (let i = 0; templates.length < (opts.templates ?? 60); i++) {
      templates.push(i % 2 === 0 && artists.length > 0 ? { seeds: { artists: [artists[i % artists.length]!] }, count: 10 } : { seeds: { tracks: [tracks[i % tracks.length]!] }, count: 10 });
    }
    const pickPerson = zipf(opts.people ?? 150, opts.zipf ?? 1.1, rng);
    const pickTemplate = zipf(templates.length, opts.zipf ?? 1.1, rng);
    const events: Event[] = Array.from({ length: n }, () =>
      rng.next() < (opts.ratingShare ?? 0.05)
        ? { kind: 'rate', person: pickPerson(), track: tracks[Math.floor(rng.next() * tracks.length)]! }
        : { kind: 'recommend', person: pickPerson(), args: templates[pickTemplate()]! },
    );
    print(`cache bench: ${n} events (${events.filter((e) => e.kind === 'rate').length} ratings) over ${opts.people ?? 150} people × ${templates.length} requests, Zipf s=${opts.zipf ?? 1.1}; ${label.what}; node ${process.version}`);
    const runs: { name: string; cache: () => RecommendCache }[] = [
      { name: 'no cache', cache: () => new NoCache() },
      { name: 'LRU (in-process)', cache: () => new LruRecommendCache() },
    ];
    if (config.redisUrl !== undefined) runs.push({ name: 'Redis', cache: () => RedisRecommendCache.connect(config.redisUrl!, { prefix: `earworm:bench:${Date.now()}:` }) });
    else print('  (Redis run skipped: REDIS_URL is not set)');
    // The runs take turns event by event, so that they share the machine's load and the figures compare.
    const states = runs.map((run, r) => {
      const cache = run.cache();
      return { run, r, cache, services: { ...services, recommendCache: cache }, people: new Map<number, number>(), times: [] as number[], hitTimes: [] as number[], busy: 0 };
    });
    const stamp = Date.now();
    for (const e of events) {
      for (const st of states) {
        let personId = st.people.get(e.person);
        if (personId === undefined) st.people.set(e.person, (personId = await resolvePerson(db, 'bench', `cache-${stamp}-${st.r}-${e.person}`)));
        const ctx = contextFor(st.services, personId, { platform: 'bench' });
        if (e.kind === 'rate') {
          await callTool('rate_track', { track: e.track, rating: 'skip' }, ctx);
          continue;
        }
        const hitsBefore = st.cache.counters.hits;
        const t = performance.now();
        const out = await callTool('recommend', e.args, ctx);
        const ms = performance.now() - t;
        st.times.push(ms);
        st.busy += ms;
        if (st.cache.counters.hits > hitsBefore) st.hitTimes.push(ms);
        if (out.kind !== 'ok') throw new Error(`recommend failed: ${out.message}`);
      }
    }
    for (const st of states) {
      const c = st.cache.counters;
      const ratio = c.hits + c.misses > 0 ? c.hits / (c.hits + c.misses) : 0;
      print(`${st.run.name.padEnd(18)} hit ratio ${(100 * ratio).toFixed(1).padStart(5)} %  all: ${summary(st.times)}  ${(st.times.length / (st.busy / 1000)).toFixed(0)} requests/s`);
      if (st.hitTimes.length > 0) print(`${''.padEnd(18)} hits alone: ${summary(st.hitTimes)}`);
      await st.cache.close();
    }
  } finally {
    await db.close();
    await cleanup();
  }
}

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return `n=${s.length}  p50 ${q(0.5).toFixed(2)} ms  p99 ${q(0.99).toFixed(2)} ms  mean ${mean.toFixed(2)} ms`;
}
