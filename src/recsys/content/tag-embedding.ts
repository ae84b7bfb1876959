/**
 * Tag embeddings learned from tag co-occurrence: tags that label the same tracks or artists get nearby vectors.
 * Positive PMI of the co-occurrence counts, factorised by seeded subspace iteration (a truncated
 * eigendecomposition of the symmetric PPMI matrix); a tag's vector is its eigenvector row scaled by sqrt(eigenvalue).
 */
import { InvalidParamsError } from '../errors.ts';
import { SeededRandom } from '../rng.ts';

/** One tagged thing (a track's tags, or an artist's tags): tag names with non-negative weights. */
export interface TagDocument {
  readonly tags: readonly string[];
  /** Same length as tags; default 1 each. */
  readonly weights?: readonly number[];
}

/** A fitted embedding: the vocabulary and a row-major [vocabulary][dim] matrix. */
export interface TagEmbedding {
  readonly dim: number;
  readonly vocabulary: readonly string[];
  readonly vectors: Float32Array;
}

/** Fitting options; defaults in brackets. */
export interface TagEmbeddingOptions {
  readonly dim?: number; // [16]
  /** A tag must occur in at least this many documents [5]. */
  readonly minCount?: number;
  /** Keep at most this many of the most frequent tags [1000]. */
  readonly maxVocabulary?: number;
  readonly iterations?: number; // [40]
  readonly seed?: number; // [11]
}

/** Lower-cases, trims and collapses spaces, so "Hip Hop " and "hip hop" are one tag. */
export function normaliseTag(tag: string): string {
  return tag.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Learns tag vectors from documents; documents with fewer than two known tags add frequency only. */
export function fitTagEmbedding(documents: readonly TagDocument[], options: TagEmbeddingOptions = {}): TagEmbedding {
  const dim = options.dim ?? 16;
  const minCount = options.minCount ?? 5;
  const maxVocab = options.maxVocabulary ?? 1000;
  if (!(Number.isInteger(dim) && dim >= 1)) throw new InvalidParamsError('tag embedding dim must be a positive integer');
  const df = new Map<string, number>();
  for (const d of documents) for (const t of new Set(d.tags.map(normaliseTag))) df.set(t, (df.get(t) ?? 0) + 1);
  const vocabulary = [...df.entries()]
    .filter(([, c]) => c >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxVocab)
    .map(([t]) => t);
  const v = vocabulary.length;
  const k = Math.min(dim, v);
  if (v === 0) return { dim, vocabulary: [], vectors: new Float32Array(0) };
  const index = new Map(vocabulary.map((t, i) => [t, i]));

  // Weighted co-occurrence: each document spreads unit mass over its tag pairs, so a tag-heavy document does not dominate.
  const co = new Float64Array(v * v);
  for (const d of documents) {
    const ids: number[] = [];
    const ws: number[] = [];
    d.tags.forEach((t, j) => {
      const i = index.get(normaliseTag(t));
      const w = d.weights?.[j] ?? 1;
      if (i !== undefined && w > 0 && Number.isFinite(w)) {
        ids.push(i);
        ws.push(w);
      }
    });
    if (ids.length < 2) continue;
    const total = ws.reduce((a, b) => a + b, 0);
    for (let a = 0; a < ids.length; a++) {
      for (let b = 0; b < ids.length; b++) {
        if (a === b || ids[a] === ids[b]) continue;
        co[ids[a]! * v + ids[b]!]! += (ws[a]! * ws[b]!) / (total * total);
      }
    }
  }
  const row = new Float64Array(v);
  for (let i = 0; i < v; i++) {
    for (let j = 0; j < v; j++) row[i]! += co[i * v + j]!;
  }
  // PPMI with context-distribution smoothing (exponent 0.75), as in word2vec-style embeddings.
  const ctx = new Float64Array(v);
  let ctxSum = 0;
  for (let j = 0; j < v; j++) {
    ctx[j] = row[j]! ** 0.75;
    ctxSum += ctx[j]!;
  }
  const m = new Float64Array(v * v);
  for (let i = 0; i < v; i++) {
    for (let j = 0; j < v; j++) {
      const c = co[i * v + j]!;
      if (c <= 0 || row[i]! <= 0 || ctx[j]! <= 0) continue;
      // PMI = log P(i,j) / (P(i) P_ctx(j)) with P(i,j) = c/N, P(i) = row_i/N, P_ctx(j) = ctx_j/ctxSum; N cancels.
      const pmi = Math.log((c * ctxSum) / (row[i]! * ctx[j]!));
      if (pmi > 0) m[i * v + j] = pmi;
    }
  }
  // Symmetrise (smoothing makes PPMI slightly asymmetric).
  for (let i = 0; i < v; i++) {
    for (let j = i + 1; j < v; j++) {
      const s = (m[i * v + j]! + m[j * v + i]!) / 2;
      m[i * v + j] = s;
      m[j * v + i] = s;
    }
  }
  const { vectors: q, values } = topEigen(m, v, k, options.iterations ?? 40, new SeededRandom(options.seed ?? 11));
  const vectors = new Float32Array(v * dim);
  for (let i = 0; i < v; i++) {
    for (let c = 0; c < k; c++) vectors[i * dim + c] = q[i * k + c]! * Math.sqrt(Math.max(values[c]!, 0));
  }
  return { dim, vocabulary, vectors };
}

/**
 * A document's vector: the weighted mean of its known tags' vectors, L2-normalised; all zeros (and `known` 0) when
 * none of its tags is in the vocabulary.
 */
export function embedTags(embedding: TagEmbedding, doc: TagDocument, out: Float32Array, offset: number, index?: ReadonlyMap<string, number>): number {
  const lookup = index ?? vocabularyIndex(embedding);
  const { dim, vectors } = embedding;
  const acc = new Float64Array(dim);
  let known = 0;
  doc.tags.forEach((t, j) => {
    const i = lookup.get(normaliseTag(t));
    const w = doc.weights?.[j] ?? 1;
    if (i === undefined || !(w > 0)) return;
    known++;
    for (let c = 0; c < dim; c++) acc[c]! += w * vectors[i * dim + c]!;
  });
  let norm = 0;
  for (let c = 0; c < dim; c++) norm += acc[c]! * acc[c]!;
  norm = Math.sqrt(norm);
  for (let c = 0; c < dim; c++) out[offset + c] = norm > 0 ? acc[c]! / norm : 0;
  return norm > 0 ? known : 0;
}

/** Tag name -> row of the embedding matrix. */
export function vocabularyIndex(embedding: TagEmbedding): Map<string, number> {
  return new Map(embedding.vocabulary.map((t, i) => [t, i]));
}

/** Cosine similarity of two tags' vectors (0 when either is unknown); useful to inspect what was learned. */
export function tagSimilarity(embedding: TagEmbedding, a: string, b: string): number {
  const idx = vocabularyIndex(embedding);
  const i = idx.get(normaliseTag(a));
  const j = idx.get(normaliseTag(b));
  if (i === undefined || j === undefined) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let c = 0; c < embedding.dim; c++) {
    const x = embedding.vectors[i * embedding.dim + c]!;
    const y = embedding.vectors[j * embedding.dim + c]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** The k largest eigenpairs of a symmetric n×n matrix by subspace iteration with Rayleigh-Ritz ordering. */
function topEigen(m: Float64Array, n: number, k: number, iterations: number, rng: SeededRandom): { vectors: Float64Array; values: Float64Array } {
  let q = new Float64Array(n * k);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  orthonormalise(q, n, k);
  const z = new Float64Array(n * k);
  for (let it = 0; it < iterations; it++) {
    multiply(m, q, z, n, k);
    q.set(z);
    orthonormalise(q, n, k);
  }
  // Rayleigh quotients order the columns by eigenvalue.
  multiply(m, q, z, n, k);
  const values = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += q[i * k + c]! * z[i * k + c]!;
    values[c] = s;
  }
  const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => values[b]! - values[a]!);
  const sorted = new Float64Array(n * k);
  const sortedValues = new Float64Array(k);
  order.forEach((c, to) => {
    sortedValues[to] = values[c]!;
    // Fix the sign so the result does not depend on the random start: largest-magnitude entry positive.
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(q[i * k + c]!) > Math.abs(big)) big = q[i * k + c]!;
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) sorted[i * k + to] = sign * q[i * k + c]!;
  });
  q = sorted;
  return { vectors: q, values: sortedValues };
}

function multiply(m: Float64Array, q: Float64Array, out: Float64Array, n: number, k: number): void {
  out.fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = m[i * n + j]!;
      if (a === 0) continue;
      for (let c = 0; c < k; c++) out[i * k + c]! += a * q[j * k + c]!;
    }
  }
}

function orthonormalise(q: Float64Array, n: number, k: number): void {
  for (let c = 0; c < k; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i * k + c]! * q[i * k + p]!;
      for (let i = 0; i < n; i++) q[i * k + c]! -= dot * q[i * k + p]!;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * k + c]! ** 2;
    norm = Math.sqrt(norm);
    if (norm < 1e-12) {
      // A degenerate column (rank-deficient matrix): restart it as a unit vector.
      for (let i = 0; i < n; i++) q[i * k + c] = i === c ? 1 : 0;
      continue;
    }
    for (let i = 0; i < n; i++) q[i * k + c] = q[i * k + c]! / norm;
  }
}
