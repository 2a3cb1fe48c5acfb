// Dense factorisation kernels on row-major Float64Arrays, batched over a leading count of n×n matrices:
// LU with partial pivoting, solves from it, triangular solves, Cholesky, and sign/log|det| from LU.
import { LinAlgError } from "./errors.js";

/** An LU factorisation P·A = L·U of `batch` n×n matrices, L unit-lower and U upper, packed in `lu`. */
export interface LuFactors {
  /** L below the diagonal (unit diagonal implied) and U on and above it, per matrix. */
  lu: Float64Array;
  /** Row i of P·A is row piv[i] of A, per matrix (batch·n entries). */
  piv: Int32Array;
  /** The sign of the permutation (+1 or -1), per matrix. */
  permSign: Float64Array;
  /** The first zero pivot's index per matrix, or -1 when U has a nonzero diagonal. */
  zeroPivot: Int32Array;
  n: number;
  batch: number;
}

/** Factors `batch` n×n matrices stored consecutively in `a` (not modified) as P·A = L·U. */
export function luFactor(a: Float64Array, n: number, batch: number): LuFactors {
  const lu = a.slice(0, batch * n * n);
  const piv = new Int32Array(batch * n);
  const permSign = new Float64Array(batch);
  const zeroPivot = new Int32Array(batch).fill(-1);
  for (let t = 0; t < batch; t++) {
    const off = t * n * n;
    const pOff = t * n;
    let sign = 1;
    for (let i = 0; i < n; i++) piv[pOff + i] = i;
    for (let col = 0; col < n; col++) {
      // Partial pivoting: the largest magnitude in this column at or below the diagonal.
      let best = col;
      let bestAbs = Math.abs(lu[off + col * n + col]);
      for (let r = col + 1; r < n; r++) {
        const v = Math.abs(lu[off + r * n + col]);
        if (v > bestAbs) {
          bestAbs = v;
          best = r;
        }
      }
      if (best !== col) {
        swapRows(lu, off + col * n, off + best * n, n);
        const tmp = piv[pOff + col];
        piv[pOff + col] = piv[pOff + best];
        piv[pOff + best] = tmp;
        sign = -sign;
      }
      const pivot = lu[off + col * n + col];
      if (pivot === 0) {
        if (zeroPivot[t] < 0) zeroPivot[t] = col;
        continue;
      }
      const pivotRow = off + col * n;
      for (let r = col + 1; r < n; r++) {
        const row = off + r * n;
        const f = lu[row + col] / pivot;
        lu[row + col] = f;
        if (f === 0) continue;
        for (let j = col + 1; j < n; j++) lu[row + j] -= f * lu[pivotRow + j];
      }
    }
    permSign[t] = sign;
  }
  return { lu, piv, permSign, zeroPivot, n, batch };
}

function swapRows(x: Float64Array, r0: number, r1: number, len: number): void {
  for (let j = 0; j < len; j++) {
    const tmp = x[r0 + j];
    x[r0 + j] = x[r1 + j];
    x[r1 + j] = tmp;
  }
}

/**
 * Solves A·X = B for each matrix of `f` and the matching n×k right-hand sides in `b` (batch·n·k values).
 * Throws LinAlgError naming `op` when a matrix is singular.
 */
export function luSolve(f: LuFactors, b: Float64Array, k: number, op = "solve"): Float64Array {
  const { n, batch, lu, piv } = f;
  const x = new Float64Array(batch * n * k);
  for (let t = 0; t < batch; t++) {
    if (f.zeroPivot[t] >= 0) {
      const where = batch > 1 ? ` (batch item ${t})` : "";
      throw new LinAlgError(`${op}: matrix is singular${where}: U has a zero pivot at ${f.zeroPivot[t]}`);
    }
    const off = t * n * n;
    const bOff = t * n * k;
    // Apply P to B, then forward-substitute with unit-lower L, then back-substitute with U.
    for (let i = 0; i < n; i++) {
      const src = bOff + piv[t * n + i] * k;
      const dst = bOff + i * k;
      for (let j = 0; j < k; j++) x[dst + j] = b[src + j];
    }
    for (let i = 1; i < n; i++) {
      const row = bOff + i * k;
      for (let p = 0; p < i; p++) {
        const l = lu[off + i * n + p];
        if (l === 0) continue;
        const prow = bOff + p * k;
        for (let j = 0; j < k; j++) x[row + j] -= l * x[prow + j];
      }
    }
    for (let i = n - 1; i >= 0; i--) {
      const row = bOff + i * k;
      for (let p = i + 1; p < n; p++) {
        const u = lu[off + i * n + p];
        if (u === 0) continue;
        const prow = bOff + p * k;
        for (let j = 0; j < k; j++) x[row + j] -= u * x[prow + j];
      }
      const d = lu[off + i * n + i];
      for (let j = 0; j < k; j++) x[row + j] /= d;
    }
  }
  return x;
}

/** sign(det A) and log|det A| per matrix (sign 0 and log -Infinity for a singular matrix). */
export function slogdetFromLu(f: LuFactors): { sign: Float64Array; logAbsDet: Float64Array } {
  const { n, batch, lu } = f;
  const sign = new Float64Array(batch);
  const logAbsDet = new Float64Array(batch);
  for (let t = 0; t < batch; t++) {
    let s = f.permSign[t];
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const d = lu[t * n * n + i * n + i];
      if (d === 0) {
        s = 0;
        acc = -Infinity;
        break;
      }
      if (d < 0) s = -s;
      acc += Math.log(Math.abs(d));
    }
    sign[t] = s;
    logAbsDet[t] = acc;
  }
  return { sign, logAbsDet };
}

/** det A per matrix as the signed product of U's diagonal (exact 0 for a singular matrix). */
export function detFromLu(f: LuFactors): Float64Array {
  const { n, batch, lu } = f;
  const det = new Float64Array(batch);
  for (let t = 0; t < batch; t++) {
    let d = f.permSign[t];
    for (let i = 0; i < n; i++) d *= lu[t * n * n + i * n + i];
    det[t] = d + 0; // no -0 for a singular matrix
  }
  return det;
}

/** Which triangle of A a triangular solve reads, and whether it solves with A^T. */
export interface TriangularOptions {
  lower: boolean;
  transpose: boolean;
  unitDiagonal: boolean;
}

/**
 * Solves op(A)·X = B where A is triangular (only its `lower` or upper triangle is read) and op(A) is A
 * or A^T, for `batch` n×n matrices and n×k right-hand sides. A zero diagonal gives ±Infinity/NaN, as
 * LAPACK's trsm does; callers that need a check do it on the factor.
 */
export function triangularSolveKernel(
  a: Float64Array,
  b: Float64Array,
  n: number,
  k: number,
  batch: number,
  opts: TriangularOptions,
): Float64Array {
  const x = b.slice(0, batch * n * k);
  // op(A) is lower triangular when exactly one of (lower, transpose) holds.
  const forward = opts.lower !== opts.transpose;
  // Element (i, p) of op(A) is at aOff + i*rs + p*cs.
  const rs = opts.transpose ? 1 : n;
  const cs = opts.transpose ? n : 1;
  for (let t = 0; t < batch; t++) {
    const aOff = t * n * n;
    const bOff = t * n * k;
    for (let step = 0; step < n; step++) {
      const i = forward ? step : n - 1 - step;
      const row = bOff + i * k;
      const pStart = forward ? 0 : i + 1;
      const pEnd = forward ? i : n;
      for (let p = pStart; p < pEnd; p++) {
        const coef = a[aOff + i * rs + p * cs];
        if (coef === 0) continue;
        const prow = bOff + p * k;
        for (let j = 0; j < k; j++) x[row + j] -= coef * x[prow + j];
      }
      if (!opts.unitDiagonal) {
        const d = a[aOff + i * rs + i * cs];
        for (let j = 0; j < k; j++) x[row + j] /= d;
      }
    }
  }
  return x;
}

/**
 * The lower Cholesky factor L (A = L·L^T, zeros above the diagonal) of `batch` symmetric positive-definite
 * n×n matrices; only the lower triangle of A is read. Throws LinAlgError naming the failing pivot.
 */
export function choleskyKernel(a: Float64Array, n: number, batch: number, op = "cholesky"): Float64Array {
  const l = new Float64Array(batch * n * n);
  for (let t = 0; t < batch; t++) {
    const off = t * n * n;
    for (let j = 0; j < n; j++) {
      const rowJ = off + j * n;
      let d = a[rowJ + j];
      for (let p = 0; p < j; p++) d -= l[rowJ + p] * l[rowJ + p];
      if (!(d > 0)) {
        const where = batch > 1 ? ` in batch item ${t}` : "";
        throw new LinAlgError(`${op}: matrix is not positive definite (pivot ${j} is ${d}${where})`);
      }
      const ljj = Math.sqrt(d);
      l[rowJ + j] = ljj;
      for (let i = j + 1; i < n; i++) {
        const rowI = off + i * n;
        let s = a[rowI + j];
        for (let p = 0; p < j; p++) s -= l[rowI + p] * l[rowJ + p];
        l[rowI + j] = s / ljj;
      }
    }
  }
  return l;
}

/**
 * The adjugate adj(A) (so that A·adj(A) = det(A)·I) of `batch` n×n matrices. Nonsingular matrices use
 * det(A)·A^{-1}; a singular one falls back to cofactors from the LU of each minor (O(n^5), but exact
 * zeros of det are rare outside small hand-written matrices), so the derivative of det is defined there.
 */
export function adjugateKernel(a: Float64Array, n: number, batch: number): Float64Array {
  const out = new Float64Array(batch * n * n);
  if (n === 1) {
    for (let t = 0; t < batch; t++) out[t] = 1;
    return out;
  }
  const f = luFactor(a, n, batch);
  const det = detFromLu(f);
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  const minor = new Float64Array((n - 1) * (n - 1));
  for (let t = 0; t < batch; t++) {
    const off = t * n * n;
    if (f.zeroPivot[t] < 0) {
      const one = luFactor(a.subarray(off, off + n * n), n, 1);
      const inv = luSolve(one, eye, n);
      for (let i = 0; i < n * n; i++) out[off + i] = det[t] * inv[i];
      continue;
    }
    // adj(A)[j, i] = (-1)^(i+j) det(A without row i and column j).
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let d = 0;
        for (let r = 0; r < n; r++) {
          if (r === i) continue;
          for (let c = 0; c < n; c++) {
            if (c === j) continue;
            minor[d++] = a[off + r * n + c];
          }
        }
        const cof = detFromLu(luFactor(minor, n - 1, 1))[0];
        out[off + j * n + i] = (i + j) % 2 === 0 ? cof : -cof;
      }
    }
  }
  return out;
}
