// A structured batched value for vmap: a batch of examples that are zero except at a few listed entries,
// such as the one-hot seeds of jacrev/jacfwd (the rows of an identity) and what the derivative rules make
// of them. The positions are static (known while tracing); the values are a tensor, possibly traced, so
// the structure carries through jvp, vjp and jit. Batching rules that understand it (rules/structured-batch.ts)
// compute on the entries alone, so a product with a basis is never formed; every other rule sees the
// dense batch (`dense()`), the fallback that is always right.
import { Tensor } from "../tensor.js";
import { Primitive } from "./primitives.js";
import { bind } from "./trace.js";
import { sizeOf } from "./kernels.js";

/**
 * `size` examples of shape `shape`; entry e adds `vals[e]` at flat (row-major) position `cols[e]` of
 * example `rows[e]`. Positions may repeat (their values add); every other element is zero.
 */
export class SparseBatch {
  constructor(
    readonly size: number,
    readonly shape: readonly number[],
    readonly rows: Int32Array,
    readonly cols: Int32Array,
    /** [nnz] values, possibly a tracer of a lower level. */
    readonly vals: Tensor,
  ) {}

  /** Number of entries. */
  get nnz(): number {
    return this.rows.length;
  }

  /** Elements of the dense batch [size, ...shape]. */
  get denseSize(): number {
    return this.size * sizeOf(this.shape);
  }

  /** The same batch with other entries (and possibly another example shape). */
  with(rows: Int32Array, cols: Int32Array, vals: Tensor, shape: readonly number[] = this.shape): SparseBatch {
    return new SparseBatch(this.size, shape, rows, cols, vals);
  }

  /** The dense batch [size, ...shape]: the entries scattered into zeros. */
  dense(): Tensor {
    const m = sizeOf(this.shape);
    const flat = new Float64Array(this.nnz);
    for (let e = 0; e < flat.length; e++) flat[e] = this.rows[e] * m + this.cols[e];
    const scattered = bind(Primitive.ScatterAdd, [this.vals, indexTensor(flat, [flat.length])], {
      axis: 0,
      shape: [this.size * m],
    });
    return bind(Primitive.Reshape, [scattered], { shape: [this.size, ...this.shape] });
  }
}

/**
 * Examples first..first+count-1 as the columns of a dense [...shape, count] tensor: the batch moved to
 * the last dim in the same scatter that makes it dense (jacfwd's Jacobian, with no transpose).
 */
export function denseColumns(sb: SparseBatch, first: number, count: number): Tensor {
  const m = sizeOf(sb.shape);
  const pick: number[] = [];
  const at: number[] = [];
  for (let e = 0; e < sb.nnz; e++) {
    const r = sb.rows[e] - first;
    if (r < 0 || r >= count) continue;
    pick.push(e);
    at.push(sb.cols[e] * count + r);
  }
  const vals =
    pick.length === sb.nnz
      ? sb.vals
      : bind(Primitive.Gather, [sb.vals, indexTensor(Float64Array.from(pick), [pick.length])], { axis: 0 });
  const flat = bind(Primitive.ScatterAdd, [vals, indexTensor(Float64Array.from(at), [at.length])], {
    axis: 0,
    shape: [m * count],
  });
  return bind(Primitive.Reshape, [flat], { shape: [...sb.shape, count] });
}

/** An index operand (float64 indices, as Gather and ScatterAdd take them). */
export function indexTensor(values: Float64Array, shape: number[]): Tensor {
  return new Tensor(values, shape);
}

/** One-hot rows: example r of `count` has a 1 at position first + r when that lies in [0, m). */
export function oneHotBatch(shape: readonly number[], first: number, count: number): SparseBatch {
  const m = sizeOf(shape);
  const lo = Math.max(0, -first);
  const hi = Math.min(count, m - first);
  const n = Math.max(0, hi - lo);
  const rows = new Int32Array(n);
  const cols = new Int32Array(n);
  for (let e = 0; e < n; e++) {
    rows[e] = lo + e;
    cols[e] = first + lo + e;
  }
  return new SparseBatch(count, [...shape], rows, cols, new Tensor(new Float64Array(n).fill(1), [n]));
}

/**
 * Maps each flat position of `from` to a flat position of `to` through per-dim coordinate maps:
 * `map(coords, out)` fills `out` (the coordinates in `to`) and returns false to drop the entry.
 * Returns the kept entries' indices and their new positions.
 */
export function remap(
  cols: Int32Array,
  from: readonly number[],
  to: readonly number[],
  map: (coords: Int32Array, out: Int32Array) => boolean,
): { kept: Int32Array; cols: Int32Array } {
  const c = new Int32Array(from.length);
  const o = new Int32Array(to.length);
  const keptList: number[] = [];
  const colList: number[] = [];
  for (let e = 0; e < cols.length; e++) {
    let rest = cols[e];
    for (let d = from.length - 1; d >= 0; d--) {
      c[d] = rest % from[d];
      rest = (rest - c[d]) / from[d];
    }
    if (!map(c, o)) continue;
    let flat = 0;
    for (let d = 0; d < to.length; d++) flat = flat * to[d] + o[d];
    keptList.push(e);
    colList.push(flat);
  }
  return { kept: Int32Array.from(keptList), cols: Int32Array.from(colList) };
}
