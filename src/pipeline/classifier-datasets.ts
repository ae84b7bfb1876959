/**
 * Turns a catalogue snapshot into the labelled arrays of the three classifier tasks (genre, subgenre, mood) and the
 * feature matrix of every track that has audio features. Pure functions over the snapshot.
 */
import { CLASSIFIER_FEATURES, InvalidAudioFeaturesError, repairAudioFeatures, writeClassifierRow } from '../recsys/content/audio-features.ts';
import { MOODS, moodLabel } from '../recsys/classifier/mood-labels.ts';
import type { ClassifierTaskData } from '../recsys/classifier/train-task.ts';
import { majorityLabel, type CatalogSnapshot, type LabelCounts } from './catalog-snapshot.ts';

/** Classifier input rows for every track with usable audio features. */
export interface FeatureTable {
  /** Row-major [rows][CLASSIFIER_FEATURES.length]. */
  readonly base: Float32Array;
  /** Snapshot index of each row. */
  readonly trackIndex: Int32Array;
  /** Snapshot index -> row, or -1 when the track has no usable features. */
  readonly rowOf: Int32Array;
  /** Tracks whose features needed a repair (imputed or clamped fields). */
  readonly repaired: number;
  /** Tracks whose audio features were unusable (most fields missing) and so got no classifier row. */
  readonly unusable: number;
}

/** Builds the feature table, repairing bad values as repairAudioFeatures documents. */
export function buildFeatureTable(s: CatalogSnapshot): FeatureTable {
  const f = CLASSIFIER_FEATURES.length;
  const rowOf = new Int32Array(s.trackIds.length).fill(-1);
  const idx: number[] = [];
  const rows: Float32Array[] = [];
  let repaired = 0;
  let unusable = 0;
  s.audio.forEach((a, i) => {
    if (a === null) return;
    let fixed;
    try {
      fixed = repairAudioFeatures(a);
    } catch (err) {
      if (err instanceof InvalidAudioFeaturesError) {
        unusable++;
        return;
      }
      throw err;
    }
    if (fixed.imputed.length + fixed.clamped.length > 0) repaired++;
    const row = new Float32Array(f);
    writeClassifierRow(fixed.features, s.years[i], row, 0);
    rowOf[i] = idx.length;
    idx.push(i);
    rows.push(row);
  });
  const base = new Float32Array(idx.length * f);
  rows.forEach((r, j) => base.set(r, j * f));
  return { base, trackIndex: Int32Array.from(idx), rowOf, repaired, unusable };
}

/** A task's arrays plus which snapshot track each row is. */
export interface TaskDataset extends ClassifierTaskData {
  readonly trackIndex: Int32Array;
  /** Extra counts for the card (e.g. mood labels from track vs artist tags). */
  readonly labelSources?: Readonly<Record<string, number>>;
}

/** Genre or subgenre task: tracks with features and a playlist label; the label is the majority label. */
export function playlistLabelTask(s: CatalogSnapshot, t: FeatureTable, kind: 'genre' | 'subgenre'): TaskDataset {
  const classes = kind === 'genre' ? s.genres : s.subgenres;
  const counts = kind === 'genre' ? s.genreCounts : s.subgenreCounts;
  return labelledTask(s, t, kind, classes, (i) => {
    const c = counts.get(i);
    return c === undefined ? undefined : { label: majorityLabel(c), all: allLabels(c) };
  }, true);
}

/** Mood task: tracks with features whose own tags, or else whose artist's Last.fm tags, name a clear mood. */
export function moodTask(s: CatalogSnapshot, t: FeatureTable): TaskDataset {
  const sources = { track: 0, artist: 0 };
  const d = labelledTask(s, t, 'mood', MOODS, (i) => {
    const a = s.primaryArtist[i]!;
    const l = moodLabel(s.trackTags[i], a >= 0 ? s.artistTags.get(a) : undefined);
    if (l === undefined) return undefined;
    sources[l.source]++;
    return { label: MOODS[l.mood]!, all: [MOODS[l.mood]!] };
  }, false);
  return { ...d, labelSources: sources };
}

function labelledTask(
  s: CatalogSnapshot,
  t: FeatureTable,
  task: string,
  classes: readonly string[],
  labelOf: (i: number) => { label: string; all: readonly string[] } | undefined,
  withArtistPrior: boolean,
): TaskDataset {
  const f = CLASSIFIER_FEATURES.length;
  const classIndex = new Map(classes.map((c, k) => [c, k]));
  const rows: number[] = [];
  const labels: number[] = [];
  const acceptable: number[][] = [];
  for (let j = 0; j < t.trackIndex.length; j++) {
    const i = t.trackIndex[j]!;
    const l = labelOf(i);
    const k = l === undefined ? undefined : classIndex.get(l.label);
    if (l === undefined || k === undefined) continue;
    rows.push(j);
    labels.push(k);
    acceptable.push(l.all.flatMap((a) => (classIndex.has(a) ? [classIndex.get(a)!] : [])));
  }
  const base = new Float32Array(rows.length * f);
  rows.forEach((j, r) => base.set(t.base.subarray(j * f, (j + 1) * f), r * f));
  const trackIndex = Int32Array.from(rows, (j) => t.trackIndex[j]!);
  return {
    task,
    classes,
    baseFeatureNames: CLASSIFIER_FEATURES,
    base,
    labels: Int32Array.from(labels),
    keys: Array.from(trackIndex, (i) => s.normKeys[i]!),
    ...(withArtistPrior ? { artist: Int32Array.from(trackIndex, (i) => s.primaryArtist[i]!) } : {}),
    acceptable,
    trackIndex,
  };
}

function allLabels(c: LabelCounts): string[] {
  return [...c.keys()];
}
