// SparseMatrix: the values of a Jacobian or Hessian on its sparsity pattern (CSR), as sparseJacobian and
// sparseHessian return them, with dense conversion, lookup, products and a heatmap display.
import { Tensor, isTensor } from "../tensor.js";
import { ArgumentError, IndexError, ShapeError, fmtShape } from "../errors.js";
import { displaySymbol, type Displayable, type MimeBundle } from "../render/mime.js";
import { sparseMatrixBundle } from "./matrix-display.js";
import { sparseSolve } from "./sparse-lu.js";
import { SparsityPattern } from "./pattern.js";
import type { Coloring } from "./coloring.js";

/** How a sparse matrix was computed, for its caption. */
export interface SparseMatrixSource {
  /** The colouring whose groups were evaluated in one batched pass. */
  coloring?: Coloring;
  /** "forward" (batched jvp), "reverse" (batched vjp) or "hessian" (batched Hessian-vector products). */
  mode?: "forward" | "reverse" | "hessian";
}

/**
 * A sparse m × n matrix in compressed sparse rows: the nonzeros of row i are at positions
 * `rowPtr[i] .. rowPtr[i + 1]` of `colIdx` (their columns, ascending) and `values`. Rows and columns
 * index the flattened output and input of the function (m = output size, n = input size). In a notebook
 * it shows as a heatmap whose caption gives the nonzero count and the colours used to compute it.
 */
export class SparseMatrix implements Displayable {
  /** `[m, n]`. */
  readonly shape: [number, number];
  /** The structure shared with the pattern (do not mutate). */
  readonly rowPtr: Int32Array;
  /** The column of each stored entry (do not mutate). */
  readonly colIdx: Int32Array;

  constructor(
    /** The sparsity pattern whose entries the values fill. */
    readonly pattern: SparsityPattern,
    /** The value of each stored entry, in the pattern's CSR order. */
    readonly values: Float64Array,
    /** How the values were computed (shown in the caption). */
    readonly source: SparseMatrixSource = {},
  ) {
    if (!(values instanceof Float64Array) || values.length !== pattern.nnz) {
      throw new ShapeError(
        `SparseMatrix: values must be a Float64Array with one value per nonzero of the ${pattern.shape.join("×")} ` +
          `pattern (${pattern.nnz}), got ${values instanceof Float64Array ? values.length : typeof values}`,
      );
    }
    this.shape = [pattern.shape[0], pattern.shape[1]];
    this.rowPtr = pattern.rowPtr;
    this.colIdx = pattern.colIdx;
  }

  /** The number of stored entries (structural nonzeros; some values may still be 0). */
  get nnz(): number {
    return this.values.length;
  }

  /** The stored fraction of the m · n entries. */
  get density(): number {
    return this.pattern.density;
  }

  /** The colours the values were computed with (the number of seeds in the one batched pass), if known. */
  get colors(): number | undefined {
    return this.source.coloring?.colors;
  }

  /** Entry (i, j): its stored value, or 0 outside the pattern. */
  get(i: number, j: number): number {
    const [m, n] = this.shape;
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0 || i >= m || j >= n) {
      throw new IndexError(`SparseMatrix.get: (${i}, ${j}) is outside the ${m}×${n} matrix`);
    }
    let lo = this.rowPtr[i];
    let hi = this.rowPtr[i + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = this.colIdx[mid];
      if (c === j) return this.values[mid];
      if (c < j) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** The dense [m, n] tensor (allocates m · n values: for small matrices and checks). */
  toDense(): Tensor {
    const [m, n] = this.shape;
    const out = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let k = this.rowPtr[i]; k < this.rowPtr[i + 1]; k++) out[i * n + this.colIdx[k]] = this.values[k];
    }
    return new Tensor(out, [m, n]);
  }

  /**
   * The product A·v for v with n elements (a tensor of any shape, flattened, or an array of numbers),
   * as a tensor of shape [m]. Costs O(nnz).
   */
  matvec(v: Tensor | ArrayLike<number>): Tensor {
    const m = this.shape[0];
    const data = this.vectorData("matvec", v);
    const out = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let k = this.rowPtr[i]; k < this.rowPtr[i + 1]; k++) s += this.values[k] * data[this.colIdx[k]];
      out[i] = s;
    }
    return new Tensor(out, [m]);
  }

  /**
   * Solves A·x = b for a square A by a sparse LU factorisation with partial pivoting after a reverse
   * Cuthill–McKee reordering (fill stays in a band for grid stencils; no dense n × n matrix is formed):
   * the linear step of a sparse Newton iteration. b has n
   * elements (a tensor of any shape, or an array); x has b's shape. Throws LinAlgError when A is singular.
   *
   * @example const step = plan.jacobian(u).solve(residual.neg())
   */
  solve(b: Tensor | ArrayLike<number>): Tensor {
    const [m, n] = this.shape;
    if (m !== n) throw new ShapeError(`SparseMatrix.solve: needs a square matrix, got ${m}×${n}`);
    const data = this.vectorData("solve", b);
    // The transpose's CSR arrays are this matrix's columns (CSC), which the left-looking LU walks.
    const t = this.transpose();
    const x = sparseSolve(n, t.rowPtr, t.colIdx, t.values, data, "SparseMatrix.solve");
    return new Tensor(x, isTensor(b) ? [...b.shape] : [n]);
  }

  /** The values of a vector argument with n elements, or an error naming the method and the shapes. */
  private vectorData(method: string, v: Tensor | ArrayLike<number>): ArrayLike<number> {
    const [m, n] = this.shape;
    if (!isTensor(v) && (typeof v !== "object" || v === null || typeof v.length !== "number")) {
      throw new ArgumentError(
        `SparseMatrix.${method}: expected a Tensor or an array of numbers, got ${typeof v}`,
      );
    }
    const data = isTensor(v) ? v.data : v;
    if (data.length !== n) {
      const what = isTensor(v) ? `a tensor of shape ${fmtShape(v.shape)}` : `${data.length} numbers`;
      throw new ShapeError(
        `SparseMatrix.${method}: the ${m}×${n} matrix needs a vector of ${n} elements, got ${what}`,
      );
    }
    return data;
  }

  /** The n × m transpose (its pattern is the pattern's transpose; values are moved, not copied densely). */
  transpose(): SparseMatrix {
    const [m, n] = this.shape;
    const pt = this.pattern.transpose();
    // Stable counting sort of the entries by column: row order is kept within each column, which is
    // the transposed pattern's CSR order.
    const next = pt.rowPtr.slice(0, n);
    const values = new Float64Array(this.nnz);
    for (let i = 0; i < m; i++) {
      for (let k = this.rowPtr[i]; k < this.rowPtr[i + 1]; k++)
        values[next[this.colIdx[k]]++] = this.values[k];
    }
    return new SparseMatrix(pt, values, { mode: this.source.mode });
  }

  /** `SparseMatrix 2048×2048 · 12288 nonzeros (0.293%) · 7 colours (column, smallest-last)`. */
  toString(): string {
    return String(this[displaySymbol]()["text/plain"]);
  }

  /** A heatmap (HTML; from 64 rows or columns also a PNG) with shape, nonzeros and colours in the caption. */
  [displaySymbol](): MimeBundle {
    return sparseMatrixBundle(this);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
