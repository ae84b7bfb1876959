/**
 * The spotify-sync job through the job queue (in-process always, BullMQ too where a test Redis is configured), with
 * the processor wired as the serving process wires it: it imports the person's library from the local fake Spotify
 * as their seeds, reports progress, invalidates their cached recommendations, and is idempotent — the same key runs
 * once, a second run leaves the same seeds, a failed attempt changes nothing and its retry completes. A person whose
 * link is gone fails at once: retrying cannot reconnect them.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobProcessors } from '../../src/jobs/job-processors.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { spotifySyncProcessor } from '../../src/spotify/spotify-sync.ts';
import { BACKENDS, openRig, waitForRun, type JobRig } from '../jobs/support/backends.ts';
import { DRIVERS } from '../support/db.ts';
import { valueOf } from '../tools/support/tool-harness.ts';
import { countFor, openSpotifyWorld, type SpotifyWorld } from './support/spotify-world.ts';
import { NO_TEST_REDIS, skippedSuite } from '../support/test-services.ts';

skippedSuite('spotify-sync job on the BullMQ (redis) queue', NO_TEST_REDIS);
const CASES = DRIVERS.flatMap((driver) => BACKENDS.map((backend) => [driver, backend] as const));

type Rec = { track: { id: number } };

describe.each(CASES)('spotify-sync job on %s, %s queue', (driver, backend) => {
  let w: SpotifyWorld;
  let rig: JobRig;
  const progress: { key: string; progress: number }[] = [];
  const failures: { key: string; attempt: number; willRetry: boolean }[] = [];
  beforeAll(async () => {
    w = await openSpotifyWorld(driver);
    const processors = createJobProcessors({
      db: w.h.db,
      config: { home: w.h.home, dataDir: w.h.home, downloads: false, onnxProvider: 'cpu' },
      logger: silentLogger,
      spotifySync: spotifySyncProcessor(w.services.spotify!, w.services),
    });
    rig = await openRig(backend, w.h.db, processors, { attempts: 3, backoffMs: 20 });
    rig.events.on('progress', (e) => void progress.push({ key: e.key, progress: e.progress }));
    rig.events.on('failed', (e) => void failures.push({ key: e.key, attempt: e.attempt, willRetry: e.willRetry }));
  });
  afterAll(async () => {
    await rig?.close();
    await w?.close();
  });

  /** The person's seeds as (source, track) pairs, sorted. */
  async function seedsOf(personId: number): Promise<string[]> {
    const rows = await w.h.db.rows<{ source: string; track_id: number }>(sql`select source, track_id from person_seeds where person_id = ${personId}`);
    return rows.map((r) => `${r.source}:${Number(r.track_id)}`).sort();
  }
  const recommendIds = async (person: string) => (valueOf(await w.call(person, 'recommend', { count: 5 })).recommendations as Rec[]).map((r) => r.track.id);

  it('imports the linked library as seeds, reports progress and refreshes cached recommendations', async () => {
    expect((await w.connect('ana', 'ana.spotify')).status).toBe(200);
    const ana = await w.person('ana');
    const before = await recommendIds('ana');
    // Served from the cache the second time: only the job's invalidation can change it.
    expect(await recommendIds('ana')).toEqual(before);

    const queued = await rig.queue.enqueue({ name: 'spotify-sync', data: { personId: ana }, key: 'sync-ana-1' });
    expect(queued).toMatchObject({ queue: 'spotify', name: 'spotify-sync', enqueued: true });
    const run = await waitForRun(w.h.db, 'spotify', 'sync-ana-1');
    expect(run.status).toBe('completed');
    expect(run.attempts).toBe(1);
    expect(run.progress).toBe(1);
    expect(run.result).toMatchObject({ counts: { top_short: 3, top_medium: 2, top_long: 1, saved: 3, playlists: 3 }, total: 10, matched: 8, playlistsRead: 1, playlistsSkipped: 1 });
    expect(progress.filter((p) => p.key === 'sync-ana-1').map((p) => p.progress)).toContain(0.1);
    // The library came from the 2026 endpoints at the fake.
    expect(w.fake.seen('GET', '/v1/me/top/tracks').map((r) => r.query.get('time_range')).sort()).toEqual(['long_term', 'medium_term', 'short_term']);
    expect(w.fake.seen('GET', '/v1/playlists/anamix/items')).toHaveLength(1);

    const id = (t: string) => w.h.fixture.byTitle.get(t)!;
    const seeds = await seedsOf(ana);
    expect(seeds).toEqual(
      [
        ...[id('Creep'), id('Karma Police'), id('No Surprises')].map((t) => `spotify:top_short:${t}`),
        ...[id('Creep'), id('Smells Like Teen Spirit')].map((t) => `spotify:top_medium:${t}`),
        ...[id('Everlong'), id('Black')].map((t) => `spotify:saved:${t}`),
        ...[id('Enter Sandman'), id('One'), id('Creep')].map((t) => `spotify:playlist:${t}`),
      ].sort(),
    );
    // The cached answer was dropped: the seeds shape the next recommendations, and none of Ana's own tracks come back.
    const after = await recommendIds('ana');
    expect(after).not.toEqual(before);
    const imported = new Set(seeds.map((s) => Number(s.split(':').at(-1))));
    expect(after.some((t) => imported.has(t))).toBe(false);
  });

  it('is idempotent: the same key runs once, and a second run leaves the same seeds', async () => {
    const ana = await w.person('ana');
    const seeds = await seedsOf(ana);
    expect(seeds.length).toBeGreaterThan(0);
    const reads = w.fake.seen('GET', '/v1/me/tracks').length;

    const same = await rig.queue.enqueue({ name: 'spotify-sync', data: { personId: ana }, key: 'sync-ana-1' });
    expect(same).toMatchObject({ enqueued: false, status: 'completed' });
    expect(w.fake.seen('GET', '/v1/me/tracks').length).toBe(reads);

    await rig.queue.enqueue({ name: 'spotify-sync', data: { personId: ana }, key: 'sync-ana-2' });
    const again = await waitForRun(w.h.db, 'spotify', 'sync-ana-2');
    expect(again.status).toBe('completed');
    expect(w.fake.seen('GET', '/v1/me/tracks').length).toBe(reads + 1);
    expect(await seedsOf(ana)).toEqual(seeds);
    expect(await countFor(w, 'person_seeds', ana)).toBe(seeds.length);
  });

  it('a failed attempt changes nothing, and its retry completes with the same seeds', async () => {
    const ana = await w.person('ana');
    const seeds = await seedsOf(ana);
    // Saved tracks fail on every try of the first attempt (the adapter tries four times), then Spotify recovers.
    w.fake.fail('GET', '/v1/me/tracks', 502, 4);
    try {
      await rig.queue.enqueue({ name: 'spotify-sync', data: { personId: ana }, key: 'sync-ana-3' });
      const run = await waitForRun(w.h.db, 'spotify', 'sync-ana-3');
      expect(run.status).toBe('completed');
      expect(run.attempts).toBe(2);
      expect(failures.filter((f) => f.key === 'sync-ana-3')).toEqual([{ key: 'sync-ana-3', attempt: 1, willRetry: true }]);
    } finally {
      w.fake.clearFaults();
    }
    expect(await seedsOf(ana)).toEqual(seeds);
  });

  it('fails at once, without retrying, for a person whose Spotify link is gone', async () => {
    const ben = await w.person('ben');
    await w.h.db.rows(sql`insert into person_seeds (person_id, track_id, source) values (${ben}, ${w.h.fixture.rock[0]!}, 'spotify:saved') returning 1 as x`);
    await rig.queue.enqueue({ name: 'spotify-sync', data: { personId: ben }, key: 'sync-ben-1' });
    const run = await waitForRun(w.h.db, 'spotify', 'sync-ben-1');
    expect(run.status).toBe('failed');
    expect(run.attempts).toBe(1);
    expect(run.error).toBe(`No Spotify account is connected for person ${ben}, so there is nothing to sync until they connect Spotify again`);
    expect(failures.filter((f) => f.key === 'sync-ben-1')).toEqual([{ key: 'sync-ben-1', attempt: 1, willRetry: false }]);
    // Nothing of Ben's was touched.
    expect(await countFor(w, 'person_seeds', ben)).toBe(1);
  });
});
