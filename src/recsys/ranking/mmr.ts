/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998): pick items one by one, each maximising
 * λ·relevance − (1 − λ)·max similarity to the items already picked. Relevance is min-max scaled to [0, 1] over the
 * pool so that λ trades it against cosine similarity on a comparable scale; λ = 1 is the plain ranking.
 */
import { InvalidParamsError } from '../errors.ts';

/** A pool member with its relevance. */
interface RelevantItem {
  readonly item: number;
  readonly relevance: number;
}

/** One MMR pick: the item, its relevance, and its largest similarity to an earlier pick (0 for the first). */
interface MmrPick extends RelevantItem {
  readonly redundancy: number;
}

/** Similarity between two items (cosine, in [-1, 1]). */
export type ItemSimilarity = (a: number, b: number) => number;

/** Selects k items from the pool by MMR with trade-off `lambda` in [0, 1]. */
export function maximalMarginalRelevance(pool: readonly RelevantItem[], k: number, lambda: number, similarity: ItemSimilarity): MmrPick[] {
  if (!(lambda >= 0 && lambda <= 1)) throw new InvalidParamsError('lambda must be in [0, 1]');
  const n = pool.length;
  const take = Math.max(0, Math.min(k, n));
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of pool) {
    lo = Math.min(lo, p.relevance);
    hi = Math.max(hi, p.relevance);
  }
  const span = hi > lo ? hi - lo : 1;
  const rel = pool.map((p) => (p.relevance - lo) / span);
  const maxSim = new Float64Array(n);
  const used = new Uint8Array(n);
  const out: MmrPick[] = [];
  for (let step = 0; step < take; step++) {
    let best = -1;
    let bestScore = -Infinity;
    for (let t = 0; t < n; t++) {
      if (used[t] === 1) continue;
      const s = lambda * rel[t]! - (step === 0 ? 0 : (1 - lambda) * maxSim[t]!);
      // Ties keep pool order (the pool comes sorted by relevance).
      if (s > bestScore) {
        bestScore = s;
        best = t;
      }
    }
    used[best] = 1;
    const chosen = pool[best]!;
    out.push({ item: chosen.item, relevance: chosen.relevance, redundancy: step === 0 ? 0 : maxSim[best]! });
    if (lambda < 1) for (let t = 0; t < n; t++) if (used[t] === 0) maxSim[t] = Math.max(step === 0 ? -Infinity : maxSim[t]!, similarity(chosen.item, pool[t]!.item));
  }
  return out;
}

/** Cosine similarity over row-major item vectors (rows of zeros are similar to nothing). */
export function cosineSimilarity(vectors: Float32Array, dim: number): ItemSimilarity {
  const rows = vectors.length / dim;
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += vectors[r * dim + j]! ** 2;
    norms[r] = Math.sqrt(s);
  }
  return (a, b) => {
    const na = norms[a]!;
    const nb = norms[b]!;
    if (!(na > 0 && nb > 0)) return 0;
    let s = 0;
    const oa = a * dim;
    const ob = b * dim;
    for (let j = 0; j < dim; j++) s += vectors[oa + j]! * vectors[ob + j]!;
    return s / (na * nb);
  };
}
