/** Per-person standardisation of score vectors, so that models on different scales can be blended. */

/** Mean and inverse standard deviation of scores over the items where mask[i] === 1. */
export function standardisation(scores: Float32Array, mask: Uint8Array): { mean: number; inv: number } {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < scores.length; i++) {
    if (mask[i] !== 1) continue;
    const s = scores[i]!;
    n++;
    sum += s;
    sq += s * s;
  }
  if (n === 0) return { mean: 0, inv: 0 };
  const mean = sum / n;
  const variance = sq / n - mean * mean;
  return { mean, inv: variance > 1e-24 ? 1 / Math.sqrt(variance) : 0 };
}

/** out[i] += weight · (scores[i] - mean) / sd for every item (z-scores over the masked items). */
export function addStandardised(scores: Float32Array, mask: Uint8Array, weight: number, out: Float32Array): void {
  const { mean, inv } = standardisation(scores, mask);
  const f = weight * inv;
  for (let i = 0; i < scores.length; i++) out[i]! += f * (scores[i]! - mean);
}
