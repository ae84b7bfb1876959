/**
 * One classification task end to end on plain arrays: hash split by track key, optional artist label prior (from
 * training labels only), training with class-balanced weights, held-out evaluation. The database layer only has to
 * supply the arrays.
 */
import { InvalidParamsError } from '../errors.ts';
import { artistPriorFeatureNames, writeArtistPrior } from './artist-prior.ts';
import { anyOfAccuracy, classificationReport, type ClassificationReport } from './classification-metrics.ts';
import { hashSplitSide, type HashSplitOptions, type SplitSide } from './hash-split.ts';
import { MlpClassifier, type MlpTrainOptions } from './mlp-classifier.ts';

/** The labelled data of one task. Rows are tracks; `base` is row-major [rows][baseFeatureNames.length]. */
export interface ClassifierTaskData {
  readonly task: string;
  readonly classes: readonly string[];
  readonly baseFeatureNames: readonly string[];
  readonly base: Float32Array;
  /** Class index per row. */
  readonly labels: Int32Array;
  /** Stable split key per row (e.g. the track's entity key). */
  readonly keys: readonly string[];
  /** Primary-artist key per row (-1 none); given, the model also sees the artist label prior. */
  readonly artist?: Int32Array;
  /** Every class each row carries (multi-label ground truth); for the "any of its labels" accuracy. */
  readonly acceptable?: readonly (readonly number[])[];
  /** A simple rule the model is shown beside (e.g. energy/valence for mood): the class it gives a row. */
  readonly rule?: { readonly name: string; readonly predict: (row: number) => number };
}

/** The baselines a task's test figures are shown beside, on the same test rows. */
interface TaskBaselines {
  /** Always the most frequent training class. */
  readonly majority: ClassificationReport;
  readonly majorityClass: string;
  /** The task's simple rule, or (with an artist) the artist's most frequent training class, else the majority. */
  readonly rule: { readonly name: string; readonly report: ClassificationReport } | undefined;
}

/** Result of training one task. */
export interface ClassifierTaskResult {
  readonly model: MlpClassifier;
  readonly featureNames: readonly string[];
  readonly split: { readonly train: number; readonly validation: number; readonly test: number; readonly salt: string; readonly testPercent: number; readonly validationPercent: number };
  readonly labelCounts: Readonly<Record<string, number>>;
  readonly test: ClassificationReport;
  /** Test accuracy counting a prediction right when it is any of the row's classes (when `acceptable` was given). */
  readonly testAnyOfAccuracy: number | undefined;
  /** Test rows whose artist had other labelled training tracks vs. not (when the artist prior is used). */
  readonly testBySeenArtist: { readonly seen: ClassificationReport; readonly unseen: ClassificationReport } | undefined;
  /** The test rows' full feature matrix, for checking the ONNX export against the TypeScript forward pass. */
  readonly testFeatures: Float32Array;
  readonly baselines: TaskBaselines;
}

/** Options for a task; defaults in brackets. */
interface ClassifierTaskOptions {
  readonly split?: HashSplitOptions;
  readonly train?: MlpTrainOptions;
  /** Weight classes by inverse frequency (so macro-F1 is not traded for the majority class) [true]. */
  readonly balanceClasses?: boolean;
}

/** Trains and evaluates one task. */
export function trainClassifierTask(data: ClassifierTaskData, options: ClassifierTaskOptions = {}): ClassifierTaskResult {
  const n = data.labels.length;
  const fb = data.baseFeatureNames.length;
  const c = data.classes.length;
  if (data.base.length !== n * fb || data.keys.length !== n || (data.artist !== undefined && data.artist.length !== n)) {
    throw new InvalidParamsError(`task ${data.task}: arrays do not have one entry per row`);
  }
  const salt = options.split?.salt ?? data.task;
  const splitOptions: HashSplitOptions = { ...options.split, salt };
  const sides: SplitSide[] = data.keys.map((k) => hashSplitSide(k, splitOptions));
  const usePrior = data.artist !== undefined;
  const featureNames = usePrior ? [...data.baseFeatureNames, ...artistPriorFeatureNames(data.classes)] : [...data.baseFeatureNames];
  const f = featureNames.length;
  const x = new Float32Array(n * f);
  for (let i = 0; i < n; i++) x.set(data.base.subarray(i * fb, (i + 1) * fb), i * f);
  if (data.artist !== undefined) {
    const trainLabels = Int32Array.from(data.labels, (y, i) => (sides[i] === 'train' ? y : -1));
    writeArtistPrior(data.artist, trainLabels, c, x, f, fb);
  }
  const rowsOf = (side: SplitSide) => {
    const idx: number[] = [];
    sides.forEach((s, i) => {
      if (s === side) idx.push(i);
    });
    const xs = new Float32Array(idx.length * f);
    const ys = new Int32Array(idx.length);
    idx.forEach((r, j) => {
      xs.set(x.subarray(r * f, (r + 1) * f), j * f);
      ys[j] = data.labels[r]!;
    });
    return { idx, x: xs, y: ys };
  };
  const train = rowsOf('train');
  const validation = rowsOf('validation');
  const test = rowsOf('test');
  const classCounts = new Float64Array(c);
  for (const y of train.y) classCounts[y]! += 1;
  const weightOf = (y: number) => (classCounts[y]! > 0 ? train.y.length / (c * classCounts[y]!) : 0);
  const balance = options.balanceClasses ?? true;
  const sampleWeights = balance ? Float32Array.from(train.y, weightOf) : undefined;
  const validationWeights = balance ? Float32Array.from(validation.y, weightOf) : undefined;
  const model = MlpClassifier.train(train.x, train.y, featureNames, data.classes, {
    ...options.train,
    ...(sampleWeights !== undefined ? { sampleWeights } : {}),
    ...(validation.y.length > 0 ? { validation: { x: validation.x, y: validation.y, ...(validationWeights !== undefined ? { weights: validationWeights } : {}) } } : {}),
  });
  const predicted = model.predict(test.x, test.y.length);
  const report = classificationReport(test.y, predicted, data.classes);
  const labelCounts: Record<string, number> = {};
  data.classes.forEach((name) => (labelCounts[name] = 0));
  for (const y of data.labels) labelCounts[data.classes[y]!]! += 1;

  let majority = 0;
  for (let k = 1; k < c; k++) if (classCounts[k]! > classCounts[majority]!) majority = k;
  let rule: TaskBaselines['rule'];
  if (data.rule !== undefined) {
    rule = { name: data.rule.name, report: classificationReport(test.y, Int32Array.from(test.idx, (r) => data.rule!.predict(r)), data.classes) };
  } else if (data.artist !== undefined) {
    const byArtist = new Map<number, Float64Array>();
    for (const r of train.idx) {
      const a = data.artist[r]!;
      if (a < 0) continue;
      let counts = byArtist.get(a);
      if (counts === undefined) byArtist.set(a, (counts = new Float64Array(c)));
      counts[data.labels[r]!]! += 1;
    }
    const predictRow = (r: number) => {
      const counts = byArtist.get(data.artist![r]!);
      if (counts === undefined) return majority;
      let best = 0;
      for (let k = 1; k < c; k++) if (counts[k]! > counts[best]!) best = k;
      return best;
    };
    rule = { name: "the artist's most frequent training label, else the majority class", report: classificationReport(test.y, Int32Array.from(test.idx, predictRow), data.classes) };
  }
  const baselines: TaskBaselines = {
    majority: classificationReport(test.y, new Int32Array(test.y.length).fill(majority), data.classes),
    majorityClass: data.classes[majority]!,
    rule,
  };

  let testBySeenArtist: ClassifierTaskResult['testBySeenArtist'];
  if (usePrior) {
    const seenMask = test.idx.map((r) => x[r * f + fb + c]! > 0);
    const pick = (want: boolean) => {
      const a = test.y.filter((_, j) => seenMask[j] === want);
      const p = predicted.filter((_, j) => seenMask[j] === want);
      return classificationReport(a, p, data.classes);
    };
    testBySeenArtist = { seen: pick(true), unseen: pick(false) };
  }
  return {
    model,
    featureNames,
    split: {
      train: train.y.length,
      validation: validation.y.length,
      test: test.y.length,
      salt,
      testPercent: splitOptions.testPercent ?? 20,
      validationPercent: splitOptions.validationPercent ?? 10,
    },
    labelCounts,
    test: report,
    testAnyOfAccuracy: data.acceptable === undefined ? undefined : anyOfAccuracy(predicted, test.idx.map((r) => data.acceptable![r] ?? [])),
    testBySeenArtist,
    testFeatures: test.x,
    baselines,
  };
}
