/**
 * Turns a catalogue snapshot into the labelled arrays of the three classifier tasks (genre, subgenre, mood) and the
 * feature matrix of every track that has audio features. Pure functions over the snapshot.
 */
import { CLASSIFIER_FEATURES, InvalidAudioFeaturesError, repairAudioFeatures, writeClassifierRow } from '../recsys/content/audio-features.ts';
import { MOODS, moodLabel } from '../recsys/classifier/mood-labels.ts';
import { MOOD_EVIDENCE_FEATURES, QUADRANT_MOODS, quadrantOf, writeMoodEvidence } from '../recsys/classifier/mood-quadrants.ts';
import type { ClassifierTaskData } from '../recsys/classifier/train-task.ts';
import { majorityLabel, type CatalogSnapshot, type LabelCounts } from './catalog-snapshot.ts';
import type { DeezerMood } from './deezer-mood.ts';
import { embedTags, vocabularyIndex, type TagEmbedding } from '../recsys/content/tag-embedding.ts';

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

/**
 * Mood task without the Deezer data: tracks with features whose own tags, or else whose artist's Last.fm tags, name
 * a clear mood among the four quadrant moods ("focus" tags give no label: focus is defined by evidence).
 */
export function moodTask(s: CatalogSnapshot, t: FeatureTable): TaskDataset {
  const sources = { track: 0, artist: 0 };
  const d = labelledTask(s, t, 'mood', QUADRANT_MOODS, (i) => {
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

/** A Deezer validation track found in the catalogue with audio features: its feature-table row and its truth. */
interface MoodCheckRow {
  /** Row in the feature table. */
  readonly row: number;
  readonly quadrant: number;
  readonly valence: number;
  readonly arousal: number;
}

/** The mood task built from Deezer valence/arousal, with its external check set. */
export interface DeezerMoodTask extends TaskDataset {
  /** Classifier input for every feature-table row (audio + evidence), row-major. */
  readonly catalogueBase: Float32Array;
  /** Deezer validation tracks in the catalogue (never trained on). */
  readonly check: readonly MoodCheckRow[];
}

/**
 * Mood task from Deezer valence/arousal: a catalogue track with audio features whose title + artist matches a Deezer
 * training track is labelled with that track's quadrant; tracks matching a validation track are held out as the
 * check set. Besides audio the model sees evidence (writeMoodEvidence): the artist's mean Deezer valence/arousal over
 * the training split (the track's own value left out) and the mood-tag shares of the track's and the artist's tags.
 */
export function deezerMoodTask(
  s: CatalogSnapshot,
  t: FeatureTable,
  deezer: DeezerMood,
  options: { readonly artistLabels?: number; readonly embedding?: TagEmbedding } = {},
): DeezerMoodTask {
  const fb = CLASSIFIER_FEATURES.length;
  const emb = options.embedding;
  const ed = emb === undefined || emb.vocabulary.length === 0 ? 0 : emb.dim;
  const vocab = emb === undefined ? undefined : vocabularyIndex(emb);
  const fe = MOOD_EVIDENCE_FEATURES.length;
  const f = fb + fe + 2 * ed;
  const trainByKey = new Map(deezer.train.map((r) => [r.key, r]));
  const validationByKey = new Map(deezer.validation.map((r) => [r.key, r]));
  const artistSums = new Map<string, { valence: number; arousal: number; count: number }>();
  for (const r of deezer.train) {
    const a = artistSums.get(r.artistKey) ?? { valence: 0, arousal: 0, count: 0 };
    artistSums.set(r.artistKey, { valence: a.valence + r.valence, arousal: a.arousal + r.arousal, count: a.count + 1 });
  }
  const rows = t.trackIndex.length;
  const catalogueBase = new Float32Array(rows * f);
  const labelled: { row: number; label: number }[] = [];
  const check: MoodCheckRow[] = [];
  let artistRows = 0;
  for (let j = 0; j < rows; j++) {
    const i = t.trackIndex[j]!;
    const key = s.normKeys[i]!;
    const artistKey = key.slice(key.lastIndexOf('|') + 1);
    const own = trainByKey.get(key);
    const a = s.primaryArtist[i]!;
    catalogueBase.set(t.base.subarray(j * fb, (j + 1) * fb), j * f);
    const artistTags = a >= 0 ? s.artistTags.get(a) : undefined;
    writeMoodEvidence(artistSums.get(artistKey), own, s.trackTags[i], artistTags, catalogueBase, j * f + fb);
    if (ed > 0) {
      const ownTags = s.trackTags[i];
      if (ownTags !== undefined) embedTags(emb!, ownTags, catalogueBase, j * f + fb + fe, vocab);
      if (artistTags !== undefined) embedTags(emb!, artistTags, catalogueBase, j * f + fb + fe + ed, vocab);
    }
    const held = validationByKey.get(key);
    if (held !== undefined) check.push({ row: j, quadrant: quadrantOf(held.valence, held.arousal), valence: held.valence, arousal: held.arousal });
    else if (own !== undefined) labelled.push({ row: j, label: quadrantOf(own.valence, own.arousal) });
    else if (options.artistLabels !== undefined) {
      const sums = artistSums.get(artistKey);
      if (sums !== undefined && sums.count >= options.artistLabels) {
        artistRows++;
        labelled.push({ row: j, label: quadrantOf(sums.valence, sums.arousal) });
      }
    }
  }
  const base = new Float32Array(labelled.length * f);
  labelled.forEach((l, r) => base.set(catalogueBase.subarray(l.row * f, (l.row + 1) * f), r * f));
  const trackIndex = Int32Array.from(labelled, (l) => t.trackIndex[l.row]!);
  return {
    task: 'mood',
    classes: QUADRANT_MOODS,
    baseFeatureNames: [
      ...CLASSIFIER_FEATURES,
      ...MOOD_EVIDENCE_FEATURES,
      ...Array.from({ length: ed }, (_, k) => `track_tag_vector_${k}`),
      ...Array.from({ length: ed }, (_, k) => `artist_tag_vector_${k}`),
    ],
    base,
    labels: Int32Array.from(labelled, (l) => l.label),
    keys: Array.from(trackIndex, (i) => s.normKeys[i]!),
    trackIndex,
    labelSources: { 'deezer track (title + artist)': labelled.length - artistRows, 'deezer artist mean (artist name)': artistRows, 'deezer validation check set': check.length },
    catalogueBase,
    check,
  };
}
