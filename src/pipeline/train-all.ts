/**
 * The whole product's training, in the order each step needs the previous ones: the chat recommender (collaborative
 * model), the artist graph, then the content models (classifiers with their stored predictions, content vectors and index), then the
 * genre/mood label table that reads those predictions. `earworm train` runs every step; `npm start` runs the steps
 * whose model is not active yet, so a first run serves every feature without a second command.
 */
import type { Db } from '../db/db.ts';
import { activeModelVersion, ARTIST_MODEL_KIND, CONTENT_MODEL_KINDS, TRACK_LABELS_KIND, TRACK_MODEL_KIND } from '../db/model-versions.ts';
import type { Logger } from '../logging/logger.ts';
import type { OnnxProvider } from '../recsys/onnx/onnx-session.ts';
import { buildTrackLabels, type TrackLabelSummary } from './build-track-labels.ts';
import { trainArtistModel, type ArtistTrainSummary } from './train-artist-model.ts';
import { trainCfModel, type CfTrainOptions, type CfTrainSummary } from './train-cf-model.ts';
import { trainContentModels, type ContentTrainOptions, type ContentTrainSummary } from './train-content-models.ts';

/** The steps, in order. */
export const TRAINING_STEPS = ['cf', 'artist', 'content', 'labels'] as const;

/** One training step. */
export type TrainingStep = (typeof TRAINING_STEPS)[number];

/** What the steps need from the configuration. */
interface TrainAllConfig {
  readonly home: string;
  /** Dataset folder (Deezer valence/arousal for the labels). */
  readonly dataDir?: string;
  readonly onnxProvider?: OnnxProvider;
}

/** Options: which steps, and each step's own options. */
interface TrainAllOptions {
  /** Steps to run [all]. */
  readonly steps?: readonly TrainingStep[];
  readonly cf?: CfTrainOptions;
  readonly content?: ContentTrainOptions;
  /** Called after each step with its summary (the CLI prints them as they finish). */
  readonly onStep?: (step: StepResult) => void;
}

/** A finished step and its summary. */
export type StepResult =
  | { readonly step: 'cf'; readonly summary: CfTrainSummary }
  | { readonly step: 'artist'; readonly summary: ArtistTrainSummary }
  | { readonly step: 'content'; readonly summary: ContentTrainSummary }
  | { readonly step: 'labels'; readonly summary: TrackLabelSummary };

/** Runs the chosen steps in order and returns their summaries. */
export async function trainAll(db: Db, config: TrainAllConfig, log: Logger, options: TrainAllOptions = {}): Promise<StepResult[]> {
  const steps = new Set(options.steps ?? TRAINING_STEPS);
  const done: StepResult[] = [];
  const finish = (r: StepResult) => {
    done.push(r);
    options.onStep?.(r);
  };
  if (steps.has('cf')) finish({ step: 'cf', summary: await trainCfModel(db, config.home, log, options.cf ?? {}) });
  if (steps.has('artist')) finish({ step: 'artist', summary: await trainArtistModel(db, config.home, log) });
  if (steps.has('content')) {
    finish({
      step: 'content',
      summary: await trainContentModels(db, { home: config.home, ...(config.onnxProvider !== undefined ? { onnxProvider: config.onnxProvider } : {}), ...(config.dataDir !== undefined ? { dataDir: config.dataDir } : {}) }, log, options.content ?? {}),
    });
  }
  if (steps.has('labels')) {
    finish({ step: 'labels', summary: await buildTrackLabels(db, log, config.dataDir !== undefined ? { dataDir: config.dataDir } : {}) });
  }
  return done;
}

/** The steps whose model is not active in `db` (what a first run, or a state from an older release, still lacks). */
export async function missingSteps(db: Db): Promise<TrainingStep[]> {
  const out: TrainingStep[] = [];
  if ((await activeModelVersion(db, TRACK_MODEL_KIND)) === undefined) out.push('cf');
  if ((await activeModelVersion(db, ARTIST_MODEL_KIND)) === undefined) out.push('artist');
  if ((await activeModelVersion(db, CONTENT_MODEL_KINDS.content)) === undefined) out.push('content');
  if (out.length > 0 || (await activeModelVersion(db, TRACK_LABELS_KIND)) === undefined) out.push('labels');
  return out;
}
