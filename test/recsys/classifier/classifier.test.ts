import { describe, expect, it } from 'vitest';
import { writeArtistPrior } from '../../../src/recsys/classifier/artist-prior.ts';
import { classificationReport } from '../../../src/recsys/classifier/classification-metrics.ts';
import { hashSplit, hashSplitSide } from '../../../src/recsys/classifier/hash-split.ts';
import { MlpClassifier } from '../../../src/recsys/classifier/mlp-classifier.ts';
import { MOODS, moodLabel, moodOfTag } from '../../../src/recsys/classifier/mood-labels.ts';
import { renderModelCard } from '../../../src/recsys/classifier/model-card.ts';
import { trainClassifierTask } from '../../../src/recsys/classifier/train-task.ts';
import { InvalidParamsError } from '../../../src/recsys/errors.ts';
import { SeededRandom } from '../../../src/recsys/rng.ts';

/** Three Gaussian blobs in 4 dimensions: a known-answer fixture any working classifier separates. */
function blobs(n: number, seed: number) {
  const rng = new SeededRandom(seed);
  const f = 4;
  const x = new Float32Array(n * f);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    for (let j = 0; j < f; j++) x[i * f + j] = (j === c ? 4 : 0) + rng.normal() + 100; // offset tests standardisation
  }
  return { x, y, names: ['a', 'b', 'c', 'd'], classes: ['x', 'y', 'z'] };
}

describe('MlpClassifier', () => {
  it('learns separable classes, with or without hidden layers', () => {
    const d = blobs(600, 1);
    for (const hidden of [[16], []]) {
      const m = MlpClassifier.train(d.x, d.y, d.names, d.classes, { hidden, epochs: 20, batchSize: 16, learningRate: 0.01, seed: 2 });
      const t = blobs(300, 9);
      const r = classificationReport(t.y, m.predict(t.x), t.classes);
      expect(r.accuracy).toBeGreaterThan(0.95);
    }
  });

  it('is a function of its seed', () => {
    const d = blobs(150, 3);
    const a = MlpClassifier.train(d.x, d.y, d.names, d.classes, { hidden: [8], epochs: 2, seed: 5 });
    const b = MlpClassifier.train(d.x, d.y, d.names, d.classes, { hidden: [8], epochs: 2, seed: 5 });
    const c = MlpClassifier.train(d.x, d.y, d.names, d.classes, { hidden: [8], epochs: 2, seed: 6 });
    expect(Array.from(a.data.layers[0]!.weights)).toEqual(Array.from(b.data.layers[0]!.weights));
    expect(Array.from(a.data.layers[0]!.weights)).not.toEqual(Array.from(c.data.layers[0]!.weights));
  });

  it('rejects labels outside the classes and mis-shaped inputs', () => {
    const d = blobs(30, 1);
    const y = d.y.slice();
    y[0] = 7;
    expect(() => MlpClassifier.train(d.x, y, d.names, d.classes)).toThrow(InvalidParamsError);
    expect(() => MlpClassifier.train(d.x.subarray(1), d.y, d.names, d.classes)).toThrow(InvalidParamsError);
  });
});

describe('classification metrics', () => {
  it('computes the confusion matrix and macro-F1 of a known case', () => {
    const r = classificationReport(Int32Array.from([0, 0, 1, 1]), Int32Array.from([0, 1, 1, 1]), ['a', 'b']);
    expect(r.confusion).toEqual([
      [1, 1],
      [0, 2],
    ]);
    expect(r.accuracy).toBe(0.75);
    // a: P 1, R 0.5, F1 2/3; b: P 2/3, R 1, F1 0.8
    expect(r.macroF1).toBeCloseTo((2 / 3 + 0.8) / 2, 10);
  });
});

describe('hash split', () => {
  it('is stable, salted, and close to the asked shares', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `track-${i}`);
    const s = hashSplit(keys);
    expect(s.test.length / 5000).toBeGreaterThan(0.17);
    expect(s.test.length / 5000).toBeLessThan(0.23);
    expect(hashSplitSide('track-42')).toBe(hashSplitSide('track-42'));
    const salted = hashSplit(keys, { salt: 'mood' });
    expect(salted.test).not.toEqual(s.test);
  });
});

describe('mood labels', () => {
  it('maps tags, prefers the track\'s own tags and drops ties', () => {
    expect(MOODS[moodOfTag('Chill ')]).toBe('calm');
    expect(moodOfTag('rock')).toBe(-1);
    expect(moodLabel({ tags: ['sad', 'rock'] }, { tags: ['happy'], weights: [50] })).toEqual({ mood: MOODS.indexOf('sad'), source: 'track' });
    expect(moodLabel({ tags: ['rock'] }, { tags: ['happy', 'sad'], weights: [5, 2] })).toEqual({ mood: MOODS.indexOf('happy'), source: 'artist' });
    expect(moodLabel({ tags: ['happy', 'sad'] }, undefined)).toBeUndefined();
    expect(moodLabel(undefined, undefined)).toBeUndefined();
  });
});

describe('artist prior', () => {
  it('counts other tracks\' labels only', () => {
    const artist = Int32Array.from([1, 1, 1, 2, -1]);
    const label = Int32Array.from([0, 0, 1, 1, 0]);
    const out = new Float32Array(5 * 3);
    writeArtistPrior(artist, label, 2, out, 3, 0);
    expect(Array.from(out.subarray(0, 3))).toEqual([0.5, 0.5, Math.fround(Math.log1p(2))]); // row 0: others are 0 and 1
    expect(Array.from(out.subarray(6, 9))).toEqual([1, 0, Math.fround(Math.log1p(2))]);
    expect(Array.from(out.subarray(9, 12))).toEqual([0.5, 0.5, 0]); // alone: uniform, count 0
    expect(Array.from(out.subarray(12, 15))).toEqual([0.5, 0.5, 0]); // no artist
  });

  it('never lets a test row see test labels in a task', () => {
    // Every artist has exactly one track: the prior must be uniform everywhere, whatever the labels.
    const d = blobs(300, 4);
    const r = trainClassifierTask(
      { task: 't', classes: d.classes, baseFeatureNames: d.names, base: d.x, labels: d.y, keys: d.y.length ? Array.from(d.y, (_, i) => `k${i}`) : [], artist: Int32Array.from(d.y, (_, i) => i) },
      { train: { hidden: [8], epochs: 3 } },
    );
    const f = r.featureNames.length;
    for (let i = 0; i < r.split.test; i++) expect(r.testFeatures[i * f + f - 1]).toBe(0);
    expect(r.testBySeenArtist?.seen.rows).toBe(0);
    expect(r.test.rows).toBe(r.split.test);
    const card = renderModelCard(
      { title: 'T', version: 'v', date: '2026-01-01', data: ['fixture'], hyperparameters: { a: 1 }, onnxMaxAbsDiff: 1e-7, onnxFile: 't.onnx' },
      r,
    );
    expect(card).toContain('## Confusion matrix');
    expect(card).toContain('| x |');
  });
});
