/**
 * Compressed sparse row matrices on typed arrays. The CSC form of A is the CSR form of Aᵀ (`transpose()`),
 * which is how models walk an item's users.
 */
import { InvalidInteractionsError } from './errors.ts';

/** A rows × cols sparse matrix: row r holds columns indices[indptr[r]..indptr[r+1]) (ascending) with values data[...]. */
export class CsrMatrix {
  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly indptr: Int32Array,
    readonly indices: Int32Array,
    readonly data: Float32Array,
  ) {}

  /** Number of stored entries. */
  get nnz(): number {
    return this.indices.length;
  }

  /** Number of stored entries in one row. */
  rowLength(r: number): number {
    return this.indptr[r + 1]! - this.indptr[r]!;
  }

  /**
   * Builds a matrix from (row, col, value) triples, summing duplicates; columns end up sorted in each row.
   * Throws InvalidInteractionsError on an index out of range or a negative / non-finite value.
   */
  static fromTriples(
    rows: number,
    cols: number,
    r: ArrayLike<number>,
    c: ArrayLike<number>,
    v: ArrayLike<number>,
  ): CsrMatrix {
    const n = r.length;
    if (c.length !== n || v.length !== n) throw new InvalidInteractionsError('row, column and value arrays differ in length');
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new InvalidInteractionsError(`bad shape ${rows} x ${cols}`);
    }
    for (let k = 0; k < n; k++) {
      const rk = r[k]!;
      const ck = c[k]!;
      const vk = v[k]!;
      if (!(rk >= 0 && rk < rows && Number.isInteger(rk))) throw new InvalidInteractionsError(`row index ${rk} outside 0..${rows - 1}`);
      if (!(ck >= 0 && ck < cols && Number.isInteger(ck))) throw new InvalidInteractionsError(`column index ${ck} outside 0..${cols - 1}`);
      if (!(vk >= 0 && Number.isFinite(vk))) throw new InvalidInteractionsError(`value ${vk} is negative or not finite`);
    }
    // Two stable counting sorts (by column, then by row) give row-major order with sorted columns.
    const byCol = countingOrder(c, cols, null);
    const order = countingOrder(r, rows, byCol);
    const indptr = new Int32Array(rows + 1);
    const indices = new Int32Array(n);
    const data = new Float32Array(n);
    let m = 0;
    let prevR = -1;
    let prevC = -1;
    for (let k = 0; k < n; k++) {
      const e = order[k]!;
      const rk = r[e]!;
      const ck = c[e]!;
      if (rk === prevR && ck === prevC) {
        data[m - 1]! += v[e]!;
        continue;
      }
      indices[m] = ck;
      data[m] = v[e]!;
      indptr[rk + 1]!++;
      m++;
      prevR = rk;
      prevC = ck;
    }
    for (let i = 0; i < rows; i++) indptr[i + 1]! += indptr[i]!;
    return new CsrMatrix(rows, cols, indptr, indices.slice(0, m), data.slice(0, m));
  }

  /** The transpose, as CSR (that is, this matrix in CSC form). */
  transpose(): CsrMatrix {
    const nnz = this.nnz;
    const indptr = new Int32Array(this.cols + 1);
    for (let k = 0; k < nnz; k++) indptr[this.indices[k]! + 1]!++;
    for (let j = 0; j < this.cols; j++) indptr[j + 1]! += indptr[j]!;
    const next = indptr.slice(0, this.cols);
    const indices = new Int32Array(nnz);
    const data = new Float32Array(nnz);
    for (let i = 0; i < this.rows; i++) {
      for (let p = this.indptr[i]!; p < this.indptr[i + 1]!; p++) {
        const j = this.indices[p]!;
        const q = next[j]!++;
        indices[q] = i;
        data[q] = this.data[p]!;
      }
    }
    return new CsrMatrix(this.cols, this.rows, indptr, indices, data);
  }

  /** A copy with every stored value replaced by f(value). */
  mapValues(f: (value: number) => number): CsrMatrix {
    const data = new Float32Array(this.data.length);
    for (let k = 0; k < data.length; k++) data[k] = f(this.data[k]!);
    return new CsrMatrix(this.rows, this.cols, this.indptr, this.indices, data);
  }

  /** Whether row r stores column c (binary search). */
  has(r: number, c: number): boolean {
    let lo = this.indptr[r]!;
    let hi = this.indptr[r + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.indices[mid]!;
      if (v === c) return true;
      if (v < c) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

function countingOrder(keys: ArrayLike<number>, range: number, within: Int32Array | null): Int32Array {
  const n = keys.length;
  const start = new Int32Array(range + 1);
  for (let k = 0; k < n; k++) start[keys[k]! + 1]!++;
  for (let i = 0; i < range; i++) start[i + 1]! += start[i]!;
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const e = within === null ? k : within[k]!;
    out[start[keys[e]!]!++] = e;
  }
  return out;
}
