/**
 * Runs one attempt of a job the same way on every backend: records it in job_runs, emits lifecycle events, passes a
 * throttled progress reporter, and skips a key that has already completed (so a duplicate or a late redelivery never
 * runs the processor twice).
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/db.ts';
import type { Logger } from '../logging/logger.ts';
import { InvalidJobError, PermanentJobError } from './job-errors.ts';
import type { JobEvents } from './job-events.ts';
import { markRunCompleted, markRunFailed, markRunProgress, markRunStarted, openJobRun } from './job-runs.ts';
import { isJobName, JOB_DATA, QUEUE_OF, type JobContext, type JobName, type JobProcessor, type JobProcessors, type JobRequest, type QueueName } from './job-types.ts';

/** Least time between two progress writes to the database. */
const PROGRESS_WRITE_MS = 250;

/** A validated request: name, queue, parsed data and key. */
export interface ValidJob {
  readonly name: JobName;
  readonly queue: QueueName;
  readonly data: Record<string, unknown>;
  readonly key: string;
}

/** Checks a request's name, data and key; throws InvalidJobError saying what is wrong. */
export function validateJob(request: JobRequest | { name: string; data: unknown; key?: string }): ValidJob {
  if (!isJobName(request.name)) {
    throw new InvalidJobError(`unknown job "${request.name}"; jobs are ${Object.keys(JOB_DATA).join(', ')}`);
  }
  const parsed = JOB_DATA[request.name].safeParse(request.data ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`).join('; ');
    throw new InvalidJobError(`bad data for job ${request.name}: ${problems}`);
  }
  const key = request.key ?? `${request.name}-${randomUUID()}`;
  if (key.length === 0 || key.length > 200 || /[\s]/.test(key)) {
    throw new InvalidJobError(`job key ${JSON.stringify(key)} must be 1 to 200 characters without spaces`);
  }
  return { name: request.name, queue: QUEUE_OF[request.name], data: parsed.data as Record<string, unknown>, key };
}

/** What the runner needs. */
export interface JobRunnerDeps {
  readonly db: Db;
  readonly processors: JobProcessors;
  readonly events: JobEvents;
  readonly logger: Logger;
}

/** One attempt to run. */
interface JobAttempt {
  readonly job: ValidJob;
  /** 1-based. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Also report progress to the backend (BullMQ's job.updateProgress). */
  readonly onProgress?: (fraction: number) => Promise<void>;
}

/** Outcome of an attempt that did not throw. */
type AttemptOutcome = { readonly ran: true; readonly result: unknown } | { readonly ran: false; readonly result: unknown };

/**
 * Runs one attempt. Throws the processor's error after recording it (the backend decides on the retry: a
 * PermanentJobError or the last attempt records `failed`); returns without running when the key already completed.
 */
export async function runJobAttempt(deps: JobRunnerDeps, a: JobAttempt): Promise<AttemptOutcome> {
  const { job } = a;
  const { row } = await openJobRun(deps.db, { queue: job.queue, name: job.name, key: job.key, data: job.data });
  if (row.status === 'completed') {
    deps.logger.info({ queue: job.queue, name: job.name, key: job.key }, 'job already completed; not running it again');
    return { ran: false, result: row.result };
  }
  const base = { queue: job.queue, name: job.name, key: job.key, runId: row.id, attempt: a.attempt };
  const processor = deps.processors[job.name] as JobProcessor | undefined;
  const started = performance.now();
  await markRunStarted(deps.db, row.id, a.attempt);
  deps.events.emit('started', base);
  let lastWrite = 0;
  const ctx: JobContext = {
    runId: row.id,
    queue: job.queue,
    name: job.name,
    key: job.key,
    attempt: a.attempt,
    maxAttempts: a.maxAttempts,
    enqueuedAt: row.createdAt,
    progress: async (fraction) => {
      const p = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
      const now = performance.now();
      if (now - lastWrite < PROGRESS_WRITE_MS && p < 1) return;
      lastWrite = now;
      await markRunProgress(deps.db, row.id, p);
      deps.events.emit('progress', { ...base, progress: p });
      await a.onProgress?.(p);
    },
  };
  try {
    if (processor === undefined) {
      throw new PermanentJobError(
        job.name === 'spotify-sync'
          ? 'no processor for spotify-sync in this worker: configure Spotify (SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET, EARWORM_SECRET) and restart it'
          : `no processor for job ${job.name} in this worker`,
      );
    }
    const result = toJson(await processor(job.data as never, ctx));
    await markRunCompleted(deps.db, row.id, result);
    deps.events.emit('completed', { ...base, durationMs: performance.now() - started, result });
    deps.logger.info({ ...base, ms: Math.round(performance.now() - started) }, 'job completed');
    return { ran: true, result };
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    const final = a.attempt >= a.maxAttempts || isPermanent(error);
    await markRunFailed(deps.db, row.id, error.message, final);
    deps.events.emit('failed', { ...base, durationMs: performance.now() - started, error, willRetry: !final });
    deps.logger.warn({ ...base, err: error, willRetry: !final }, final ? 'job failed' : 'job attempt failed; retrying');
    throw error;
  }
}

/** Errors that retrying cannot fix. */
export function isPermanent(err: Error): boolean {
  return err instanceof PermanentJobError || err instanceof InvalidJobError;
}

/** A result as stored: JSON round-tripped (undefined becomes null). */
function toJson(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}
