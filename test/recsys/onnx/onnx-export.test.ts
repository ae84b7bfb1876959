import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlpClassifier } from '../../../src/recsys/classifier/mlp-classifier.ts';
import { OnnxClassifier } from '../../../src/recsys/classifier/onnx-classifier.ts';
import { InvalidParamsError, ModelFileCorruptError, ModelFileMissingError } from '../../../src/recsys/errors.ts';
import { mlpToOnnx } from '../../../src/recsys/onnx/mlp-onnx.ts';
import { encodeOnnxModel, OnnxDataType } from '../../../src/recsys/onnx/onnx-model.ts';
import { OnnxScorer } from '../../../src/recsys/onnx/onnx-scorer.ts';
import { openOnnxBytes, openOnnxFile } from '../../../src/recsys/onnx/onnx-session.ts';
import { ProtobufWriter } from '../../../src/recsys/onnx/protobuf-writer.ts';
import { scorerToOnnx, scoreTopKJs } from '../../../src/recsys/onnx/scorer-graph.ts';
import { SeededRandom } from '../../../src/recsys/rng.ts';

function fixture(seed = 1, n = 600, f = 5) {
  const rng = new SeededRandom(seed);
  const x = new Float32Array(n * f).map(() => rng.normal() * 2 + 3);
  const y = Int32Array.from({ length: n }, (_, i) => (x[i * f]! > 3 ? 1 : 0) + (x[i * f + 1]! > 3 ? 1 : 0));
  return { x, y, names: Array.from({ length: f }, (_, i) => `f${i}`), classes: ['a', 'b', 'c'] };
}

describe('protobuf writer', () => {
  it('encodes varints, strings and floats as protobuf specifies', () => {
    expect([...new ProtobufWriter().varintField(1, 300).finish()]).toEqual([0x08, 0xac, 0x02]);
    expect([...new ProtobufWriter().stringField(2, 'hi').finish()]).toEqual([0x12, 0x02, 0x68, 0x69]);
    expect([...new ProtobufWriter().floatField(2, 1).finish()]).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    // Negative int64 uses ten bytes of two's complement.
    expect(new ProtobufWriter().varintField(3, -1).finish().length).toBe(11);
  });
});

describe('ONNX export of the classifier', () => {
  it('runs in onnxruntime and matches the TypeScript forward pass within 1e-5', async () => {
    const d = fixture();
    const model = MlpClassifier.train(d.x, d.y, d.names, d.classes, { hidden: [16, 8], epochs: 8, seed: 3 });
    const bytes = encodeOnnxModel(mlpToOnnx(model, 'test'));
    const onnx = await OnnxClassifier.fromBytes(bytes, { format: 'earworm-classifier', task: 't', version: '1', classes: d.classes, featureNames: d.names }, 'mem');
    const a = model.predictProba(d.x);
    const b = await onnx.classify(d.x);
    let max = 0;
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
    expect(max).toBeLessThan(1e-5);
    // Rows sum to one, and the model learned the rule.
    expect(b[0]! + b[1]! + b[2]!).toBeCloseTo(1, 5);
    await onnx.release();
  });

  it('exports softmax regression (no hidden layer) too', async () => {
    const d = fixture(2);
    const model = MlpClassifier.train(d.x, d.y, d.names, d.classes, { hidden: [], epochs: 3 });
    const onnx = await OnnxClassifier.fromBytes(encodeOnnxModel(mlpToOnnx(model, 't')), { format: 'earworm-classifier', task: 't', version: '1', classes: d.classes, featureNames: d.names }, 'mem');
    const b = await onnx.classify(d.x.subarray(0, 5 * 10), 10);
    expect(b.length).toBe(30);
    await onnx.release();
  });

  it('rejects non-finite inputs and a sidecar that does not match the graph', async () => {
    const d = fixture(3);
    const model = MlpClassifier.train(d.x, d.y, d.names, d.classes, { hidden: [4], epochs: 1 });
    const bytes = encodeOnnxModel(mlpToOnnx(model, 't'));
    const side = { format: 'earworm-classifier' as const, task: 't', version: '1', classes: d.classes, featureNames: d.names };
    const onnx = await OnnxClassifier.fromBytes(bytes, side, 'mem');
    const bad = d.x.slice(0, 5);
    bad[2] = Number.NaN;
    await expect(onnx.classify(bad, 1)).rejects.toBeInstanceOf(InvalidParamsError);
    await onnx.release();
    await expect(OnnxClassifier.fromBytes(bytes, { ...side, featureNames: ['x', 'y'] }, 'mem')).rejects.toBeInstanceOf(ModelFileCorruptError);
    await expect(OnnxClassifier.fromBytes(bytes, { ...side, classes: ['a', 'b'] }, 'mem')).rejects.toBeInstanceOf(ModelFileCorruptError);
  });

  it('turns a missing or corrupt model file into typed errors', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ew-onnx-'));
    await expect(openOnnxFile(path.join(dir, 'nope.onnx'))).rejects.toBeInstanceOf(ModelFileMissingError);
    await writeFile(path.join(dir, 'bad.onnx'), new Uint8Array([1, 2, 3, 4, 5, 6, 7]));
    await expect(openOnnxFile(path.join(dir, 'bad.onnx'))).rejects.toBeInstanceOf(ModelFileCorruptError);
    await expect(OnnxClassifier.open(path.join(dir, 'bad.onnx'))).rejects.toBeInstanceOf(ModelFileMissingError); // no sidecar
    await writeFile(path.join(dir, 'bad.json'), '{not json');
    await expect(OnnxClassifier.open(path.join(dir, 'bad.onnx'))).rejects.toBeInstanceOf(ModelFileCorruptError);
    // A truncated real model is corrupt, not a crash.
    const d = fixture(4);
    const model = MlpClassifier.train(d.x, d.y, d.names, d.classes, { hidden: [4], epochs: 1 });
    const bytes = encodeOnnxModel(mlpToOnnx(model, 't'));
    await expect(openOnnxBytes(bytes.subarray(0, Math.floor(bytes.length / 2)), 'truncated')).rejects.toBeInstanceOf(ModelFileCorruptError);
  });

  it('falls back to CPU, saying why, when CUDA is asked for but unavailable', async () => {
    const bytes = encodeOnnxModel({
      graphName: 'add',
      nodes: [{ opType: 'Add', inputs: ['x', 'b'], outputs: ['y'] }],
      initializers: [{ name: 'b', dims: [2], dataType: OnnxDataType.FLOAT, data: new Float32Array([1, 2]) }],
      inputs: [{ name: 'x', elemType: OnnxDataType.FLOAT, shape: ['n', 2] }],
      outputs: [{ name: 'y', elemType: OnnxDataType.FLOAT, shape: ['n', 2] }],
    });
    const s = await openOnnxBytes(bytes, 'add', { provider: 'cuda' });
    if (s.provider === 'cpu') expect(s.fallbackReason).toMatch(/CUDA/);
    else expect(s.fallbackReason).toBeUndefined();
    await s.release();
  });
});

describe('ONNX scorer', () => {
  it('gives the same top-K as the JS reference for any batch size', async () => {
    const rng = new SeededRandom(9);
    const items = 500;
    const dim = 8;
    const factors = new Float32Array(items * dim).map(() => rng.normal());
    const scorer = await OnnxScorer.open(encodeOnnxModel(scorerToOnnx(factors, items, dim)), items, dim);
    for (const batch of [1, 7]) {
      const q = new Float32Array(batch * dim).map(() => rng.normal());
      const a = await scorer.topK(q, batch, 10);
      const b = scoreTopKJs(q, batch, factors, items, dim, 10);
      expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
      for (let i = 0; i < a.scores.length; i++) expect(a.scores[i]).toBeCloseTo(b.scores[i]!, 4);
    }
    // k larger than the catalogue is capped.
    const all = await scorer.topK(new Float32Array(dim).fill(1), 1, 10_000);
    expect(all.k).toBe(items);
    await scorer.release();
  });

  it('rejects queries of the wrong width', async () => {
    const scorer = await OnnxScorer.open(encodeOnnxModel(scorerToOnnx(new Float32Array(12), 3, 4)), 3, 4);
    await expect(scorer.topK(new Float32Array(5), 1, 2)).rejects.toBeInstanceOf(InvalidParamsError);
    await scorer.release();
  });
});
