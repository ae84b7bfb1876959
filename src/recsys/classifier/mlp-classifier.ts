/**
 * A multilayer perceptron classifier (standardise -> [dense -> ReLU]* -> dense -> softmax) trained with mini-batch
 * Adam on typed arrays. With no hidden layers it is softmax regression. The same forward pass is exported as an ONNX
 * graph (see mlp-onnx.ts), and the two agree to float32 rounding.
 */
import { InvalidParamsError } from '../errors.ts';
import { SeededRandom } from '../rng.ts';

/** One dense layer: `weights` is row-major [inSize][outSize]. */
interface DenseLayer {
  readonly inSize: number;
  readonly outSize: number;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

/** Everything a trained classifier is: input standardisation, layers and the class names of its outputs. */
interface MlpClassifierData {
  readonly featureNames: readonly string[];
  readonly classes: readonly string[];
  /** Subtracted from each input column. */
  readonly mean: Float32Array;
  /** Multiplies each centred input column (1 / standard deviation). */
  readonly scale: Float32Array;
  readonly layers: readonly DenseLayer[];
}

/** Training hyperparameters; defaults in brackets. */
export interface MlpTrainOptions {
  /** Hidden layer widths [64, 32]; [] gives softmax regression. */
  readonly hidden?: readonly number[];
  readonly epochs?: number; // [40]
  readonly batchSize?: number; // [128]
  readonly learningRate?: number; // [0.003]
  /** L2 weight decay on weights (not biases) [1e-4]. */
  readonly l2?: number;
  readonly seed?: number; // [7]
  /** Weight per training row (e.g. inverse class frequency); default 1. */
  readonly sampleWeights?: Float32Array;
  /** Rows to pick the best epoch on (lowest weighted cross-entropy); without it the last epoch is kept. */
  readonly validation?: { readonly x: Float32Array; readonly y: Int32Array; readonly weights?: Float32Array };
  /** Called after each epoch with the training and validation losses. */
  readonly onEpoch?: (epoch: number, trainLoss: number, validationLoss: number | undefined) => void;
}

/** A trained classifier: probabilities over `classes` for rows of `featureNames`. */
export class MlpClassifier {
  constructor(readonly data: MlpClassifierData) {
    const f = data.featureNames.length;
    if (data.mean.length !== f || data.scale.length !== f) throw new InvalidParamsError('mean/scale length must equal the feature count');
    let width = f;
    for (const l of data.layers) {
      if (l.inSize !== width || l.weights.length !== l.inSize * l.outSize || l.bias.length !== l.outSize) {
        throw new InvalidParamsError('layer shapes do not chain');
      }
      width = l.outSize;
    }
    if (width !== data.classes.length) throw new InvalidParamsError('last layer width must equal the class count');
  }

  /** Number of input features per row. */
  get inputSize(): number {
    return this.data.featureNames.length;
  }

  /** Number of output classes. */
  get classCount(): number {
    return this.data.classes.length;
  }

  /** Class probabilities, row-major [rows][classes], computed in float32 steps like onnxruntime does. */
  predictProba(x: Float32Array, rows = x.length / this.inputSize): Float32Array {
    checkRows(x, rows, this.inputSize);
    const out = new Float32Array(rows * this.classCount);
    const chunk = 1024;
    for (let start = 0; start < rows; start += chunk) {
      const n = Math.min(chunk, rows - start);
      const acts = forward(this.data, x.subarray(start * this.inputSize, (start + n) * this.inputSize), n);
      out.set(acts[acts.length - 1]!, start * this.classCount);
    }
    return out;
  }

  /** The most probable class index of each row. */
  predict(x: Float32Array, rows = x.length / this.inputSize): Int32Array {
    return argmaxRows(this.predictProba(x, rows), this.classCount);
  }

  /** Trains a classifier on rows `x` (row-major, `featureNames.length` columns) with labels `y` in [0, classes). */
  static train(
    x: Float32Array,
    y: Int32Array,
    featureNames: readonly string[],
    classes: readonly string[],
    options: MlpTrainOptions = {},
  ): MlpClassifier {
    const f = featureNames.length;
    const rows = y.length;
    checkRows(x, rows, f);
    if (rows === 0) throw new InvalidParamsError('no training rows');
    for (let i = 0; i < rows; i++) {
      if (!(y[i]! >= 0 && y[i]! < classes.length)) throw new InvalidParamsError(`label ${y[i]} of row ${i} is outside [0, ${classes.length})`);
    }
    const hidden = options.hidden ?? [64, 32];
    const epochs = options.epochs ?? 40;
    const batchSize = options.batchSize ?? 128;
    const lr = options.learningRate ?? 0.003;
    const l2 = options.l2 ?? 1e-4;
    if (!(epochs >= 1 && batchSize >= 1 && lr > 0 && l2 >= 0) || hidden.some((h) => !(Number.isInteger(h) && h >= 1))) {
      throw new InvalidParamsError('epochs and batchSize must be >= 1, learningRate > 0, l2 >= 0, hidden widths positive integers');
    }
    const rng = new SeededRandom(options.seed ?? 7);
    const { mean, scale } = standardisation(x, rows, f);

    const sizes = [f, ...hidden, classes.length];
    const layers: DenseLayer[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const inSize = sizes[l]!;
      const outSize = sizes[l + 1]!;
      const weights = new Float32Array(inSize * outSize);
      const std = Math.sqrt(2 / inSize); // He initialisation for ReLU layers
      for (let i = 0; i < weights.length; i++) weights[i] = rng.normal() * std;
      layers.push({ inSize, outSize, weights, bias: new Float32Array(outSize) });
    }
    const data: MlpClassifierData = { featureNames: [...featureNames], classes: [...classes], mean, scale, layers };
    const adam = layers.map((l) => ({
      mw: new Float64Array(l.weights.length),
      vw: new Float64Array(l.weights.length),
      mb: new Float64Array(l.outSize),
      vb: new Float64Array(l.outSize),
    }));
    const grads = layers.map((l) => ({ w: new Float64Array(l.weights.length), b: new Float64Array(l.outSize) }));
    const order = new Int32Array(rows);
    for (let i = 0; i < rows; i++) order[i] = i;
    const bx = new Float32Array(batchSize * f);
    const by = new Int32Array(batchSize);
    const bw = new Float32Array(batchSize);
    let step = 0;
    let best: { loss: number; layers: DenseLayer[] } | undefined;

    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffle(order, rng);
      let lossSum = 0;
      let weightSum = 0;
      for (let start = 0; start < rows; start += batchSize) {
        const n = Math.min(batchSize, rows - start);
        for (let b = 0; b < n; b++) {
          const r = order[start + b]!;
          bx.set(x.subarray(r * f, (r + 1) * f), b * f);
          by[b] = y[r]!;
          bw[b] = options.sampleWeights?.[r] ?? 1;
        }
        const acts = forward(data, bx.subarray(0, n * f), n);
        const batchWeight = sumOf(bw, n);
        if (batchWeight <= 0) continue;
        // Output delta of softmax + cross-entropy: (p - onehot) * w / sum(w).
        const c = classes.length;
        let delta = new Float64Array(n * c);
        const probs = acts[acts.length - 1]!;
        for (let b = 0; b < n; b++) {
          const w = bw[b]! / batchWeight;
          lossSum -= bw[b]! * Math.log(Math.max(probs[b * c + by[b]!]!, 1e-12));
          for (let k = 0; k < c; k++) delta[b * c + k] = (probs[b * c + k]! - (k === by[b] ? 1 : 0)) * w;
        }
        weightSum += batchWeight;
        for (let l = layers.length - 1; l >= 0; l--) {
          const layer = layers[l]!;
          const input = acts[l]!;
          const g = grads[l]!;
          g.w.fill(0);
          g.b.fill(0);
          const { inSize, outSize } = layer;
          for (let b = 0; b < n; b++) {
            for (let o = 0; o < outSize; o++) {
              const d = delta[b * outSize + o]!;
              if (d === 0) continue;
              g.b[o]! += d;
              for (let i = 0; i < inSize; i++) g.w[i * outSize + o]! += input[b * inSize + i]! * d;
            }
          }
          if (l > 0) {
            const prev = new Float64Array(n * inSize);
            for (let b = 0; b < n; b++) {
              for (let i = 0; i < inSize; i++) {
                if (input[b * inSize + i]! <= 0) continue; // ReLU gradient
                let s = 0;
                for (let o = 0; o < outSize; o++) s += layer.weights[i * outSize + o]! * delta[b * outSize + o]!;
                prev[b * inSize + i] = s;
              }
            }
            delta = prev;
          }
        }
        step++;
        const b1 = 0.9;
        const b2 = 0.999;
        const c1 = 1 - b1 ** step;
        const c2 = 1 - b2 ** step;
        for (let l = 0; l < layers.length; l++) {
          const layer = layers[l]!;
          const g = grads[l]!;
          const m = adam[l]!;
          for (let i = 0; i < layer.weights.length; i++) {
            const gi = g.w[i]! + l2 * layer.weights[i]!;
            m.mw[i] = b1 * m.mw[i]! + (1 - b1) * gi;
            m.vw[i] = b2 * m.vw[i]! + (1 - b2) * gi * gi;
            layer.weights[i]! -= (lr * (m.mw[i]! / c1)) / (Math.sqrt(m.vw[i]! / c2) + 1e-8);
          }
          for (let o = 0; o < layer.outSize; o++) {
            const gi = g.b[o]!;
            m.mb[o] = b1 * m.mb[o]! + (1 - b1) * gi;
            m.vb[o] = b2 * m.vb[o]! + (1 - b2) * gi * gi;
            layer.bias[o]! -= (lr * (m.mb[o]! / c1)) / (Math.sqrt(m.vb[o]! / c2) + 1e-8);
          }
        }
      }
      const trainLoss = weightSum > 0 ? lossSum / weightSum : 0;
      let validationLoss: number | undefined;
      if (options.validation !== undefined && options.validation.y.length > 0) {
        validationLoss = crossEntropy(new MlpClassifier(data), options.validation.x, options.validation.y, options.validation.weights);
        if (best === undefined || validationLoss < best.loss) best = { loss: validationLoss, layers: layers.map(cloneLayer) };
      }
      options.onEpoch?.(epoch, trainLoss, validationLoss);
    }
    return new MlpClassifier(best === undefined ? data : { ...data, layers: best.layers });
  }
}

/** Index of the largest value in each row of a row-major [rows][width] matrix (ties: lower index). */
export function argmaxRows(values: Float32Array, width: number): Int32Array {
  const rows = values.length / width;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let bi = 0;
    let bv = values[r * width]!;
    for (let k = 1; k < width; k++) {
      const v = values[r * width + k]!;
      if (v > bv) {
        bv = v;
        bi = k;
      }
    }
    out[r] = bi;
  }
  return out;
}

/** Mean (sample-weighted) cross-entropy of a classifier on labelled rows. */
function crossEntropy(model: MlpClassifier, x: Float32Array, y: Int32Array, weights?: Float32Array): number {
  const p = model.predictProba(x, y.length);
  const c = model.classCount;
  let s = 0;
  let ws = 0;
  for (let r = 0; r < y.length; r++) {
    const w = weights?.[r] ?? 1;
    s -= w * Math.log(Math.max(p[r * c + y[r]!]!, 1e-12));
    ws += w;
  }
  return ws > 0 ? s / ws : 0;
}

/** Activations of every layer: [standardised input, hidden..., probabilities], each row-major Float32Array. */
function forward(data: MlpClassifierData, x: Float32Array, rows: number): Float32Array[] {
  const f = data.featureNames.length;
  const z = new Float32Array(rows * f);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < f; j++) z[r * f + j] = Math.fround(x[r * f + j]! - data.mean[j]!) * data.scale[j]!;
  }
  const acts: Float32Array[] = [z];
  let input = z;
  for (let l = 0; l < data.layers.length; l++) {
    const layer = data.layers[l]!;
    const { inSize, outSize, weights, bias } = layer;
    const out = new Float32Array(rows * outSize);
    const acc = new Float64Array(outSize);
    const last = l === data.layers.length - 1;
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < outSize; o++) acc[o] = 0;
      for (let i = 0; i < inSize; i++) {
        const v = input[r * inSize + i]!;
        if (v === 0) continue;
        const base = i * outSize;
        for (let o = 0; o < outSize; o++) acc[o]! += v * weights[base + o]!;
      }
      for (let o = 0; o < outSize; o++) {
        const s = acc[o]! + bias[o]!;
        out[r * outSize + o] = last || s > 0 ? s : 0;
      }
      if (last) softmaxInPlace(out, r * outSize, outSize);
    }
    acts.push(out);
    input = out;
  }
  return acts;
}

function softmaxInPlace(v: Float32Array, offset: number, width: number): void {
  let max = -Infinity;
  for (let k = 0; k < width; k++) max = Math.max(max, v[offset + k]!);
  let sum = 0;
  for (let k = 0; k < width; k++) {
    const e = Math.exp(v[offset + k]! - max);
    v[offset + k] = e;
    sum += e;
  }
  for (let k = 0; k < width; k++) v[offset + k] = v[offset + k]! / sum;
}

function standardisation(x: Float32Array, rows: number, f: number): { mean: Float32Array; scale: Float32Array } {
  const mean = new Float64Array(f);
  const sq = new Float64Array(f);
  for (let r = 0; r < rows; r++) for (let j = 0; j < f; j++) mean[j]! += x[r * f + j]!;
  for (let j = 0; j < f; j++) mean[j] = mean[j]! / rows;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < f; j++) {
      const d = x[r * f + j]! - mean[j]!;
      sq[j]! += d * d;
    }
  }
  const scale = new Float32Array(f);
  for (let j = 0; j < f; j++) {
    const sd = Math.sqrt(sq[j]! / rows);
    scale[j] = sd > 1e-12 ? 1 / sd : 1; // a constant column passes through centred
  }
  return { mean: Float32Array.from(mean), scale };
}

function checkRows(x: Float32Array, rows: number, f: number): void {
  if (!Number.isInteger(rows) || rows < 0 || x.length !== rows * f) {
    throw new InvalidParamsError(`feature matrix has ${x.length} values, expected ${rows} rows x ${f} features`);
  }
}

function shuffle(a: Int32Array, rng: SeededRandom): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

function sumOf(a: Float32Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]!;
  return s;
}

function cloneLayer(l: DenseLayer): DenseLayer {
  return { inSize: l.inSize, outSize: l.outSize, weights: l.weights.slice(), bias: l.bias.slice() };
}
