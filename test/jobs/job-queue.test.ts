/**
 * The JobQueue contract, on every backend (in-process; BullMQ when a test Redis is set) and every database driver:
 * runs, progress, events, retries with backoff, per-key idempotence, permanent failures, job_runs rows, schedules.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { InvalidJobError, InvalidCronError } from '../../src/jobs/job-errors.ts';
import type { JobEventMap } from '../../src/jobs/job-events.ts';
import { recentJobRuns } from '../../src/jobs/job-runs.ts';
import type { JobContext, JobProcessors } from '../../src/jobs/job-types.ts';
import { DRIVERS, freshDb } from '../support/db.ts';
import { BACKENDS, createExecutionLog, executionsByKey, logExecution, openRig, waitForRun, type JobRig } from './support/backends.ts';
import { NO_TEST_REDIS, skippedSuite } from '../support/test-services.ts';

skippedSuite('job queue on BullMQ (redis)', NO_TEST_REDIS);
const cases = DRIVERS.flatMap((driver) => BACKENDS.map((backend) => ({ driver, backend })));

describe.each(cases)('job queue on $backend / $driver', ({ driver, backend }) => {
  let db: Db;
  let rig: JobRig | undefined;
  /** Failures left per key before the `train` test processor succeeds. */
  const failuresLeft = new Map<string, number>();

  const processors = (worker: string): JobProcessors => ({
    // `import` stands in for any job: it logs its execution, reports progress and can be told to fail.
    import: async (data, ctx: JobContext) => {
      await logExecution(db, ctx.key, worker, ctx.attempt);
      await ctx.progress(0.5);
      await new Promise((r) => setTimeout(r, 5));
      const left = failuresLeft.get(ctx.key) ?? 0;
      if (left > 0) {
        failuresLeft.set(ctx.key, left - 1);
        throw new Error(`planned failure, ${left - 1} left`);
      }
      await ctx.progress(1);
      return { source: data.source, attempt: ctx.attempt };
    },
  });

  beforeEach(async () => {
    db = await freshDb(driver);
    await createExecutionLog(db);
    failuresLeft.clear();
  });
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
    await db.close();
  });

  it('runs a job, records it in job_runs and emits started/progress/completed with a duration', async () => {
    rig = await openRig(backend, db, processors('w1'));
    const seen: { event: string; payload: JobEventMap[keyof JobEventMap] }[] = [];
    for (const e of ['started', 'progress', 'completed', 'failed'] as const) rig.events.on(e, (payload) => seen.push({ event: e, payload }));
    const job = await rig.queue.enqueue({ name: 'import', data: { source: 'tidy' }, key: 'run-once' });
    expect(job).toMatchObject({ queue: 'import', name: 'import', key: 'run-once', enqueued: true, status: 'queued' });
    const row = await waitForRun(db, 'import', 'run-once');
    expect(row).toMatchObject({ status: 'completed', progress: 1, attempts: 1, result: { source: 'tidy', attempt: 1 }, error: null, data: { source: 'tidy' } });
    expect(row.startedAt).not.toBeNull();
    expect(row.finishedAt).not.toBeNull();
    await expect.poll(() => seen.map((s) => s.event)).toEqual(['started', 'progress', 'progress', 'completed']);
    const completed = seen[3]!.payload as JobEventMap['completed'];
    expect(completed).toMatchObject({ queue: 'import', name: 'import', key: 'run-once', runId: row.id, attempt: 1 });
    expect(completed.durationMs).toBeGreaterThan(0);
    expect((seen[1]!.payload as JobEventMap['progress']).progress).toBe(0.5);
  });

  it('runs a key once however often it is enqueued, before and after it completes', async () => {
    rig = await openRig(backend, db, processors('w1'));
    const first = await Promise.all([1, 2, 3].map(() => rig!.queue.enqueue({ name: 'import', data: { source: 'yes' }, key: 'same-key' })));
    expect(first.filter((j) => j.enqueued)).toHaveLength(1);
    expect(new Set(first.map((j) => j.runId)).size).toBe(1);
    await waitForRun(db, 'import', 'same-key');
    const again = await rig.queue.enqueue({ name: 'import', data: { source: 'yes' }, key: 'same-key' });
    expect(again).toMatchObject({ enqueued: false, status: 'completed' });
    await new Promise((r) => setTimeout(r, 100));
    expect((await executionsByKey(db)).get('same-key')).toBe(1);
    expect(await recentJobRuns(db)).toHaveLength(1);
  });

  it('retries a failing job with backoff and records each attempt', async () => {
    rig = await openRig(backend, db, processors('w1'), { attempts: 3, backoffMs: 20 });
    const failed: JobEventMap['failed'][] = [];
    rig.events.on('failed', (e) => failed.push(e));
    failuresLeft.set('flaky', 2);
    await rig.queue.enqueue({ name: 'import', data: { source: 'lastfm' }, key: 'flaky' });
    const row = await waitForRun(db, 'import', 'flaky');
    expect(row).toMatchObject({ status: 'completed', attempts: 3, result: { source: 'lastfm', attempt: 3 }, error: null });
    expect(failed.map((f) => [f.attempt, f.willRetry, f.error.message])).toEqual([
      [1, true, 'planned failure, 1 left'],
      [2, true, 'planned failure, 0 left'],
    ]);
    expect((await executionsByKey(db)).get('flaky')).toBe(3);
  });

  it('fails for good after the last attempt, and enqueueing the key again retries it', async () => {
    rig = await openRig(backend, db, processors('w1'), { attempts: 2, backoffMs: 10 });
    const failed: JobEventMap['failed'][] = [];
    rig.events.on('failed', (e) => failed.push(e));
    failuresLeft.set('doomed', 2);
    await rig.queue.enqueue({ name: 'import', data: { source: 'mpd' }, key: 'doomed' });
    const row = await waitForRun(db, 'import', 'doomed');
    expect(row).toMatchObject({ status: 'failed', attempts: 2, error: 'planned failure, 0 left' });
    // The run's row is written before its event is emitted, so the row can be seen failed a moment before the event.
    await expect.poll(() => failed.length, { timeout: 55_000 }).toBe(2);
    expect(failed.map((f) => f.willRetry)).toEqual([true, false]);
    const retry = await rig.queue.enqueue({ name: 'import', data: { source: 'mpd' }, key: 'doomed' });
    expect(retry).toMatchObject({ runId: row.id, enqueued: true, status: 'queued' });
    await expect.poll(async () => (await waitForRun(db, 'import', 'doomed')).status, { timeout: 55_000 }).toBe('completed');
    expect((await executionsByKey(db)).get('doomed')).toBe(3);
  });

  it('fails a job with no processor at once, without retries, saying what to configure', async () => {
    rig = await openRig(backend, db, processors('w1'), { attempts: 3, backoffMs: 10 });
    await rig.queue.enqueue({ name: 'spotify-sync', data: { personId: 7 }, key: 'sync-7' });
    const row = await waitForRun(db, 'spotify', 'sync-7');
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(1);
    expect(row.error).toMatch(/configure Spotify/);
  });

  it('refuses bad requests at enqueue with a message', async () => {
    rig = await openRig(backend, db, processors('w1'));
    await expect(rig.queue.enqueue({ name: 'import', data: {} as never })).rejects.toThrow(InvalidJobError);
    await expect(rig.queue.enqueue({ name: 'import', data: { source: 'nowhere' } })).rejects.toThrow(/unknown source "nowhere"/);
    await expect(rig.queue.enqueue({ name: 'nope' as never, data: {} as never })).rejects.toThrow(/unknown job "nope"/);
    await expect(rig.queue.enqueue({ name: 'train', data: { targets: ['cf'] }, key: 'has space' })).rejects.toThrow(/without spaces/);
    await expect(rig.queue.setSchedule('bad', '61 * * * *', { name: 'train', data: {} })).rejects.toThrow(InvalidCronError);
    expect(await recentJobRuns(db)).toHaveLength(0);
  });

  it('runs a scheduled job at each firing, once per firing, and stops when the schedule is removed', async () => {
    rig = await openRig(backend, db, processors('w1'));
    await rig.queue.setSchedule('every-second', '* * * * * *', { name: 'import', data: { source: 'tidy' } });
    await expect.poll(async () => (await recentJobRuns(db, { statuses: ['completed'] })).length, { timeout: 5000, interval: 50 }).toBeGreaterThan(0);
    await rig.queue.setSchedule('every-second', undefined, { name: 'import', data: { source: 'tidy' } });
    const [run] = await recentJobRuns(db, { statuses: ['completed'] });
    expect(run!.jobKey).toMatch(/^every-second-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect([...(await executionsByKey(db)).values()].every((n) => n === 1)).toBe(true);
  });
});
