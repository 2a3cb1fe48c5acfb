// SparsityPattern: an immutable m × n pattern of structural nonzeros in CSR form (flattened indices).
import { ArgumentError, IndexError, ShapeError } from "../errors.js";
import { tensor } from "../ops/create.js";
import type { Tensor } from "../tensor.js";
import { displaySymbol, type Displayable, type MimeBundle, type TensorView } from "../render/mime.js";
import { patternBundle, patternCaption, patternText } from "./spy.js";

/**
 * Which entries of an m × n matrix may be nonzero: the pattern of a Jacobian (m outputs × n inputs,
 * both flattened row-major) or of a Hessian (n × n, symmetric). Stored as compressed sparse rows: the
 * columns of row i are `colIdx[rowPtr[i] .. rowPtr[i + 1])`, ascending and without repeats. The k-th
 * stored entry is "nonzero k"; a `SparseMatrix` on this pattern keeps its value at index k.
 *
 * Immutable: build one with {@link SparsityPattern.fromEntries}, {@link SparsityPattern.fromRows},
 * {@link SparsityPattern.fromCsr} or {@link SparsityPattern.fromDense}, and never write into
 * `rowPtr` / `colIdx`. In a notebook it shows as a spy plot.
 */
export class SparsityPattern implements Displayable {
  /** `[m, n]`: rows (outputs) × columns (inputs). */
  readonly shape: [number, number];
  /** Row pointers, length m + 1: row i holds nonzeros `rowPtr[i]` to `rowPtr[i + 1] - 1`. Do not mutate. */
  readonly rowPtr: Int32Array;
  /** The column of each nonzero, length nnz, ascending and unique within each row. Do not mutate. */
  readonly colIdx: Int32Array;
  #transpose: SparsityPattern | undefined;
  #rowIdx: Int32Array | undefined;

  /** @internal Takes ownership of canonical CSR arrays; use the static constructors instead. */
  private constructor(m: number, n: number, rowPtr: Int32Array, colIdx: Int32Array) {
    this.shape = Object.freeze([m, n]) as [number, number];
    this.rowPtr = rowPtr;
    this.colIdx = colIdx;
    Object.freeze(this);
  }

  /** Number of rows (m, the output size of a Jacobian). */
  get rows(): number {
    return this.shape[0];
  }

  /** Number of columns (n, the input size of a Jacobian). */
  get cols(): number {
    return this.shape[1];
  }

  /** Number of structural nonzeros. */
  get nnz(): number {
    return this.colIdx.length;
  }

  /** Fraction of entries that are nonzero: nnz / (m · n), 0 for an empty shape. */
  get density(): number {
    const size = this.shape[0] * this.shape[1];
    return size === 0 ? 0 : this.nnz / size;
  }

  // ---- constructors ----

  /**
   * A pattern from coordinate (COO) entries: nonzero at `(rows[k], cols[k])` for every k. Entries may
   * come in any order; repeats are merged.
   *
   * @example SparsityPattern.fromEntries(3, 3, [0, 1, 2, 0], [0, 1, 2, 2]) // diagonal plus (0, 2)
   */
  static fromEntries(
    m: number,
    n: number,
    rows: ArrayLike<number>,
    cols: ArrayLike<number>,
  ): SparsityPattern {
    checkShape(m, n, "SparsityPattern.fromEntries");
    if (rows.length !== cols.length) {
      throw new ShapeError(
        `SparsityPattern.fromEntries: rows has ${rows.length} indices but cols has ${cols.length}`,
      );
    }
    for (let k = 0; k < rows.length; k++) {
      checkEntry(rows[k], cols[k], m, n, `SparsityPattern.fromEntries: entry ${k}`);
    }
    return SparsityPattern.canonical(m, n, rows, cols);
  }

  /**
   * A pattern from the column sets of its rows: row i has nonzeros in the columns `rowSets[i]` (any
   * order, repeats allowed), so m = `rowSets.length`. This is how a sparsity tracer reports which
   * inputs each output depends on.
   *
   * @example SparsityPattern.fromRows(4, [[0, 1], [1, 2], [2, 3]]) // a 3 × 4 bidiagonal pattern
   */
  static fromRows(n: number, rowSets: readonly (ArrayLike<number> | Iterable<number>)[]): SparsityPattern {
    const m = rowSets.length;
    checkShape(m, n, "SparsityPattern.fromRows");
    const rows: number[] = [];
    const cols: number[] = [];
    rowSets.forEach((set, i) => {
      for (const j of Array.from(set)) {
        checkEntry(i, j, m, n, `SparsityPattern.fromRows: row ${i}`);
        rows.push(i);
        cols.push(j);
      }
    });
    return SparsityPattern.canonical(m, n, rows, cols);
  }

  /**
   * A pattern from CSR arrays (copied). Columns within a row may be unsorted or repeated; they are
   * sorted and merged (rows that are already sorted and distinct are copied as they are).
   */
  static fromCsr(
    m: number,
    n: number,
    rowPtr: ArrayLike<number>,
    colIdx: ArrayLike<number>,
  ): SparsityPattern {
    checkShape(m, n, "SparsityPattern.fromCsr");
    if (rowPtr.length !== m + 1 || rowPtr[0] !== 0 || rowPtr[m] !== colIdx.length) {
      throw new ShapeError(
        `SparsityPattern.fromCsr: rowPtr must have m + 1 = ${m + 1} entries from 0 to colIdx.length = ${colIdx.length}, ` +
          `got ${rowPtr.length} entries ending at ${rowPtr[rowPtr.length - 1]}`,
      );
    }
    const rows = new Int32Array(colIdx.length);
    let sorted = true;
    for (let i = 0; i < m; i++) {
      if (!(rowPtr[i + 1] >= rowPtr[i])) {
        throw new ArgumentError(`SparsityPattern.fromCsr: rowPtr decreases at row ${i}`);
      }
      for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
        checkEntry(i, colIdx[k], m, n, `SparsityPattern.fromCsr: nonzero ${k}`);
        if (k > rowPtr[i] && colIdx[k] <= colIdx[k - 1]) sorted = false;
        rows[k] = i;
      }
    }
    // Already canonical (what a tracer produces): copy, no sorting.
    if (sorted) return new SparsityPattern(m, n, Int32Array.from(rowPtr), Int32Array.from(colIdx));
    return SparsityPattern.canonical(m, n, rows, colIdx);
  }

  /**
   * The pattern of a dense 2-D tensor (or any `{ shape, data }` view): entry (i, j) is nonzero when
   * `|t[i, j]| > tol`; NaN counts as nonzero. For a Jacobian of shape `[...out, ...in]`, reshape it
   * to `[m, n]` first.
   */
  static fromDense(t: Tensor | TensorView, tol = 0): SparsityPattern {
    if (t.shape.length !== 2) {
      throw new ShapeError(
        `SparsityPattern.fromDense: expected a 2-D tensor, got shape [${t.shape.join(", ")}]; ` +
          `reshape a Jacobian to [outputs, inputs] first`,
      );
    }
    if (!(tol >= 0)) throw new ArgumentError(`SparsityPattern.fromDense: tol must be >= 0, got ${tol}`);
    const [m, n] = t.shape;
    const data = t.data;
    let nnz = 0;
    for (let k = 0; k < data.length; k++) if (!(Math.abs(data[k]) <= tol)) nnz++;
    const rowPtr = new Int32Array(m + 1);
    const colIdx = new Int32Array(nnz);
    let at = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) if (!(Math.abs(data[i * n + j]) <= tol)) colIdx[at++] = j;
      rowPtr[i + 1] = at;
    }
    return new SparsityPattern(m, n, rowPtr, colIdx);
  }

  /** The m × n pattern with no nonzeros. */
  static empty(m: number, n: number): SparsityPattern {
    checkShape(m, n, "SparsityPattern.empty");
    return new SparsityPattern(m, n, new Int32Array(m + 1), new Int32Array(0));
  }

  /** The n × n diagonal pattern (the Jacobian of an elementwise function). */
  static diagonal(n: number): SparsityPattern {
    checkShape(n, n, "SparsityPattern.diagonal");
    return new SparsityPattern(
      n,
      n,
      Int32Array.from({ length: n + 1 }, (_, i) => i),
      rangeOf(n),
    );
  }

  /**
   * Canonical CSR from validated COO entries by two stable counting sorts (by column, then by row), so
   * columns come out ascending within each row; then adjacent repeats merge. O(nnz + m + n).
   */
  private static canonical(
    m: number,
    n: number,
    rows: ArrayLike<number>,
    cols: ArrayLike<number>,
  ): SparsityPattern {
    const count = rows.length;
    const colStart = new Int32Array(n + 1);
    for (let k = 0; k < count; k++) colStart[cols[k] + 1]++;
    for (let j = 0; j < n; j++) colStart[j + 1] += colStart[j];
    const byCol = new Int32Array(count);
    for (let k = 0; k < count; k++) byCol[colStart[cols[k]]++] = k;
    const rowStart = new Int32Array(m + 1);
    for (let k = 0; k < count; k++) rowStart[rows[k] + 1]++;
    for (let i = 0; i < m; i++) rowStart[i + 1] += rowStart[i];
    const sortedCols = new Int32Array(count);
    const next = rowStart.slice(0, m);
    for (let t = 0; t < count; t++) {
      const k = byCol[t];
      sortedCols[next[rows[k]]++] = cols[k];
    }
    const rowPtr = new Int32Array(m + 1);
    let at = 0;
    for (let i = 0; i < m; i++) {
      for (let k = rowStart[i]; k < rowStart[i + 1]; k++) {
        if (k === rowStart[i] || sortedCols[k] !== sortedCols[k - 1]) sortedCols[at++] = sortedCols[k];
      }
      rowPtr[i + 1] = at;
    }
    return new SparsityPattern(m, n, rowPtr, at === count ? sortedCols : sortedCols.slice(0, at));
  }

  // ---- queries ----

  /** Whether entry (i, j) is a structural nonzero (binary search within row i). */
  has(i: number, j: number): boolean {
    checkEntry(i, j, this.shape[0], this.shape[1], "SparsityPattern.has");
    return this.#find(i, j) >= 0;
  }

  /** The position k of nonzero (i, j) in `colIdx` (and in a SparseMatrix's `values`), or -1. */
  indexOf(i: number, j: number): number {
    checkEntry(i, j, this.shape[0], this.shape[1], "SparsityPattern.indexOf");
    return this.#find(i, j);
  }

  #find(i: number, j: number): number {
    let lo = this.rowPtr[i];
    let hi = this.rowPtr[i + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.colIdx[mid];
      if (c === j) return mid;
      if (c < j) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The columns of row i, ascending (a view into `colIdx`: do not mutate). */
  row(i: number): Int32Array {
    checkEntry(i, 0, this.shape[0], Math.max(1, this.shape[1]), "SparsityPattern.row");
    return this.colIdx.subarray(this.rowPtr[i], this.rowPtr[i + 1]);
  }

  /** The row of each nonzero, length nnz (COO rows beside `colIdx`; computed once). Do not mutate. */
  rowIndices(): Int32Array {
    if (this.#rowIdx === undefined) {
      const out = new Int32Array(this.nnz);
      for (let i = 0; i < this.shape[0]; i++) out.fill(i, this.rowPtr[i], this.rowPtr[i + 1]);
      // The instance is frozen, but private fields stay writable: caches live there.
      this.#rowIdx = out;
    }
    return this.#rowIdx;
  }

  /** The n × m transposed pattern (computed once, then cached; its transpose is this pattern). */
  transpose(): SparsityPattern {
    if (this.#transpose === undefined) {
      const [m, n] = this.shape;
      const rowPtr = new Int32Array(n + 1);
      for (let k = 0; k < this.nnz; k++) rowPtr[this.colIdx[k] + 1]++;
      for (let j = 0; j < n; j++) rowPtr[j + 1] += rowPtr[j];
      const next = rowPtr.slice(0, n);
      const colIdx = new Int32Array(this.nnz);
      // Rows visited in ascending order, so each transposed row comes out sorted.
      for (let i = 0; i < m; i++) {
        for (let k = this.rowPtr[i]; k < this.rowPtr[i + 1]; k++) colIdx[next[this.colIdx[k]]++] = i;
      }
      const t = new SparsityPattern(n, m, rowPtr, colIdx);
      t.#transpose = this;
      this.#transpose = t;
    }
    return this.#transpose;
  }

  /** Whether the pattern is square and equal to its transpose (a Hessian pattern is). */
  isSymmetric(): boolean {
    return this.shape[0] === this.shape[1] && this.equals(this.transpose());
  }

  /** The pattern as an m × n tensor of 0s and 1s. */
  toDense(): Tensor {
    const [m, n] = this.shape;
    const data = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let k = this.rowPtr[i]; k < this.rowPtr[i + 1]; k++) data[i * n + this.colIdx[k]] = 1;
    }
    return tensor(data, { shape: [m, n] });
  }

  /** Whether `other` has the same shape and the same nonzeros. */
  equals(other: SparsityPattern): boolean {
    if (this === other) return true;
    if (this.shape[0] !== other.shape[0] || this.shape[1] !== other.shape[1]) return false;
    if (this.nnz !== other.nnz) return false;
    for (let i = 0; i <= this.shape[0]; i++) if (this.rowPtr[i] !== other.rowPtr[i]) return false;
    for (let k = 0; k < this.nnz; k++) if (this.colIdx[k] !== other.colIdx[k]) return false;
    return true;
  }

  /** Whether every nonzero of this pattern is also one of `other` (same shape required). */
  isSubsetOf(other: SparsityPattern): boolean {
    sameShape(this, other, "SparsityPattern.isSubsetOf");
    for (let i = 0; i < this.shape[0]; i++) {
      let q = other.rowPtr[i];
      for (let k = this.rowPtr[i]; k < this.rowPtr[i + 1]; k++) {
        while (q < other.rowPtr[i + 1] && other.colIdx[q] < this.colIdx[k]) q++;
        if (q === other.rowPtr[i + 1] || other.colIdx[q] !== this.colIdx[k]) return false;
      }
    }
    return true;
  }

  /** The pattern whose nonzeros are those of this one or of `other` (same shape required). */
  union(other: SparsityPattern): SparsityPattern {
    sameShape(this, other, "SparsityPattern.union");
    const [m, n] = this.shape;
    const rowPtr = new Int32Array(m + 1);
    const merged = new Int32Array(this.nnz + other.nnz);
    let at = 0;
    for (let i = 0; i < m; i++) {
      let p = this.rowPtr[i];
      let q = other.rowPtr[i];
      const [pEnd, qEnd] = [this.rowPtr[i + 1], other.rowPtr[i + 1]];
      while (p < pEnd || q < qEnd) {
        const a = p < pEnd ? this.colIdx[p] : n;
        const b = q < qEnd ? other.colIdx[q] : n;
        merged[at++] = Math.min(a, b);
        if (a <= b) p++;
        if (b <= a) q++;
      }
      rowPtr[i + 1] = at;
    }
    return new SparsityPattern(m, n, rowPtr, merged.slice(0, at));
  }

  // ---- display ----

  /** A one-line description: `SparsityPattern 12×12, 40 nonzeros (density 27.8%)`. */
  toString(): string {
    return patternCaption(this);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return patternText(this);
  }

  /** The notebook display: a spy plot (HTML table when small, PNG from 64 rows or columns) and its caption. */
  [displaySymbol](): MimeBundle {
    return patternBundle(this);
  }
}

function checkShape(m: number, n: number, op: string): void {
  for (const [name, d] of [
    ["m", m],
    ["n", n],
  ] as const) {
    if (!Number.isInteger(d) || d < 0 || d > 2 ** 31 - 1) {
      throw new ArgumentError(`${op}: ${name} must be a non-negative integer, got ${String(d)}`);
    }
  }
}

function checkEntry(i: number, j: number, m: number, n: number, what: string): void {
  if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0 || i >= m || j >= n) {
    throw new IndexError(`${what}: index (${String(i)}, ${String(j)}) is outside the ${m}×${n} pattern`);
  }
}

function sameShape(a: SparsityPattern, b: SparsityPattern, op: string): void {
  if (a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1]) {
    throw new ShapeError(
      `${op}: patterns of shape [${a.shape.join(", ")}] and [${b.shape.join(", ")}] differ`,
    );
  }
}

function rangeOf(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}
