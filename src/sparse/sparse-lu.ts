// A sparse LU factorisation with partial pivoting (left-looking, Gilbert–Peierls): column k of L and U
// comes from one sparse triangular solve with the columns already factored, whose nonzeros are found by a
// depth-first search in L's graph before any arithmetic, so the work is proportional to the flops of the
// factorisation, not to n². A reverse Cuthill–McKee reordering first keeps the fill of stencil matrices in a
// band. Used by SparseMatrix.solve (the linear solve of a sparse Newton step).
import { LinAlgError } from "../linalg/errors.js";

/** P·A = L·U for a square CSC matrix: L unit lower triangular, U upper, both by columns; pinv[row] = pivot step. */
export interface SparseLu {
  n: number;
  lp: Int32Array;
  li: Int32Array;
  lx: Float64Array;
  up: Int32Array;
  ui: Int32Array;
  ux: Float64Array;
  /** pinv[i] = the step k at which row i of A became the pivot (row k of L and U). */
  pinv: Int32Array;
}

/** Growable index/value columns. */
class Columns {
  p: Int32Array;
  i: Int32Array;
  x: Float64Array;
  len = 0;
  constructor(n: number, capacity: number) {
    this.p = new Int32Array(n + 1);
    this.i = new Int32Array(Math.max(capacity, 4));
    this.x = new Float64Array(Math.max(capacity, 4));
  }
  push(row: number, value: number): void {
    if (this.len === this.i.length) {
      const i = new Int32Array(this.i.length * 2);
      const x = new Float64Array(this.x.length * 2);
      i.set(this.i);
      x.set(this.x);
      this.i = i;
      this.x = x;
    }
    this.i[this.len] = row;
    this.x[this.len++] = value;
  }
}

/**
 * Factors the n × n matrix given by columns (ap, ai, ax: column j holds rows ai[ap[j]..ap[j+1]) with
 * values ax) as P·A = L·U with partial pivoting. `op` names the caller in the error for a singular matrix.
 */
export function sparseLu(n: number, ap: Int32Array, ai: Int32Array, ax: Float64Array, op: string): SparseLu {
  const L = new Columns(n, ai.length * 2);
  const U = new Columns(n, ai.length * 2);
  const pinv = new Int32Array(n).fill(-1);
  const x = new Float64Array(n);
  const mark = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  const next = new Int32Array(n);
  const reach = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    // Nonzeros of x = L \ A[:, k] in topological order: DFS from A[:, k]'s rows through L's columns.
    let top = n;
    for (let p = ap[k]; p < ap[k + 1]; p++) {
      const start = ai[p];
      if (mark[start] === k) continue;
      let head = 0;
      stack[0] = start;
      mark[start] = k;
      next[0] = -1;
      while (head >= 0) {
        const j = stack[head];
        const col = pinv[j];
        if (next[head] === -1) next[head] = col < 0 ? 0 : L.p[col];
        const end = col < 0 ? 0 : L.p[col + 1];
        let pushed = false;
        while (next[head] < end) {
          const i = L.i[next[head]++];
          if (mark[i] === k) continue;
          mark[i] = k;
          stack[++head] = i;
          next[head] = -1;
          pushed = true;
          break;
        }
        if (!pushed) reach[--top] = stack[head--];
      }
    }
    for (let t = top; t < n; t++) x[reach[t]] = 0;
    for (let p = ap[k]; p < ap[k + 1]; p++) x[ai[p]] += ax[p];
    // Sparse forward substitution in that order; then the largest remaining entry is the pivot.
    let pivot = -1;
    let best = -1;
    for (let t = top; t < n; t++) {
      const j = reach[t];
      const col = pinv[j];
      if (col < 0) {
        if (Math.abs(x[j]) > best) {
          best = Math.abs(x[j]);
          pivot = j;
        }
        continue;
      }
      const xj = x[j];
      U.push(col, xj);
      for (let p = L.p[col] + 1; p < L.p[col + 1]; p++) x[L.i[p]] -= L.x[p] * xj;
    }
    if (pivot < 0 || !(best > 0)) {
      throw new LinAlgError(`${op}: the matrix is singular (no nonzero pivot in column ${k})`);
    }
    const d = x[pivot];
    U.push(k, d);
    U.p[k + 1] = U.len;
    pinv[pivot] = k;
    L.push(pivot, 1);
    for (let t = top; t < n; t++) {
      const i = reach[t];
      if (pinv[i] < 0) L.push(i, x[i] / d);
    }
    L.p[k + 1] = L.len;
  }
  // L's row indices are rows of A; renumber them by pivot step so that L is lower triangular.
  for (let p = 0; p < L.len; p++) L.i[p] = pinv[L.i[p]];
  return { n, lp: L.p, li: L.i, lx: L.x, up: U.p, ui: U.i, ux: U.x, pinv };
}

/** Solves A·x = b with the factors of P·A = L·U (b is not modified). */
export function luSolveSparse(f: SparseLu, b: ArrayLike<number>): Float64Array {
  const { n, lp, li, lx, up, ui, ux, pinv } = f;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[pinv[i]] = b[i];
  // L·z = P·b (unit diagonal first in each column)
  for (let k = 0; k < n; k++) {
    const v = y[k];
    if (v === 0) continue;
    for (let p = lp[k] + 1; p < lp[k + 1]; p++) y[li[p]] -= lx[p] * v;
  }
  // U·x = z (the diagonal is the last entry of each column)
  for (let k = n - 1; k >= 0; k--) {
    const last = up[k + 1] - 1;
    const v = (y[k] /= ux[last]);
    if (v === 0) continue;
    for (let p = up[k]; p < last; p++) y[ui[p]] -= ux[p] * v;
  }
  return y;
}

/**
 * A reverse Cuthill–McKee order of the symmetrised structure of a CSC matrix: breadth-first from a vertex
 * of least degree, neighbours by increasing degree, reversed. Eliminating in this order keeps the fill of a
 * banded-by-a-permutation matrix (a grid stencil, periodic wrap included) inside a narrow band.
 */
export function reverseCuthillMcKee(n: number, ap: Int32Array, ai: Int32Array): Int32Array {
  // Adjacency of A + Aᵀ (without the diagonal), as lists.
  const adj: number[][] = Array.from({ length: n }, () => []);
  for (let j = 0; j < n; j++) {
    for (let p = ap[j]; p < ap[j + 1]; p++) {
      const i = ai[p];
      if (i === j) continue;
      adj[i].push(j);
      adj[j].push(i);
    }
  }
  const degree = adj.map((a) => new Set(a).size);
  const seen = new Uint8Array(n);
  const order: number[] = [];
  const byDegree = Array.from({ length: n }, (_, v) => v).sort((a, b) => degree[a] - degree[b] || a - b);
  for (const root of byDegree) {
    if (seen[root]) continue;
    seen[root] = 1;
    order.push(root);
    for (let head = order.length - 1; head < order.length; head++) {
      const fresh = [...new Set(adj[order[head]])].filter((w) => !seen[w]);
      fresh.sort((a, b) => degree[a] - degree[b] || a - b);
      for (const w of fresh) {
        seen[w] = 1;
        order.push(w);
      }
    }
  }
  return Int32Array.from(order.reverse());
}

/** Solves A·x = b for a square CSC matrix: reverse Cuthill–McKee reordering, then sparse LU. */
export function sparseSolve(
  n: number,
  ap: Int32Array,
  ai: Int32Array,
  ax: Float64Array,
  b: ArrayLike<number>,
  op: string,
): Float64Array {
  const q = reverseCuthillMcKee(n, ap, ai);
  const qinv = new Int32Array(n);
  for (let k = 0; k < n; k++) qinv[q[k]] = k;
  // B = A[q, q] by columns: column k of B is column q[k] of A with its rows renumbered.
  const bp = new Int32Array(n + 1);
  const bi = new Int32Array(ai.length);
  const bx = new Float64Array(ai.length);
  for (let k = 0; k < n; k++) {
    const j = q[k];
    let at = bp[k];
    for (let p = ap[j]; p < ap[j + 1]; p++, at++) {
      bi[at] = qinv[ai[p]];
      bx[at] = ax[p];
    }
    bp[k + 1] = at;
  }
  const rhs = new Float64Array(n);
  for (let k = 0; k < n; k++) rhs[k] = b[q[k]];
  const y = luSolveSparse(sparseLu(n, bp, bi, bx, op), rhs);
  const x = new Float64Array(n);
  for (let k = 0; k < n; k++) x[q[k]] = y[k];
  return x;
}
