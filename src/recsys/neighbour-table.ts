/**
 * Item-item neighbour tables: sparse items × items matrices built from a sparse product, keeping the k largest
 * entries per row. Row i of a scoring table lists (j, w) meaning "having i adds w to j's score".
 */
import { CsrMatrix } from './sparse-matrix.ts';

/**
 * For each item i, computes v_ij = Σ_u left[i,u]·right[u,j] for j ≠ i, maps it through `finish(i, j, v)`, and keeps
 * the k largest positive results (ties: the earlier-found entry). Work is Σ_u deg(u)², no dense items × items.
 */
export function topKProduct(
  left: CsrMatrix,
  right: CsrMatrix,
  k: number,
  finish: (i: number, j: number, v: number) => number,
): CsrMatrix {
  const n = left.rows;
  const m = right.cols;
  const acc = new Float64Array(m);
  const seen = new Uint8Array(m);
  const touched = new Int32Array(m);
  const vals = new Float64Array(m);
  const scratch = new Float64Array(m);
  const indptr = new Int32Array(n + 1);
  let outIdx = new Int32Array(Math.max(16, n * Math.min(k, 64)));
  let outVal = new Float32Array(outIdx.length);
  let nnz = 0;
  const rowIdx = new Int32Array(Math.min(k, m) + 1);
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let p = left.indptr[i]!; p < left.indptr[i + 1]!; p++) {
      const u = left.indices[p]!;
      const a = left.data[p]!;
      for (let q = right.indptr[u]!; q < right.indptr[u + 1]!; q++) {
        const j = right.indices[q]!;
        if (seen[j] === 0) {
          seen[j] = 1;
          touched[t++] = j;
        }
        acc[j]! += a * right.data[q]!;
      }
    }
    let c = 0;
    for (let s = 0; s < t; s++) {
      const j = touched[s]!;
      const v = j === i ? 0 : finish(i, j, acc[j]!);
      acc[j] = 0;
      seen[j] = 0;
      if (v > 0 && Number.isFinite(v)) {
        touched[c] = j;
        vals[c++] = v;
      }
    }
    let keep = c;
    if (c > k) {
      for (let s = 0; s < c; s++) scratch[s] = vals[s]!;
      const threshold = kthLargest(scratch, c, k);
      let above = 0;
      for (let s = 0; s < c; s++) if (vals[s]! > threshold) above++;
      let ties = k - above;
      keep = 0;
      for (let s = 0; s < c; s++) {
        const v = vals[s]!;
        if (v > threshold || (v === threshold && ties-- > 0)) {
          touched[keep] = touched[s]!;
          vals[keep++] = v;
        }
      }
    }
    if (nnz + keep > outIdx.length) {
      const grown = Math.max(outIdx.length * 2, nnz + keep);
      const gi = new Int32Array(grown);
      gi.set(outIdx);
      const gv = new Float32Array(grown);
      gv.set(outVal);
      outIdx = gi;
      outVal = gv;
    }
    // Sort the kept row by column index.
    for (let s = 0; s < keep; s++) rowIdx[s] = s;
    const order = Array.from(rowIdx.subarray(0, keep)).sort((x, y) => touched[x]! - touched[y]!);
    for (const s of order) {
      outIdx[nnz] = touched[s]!;
      outVal[nnz++] = vals[s]!;
    }
    indptr[i + 1] = nnz;
  }
  return new CsrMatrix(n, m, indptr, outIdx.slice(0, nnz), outVal.slice(0, nnz));
}

/** The k-th largest of a[0..n) (quickselect; reorders a). */
function kthLargest(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const tmp = a[i]!;
        a[i] = a[j]!;
        a[j] = tmp;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return a[target]!;
}

/** Adds row `item` of a scoring table, times `weight`, into dense scores. */
export function addNeighbourRow(table: CsrMatrix, item: number, weight: number, out: Float32Array): void {
  for (let p = table.indptr[item]!; p < table.indptr[item + 1]!; p++) out[table.indices[p]!]! += weight * table.data[p]!;
}
