/**
 * The jobs Earworm runs in the background, their queues and their data. Each job name belongs to one queue; the data
 * of each is validated when it is enqueued, so a bad request fails at once with a message instead of in a worker.
 */
import { z } from 'zod';
import { importersFor, IMPORTERS } from '../catalog/import-runner.ts';

/** The BullMQ queues (and the `queue` column of job_runs). */
export const QUEUE_NAMES = ['import', 'train', 'index', 'spotify'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Models the `train` job can retrain; all of them by default. */
export const TRAIN_TARGETS = ['cf', 'content'] as const;

/** Data schema of each job name. */
export const JOB_DATA = {
  /** Imports one dataset source (or `all`) into the catalogue. */
  import: z
    .object({
      source: z.string().refine((s) => importersFor(s) !== undefined, {
        error: (i) => `unknown source ${JSON.stringify(i.input)}; sources are ${IMPORTERS.map((x) => x.name).join(', ')}, all`,
      }),
      batchSize: z.number().int().positive().optional(),
    })
    .strict(),
  /** Retrains models: cf (ALS/hybrid), content (classifiers + content index), preferences (global Bradley–Terry). */
  train: z
    .object({
      targets: z.array(z.enum(TRAIN_TARGETS)).min(1).optional(),
      seed: z.number().int().nonnegative().optional(),
      epochs: z.number().int().positive().optional(),
    })
    .strict(),
  /** Rebuilds the HNSW content index over the catalogue with the active classifiers' predictions. */
  index: z.object({}).strict(),
  /** Compares new interactions, requested genres and moods, and predictions with the training snapshot; retrains past the drift threshold. */
  'drift-check': z.object({ threshold: z.number().positive().optional() }).strict(),
  /** Syncs a person's linked Spotify library (the processor is injected by whoever configures Spotify). */
  'spotify-sync': z.object({ personId: z.number().int().positive() }).catchall(z.unknown()),
} as const;

export type JobName = keyof typeof JOB_DATA;
export type JobData<N extends JobName> = z.infer<(typeof JOB_DATA)[N]>;

/** The queue each job name runs on. */
export const QUEUE_OF: Readonly<Record<JobName, QueueName>> = {
  import: 'import',
  train: 'train',
  index: 'index',
  'drift-check': 'train',
  'spotify-sync': 'spotify',
};

/** Whether a string names a job. */
export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOB_DATA, name);
}

/** A request to run a job once per key. */
export interface JobRequest<N extends JobName = JobName> {
  readonly name: N;
  readonly data: JobData<N>;
  /**
   * Idempotency key: a job enqueued again with the key of one that is queued, running or completed is not run
   * again (a failed one is retried). Default: a fresh random key.
   */
  readonly key?: string;
}

/** What enqueueing did. */
export interface EnqueuedJob {
  /** The job_runs row id. */
  readonly runId: number;
  readonly queue: QueueName;
  readonly name: JobName;
  readonly key: string;
  /** The row's status after enqueueing. */
  readonly status: string;
  /** false when a job with this key already existed (queued, running or completed) and nothing new was queued. */
  readonly enqueued: boolean;
}

/** What a processor receives besides its data. */
export interface JobContext {
  readonly runId: number;
  readonly queue: QueueName;
  readonly name: JobName;
  readonly key: string;
  /** 1 on the first try. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** When the job was first enqueued (stable across retries, so versions derived from it are too). */
  readonly enqueuedAt: Date;
  /** Reports progress as a fraction 0..1 (stored in job_runs, throttled). */
  progress(fraction: number): Promise<void>;
}

/** Runs one job; must be idempotent (a retry or a stalled job runs it again). Returns a JSON-serialisable result. */
export type JobProcessor<N extends JobName = JobName> = (data: JobData<N>, ctx: JobContext) => Promise<unknown>;

/** The processors a queue or worker runs, by job name; a missing one fails its jobs with a clear message. */
export type JobProcessors = { readonly [N in JobName]?: JobProcessor<N> };
