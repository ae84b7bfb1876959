/** Small dense linear algebra on Float64Array (row-major k × k), for ALS solves and fold-in. */

/** Overwrites the lower triangle of SPD `a` with its Cholesky factor L; false when `a` is not positive definite. */
export function choleskyFactor(a: Float64Array, k: number): boolean {
  for (let j = 0; j < k; j++) {
    const rj = j * k;
    let d = a[rj + j]!;
    for (let t = 0; t < j; t++) d -= a[rj + t]! * a[rj + t]!;
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      const ri = i * k;
      let s = a[ri + j]!;
      for (let t = 0; t < j; t++) s -= a[ri + t]! * a[rj + t]!;
      a[ri + j] = s / ljj;
    }
  }
  return true;
}

/** Solves L Lᵀ x = b in place given the factor from choleskyFactor. */
export function choleskySolveFactored(l: Float64Array, b: Float64Array, k: number): void {
  for (let i = 0; i < k; i++) {
    const ri = i * k;
    let s = b[i]!;
    for (let t = 0; t < i; t++) s -= l[ri + t]! * b[t]!;
    b[i] = s / l[ri + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let t = i + 1; t < k; t++) s -= l[t * k + i]! * b[t]!;
    b[i] = s / l[i * k + i]!;
  }
}

/**
 * Solves A x = b for symmetric positive definite A; A and b are overwritten (A holds L, b holds x).
 * Returns false when A is not positive definite (then b must not be used).
 */
export function choleskySolveInPlace(a: Float64Array, b: Float64Array, k: number): boolean {
  if (!choleskyFactor(a, k)) return false;
  choleskySolveFactored(a, b, k);
  return true;
}

/** The inverse of a symmetric positive definite k × k matrix, or undefined when it is not SPD. */
export function invertSpd(g: Float64Array, k: number): Float64Array | undefined {
  const l = Float64Array.from(g);
  if (!choleskyFactor(l, k)) return undefined;
  const inv = new Float64Array(k * k);
  const col = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    col.fill(0);
    col[c] = 1;
    choleskySolveFactored(l, col, k);
    for (let r = 0; r < k; r++) inv[r * k + c] = col[r]!;
  }
  return inv;
}

/** Gram matrix FᵀF + reg·I of a row-major (rows × k) factor table, in Float64. */
export function gramPlusRidge(f: Float32Array, rows: number, k: number, reg: number): Float64Array {
  const g = new Float64Array(k * k);
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    for (let a = 0; a < k; a++) {
      const fa = f[o + a]!;
      if (fa === 0) continue;
      const ra = a * k;
      for (let b = a; b < k; b++) g[ra + b]! += fa * f[o + b]!;
    }
  }
  for (let a = 0; a < k; a++) {
    g[a * k + a]! += reg;
    for (let b = 0; b < a; b++) g[a * k + b] = g[b * k + a]!;
  }
  return g;
}
