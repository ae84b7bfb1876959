/**
 * Drift monitoring end to end: an unshifted stream changes nothing, a shifted one is recorded and retrains once —
 * for interactions and for what people ask recommend for (requested genres and moods).
 */
import { sql } from 'drizzle-orm';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { activeModelVersion, CONTENT_MODEL_KINDS, TRACK_MODEL_KIND } from '../../src/db/model-versions.ts';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue.ts';
import { createJobProcessors } from '../../src/jobs/job-processors.ts';
import type { JobQueue } from '../../src/jobs/job-queue.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { resolvePerson } from '../../src/serving/state/people.ts';
import { latestDrift, runDriftCheck } from '../../src/pipeline/drift-check.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { callTool } from '../../src/tools/registry.ts';
import { DbRequestLog } from '../../src/serving/postgres/db-request-log.ts';
import { contextFor, createToolServices } from '../../src/tools/tool-context.ts';
import { DRIVERS, freshDb } from '../support/db.ts';
import { buildFixture } from '../tools/support/catalogue-fixture.ts';
import { waitForRun } from '../jobs/support/backends.ts';

describe.each(DRIVERS)('drift check on %s', (driver) => {
  let db: Db;
  let home: string;
  beforeEach(async () => {
    db = await freshDb(driver);
    home = await mkdtemp(path.join(os.tmpdir(), 'earworm-drift-'));
    await buildFixture(db, home);
  });
  afterEach(async () => {
    await db.close();
    await rm(home, { recursive: true, force: true });
  });

  /** New interactions after the model was trained: the training snapshot's own tracks again (unshifted). */
  const replayTraining = () =>
    db.orm.execute(sql`insert into interactions (source, source_key, playlist_id, track_id, kind, weight)
      select 'drift-replay', 'r' || id::text, playlist_id, track_id, kind, weight from interactions where track_id is not null and playlist_id is not null`);

  /** New interactions all on the three most energetic tracks (a shifted stream). */
  const shiftedStream = (n: number) =>
    db.orm.execute(sql`insert into interactions (source, source_key, playlist_id, track_id, kind, weight)
      select 'drift-shift', 's' || g::text, (select min(id) from playlists), t.track_id, 'play', 1
      from generate_series(1, ${n}) g
      join (select track_id, row_number() over (order by energy desc) - 1 as r from audio_features order by energy desc limit 3) t on t.r = g % 3`);

  /**
   * A request stream that asks for what the training snapshot holds: one request per training interaction, naming
   * that track's predicted genre and mood (the same label shares as the snapshot).
   */
  const unshiftedRequests = async () => {
    const person = await resolvePerson(db, 'test', 'asker');
    const genre = (await activeModelVersion(db, CONTENT_MODEL_KINDS.genre))!.id;
    const mood = (await activeModelVersion(db, CONTENT_MODEL_KINDS.mood))!.id;
    await db.orm.execute(sql`insert into recommend_requests (person_id, platform, genres, moods)
      select ${person}, 'test', array[g.label], array[m.label] from interactions i
      join track_predictions g on g.track_id = i.track_id and g.model_version_id = ${genre}
      join track_predictions m on m.track_id = i.track_id and m.model_version_id = ${mood}
      where i.track_id is not null`);
  };

  /** A shifted request stream: everyone asks for pop for a workout (workout is an energetic tag). */
  const shiftedRequests = async (n: number) => {
    const person = await resolvePerson(db, 'test', 'asker');
    await db.orm.execute(sql`insert into recommend_requests (person_id, platform, genres, moods, activity)
      select ${person}, 'test', array['pop'], '{}'::text[], 'workout' from generate_series(1, ${n})`);
  };

  it('an unshifted stream records low PSI everywhere and triggers nothing', async () => {
    await replayTraining();
    const retrains: string[] = [];
    const r = await runDriftCheck(db, { threshold: 0.2, retrain: async (k) => (retrains.push(k), k) });
    expect(r.status).toBe('checked');
    expect(r.newInteractions).toBeGreaterThanOrEqual(50);
    expect(r.features.map((f) => f.feature)).toEqual(expect.arrayContaining(['interaction_genre', 'interaction_mood', 'interaction_energy', 'interaction_valence', 'prediction_confidence']));
    for (const f of r.features) expect(f.psi).toBeLessThan(0.05);
    expect(r.triggeredJob).toBeUndefined();
    expect(retrains).toEqual([]);
    expect((await latestDrift(db)).length).toBe(r.features.length);
  });

  it('a shifted stream is recorded as drift and queues one retrain per model version', async () => {
    await shiftedStream(200);
    const version = (await activeModelVersion(db, TRACK_MODEL_KIND))!.version;
    const retrains: string[] = [];
    const r = await runDriftCheck(db, { threshold: 0.2, retrain: async (k) => (retrains.push(k), k) });
    const drifted = r.features.filter((f) => f.drifted).map((f) => f.feature);
    expect(drifted).toEqual(expect.arrayContaining(['interaction_energy', 'interaction_genre']));
    expect(r.triggeredJob).toBe(`drift-retrain-${version}`);
    const latest = await latestDrift(db);
    expect(latest.find((d) => d.feature === 'interaction_energy')).toMatchObject({ triggeredJob: `drift-retrain-${version}` });
    expect(latest.find((d) => d.feature === 'interaction_energy')!.value).toBeGreaterThan(0.2);
  });

  it('an unshifted request stream records low PSI for the requested genres and moods and triggers nothing', async () => {
    await unshiftedRequests();
    const retrains: string[] = [];
    const r = await runDriftCheck(db, { threshold: 0.2, retrain: async (k) => (retrains.push(k), k) });
    expect(r.status).toBe('checked');
    expect(r.newInteractions).toBe(0);
    expect(r.newRequests).toBeGreaterThanOrEqual(50);
    // No new interactions: only the request features are judged.
    expect(r.features.map((f) => f.feature).sort()).toEqual(['requested_genre', 'requested_mood']);
    for (const f of r.features) expect(f.psi).toBeLessThan(0.05);
    expect(retrains).toEqual([]);
  });

  it('a shifted request stream is drift even when interactions are not, and queues the retrain', async () => {
    await replayTraining();
    await shiftedRequests(200);
    const version = (await activeModelVersion(db, TRACK_MODEL_KIND))!.version;
    const retrains: string[] = [];
    const r = await runDriftCheck(db, { threshold: 0.2, retrain: async (k) => (retrains.push(k), k) });
    expect(r.newRequests).toBe(200);
    const byName = new Map(r.features.map((f) => [f.feature, f]));
    expect(r.features.filter((f) => f.drifted).map((f) => f.feature).sort()).toEqual(['requested_genre', 'requested_mood']);
    expect(byName.get('interaction_genre')!.psi).toBeLessThan(0.05);
    expect(byName.get('requested_genre')!.psi).toBeGreaterThan(0.2);
    // Every request named pop; every activity (workout) counted as the energetic mood.
    const genre = byName.get('requested_genre')!;
    expect(genre.current[genre.bins.indexOf('pop')]).toBe(200);
    const mood = byName.get('requested_mood')!;
    expect(mood.current[mood.bins.indexOf('energetic')]).toBe(200);
    expect(mood.current.reduce((a, b) => a + b, 0)).toBe(200);
    expect(retrains).toEqual([`drift-retrain-${version}`]);
    expect((await latestDrift(db)).find((d) => d.feature === 'requested_mood')).toMatchObject({ triggeredJob: `drift-retrain-${version}` });
  });

  it('records what recommend calls asked for, cached answers included, and nothing for a call to retry', async () => {
    const services = await createToolServices({ db, home, logger: silentLogger, random: () => new SeededRandom(7) });
    const ctx = contextFor(services, await resolvePerson(db, 'test', 'caller'), { platform: 'slack' });
    const args = { seeds: { genres: ['EDM'], text: 'something rock and calm' }, constraints: { moods: ['happy'] }, activity: 'Workout' };
    expect((await callTool('recommend', args, ctx)).kind).toBe('ok');
    expect((await callTool('recommend', args, ctx)).kind).toBe('ok'); // the cached answer: still a request
    expect((await callTool('recommend', { seeds: { genres: ['polka'] } }, ctx)).kind).toBe('retry');
    await services.requests.flush();
    const rows = await db.rows<{ platform: string; genres: string[]; moods: string[]; activity: string | null }>(sql`select platform, genres, moods, activity from recommend_requests order by id`);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect({ ...row, genres: [...row.genres].sort(), moods: [...row.moods].sort() }).toEqual({ platform: 'slack', genres: ['edm', 'rock'], moods: ['calm', 'happy'], activity: 'workout' });
    await services.recommendCache.close();
  });

  it('housekeeping removes requests past their retention and keeps the recent ones', async () => {
    const person = await resolvePerson(db, 'test', 'asker');
    await db.orm.execute(sql`insert into recommend_requests (person_id, platform, genres, moods, created_at)
      values (${person}, 'test', array['pop'], '{}'::text[], now() - interval '31 days'),
             (${person}, 'test', array['rock'], '{}'::text[], now() - interval '29 days'),
             (${person}, 'test', array['edm'], '{}'::text[], now())`);
    const log = new DbRequestLog(db, silentLogger);
    expect(await log.prune()).toBe(1);
    expect(await log.prune()).toBe(0);
    const left = await db.rows<{ genres: string[] }>(sql`select genres from recommend_requests order by id`);
    expect(left.map((r) => r.genres[0])).toEqual(['rock', 'edm']);
  });

  it('waits for enough new data before judging', async () => {
    await shiftedStream(20);
    await shiftedRequests(20);
    const r = await runDriftCheck(db, { threshold: 0.2, retrain: async (k) => k });
    expect(r).toMatchObject({ status: 'too-little-data', newInteractions: 20, newRequests: 20, features: [] });
    expect(await latestDrift(db)).toEqual([]);
  });

  it('as a job: a drift-check on a shifted stream queues the retrain job once, even when checked twice', async () => {
    await shiftedStream(200);
    const version = (await activeModelVersion(db, TRACK_MODEL_KIND))!.version;
    const holder: { queue?: JobQueue } = {};
    const processors = createJobProcessors({
      db,
      config: { home, dataDir: home, downloads: false, onnxProvider: 'cpu' },
      logger: silentLogger,
      driftThreshold: 0.2,
      enqueue: (req) => holder.queue!.enqueue(req),
    });
    const queue = new InProcessJobQueue({ db, processors, backoffMs: 10 });
    holder.queue = queue;
    try {
      await queue.enqueue({ name: 'drift-check', data: {}, key: 'check-1' });
      expect((await waitForRun(db, 'train', 'check-1', 30_000)).status).toBe('completed');
      await queue.enqueue({ name: 'drift-check', data: {}, key: 'check-2' });
      expect((await waitForRun(db, 'train', 'check-2', 30_000)).status).toBe('completed');
      const retrain = await waitForRun(db, 'train', `drift-retrain-${version}`, 60_000);
      expect(retrain.name).toBe('train');
      const [{ n } = { n: -1 }] = await db.rows<{ n: number }>(sql`select count(*)::int as n from job_runs where name = 'train'`);
      expect(n).toBe(1);
    } finally {
      await queue.close();
    }
  });
});
