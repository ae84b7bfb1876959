/** Names of the evaluation datasets and the loader of each. */
import type { InteractionDataset } from './interaction-dataset.ts';
import { loadLastfm } from './lastfm-loader.ts';
import { loadTidy } from './tidy-loader.ts';
import { loadYes } from './yes-loader.ts';

/** The datasets of ../shared/EVAL.md. */
export const DATASET_NAMES = ['lastfm', 'yes', 'tidy'] as const;

/** One of DATASET_NAMES. */
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Reads one dataset from a folder laid out like ../shared/datasets. */
export function loadDataset(name: DatasetName, dataDir: string): Promise<InteractionDataset> {
  switch (name) {
    case 'lastfm':
      return loadLastfm(dataDir);
    case 'yes':
      return loadYes(dataDir);
    case 'tidy':
      return loadTidy(dataDir);
  }
}
