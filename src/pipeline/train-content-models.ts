/**
 * `trainContentModels`: the content half of `earworm train`. Reads the catalogue, trains the genre, subgenre and mood
 * classifiers, exports each to ONNX and checks onnxruntime against the TypeScript forward pass, classifies the whole
 * catalogue in batches and stores the predictions, builds content vectors and their HNSW index, writes every file
 * under `<home>/models/<kind>/<version>/` (written to a temporary folder, then renamed into place), records the
 * model versions and activates them together.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logging/logger.ts';
import type { Db } from '../db/db.ts';
import { CONTENT_MODEL_KINDS, publishModelVersion } from '../db/model-versions.ts';
import { writeArtistPrior } from '../recsys/classifier/artist-prior.ts';
import { renderModelCard } from '../recsys/classifier/model-card.ts';
import { MOOD_TAGS, MOODS, moodLabel } from '../recsys/classifier/mood-labels.ts';
import { energyValenceRule, focusEvidence, QUADRANT_MOODS, scoreMoodCheck, type MoodCheckFigures } from '../recsys/classifier/mood-quadrants.ts';
import { sql } from 'drizzle-orm';
import { OnnxClassifier, type ClassifierSidecar } from '../recsys/classifier/onnx-classifier.ts';
import { trainClassifierTask, type ClassifierTaskResult } from '../recsys/classifier/train-task.ts';
import { argmaxRows } from '../recsys/classifier/mlp-classifier.ts';
import { CLASSIFIER_FEATURES } from '../recsys/content/audio-features.ts';
import { ContentIndex, type ContentAttributes, type RangeAttribute } from '../recsys/content/content-index.ts';
import { contentModelToJson } from '../recsys/content/content-model-json.ts';
import { buildContentVectors, fitContentVectorModel, type ContentTrack } from '../recsys/content/content-vectors.ts';
import { fitTagEmbedding, type TagDocument } from '../recsys/content/tag-embedding.ts';
import { mlpToOnnx } from '../recsys/onnx/mlp-onnx.ts';
import { encodeOnnxModel } from '../recsys/onnx/onnx-model.ts';
import type { OnnxProvider } from '../recsys/onnx/onnx-session.ts';
import { readCatalogSnapshot, majorityLabel, type CatalogSnapshot } from './catalog-snapshot.ts';
import { buildFeatureTable, deezerMoodTask, moodTask, playlistLabelTask, type DeezerMoodTask, type FeatureTable, type TaskDataset } from './classifier-datasets.ts';
import { loadDeezerMood } from './deezer-mood.ts';
import { storePredictions } from './prediction-store.ts';

/** The committed models folder at the repository root. */
const REPO_MODELS_DIR = fileURLToPath(new URL('../../models', import.meta.url));

/** What the job needs from the configuration. */
interface ContentTrainConfig {
  readonly home: string;
  /** onnxruntime provider for the export check and catalogue classification; default cpu. */
  readonly onnxProvider?: OnnxProvider;
  /** Dataset folder; with deezer-mood in it the mood model learns Deezer valence/arousal quadrants. */
  readonly dataDir?: string;
}

/** Job options; defaults in brackets. */
export interface ContentTrainOptions {
  /** Also write the ONNX files, sidecars and cards here [the repository's models/]; null writes none. */
  readonly publishDir?: string | null;
  readonly epochs?: number; // [40]
  readonly seed?: number; // [7]
  /** Version string [a UTC timestamp, e.g. 20261122-051500]. */
  readonly version?: string;
  /** Clock, for the version and the card dates. */
  readonly now?: () => Date;
}

/** What one run produced, for the command's summary and for tests. */
export interface ContentTrainSummary {
  readonly version: string;
  readonly tracks: number;
  readonly tracksWithAudio: number;
  readonly classifiers: Readonly<Record<'genre' | 'subgenre' | 'mood', ClassifierSummary | { readonly skipped: string }>>;
  readonly contentVectors: { readonly vectors: number; readonly dim: number; readonly fromAudio: number; readonly fromTags: number; readonly both: number; readonly vocabulary: number };
  readonly dir: string;
}

/** The figures of one trained classifier. */
interface ClassifierSummary {
  readonly rows: number;
  readonly macroF1: number;
  readonly accuracy: number;
  readonly labelCounts: Readonly<Record<string, number>>;
  readonly onnxMaxAbsDiff: number;
  readonly predictionsStored: number;
}

/** Fewest labelled rows (and rows per class present) a task needs before it is trained. */
const MIN_ROWS = 50;

/** Trains and publishes the content models from the catalogue in `db`. */
export async function trainContentModels(db: Db, config: ContentTrainConfig, log: Logger, options: ContentTrainOptions = {}): Promise<ContentTrainSummary> {
  const now = options.now ?? (() => new Date());
  const started = now();
  const version = options.version ?? started.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const provider = config.onnxProvider ?? 'cpu';
  const publishDir = options.publishDir === undefined ? REPO_MODELS_DIR : options.publishDir;

  log.info({ version }, 'reading the catalogue');
  const snap = await readCatalogSnapshot(db);
  const table = buildFeatureTable(snap);
  log.info({ tracks: snap.trackIds.length, withAudio: table.trackIndex.length, repaired: table.repaired, unusable: table.unusable }, 'catalogue read');

  const deezer = config.dataDir === undefined ? undefined : await loadDeezerMood(config.dataDir);
  const moodEmbedding = fitTagEmbedding([...snap.trackTags.filter((t): t is NonNullable<typeof t> => t !== undefined), ...snap.artistTags.values()], { dim: 16 });
  const mood = deezer === undefined ? moodTask(snap, table) : deezerMoodTask(snap, table, deezer, { embedding: moodEmbedding });
  log.info({ labelled: mood.labels.length, source: deezer === undefined ? 'tags' : 'deezer' }, 'mood labels');
  const tasks: { name: 'genre' | 'subgenre' | 'mood'; data: TaskDataset; prior: boolean }[] = [
    { name: 'genre', data: playlistLabelTask(snap, table, 'genre'), prior: true },
    { name: 'subgenre', data: playlistLabelTask(snap, table, 'subgenre'), prior: true },
    { name: 'mood', data: { ...mood, rule: moodRule(mood) }, prior: false },
  ];
  const tidyTracks = new Set((await db.rows<{ track_id: number }>(sql`select track_id from track_sources where source = 'tidytuesday'`)).map((r) => Number(r.track_id)));

  const classifiers: Partial<Record<'genre' | 'subgenre' | 'mood', ClassifierSummary | { skipped: string }>> = {};
  const staged: { kind: string; dir: string; final: string; checksum?: string; params: unknown; metrics: unknown; predictions?: Float32Array; classes?: readonly string[] }[] = [];
  const predictionsByTask: Partial<Record<'genre' | 'subgenre' | 'mood', { probs: Float32Array; classes: readonly string[] }>> = {};

  for (const { name, data, prior } of tasks) {
    const present = new Set(data.labels).size;
    if (data.labels.length < MIN_ROWS || present < 2) {
      const reason = `${data.labels.length} labelled rows in ${present} classes (need ${MIN_ROWS}+ rows, 2+ classes)`;
      log.warn({ task: name, reason }, 'classifier skipped');
      classifiers[name] = { skipped: reason };
      continue;
    }
    log.info({ task: name, rows: data.labels.length, classes: data.classes.length }, 'training classifier');
    // The Deezer mood task has a few hundred rows: one hidden layer of 32 (the choice measured on the outside check).
    const hidden = name === 'mood' && 'check' in data ? [32] : [64, 32];
    const result = trainClassifierTask(data, { train: { epochs: options.epochs ?? 40, seed: options.seed ?? 7, hidden } });
    const kind = CONTENT_MODEL_KINDS[name];
    const onnxBytes = encodeOnnxModel(mlpToOnnx(result.model, `earworm_${name}`, { task: name, version }));
    const sidecar: ClassifierSidecar = { format: 'earworm-classifier', task: name, version, classes: data.classes, featureNames: result.featureNames };
    const classifier = await OnnxClassifier.fromBytes(onnxBytes, sidecar, `${name}.onnx`, { provider });
    try {
      const onnxTest = await classifier.classify(result.testFeatures);
      const tsTest = result.model.predictProba(result.testFeatures);
      let maxDiff = 0;
      for (let i = 0; i < tsTest.length; i++) maxDiff = Math.max(maxDiff, Math.abs(tsTest[i]! - onnxTest[i]!));

      // Classify every track with features (the artist prior now from all labels, leaving each track's own out).
      const x = catalogueFeatures(snap, table, data, prior);
      const t0 = performance.now();
      const probs = await classifier.classify(x, table.trackIndex.length);
      const ms = performance.now() - t0;
      predictionsByTask[name] = { probs, classes: data.classes };
      const check = 'check' in data ? moodCheck(data as DeezerMoodTask, table, snap, probs, result, tidyTracks) : undefined;
      if (check !== undefined) log.info({ deezerValidation: check.all, tidy: check.tidy }, 'mood check on the Deezer validation split');
      log.info({ task: name, macroF1: result.test.macroF1, accuracy: result.test.accuracy, onnxMaxAbsDiff: maxDiff, classified: table.trackIndex.length, ms: Math.round(ms) }, 'classifier trained');

      const card = renderModelCard(
        {
          title: `${cap(name)} classifier`,
          version,
          date: started.toISOString().slice(0, 10),
          data: dataLines(name, data, snap, table),
          hyperparameters: { hidden: `${hidden.join(', ')} (ReLU)`, optimiser: 'Adam, lr 0.003, batch 128', epochs: `${options.epochs ?? 40} (best by validation loss)`, l2: 1e-4, 'class weights': 'inverse training frequency', seed: options.seed ?? 7 },
          onnxMaxAbsDiff: maxDiff,
          onnxFile: `${name}.onnx`,
          notes: notes(name, result),
          ...(check !== undefined ? { sections: [{ heading: 'Outside check: Deezer validation split (never trained on)', lines: checkLines(check) }] } : {}),
        },
        result,
      );
      const final = path.join(config.home, 'models', kind, version);
      const dir = `${final}.tmp`;
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, `${name}.onnx`), onnxBytes);
      await writeFile(path.join(dir, `${name}.json`), JSON.stringify(sidecar, null, 2) + '\n');
      await writeFile(path.join(dir, 'card.md'), card);
      if (publishDir !== null) {
        await mkdir(publishDir, { recursive: true });
        await writeFile(path.join(publishDir, `${name}.onnx`), onnxBytes);
        await writeFile(path.join(publishDir, `${name}.json`), JSON.stringify(sidecar, null, 2) + '\n');
        await writeFile(path.join(publishDir, `${name}.md`), card);
      }
      staged.push({
        kind,
        dir,
        final,
        checksum: createHash('sha256').update(onnxBytes).digest('hex'),
        params: { features: result.featureNames, classes: data.classes, hidden, epochs: options.epochs ?? 40, seed: options.seed ?? 7, provider: classifier.provider },
        metrics: {
          macroF1: result.test.macroF1,
          accuracy: result.test.accuracy,
          anyOfAccuracy: result.testAnyOfAccuracy ?? null,
          perClass: result.test.perClass,
          confusion: result.test.confusion,
          split: result.split,
          labelCounts: result.labelCounts,
          labelSources: data.labelSources ?? null,
          onnxMaxAbsDiff: maxDiff,
          baselines: { majority: pick(result.baselines.majority), majorityClass: result.baselines.majorityClass, rule: result.baselines.rule === undefined ? null : { name: result.baselines.rule.name, ...pick(result.baselines.rule.report) } },
          deezerCheck: check ?? null,
          seenArtist: result.testBySeenArtist === undefined ? null : { seen: pick(result.testBySeenArtist.seen), unseen: pick(result.testBySeenArtist.unseen) },
        },
        predictions: probs,
        classes: data.classes,
      });
      classifiers[name] = {
        rows: data.labels.length,
        macroF1: result.test.macroF1,
        accuracy: result.test.accuracy,
        labelCounts: result.labelCounts,
        onnxMaxAbsDiff: maxDiff,
        predictionsStored: table.trackIndex.length,
      };
    } finally {
      await classifier.release();
    }
  }

  // Content vectors and the index.
  log.info('building content vectors');
  const { model: contentModel, cv, keep, index } = buildContentIndexOf(snap, table, version, predictionsByTask);
  const contentFinal = path.join(config.home, 'models', CONTENT_MODEL_KINDS.content, version);
  const contentDir = `${contentFinal}.tmp`;
  await rm(contentDir, { recursive: true, force: true });
  await index.save(contentDir);
  await writeFile(path.join(contentDir, 'content-model.json'), JSON.stringify(contentModelToJson(contentModel)));
  let fromAudio = 0;
  let fromTags = 0;
  let both = 0;
  for (const s of cv.sources) {
    if (s === 1) fromAudio++;
    else if (s === 2) fromTags++;
    else if (s === 3) both++;
  }
  const contentSummary = { vectors: keep.length, dim: cv.dim, fromAudio, fromTags, both, vocabulary: contentModel.tagEmbedding.vocabulary.length };
  staged.push({
    kind: CONTENT_MODEL_KINDS.content,
    dir: contentDir,
    final: contentFinal,
    params: { dim: cv.dim, tagDim: contentModel.tagEmbedding.dim, audioWeight: contentModel.audioWeight, tagWeight: contentModel.tagWeight, hnsw: index.options },
    metrics: { ...contentSummary, repairedAudio: cv.repaired, unusableAudio: cv.unusableAudio },
  });
  log.info(contentSummary, 'content index built');

  // Files into place, then one version row per kind, predictions, and activation of all of them.
  const snapshotInfo = { tracks: snap.trackIds.length, tracksWithAudio: table.trackIndex.length, genres: snap.genres.length, subgenres: snap.subgenres.length };
  for (const s of staged) {
    await rm(s.final, { recursive: true, force: true });
    await rename(s.dir, s.final);
  }
  await publishModelVersion(
    db,
    config.home,
    staged.map((s) => ({
      kind: s.kind,
      version,
      path: s.final,
      ...(s.checksum !== undefined ? { checksum: s.checksum } : {}),
      params: s.params,
      metrics: s.metrics,
      dataSnapshot: snapshotInfo,
    })),
    {
      beforeActivate: async (rows) => {
        for (const [i, s] of staged.entries()) {
          if (s.predictions !== undefined && s.classes !== undefined) {
            await storePredictions(db, rows[i]!.id, Int32Array.from(table.trackIndex, (t) => snap.trackIds[t]!), s.predictions, s.classes);
          }
        }
      },
    },
  );
  log.info({ version }, 'content models active');
  return {
    version,
    tracks: snap.trackIds.length,
    tracksWithAudio: table.trackIndex.length,
    classifiers: {
      genre: classifiers.genre ?? { skipped: 'not run' },
      subgenre: classifiers.subgenre ?? { skipped: 'not run' },
      mood: classifiers.mood ?? { skipped: 'not run' },
    },
    contentVectors: contentSummary,
    dir: path.join(config.home, 'models'),
  };
}

/** The energy/valence rule as the mood task's simple baseline (reads the raw audio columns of a task row). */
function moodRule(data: TaskDataset): NonNullable<TaskDataset['rule']> {
  const f = data.baseFeatureNames.length;
  const e = data.baseFeatureNames.indexOf('energy');
  const v = data.baseFeatureNames.indexOf('valence');
  return { name: 'energy/valence (valence ≥ 0.5 positive, energy ≥ 0.5 aroused)', predict: (r) => energyValenceRule(data.base[r * f + e]!, data.base[r * f + v]!) };
}

/** The model's figures on the Deezer validation tracks in the catalogue (all, and those from TidyTuesday). */
function moodCheck(data: DeezerMoodTask, table: FeatureTable, snap: CatalogSnapshot, probs: Float32Array, result: ClassifierTaskResult, tidy: ReadonlySet<number>) {
  const c = data.classes.length;
  const fb = CLASSIFIER_FEATURES.length;
  const e = CLASSIFIER_FEATURES.indexOf('energy');
  const v = CLASSIFIER_FEATURES.indexOf('valence');
  const majority = data.classes.indexOf(result.baselines.majorityClass);
  const cases = data.check.map((r) => ({
    quadrant: r.quadrant,
    valence: r.valence,
    arousal: r.arousal,
    probs: probs.subarray(r.row * c, (r.row + 1) * c),
    energy: table.base[r.row * fb + e]!,
    spotifyValence: table.base[r.row * fb + v]!,
    tidy: tidy.has(snap.trackIds[table.trackIndex[r.row]!]!),
  }));
  return { all: scoreMoodCheck(cases, majority), tidy: scoreMoodCheck(cases.filter((x) => x.tidy), majority) };
}

function checkLines(check: { all: MoodCheckFigures; tidy: MoodCheckFigures }): string[] {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const row = (name: string, f: MoodCheckFigures) => [
    `| ${name}: this model | ${f.rows} | ${pct(f.accuracy)} | ${f.macroF1.toFixed(4)} | ${f.valenceSpearman.toFixed(3)} | ${f.arousalSpearman.toFixed(3)} |`,
    `| ${name}: energy/valence rule | ${f.rows} | ${pct(f.ruleAccuracy)} | ${f.ruleMacroF1.toFixed(4)} | ${f.ruleValenceSpearman.toFixed(3)} | ${f.ruleArousalSpearman.toFixed(3)} |`,
    `| ${name}: majority class | ${f.rows} | ${pct(f.majorityAccuracy)} | | | |`,
  ];
  return [
    'Deezer validation tracks matched to catalogue tracks with audio features by normalised title + primary artist; their artist evidence comes from the training split only. Truth: the quadrant of their valence/arousal; the model\'s valence is P(happy) + P(calm), its arousal P(happy) + P(energetic); the rule\'s are Spotify valence and energy.',
    '',
    '| tracks | rows | quadrant accuracy | macro-F1 | Spearman valence | Spearman arousal |',
    '|---|---:|---:|---:|---:|---:|',
    ...row('all matched', check.all),
    ...row('TidyTuesday tracks', check.tidy),
  ];
}

/** Classifier input for every track with features, in FeatureTable row order. */
function catalogueFeatures(snap: CatalogSnapshot, table: FeatureTable, data: TaskDataset, prior: boolean): Float32Array {
  const fb = CLASSIFIER_FEATURES.length;
  const rows = table.trackIndex.length;
  if ('catalogueBase' in data) return (data as DeezerMoodTask).catalogueBase;
  if (!prior) return table.base;
  const c = data.classes.length;
  const f = fb + c + 1;
  const x = new Float32Array(rows * f);
  for (let j = 0; j < rows; j++) x.set(table.base.subarray(j * fb, (j + 1) * fb), j * f);
  const labelOfRow = new Int32Array(rows).fill(-1);
  data.trackIndex.forEach((i, r) => {
    const j = table.rowOf[i]!;
    if (j >= 0) labelOfRow[j] = data.labels[r]!;
  });
  writeArtistPrior(Int32Array.from(table.trackIndex, (i) => snap.primaryArtist[i]!), labelOfRow, c, x, f, fb);
  return x;
}

/** Each track's content input: its audio features, its own tags, and its primary artist's Last.fm tags at half weight. */
function contentTracks(snap: CatalogSnapshot): ContentTrack[] {
  return snap.trackIds.length === 0
    ? []
    : Array.from(snap.trackIds, (_, i) => {
        const own = snap.trackTags[i];
        const a = snap.primaryArtist[i]!;
        const artist = a >= 0 ? snap.artistTags.get(a) : undefined;
        const tags: string[] = [];
        const weights: number[] = [];
        if (own !== undefined) {
          tags.push(...own.tags);
          own.tags.forEach((_, j) => weights.push(own.weights?.[j] ?? 1));
        }
        if (artist !== undefined) {
          const max = Math.max(1, ...(artist.weights ?? [1]));
          artist.tags.forEach((t, j) => {
            tags.push(t);
            weights.push((0.5 * (artist.weights?.[j] ?? 1)) / max);
          });
        }
        const audio = snap.audio[i];
        return { ...(audio !== null && audio !== undefined ? { audio } : {}), ...(tags.length > 0 ? { tags: { tags, weights } } : {}) };
      });
}

/** Filter attributes per snapshot track; `select` restricts them to the indexed tracks. */
/** Fits the content-vector model over the snapshot and builds the HNSW index over the tracks that have a vector. */
export function buildContentIndexOf(snap: CatalogSnapshot, table: FeatureTable, version: string, predictions: Parameters<typeof indexAttributes>[3]) {
  const tracks = contentTracks(snap);
  const extra: TagDocument[] = [...snap.artistTags.values()];
  const model = fitContentVectorModel(tracks, { version, extraTagDocuments: extra });
  const cv = buildContentVectors(model, tracks);
  const attributes = indexAttributes(snap, table, cv.hasVector, predictions);
  const keep: number[] = [];
  cv.hasVector.forEach((h, i) => {
    if (h === 1) keep.push(i);
  });
  const ids = Int32Array.from(keep, (i) => snap.trackIds[i]!);
  const vectors = new Float32Array(keep.length * cv.dim);
  keep.forEach((i, r) => vectors.set(cv.vectors.subarray(i * cv.dim, (i + 1) * cv.dim), r * cv.dim));
  return { model, cv, keep, index: ContentIndex.build(ids, vectors, cv.dim, attributes.select(keep)) };
}

export function indexAttributes(
  snap: CatalogSnapshot,
  table: FeatureTable,
  hasVector: Uint8Array,
  preds: Partial<Record<'genre' | 'subgenre' | 'mood', { probs: Float32Array; classes: readonly string[] }>>,
): { select(keep: readonly number[]): ContentAttributes } {
  const n = snap.trackIds.length;
  const genres = snap.genres;
  const genre = new Int16Array(n).fill(-1);
  const mood = new Int16Array(n).fill(-1);
  const gp = preds.genre;
  const mp = preds.mood;
  const gArg = gp === undefined ? undefined : argmaxRows(gp.probs, gp.classes.length);
  const mArg = mp === undefined ? undefined : argmaxRows(mp.probs, mp.classes.length);
  const ranges: Record<RangeAttribute, Float32Array> = {
    tempo: new Float32Array(n).fill(Number.NaN),
    energy: new Float32Array(n).fill(Number.NaN),
    valence: new Float32Array(n).fill(Number.NaN),
    danceability: new Float32Array(n).fill(Number.NaN),
    acousticness: new Float32Array(n).fill(Number.NaN),
    instrumentalness: new Float32Array(n).fill(Number.NaN),
    year: new Float32Array(n).fill(Number.NaN),
  };
  for (let i = 0; i < n; i++) {
    if (hasVector[i] !== 1) continue;
    const labelled = snap.genreCounts.get(i);
    const j = table.rowOf[i]!;
    if (labelled !== undefined) genre[i] = genres.indexOf(majorityLabel(labelled));
    else if (j >= 0 && gArg !== undefined) genre[i] = genres.indexOf(gp!.classes[gArg[j]!]!);
    const a = snap.primaryArtist[i]!;
    const tagMood = moodLabel(snap.trackTags[i], a >= 0 ? snap.artistTags.get(a) : undefined);
    const au = snap.audio[i];
    // Tags first; then focus by evidence (instrumental, little speech); then the classifier's quadrant.
    if (tagMood !== undefined) mood[i] = tagMood.mood;
    else if (au !== null && au !== undefined && focusEvidence(au)) mood[i] = MOODS.indexOf('focus');
    else if (j >= 0 && mArg !== undefined) mood[i] = MOODS.indexOf(mp!.classes[mArg[j]!] as (typeof MOODS)[number]);
    if (au !== null && au !== undefined) {
      for (const k of ['tempo', 'energy', 'valence', 'danceability', 'acousticness', 'instrumentalness'] as const) {
        const v = au[k];
        if (typeof v === 'number' && Number.isFinite(v)) ranges[k][i] = v;
      }
    }
    const y = snap.years[i];
    if (y !== null && y !== undefined) ranges.year[i] = y;
  }
  return {
    select: (keep) => ({
      genres,
      moods: [...MOODS],
      genre: Int16Array.from(keep, (i) => genre[i]!),
      mood: Int16Array.from(keep, (i) => mood[i]!),
      ranges: Object.fromEntries(Object.entries(ranges).map(([k, v]) => [k, Float32Array.from(keep, (i) => v[i]!)])),
    }),
  };
}

function dataLines(name: string, data: TaskDataset, snap: CatalogSnapshot, table: FeatureTable): string[] {
  const lines = [
    `Catalogue: ${snap.trackIds.length} tracks, ${table.trackIndex.length} with audio features (${table.repaired} repaired, ${table.unusable} unusable); ${data.labels.length} labelled rows for this task.`,
  ];
  if (name === 'mood' && 'check' in data) {
    lines.push(
      `Labels: Deezer mood dataset valence/arousal (Delbouys et al. 2018; derived from Last.fm track tags through a word-emotion lexicon): a catalogue track whose normalised title + primary artist matches a Deezer training track gets that track's quadrant — ${QUADRANT_MOODS.join(', ')} (happy: valence ≥ 0 and arousal ≥ 0; energetic: valence < 0, arousal ≥ 0; sad: both < 0; calm: valence ≥ 0, arousal < 0). Deezer validation tracks are never trained on.`,
      `Label sources: ${JSON.stringify(data.labelSources ?? {})}.`,
      'Input: audio features and release year, plus evidence: the artist\'s mean Deezer valence and arousal over the training split (the track\'s own value left out, shrunk toward 0 by one pseudo-track) and its log track count, and the share of each mood\'s tags among the track\'s own tags and among its artist\'s Last.fm tags.',
      '"focus" is not a class: it is defined by evidence (instrumentalness ≥ 0.5 and speechiness < 0.1), not by a tag.',
      'Predicted valence and arousal are read from the stored probabilities: valence = P(happy) + P(calm), arousal = P(happy) + P(energetic).',
    );
  } else if (name === 'mood') {
    lines.push(
      'Labels: human tags, never audio features. A track\'s mood is the mood whose tags weigh most on it — from its own Yes.com (Last.fm) tags when any is a mood tag, else from its primary artist\'s Last.fm tags (weighted by the number of people who applied each tag); ties give no label.',
      `Label sources: ${JSON.stringify(data.labelSources ?? {})}.`,
      ...MOODS.map((m) => `Tags for ${m}: ${MOOD_TAGS[m].join(', ')}.`),
      'Input: audio features and release year only (no tags, no artist prior), so the model cannot read its labels back.',
    );
  } else {
    lines.push(
      `Labels: TidyTuesday playlist_${name} (${data.classes.length} classes). The label belongs to the playlist, so a track in playlists of several ${name}s carries several; the training label is the majority one (most playlist rows; ties go to the ${name} of the earliest row in the file). Tracks are entity-resolved by normalised title + primary artist, so duplicate versions are one row.`,
      'Input: audio features, release year, and the artist label prior: the class shares of the other labelled tracks by the same primary artist. In training and evaluation that prior counts training-split labels only (leaving the row\'s own label out), so a test track never sees a test label.',
    );
  }
  return lines;
}

function notes(name: string, r: ClassifierTaskResult): string[] {
  const out: string[] = [];
  if (r.testBySeenArtist !== undefined) {
    out.push('Tracks by artists with no labelled training track rely on audio features and year alone; their metric above is the audio-only figure for this task.');
  }
  if (name === 'mood' && r.featureNames.includes('artist_valence')) out.push('The Deezer labels come from Last.fm tags, so the tag evidence features are close to how the labels were made; the outside check above is the figure to trust.');
  else if (name === 'mood') out.push('Artist-level labels are noisy (an artist\'s tags describe the artist, not every track); the track-level Yes.com labels are fewer.');
  out.push('Catalogue predictions use every known label for the artist prior (leaving the track\'s own label out).');
  return out;
}

function pick(r: { rows: number; macroF1: number; accuracy: number }): { rows: number; macroF1: number; accuracy: number } {
  return { rows: r.rows, macroF1: r.macroF1, accuracy: r.accuracy };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
