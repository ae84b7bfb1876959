/**
 * The job_runs table: one row per (queue, key), whatever the backend, holding status, progress, attempts, result and
 * error. The unique (queue, job_key) constraint is what makes a key run once.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { jobRuns } from '../db/schema.ts';

/** A stored job run. */
export type JobRunRow = typeof jobRuns.$inferSelect;

/** Statuses a row moves through: queued -> running -> completed | failed (queued again while a retry waits). */
export type JobStatus = 'queued' | 'running' | 'completed' | 'failed';

/** Creates the row of a key, or returns the existing one (`created` false). */
export async function openJobRun(db: Db, run: { queue: string; name: string; key: string; data: unknown }): Promise<{ row: JobRunRow; created: boolean }> {
  // Look first: an insert that conflicts still uses up an identity value.
  const found = await findJobRun(db, run.queue, run.key);
  if (found !== undefined) return { row: found, created: false };
  const [inserted] = await db.orm
    .insert(jobRuns)
    .values({ queue: run.queue, name: run.name, jobKey: run.key, status: 'queued', data: run.data ?? {} })
    .onConflictDoNothing()
    .returning();
  if (inserted !== undefined) return { row: inserted, created: true };
  const existing = await findJobRun(db, run.queue, run.key);
  if (existing === undefined) throw new Error(`job_runs row for ${run.queue}/${run.key} vanished while being opened`);
  return { row: existing, created: false };
}

/** The row of a key, if any. */
export async function findJobRun(db: Db, queue: string, key: string): Promise<JobRunRow | undefined> {
  const [row] = await db.orm.select().from(jobRuns).where(and(eq(jobRuns.queue, queue), eq(jobRuns.jobKey, key)));
  return row;
}

/** Queues a failed run again (a retry asked for by enqueueing its key again); undefined when it was not failed. */
export async function requeueFailedRun(db: Db, id: number, data: unknown): Promise<JobRunRow | undefined> {
  const [row] = await db.orm
    .update(jobRuns)
    .set({ status: 'queued', progress: 0, attempts: 0, error: null, result: null, data: data ?? {}, startedAt: null, finishedAt: null })
    .where(and(eq(jobRuns.id, id), eq(jobRuns.status, 'failed')))
    .returning();
  return row;
}

/** Removes a row this process just created, when its job could not be queued (nothing is lost: it never ran). */
export async function deleteQueuedRun(db: Db, id: number): Promise<void> {
  await db.orm.delete(jobRuns).where(and(eq(jobRuns.id, id), eq(jobRuns.status, 'queued')));
}

/** Marks an attempt as started. */
export async function markRunStarted(db: Db, id: number, attempt: number): Promise<void> {
  await db.orm.update(jobRuns).set({ status: 'running', attempts: attempt, startedAt: sql`now()`, error: null }).where(eq(jobRuns.id, id));
}

/** Stores progress (0..1) of a running job. */
export async function markRunProgress(db: Db, id: number, progress: number): Promise<void> {
  await db.orm.update(jobRuns).set({ progress }).where(and(eq(jobRuns.id, id), eq(jobRuns.status, 'running')));
}

/** Marks a run completed with its result. */
export async function markRunCompleted(db: Db, id: number, result: unknown): Promise<void> {
  await db.orm
    .update(jobRuns)
    .set({ status: 'completed', progress: 1, result: result ?? null, error: null, finishedAt: sql`now()` })
    .where(eq(jobRuns.id, id));
}

/** Records a failed attempt: `failed` when final, else `queued` again while the retry waits. */
export async function markRunFailed(db: Db, id: number, error: string, final: boolean): Promise<void> {
  await db.orm
    .update(jobRuns)
    .set({ status: final ? 'failed' : 'queued', error, ...(final ? { finishedAt: sql`now()` } : {}) })
    .where(eq(jobRuns.id, id));
}

/** The most recent runs, newest first, optionally of some statuses or one queue. */
export async function recentJobRuns(db: Db, options: { limit?: number; statuses?: readonly JobStatus[]; queue?: string } = {}): Promise<JobRunRow[]> {
  const where = [
    ...(options.statuses !== undefined && options.statuses.length > 0 ? [inArray(jobRuns.status, [...options.statuses])] : []),
    ...(options.queue !== undefined ? [eq(jobRuns.queue, options.queue)] : []),
  ];
  return db.orm
    .select()
    .from(jobRuns)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(desc(jobRuns.createdAt), desc(jobRuns.id))
    .limit(options.limit ?? 20);
}
