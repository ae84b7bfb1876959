/**
 * Content benchmarks for `npm run bench`: classifier throughput (onnxruntime and the TypeScript forward pass), HNSW
 * recall@10 against brute force and latency per query, and the ONNX scorer against the JS scorer. Uses the active
 * trained versions in the configured database when there are some (the imported catalogue); otherwise a seeded
 * synthetic catalogue of the same size as TidyTuesday, and says so.
 */
import path from 'node:path';
import type { Config } from '../config/config.ts';
import { openConfiguredDb } from '../db/db.ts';
import { activeModelVersion, CONTENT_MODEL_KINDS, modelFilePath } from '../db/model-versions.ts';
import { MlpClassifier } from '../recsys/classifier/mlp-classifier.ts';
import { OnnxClassifier } from '../recsys/classifier/onnx-classifier.ts';
import { ContentIndex } from '../recsys/content/content-index.ts';
import { mlpToOnnx } from '../recsys/onnx/mlp-onnx.ts';
import { encodeOnnxModel } from '../recsys/onnx/onnx-model.ts';
import { OnnxScorer } from '../recsys/onnx/onnx-scorer.ts';
import { scorerToOnnx, scoreTopKJs } from '../recsys/onnx/scorer-graph.ts';
import { SeededRandom } from '../recsys/rng.ts';

/** Every figure the content bench measures. */
export interface ContentBenchResult {
  readonly data: 'trained' | 'synthetic';
  readonly provider: string;
  readonly classifier: { readonly rows: number; readonly onnxTracksPerSecond: number; readonly tsTracksPerSecond: number; readonly batch: number };
  /** On the tracks with audio features (the TidyTuesday catalogue). */
  readonly hnsw: HnswFigures;
  /** On every indexed track (including tag-only vectors). */
  readonly hnswAll: HnswFigures;
  readonly scorer: { readonly items: number; readonly dim: number; readonly batch: number; readonly k: number; readonly onnxMs: number; readonly jsMs: number; readonly sameTopK: number; readonly provider: string };
}

/** Runs the benchmark, prints a table, returns the figures. */
export async function runContentBench(config: Pick<Config, 'home' | 'databaseUrl' | 'onnxProvider'>, print: (line: string) => void = console.log): Promise<ContentBenchResult> {
  const trained = await loadTrained(config);
  const rng = new SeededRandom(2024);
  const data = trained ?? (await synthetic(rng, config.onnxProvider));

  // Classifier throughput over the catalogue's feature rows, repeated to at least 200K rows.
  const classifier = data.classifier;
  const reps = Math.max(1, Math.ceil(200_000 / data.featureRows));
  const x = new Float32Array(data.features.length * reps);
  for (let r = 0; r < reps; r++) x.set(data.features, r * data.features.length);
  const rows = data.featureRows * reps;
  await classifier.onnx.classify(x.subarray(0, Math.min(x.length, 8192 * classifier.onnx.inputSize))); // warm-up
  let t = performance.now();
  await classifier.onnx.classify(x, rows);
  const onnxS = (performance.now() - t) / 1000;
  t = performance.now();
  classifier.ts.predictProba(x, rows);
  const tsS = (performance.now() - t) / 1000;
  await classifier.onnx.release();

  // HNSW recall@10 and latency: on the tracks with audio features (the TidyTuesday catalogue) and on the whole index.
  const index = data.index;
  const audioIndex = audioSubset(index);
  const hnswAudio = measureHnsw(audioIndex, rng);
  const hnswAll = measureHnsw(index, rng);

  // ONNX scorer vs JS scorer: the item matrix is the content vectors, queries are 256 of them.
  const items = index.size;
  const dim = index.dim;
  const batch = 256;
  const k = 10;
  const queries = new Float32Array(batch * dim);
  for (let b = 0; b < batch; b++) {
    const p = Math.floor(rng.next() * items);
    queries.set(index.vectors.subarray(p * dim, (p + 1) * dim), b * dim);
  }
  const scorer = await OnnxScorer.open(encodeOnnxModel(scorerToOnnx(index.vectors, items, dim)), items, dim, { provider: config.onnxProvider });
  await scorer.topK(queries.subarray(0, dim), 1, k); // warm-up
  t = performance.now();
  const onnxTop = await scorer.topK(queries, batch, k);
  const onnxMs = performance.now() - t;
  t = performance.now();
  const jsTop = scoreTopKJs(queries, batch, index.vectors, items, dim, k);
  const jsMs = performance.now() - t;
  let same = 0;
  for (let b = 0; b < batch; b++) {
    const a = new Set(onnxTop.indices.subarray(b * k, (b + 1) * k));
    for (const i of jsTop.indices.subarray(b * k, (b + 1) * k)) if (a.has(i)) same++;
  }
  const scorerProvider = scorer.provider;
  await scorer.release();

  const result: ContentBenchResult = {
    data: trained === undefined ? 'synthetic' : 'trained',
    provider: config.onnxProvider,
    classifier: { rows, onnxTracksPerSecond: rows / onnxS, tsTracksPerSecond: rows / tsS, batch: 8192 },
    hnsw: hnswAudio,
    hnswAll,
    scorer: { items, dim, batch, k, onnxMs, jsMs, sameTopK: same / (batch * k), provider: scorerProvider },
  };
  const f = (v: number, d = 0) => v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  print(`content bench (${result.data === 'trained' ? 'active trained models' : 'synthetic catalogue: run `earworm train` for real figures'})`);
  print(`  classifier (${data.classifierName}): ${f(result.classifier.onnxTracksPerSecond)} tracks/s onnxruntime ${scorerProvider}, ${f(result.classifier.tsTracksPerSecond)} tracks/s TypeScript (${f(rows)} rows)`);
  for (const [label, h] of [['tracks with audio features', result.hnsw], ['whole index', result.hnswAll]] as const) {
    print(
      `  hnsw (${label}): ${f(h.items)} items x ${h.dim}, ef ${h.ef}, ${h.queries} queries: recall@10 ${h.recallAt10.toFixed(4)} ` +
        `(tie-aware ${h.tieAwareRecallAt10.toFixed(4)}), ${h.msPerQuery.toFixed(3)} ms/query (brute force ${h.exactMsPerQuery.toFixed(3)} ms/query)`,
    );
  }
  print(`  scorer: ${batch} queries x ${f(items)} items x ${dim}, top-${k}: onnx ${onnxMs.toFixed(1)} ms, js ${jsMs.toFixed(1)} ms, same top-K ${(100 * result.scorer.sameTopK).toFixed(2)}%`);
  return result;
}

/** Recall and latency of one index. */
export interface HnswFigures {
  readonly items: number;
  readonly dim: number;
  readonly queries: number;
  readonly ef: number;
  /** Share of the exact top-10 ids that HNSW returned. */
  readonly recallAt10: number;
  /** Share of HNSW results at least as similar as the exact 10th (equal vectors make exact ids arbitrary). */
  readonly tieAwareRecallAt10: number;
  readonly msPerQuery: number;
  readonly exactMsPerQuery: number;
}

/** Queries 1,000 of the index's own vectors (excluding the item itself) against HNSW and brute force. */
function measureHnsw(index: ContentIndex, rng: SeededRandom): HnswFigures {
  const q = Math.min(1000, index.size);
  let hits = 0;
  let tieHits = 0;
  let annMs = 0;
  let exactMs = 0;
  for (let n = 0; n < q; n++) {
    const p = Math.floor(rng.next() * index.size);
    const v = index.vectors.subarray(p * index.dim, (p + 1) * index.dim);
    let s = performance.now();
    const ann = index.query(v, 10);
    annMs += performance.now() - s;
    s = performance.now();
    const exact = index.exact(v, 10);
    exactMs += performance.now() - s;
    const truth = new Set(exact.map((e) => e.id));
    hits += ann.filter((a) => truth.has(a.id)).length;
    const tenth = exact[exact.length - 1]?.similarity ?? -Infinity;
    tieHits += ann.filter((a) => a.similarity >= tenth - 1e-6).length;
  }
  const k = Math.min(10, index.size);
  return {
    items: index.size,
    dim: index.dim,
    queries: q,
    ef: index.options.ef,
    recallAt10: hits / (q * k),
    tieAwareRecallAt10: tieHits / (q * k),
    msPerQuery: annMs / q,
    exactMsPerQuery: exactMs / q,
  };
}

/** A fresh index over the items that have audio features (a known tempo), with the same HNSW parameters. */
function audioSubset(index: ContentIndex): ContentIndex {
  const tempo = index.attributes.ranges.tempo;
  if (tempo === undefined) return index;
  const keep: number[] = [];
  for (let p = 0; p < index.size; p++) if (Number.isFinite(tempo[p]!)) keep.push(p);
  if (keep.length === 0) return index;
  const dim = index.dim;
  const vectors = new Float32Array(keep.length * dim);
  keep.forEach((p, r) => vectors.set(index.vectors.subarray(p * dim, (p + 1) * dim), r * dim));
  const a = index.attributes;
  return ContentIndex.build(
    Int32Array.from(keep, (p) => index.ids[p]!),
    vectors,
    dim,
    { genres: a.genres, moods: a.moods, genre: Int16Array.from(keep, (p) => a.genre[p]!), mood: Int16Array.from(keep, (p) => a.mood[p]!), ranges: {} },
    index.options,
  );
}

interface BenchData {
  readonly classifierName: string;
  readonly classifier: { readonly onnx: OnnxClassifier; readonly ts: MlpClassifier };
  readonly features: Float32Array;
  readonly featureRows: number;
  readonly index: ContentIndex;
}

/** The active genre classifier and content index, or undefined when none has been trained. */
async function loadTrained(config: Pick<Config, 'home' | 'databaseUrl' | 'onnxProvider'>): Promise<BenchData | undefined> {
  const db = await openConfiguredDb(config);
  try {
    const genre = await activeModelVersion(db, CONTENT_MODEL_KINDS.genre);
    const content = await activeModelVersion(db, CONTENT_MODEL_KINDS.content);
    if (genre === undefined || content === undefined) return undefined;
    const onnxPath = path.join(modelFilePath(config.home, genre), 'genre.onnx');
    const onnx = await OnnxClassifier.open(onnxPath, { provider: config.onnxProvider });
    const index = await ContentIndex.load(modelFilePath(config.home, content));
    // The TypeScript figure uses a network of the same shape (the trained weights live inside the ONNX graph);
    // throughput does not depend on the weights' values.
    const f = onnx.inputSize;
    const rng = new SeededRandom(5);
    const n = 24_000;
    const features = new Float32Array(n * f).map(() => rng.normal());
    const ts = sameShapeNetwork(f, onnx.sidecar.classes.length, rng);
    return { classifierName: `genre ${genre.version}`, classifier: { onnx, ts }, features, featureRows: n, index };
  } finally {
    await db.close();
  }
}

/** A seeded stand-in of TidyTuesday's size: 28,356 clustered unit vectors of dimension 29 and a 6-class network. */
async function synthetic(rng: SeededRandom, provider: Config['onnxProvider']): Promise<BenchData> {
  const n = 28_356;
  const dim = 29;
  const centres = Array.from({ length: 60 }, () => Float32Array.from({ length: dim }, () => rng.normal()));
  const vectors = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = centres[Math.floor(rng.next() * centres.length)]!;
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const v = c[j]! + 0.6 * rng.normal();
      vectors[i * dim + j] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    for (let j = 0; j < dim; j++) vectors[i * dim + j] = vectors[i * dim + j]! / norm;
  }
  const attributes = { genres: [], moods: [], genre: new Int16Array(n).fill(-1), mood: new Int16Array(n).fill(-1), ranges: {} };
  const index = ContentIndex.build(Int32Array.from({ length: n }, (_, i) => i + 1), vectors, dim, attributes);
  const f = 22;
  const ts = sameShapeNetwork(f, 6, rng);
  const onnx = await OnnxClassifier.fromBytes(
    encodeOnnxModel(mlpToOnnx(ts, 'bench')),
    { format: 'earworm-classifier', task: 'bench', version: 'synthetic', classes: ts.data.classes, featureNames: ts.data.featureNames },
    'synthetic classifier',
    { provider },
  );
  const rows = 24_000;
  return { classifierName: 'synthetic 6-class', classifier: { onnx, ts }, features: new Float32Array(rows * f).map(() => rng.normal()), featureRows: rows, index };
}

/** A random network with the trained classifier's shape (f -> 64 -> 32 -> classes), for the TypeScript throughput figure. */
function sameShapeNetwork(f: number, classes: number, rng: SeededRandom): MlpClassifier {
  const sizes = [f, 64, 32, classes];
  const layers = sizes.slice(0, -1).map((inSize, l) => {
    const outSize = sizes[l + 1]!;
    return { inSize, outSize, weights: new Float32Array(inSize * outSize).map(() => rng.normal() * 0.2), bias: new Float32Array(outSize) };
  });
  return new MlpClassifier({
    featureNames: Array.from({ length: f }, (_, i) => `f${i}`),
    classes: Array.from({ length: classes }, (_, i) => `c${i}`),
    mean: new Float32Array(f),
    scale: new Float32Array(f).fill(1),
    layers,
  });
}

