/** Top-K selection over a dense score vector, with the evaluation protocol's tie rule. */

/** One ranked suggestion: a dense item index and the model's score. */
export interface ScoredItem {
  readonly item: number;
  readonly score: number;
}

/**
 * The k best items by score; equal scores rank the lower index first (items are indexed by first appearance).
 * Items with blocked[i] !== 0 and NaN scores are never returned.
 */
export function topK(scores: ArrayLike<number>, k: number, blocked?: Uint8Array): ScoredItem[] {
  const n = scores.length;
  const cap = Math.max(0, Math.min(k, n));
  if (cap === 0) return [];
  const idx = new Int32Array(cap);
  const val = new Float64Array(cap);
  let size = 0;
  for (let i = 0; i < n; i++) {
    if (blocked !== undefined && blocked[i] !== 0) continue;
    const s = scores[i]!;
    if (s !== s) continue;
    let p: number;
    if (size === cap) {
      // A later index with an equal score loses the tie, so only strictly greater scores enter.
      if (s <= val[cap - 1]!) continue;
      p = cap - 1;
    } else {
      p = size++;
    }
    while (p > 0 && val[p - 1]! < s) {
      val[p] = val[p - 1]!;
      idx[p] = idx[p - 1]!;
      p--;
    }
    val[p] = s;
    idx[p] = i;
  }
  const out: ScoredItem[] = [];
  for (let q = 0; q < size; q++) out.push({ item: idx[q]!, score: val[q]! });
  return out;
}
