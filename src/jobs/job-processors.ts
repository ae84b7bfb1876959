/**
 * The real processors: import, train (chat recommender, content models, global Bradley–Terry), index (content HNSW
 * index) and Spotify sync (injected by whoever configures Spotify). Each is idempotent: versions are derived from
 * the run (its id and enqueue time), so a retry finishes the same version instead of publishing another.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { importersFor, runImporter } from '../catalog/import-runner.ts';
import type { ProgressReporter } from '../catalog/progress.ts';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/db.ts';
import { ARTIST_MODEL_KIND, listModelVersions, TRACK_MODEL_KIND } from '../db/model-versions.ts';
import type { Logger } from '../logging/logger.ts';
import { buildContentIndex } from '../pipeline/build-content-index.ts';
import { trainArtistModel } from '../pipeline/train-artist-model.ts';
import { NoInteractionsError, trainCfModel } from '../pipeline/train-cf-model.ts';
import { trainContentModels } from '../pipeline/train-content-models.ts';
import { buildTrackLabels } from '../pipeline/build-track-labels.ts';
import { runDriftCheck } from '../pipeline/drift-check.ts';
import { PermanentJobError } from './job-errors.ts';
import { TRAIN_TARGETS, type EnqueuedJob, type JobContext, type JobProcessor, type JobProcessors, type JobRequest } from './job-types.ts';

/** What the processors need. */
interface JobProcessorDeps {
  readonly db: Db;
  readonly config: Pick<Config, 'home' | 'dataDir' | 'downloads' | 'onnxProvider'>;
  readonly logger: Logger;
  /** Syncs a linked Spotify library; absent where Spotify is not configured (its jobs then fail, saying so). */
  readonly spotifySync?: JobProcessor<'spotify-sync'>;
  /** Test seam: the download fetch of the import job. */
  readonly fetch?: typeof globalThis.fetch;
  /** Drift threshold (PSI) of drift checks without one in their data [config.driftThreshold, else 0.2]. */
  readonly driftThreshold?: number;
  /** Queues follow-up jobs (the retrain a drift check triggers); absent: drift is recorded, nothing is queued. */
  readonly enqueue?: (request: JobRequest) => Promise<EnqueuedJob>;
}

/** The version name of models a run publishes: its enqueue time and run id (stable across retries). */
export function runVersion(ctx: Pick<JobContext, 'enqueuedAt' | 'runId'>): string {
  return `${ctx.enqueuedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-j${ctx.runId}`;
}

/** Builds the processors over one database and configuration. */
export function createJobProcessors(deps: JobProcessorDeps): JobProcessors {
  const { db, config, logger } = deps;
  return {
    import: async (data, ctx) => {
      const importers = importersFor(data.source);
      if (importers === undefined) throw new PermanentJobError(`unknown import source "${data.source}"`);
      const reports = [];
      for (const [n, importer] of importers.entries()) {
        const r = await runImporter(importer, {
          db,
          dataDir: config.dataDir,
          home: config.home,
          logger,
          progress: fractionProgress((f) => ctx.progress((n + f) / importers.length)),
          downloads: config.downloads,
          ...(data.batchSize !== undefined ? { batchSize: data.batchSize } : {}),
          ...(deps.fetch !== undefined ? { fetch: deps.fetch } : {}),
        });
        reports.push({ source: r.name, records: r.records, files: r.files.length, ms: Math.round(r.ms), unchanged: r.files.every((f) => f.status === 'unchanged') });
        await ctx.progress((n + 1) / importers.length);
      }
      return { sources: reports };
    },

    train: async (data, ctx) => {
      const targets = data.targets ?? [...TRAIN_TARGETS];
      const version = runVersion(ctx);
      const out: Record<string, unknown> = { version };
      for (const [n, target] of targets.entries()) {
        await ctx.progress(n / targets.length);
        if (target === 'cf') {
          const done = (await listModelVersions(db, TRACK_MODEL_KIND)).some((v) => v.version === version);
          if (done) {
            out.cf = { version, skipped: 'already trained by an earlier attempt' };
            continue;
          }
          // An earlier attempt may have written files without recording them; this version is this run's alone.
          await rm(path.join(config.home, 'models', TRACK_MODEL_KIND, version), { recursive: true, force: true });
          try {
            const s = await trainCfModel(db, config.home, logger, { version, ...(data.seed !== undefined ? { ials: { seed: data.seed } } : {}) });
            out.cf = { version: s.version, users: s.users, items: s.items, interactions: s.interactions, weights: s.weights, validation: s.validation, seconds: s.seconds };
          } catch (err) {
            if (err instanceof NoInteractionsError) throw new PermanentJobError(err.message, { cause: err });
            throw err;
          }
          // The artist model is retrained with the chat model (same version name; a retried job skips it once done).
          if (!(await listModelVersions(db, ARTIST_MODEL_KIND)).some((v) => v.version === version)) {
            const a = await trainArtistModel(db, config.home, logger, { version });
            out.artist = { version: a.version, artists: a.artists, withNeighbours: a.withNeighbours, seconds: a.seconds };
          }
        } else if (target === 'content') {
          const s = await trainContentModels(db, { home: config.home, onnxProvider: config.onnxProvider, dataDir: config.dataDir }, logger, {
            publishDir: null,
            version,
            ...(data.epochs !== undefined ? { epochs: data.epochs } : {}),
            ...(data.seed !== undefined ? { seed: data.seed } : {}),
          });
          out.content = { version: s.version, tracks: s.tracks, classifiers: s.classifiers, contentVectors: s.contentVectors };
          // The labels read the new classifiers' predictions: rebuild them in the same run.
          const l = await buildTrackLabels(db, logger, { dataDir: config.dataDir, version });
          out.labels = { version: l.version, tracks: l.tracks, withGenre: l.withGenre, withMood: l.withMood };
        }
      }
      await ctx.progress(1);
      return out;
    },

    index: async (_data, ctx) => {
      await ctx.progress(0);
      return buildContentIndex(db, config.home, logger, runVersion(ctx));
    },

    'drift-check': async (data, ctx) => {
      const enqueue = deps.enqueue;
      const r = await runDriftCheck(db, {
        threshold: data.threshold ?? deps.driftThreshold ?? 0.2,
        ...(enqueue !== undefined ? { retrain: async (key: string) => (await enqueue({ name: 'train', data: {}, key })).key } : {}),
      });
      await ctx.progress(1);
      return {
        status: r.status,
        modelVersion: r.modelVersion ?? null,
        newInteractions: r.newInteractions,
        newRequests: r.newRequests,
        drifted: r.features.filter((f) => f.drifted).map((f) => ({ feature: f.feature, psi: f.psi })),
        triggeredJob: r.triggeredJob ?? null,
      };
    },
    ...(deps.spotifySync !== undefined ? { 'spotify-sync': deps.spotifySync } : {}),
  };
}

/** An import ProgressReporter that turns bytes read of each file into a fraction of the source. */
function fractionProgress(report: (fraction: number) => Promise<void>): ProgressReporter {
  let total = 0;
  let read = 0;
  return {
    file(_source, _file, totalBytes) {
      total += totalBytes;
      return {
        bytes(n) {
          read += n;
          if (total > 0) void report(Math.min(0.99, read / total)).catch(() => {});
        },
        records() {},
        done() {},
      };
    },
  };
}
