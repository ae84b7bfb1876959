/**
 * A classifier served from its ONNX file with onnxruntime. The file's sidecar JSON (`<name>.json`) names the classes
 * and input columns; a missing file, a sidecar that does not match the graph, or bytes onnxruntime rejects become
 * ModelFileMissingError / ModelFileCorruptError, never a crash at inference time.
 */
import { readFile } from 'node:fs/promises';
import { InvalidParamsError, ModelFileCorruptError, ModelFileMissingError } from '../errors.ts';
import { CLASSIFIER_INPUT, CLASSIFIER_OUTPUT } from '../onnx/mlp-onnx.ts';
import { loadOrt, openOnnxBytes, OnnxRunError, type OnnxSession, type OpenSessionOptions } from '../onnx/onnx-session.ts';

/** The sidecar of a classifier file. */
export interface ClassifierSidecar {
  readonly format: 'earworm-classifier';
  readonly task: string;
  readonly version: string;
  readonly classes: readonly string[];
  readonly featureNames: readonly string[];
}

/** Rows per onnxruntime call when classifying many tracks. */
const BATCH = 8192;

/** A loaded ONNX classifier. */
export class OnnxClassifier {
  private constructor(
    private readonly s: OnnxSession,
    readonly sidecar: ClassifierSidecar,
    private readonly label: string,
  ) {}

  /** Number of input columns. */
  get inputSize(): number {
    return this.sidecar.featureNames.length;
  }

  /** The provider the graph runs on. */
  get provider(): OnnxSession['provider'] {
    return this.s.provider;
  }

  /** Opens `<path>` (the .onnx file) and `<path without .onnx>.json`, and checks that they agree. */
  static async open(onnxPath: string, options: OpenSessionOptions = {}): Promise<OnnxClassifier> {
    const sidecarPath = onnxPath.replace(/\.onnx$/, '') + '.json';
    let bytes: Uint8Array;
    let sidecarText: string;
    try {
      bytes = await readFile(onnxPath);
    } catch (cause) {
      throw new ModelFileMissingError(onnxPath, { cause });
    }
    try {
      sidecarText = await readFile(sidecarPath, 'utf8');
    } catch (cause) {
      throw new ModelFileMissingError(sidecarPath, { cause });
    }
    let sidecar: ClassifierSidecar;
    try {
      sidecar = JSON.parse(sidecarText) as ClassifierSidecar;
    } catch (cause) {
      throw new ModelFileCorruptError(sidecarPath, 'not JSON', { cause });
    }
    if (
      sidecar?.format !== 'earworm-classifier' ||
      !Array.isArray(sidecar.classes) ||
      sidecar.classes.length < 2 ||
      !Array.isArray(sidecar.featureNames) ||
      sidecar.featureNames.length < 1
    ) {
      throw new ModelFileCorruptError(sidecarPath, 'not a classifier sidecar');
    }
    return OnnxClassifier.fromBytes(bytes, sidecar, onnxPath, options);
  }

  /** Opens a classifier from model bytes in memory and its sidecar; checks the graph's shapes with one probe row. */
  static async fromBytes(bytes: Uint8Array, sidecar: ClassifierSidecar, label: string, options: OpenSessionOptions = {}): Promise<OnnxClassifier> {
    const s = await openOnnxBytes(bytes, label, options);
    if (!s.session.inputNames.includes(CLASSIFIER_INPUT) || !s.session.outputNames.includes(CLASSIFIER_OUTPUT)) {
      await s.release();
      throw new ModelFileCorruptError(label, `expected input "${CLASSIFIER_INPUT}" and output "${CLASSIFIER_OUTPUT}"`);
    }
    const c = new OnnxClassifier(s, sidecar, label);
    try {
      await c.classify(new Float32Array(c.inputSize), 1);
    } catch (err) {
      await s.release();
      if (err instanceof OnnxRunError) throw new ModelFileCorruptError(label, 'graph does not accept the sidecar\'s input width', { cause: err });
      throw err;
    }
    return c;
  }

  /** Class probabilities, row-major [rows][classes]; inputs must be finite (repair them first). */
  async classify(x: Float32Array, rows = x.length / this.inputSize): Promise<Float32Array> {
    const f = this.inputSize;
    if (!Number.isInteger(rows) || x.length !== rows * f) throw new InvalidParamsError(`input holds ${x.length} values, expected rows x ${f}`);
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i]!)) throw new InvalidParamsError(`input row ${Math.floor(i / f)} column ${this.sidecar.featureNames[i % f]} is not finite`);
    }
    const c = this.sidecar.classes.length;
    const out = new Float32Array(rows * c);
    const ort = await loadOrt();
    for (let start = 0; start < rows; start += BATCH) {
      const n = Math.min(BATCH, rows - start);
      const r = await this.s.run({ [CLASSIFIER_INPUT]: new ort.Tensor('float32', x.subarray(start * f, (start + n) * f), [n, f]) });
      const probs = r[CLASSIFIER_OUTPUT]!.data as Float32Array;
      if (probs.length !== n * c) throw new ModelFileCorruptError(this.label, `graph gives ${probs.length / n} outputs per row, sidecar names ${c} classes`);
      out.set(probs, start * c);
    }
    return out;
  }

  release(): Promise<void> {
    return this.s.release();
  }
}
