// Batching rules on structured batches (SparseBatch, ../sparse-batch.ts): the primitives that derivative
// rules apply to one-hot seeds, computed on the entries alone. Linear maps of positions (reshape,
// permute, slices, padding, broadcasting, sums, concatenation) only move entries; scaling by a dense
// operand gathers that operand at the entries; sums of structured batches join their entries; a matrix
// product with a structured operand gathers rows or columns of the dense one (the product of W with the
// identity basis is W itself, and never a GEMM). A rule returns null where the structure does not pay
// (or does not apply), and the dense batching rule runs on the dense batch instead.
import { Tensor } from "../../tensor.js";
import { Primitive, type PrimitiveParams } from "../primitives.js";
import { bind } from "../trace.js";
import { broadcastShapes, broadcastStrides, sizeOf } from "../kernels.js";
import { SparseBatch, indexTensor, remap } from "../sparse-batch.js";
import { cat, permute, reshape } from "../../ops/shape.js";
import { mul, neg, where } from "../../ops/elementwise.js";

/** A batched operand: dense ([size, ...shape]), structured, or (unbatched) a plain value. */
export type BatchVal = Tensor | SparseBatch;

/** A structured batching rule: the result (structured or dense, batched), or null to use the dense rule. */
export type SparseRule<P extends Primitive> = (
  vals: BatchVal[],
  batched: boolean[],
  size: number,
  params: PrimitiveParams[P],
) => BatchVal | null;

// Beyond this share of the dense batch's elements, entries cost more than the dense batch.
const DENSE_SHARE = 1 / 3;

function worthKeeping(sb: SparseBatch, nnz = sb.nnz): boolean {
  return nnz <= sb.denseSize * DENSE_SHARE;
}

/** Per-example shape of an operand (a structured one, a dense batched one, or an unbatched one). */
function exampleShape(v: BatchVal, batched: boolean): readonly number[] {
  if (v instanceof SparseBatch) return v.shape;
  return batched ? v.shape.slice(1) : v.shape;
}

function entriesOf(sb: SparseBatch, kept: Int32Array): Tensor {
  if (kept.length === sb.nnz) return sb.vals;
  const idx = Float64Array.from(kept);
  return bind(Primitive.Gather, [sb.vals, indexTensor(idx, [idx.length])], { axis: 0 });
}

/** The entries of `sb` repeated over the dims of `shape` it is broadcast along (null when too many). */
function broadcastEntries(sb: SparseBatch, shape: readonly number[]): SparseBatch | null {
  if (sb.shape.length === shape.length && sb.shape.every((d, i) => d === shape[i])) return sb;
  const factor = sizeOf(shape) / Math.max(1, sizeOf(sb.shape));
  if (!worthKeeping(new SparseBatch(sb.size, shape, sb.rows, sb.cols, sb.vals), sb.nnz * factor)) return null;
  const strides = broadcastStrides(sb.shape, shape);
  // For every target position, the source position it reads; group targets by source.
  const bySource = new Map<number, number[]>();
  const total = sizeOf(shape);
  const coord = new Int32Array(shape.length);
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let src = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      coord[d] = rest % shape[d];
      rest = (rest - coord[d]) / shape[d];
      src += coord[d] * strides[d];
    }
    let list = bySource.get(src);
    if (list === undefined) bySource.set(src, (list = []));
    list.push(flat);
  }
  const rows: number[] = [];
  const cols: number[] = [];
  const from: number[] = [];
  for (let e = 0; e < sb.nnz; e++) {
    for (const t of bySource.get(sb.cols[e]) ?? []) {
      rows.push(sb.rows[e]);
      cols.push(t);
      from.push(e);
    }
  }
  const vals = bind(Primitive.Gather, [sb.vals, indexTensor(Float64Array.from(from), [from.length])], {
    axis: 0,
  });
  return sb.with(Int32Array.from(rows), Int32Array.from(cols), vals, shape);
}

/** The dense operand `v` read at every entry of `sb` (whose shape v broadcasts to). */
function gatherAt(v: Tensor, batched: boolean, sb: SparseBatch): Tensor {
  const shape = batched ? v.shape.slice(1) : v.shape;
  const m = sizeOf(shape);
  const strides = broadcastStrides(shape, sb.shape);
  const idx = new Float64Array(sb.nnz);
  const out = sb.shape;
  for (let e = 0; e < sb.nnz; e++) {
    let rest = sb.cols[e];
    let at = batched ? sb.rows[e] * m : 0;
    for (let d = out.length - 1; d >= 0; d--) {
      const c = rest % out[d];
      rest = (rest - c) / out[d];
      at += c * strides[d];
    }
    idx[e] = at;
  }
  const flat = bind(Primitive.Reshape, [v], { shape: [batched ? v.shape[0] * m : m] });
  return bind(Primitive.Gather, [flat, indexTensor(idx, [idx.length])], { axis: 0 });
}

/**
 * A structured operand scaled elementwise by a dense one: op(vals, dense at the entries). `sparseFirst`
 * says which operand of the binary primitive is structured.
 */
function scaled(
  vals: BatchVal[],
  batched: boolean[],
  scale: (entries: Tensor, other: Tensor) => Tensor,
  sparseAt: 0 | 1,
): BatchVal | null {
  const sp = vals[sparseAt];
  const other = vals[1 - sparseAt];
  if (!(sp instanceof SparseBatch) || other instanceof SparseBatch) return null;
  const otherBatched = batched[1 - sparseAt];
  const shape = broadcastShapes(sp.shape, exampleShape(other, otherBatched));
  if (shape === null) return null;
  const sb = broadcastEntries(sp, shape);
  if (sb === null) return null;
  // A scalar factor needs no gather.
  if (!otherBatched && other.size === 1) return sb.with(sb.rows, sb.cols, scale(sb.vals, reshape(other, [])));
  return sb.with(sb.rows, sb.cols, scale(sb.vals, gatherAt(other, otherBatched, sb)));
}

/** Joins the entries of structured operands of one shape (b negated for a difference). */
function joined(vals: BatchVal[], negateSecond: boolean): BatchVal | null {
  const [a, b] = vals;
  if (!(a instanceof SparseBatch) || !(b instanceof SparseBatch)) return null;
  const shape = broadcastShapes(a.shape, b.shape);
  if (shape === null) return null;
  const sa = broadcastEntries(a, shape);
  const sbb = broadcastEntries(b, shape);
  if (sa === null || sbb === null || !worthKeeping(sa, sa.nnz + sbb.nnz)) return null;
  const rows = new Int32Array(sa.nnz + sbb.nnz);
  rows.set(sa.rows);
  rows.set(sbb.rows, sa.nnz);
  const cols = new Int32Array(rows.length);
  cols.set(sa.cols);
  cols.set(sbb.cols, sa.nnz);
  const second = negateSecond ? neg(sbb.vals) : sbb.vals;
  return coalesce(sa.with(rows, cols, cat([sa.vals, second], 0), shape));
}

/** Sums entries at repeated positions when there are many of them (one scatter of the values). */
function coalesce(sb: SparseBatch): SparseBatch {
  const m = sizeOf(sb.shape);
  const slot = new Map<number, number>();
  const seg = new Float64Array(sb.nnz);
  for (let e = 0; e < sb.nnz; e++) {
    const key = sb.rows[e] * m + sb.cols[e];
    let s = slot.get(key);
    if (s === undefined) slot.set(key, (s = slot.size));
    seg[e] = s;
  }
  if (slot.size * 1.5 > sb.nnz) return sb;
  const rows = new Int32Array(slot.size);
  const cols = new Int32Array(slot.size);
  for (const [key, s] of slot) {
    rows[s] = Math.floor(key / m);
    cols[s] = key - rows[s] * m;
  }
  const vals = bind(Primitive.ScatterAdd, [sb.vals, indexTensor(seg, [seg.length])], {
    axis: 0,
    shape: [slot.size],
  });
  return sb.with(rows, cols, vals);
}

/** A rule that moves entries: `map` gives each position's new coordinates (false drops it). */
function moved(
  sb: SparseBatch,
  to: readonly number[],
  map: (coords: Int32Array, out: Int32Array) => boolean,
): SparseBatch {
  const r = remap(sb.cols, sb.shape, to, map);
  const rows = r.kept.length === sb.nnz ? sb.rows : Int32Array.from(r.kept, (e) => sb.rows[e]);
  return sb.with(rows, r.cols, entriesOf(sb, r.kept), to);
}

/** A structured unary rule: applies when the only operand is structured. */
function onSparse<P extends Primitive>(
  rule: (sb: SparseBatch, params: PrimitiveParams[P]) => BatchVal | null,
): SparseRule<P> {
  return ([x], _batched, _size, params) => (x instanceof SparseBatch ? rule(x, params) : null);
}

function isZeroConstant(v: BatchVal): boolean {
  if (v instanceof SparseBatch || v._level !== 0) return false;
  for (const x of v.data) if (x !== 0) return false;
  return true;
}

/** True for the unit basis itself: entry e is example e's element e, value 1, as many as elements. */
function isIdentityBasis(sb: SparseBatch): boolean {
  if (sb.vals._level !== 0 || sb.nnz !== sb.size || sb.size !== sizeOf(sb.shape)) return false;
  const v = sb.vals.data;
  for (let e = 0; e < sb.nnz; e++) if (sb.rows[e] !== e || sb.cols[e] !== e || v[e] !== 1) return false;
  return true;
}

/**
 * The product of a dense unbatched matrix and a structured batch of matrices, on one side or the other:
 * each entry adds value × (a column or a row of the dense matrix) into the result, so the result is
 * gathered rows of the dense matrix, scaled, then scattered: O(entries × its size), never a GEMM.
 */
function structuredMatmul(
  [a, b]: BatchVal[],
  batched: boolean[],
  size: number,
  { transA = false, transB = false }: PrimitiveParams[Primitive.Matmul],
): BatchVal | null {
  const sparseRight = b instanceof SparseBatch;
  const sp = (sparseRight ? b : a) as SparseBatch;
  const dense = sparseRight ? a : b;
  if (
    dense instanceof SparseBatch ||
    batched[sparseRight ? 0 : 1] ||
    dense.ndim !== 2 ||
    sp.shape.length !== 2
  ) {
    return null;
  }
  // A plain identity basis: the dense rule hands back the dense operand itself (no product at all).
  if (isIdentityBasis(sp)) return null;
  const [r0, c0] = sp.shape;
  const trans = sparseRight ? transB : transA;
  // The structured operand's entries as (i, j) of op(X), the product's (row, inner) or (inner, col).
  const entry = (e: number): [number, number] => {
    const c = sp.cols[e];
    const i = Math.floor(c / c0);
    const j = c - i * c0;
    return trans ? [j, i] : [i, j];
  };
  // Lines of op(dense) to gather: columns of op(A) for A·X (rows of op(A)^T), rows of op(B) for X·B.
  const denseTrans = sparseRight ? !transA : transB;
  const lines = denseTrans ? permute(dense, [1, 0]) : dense;
  const width = lines.shape[1];
  const nnz = sp.nnz;
  const pick = new Float64Array(nnz * width);
  const place = new Float64Array(nnz * width);
  const [rows, cols] = trans ? [c0, r0] : [r0, c0];
  const outer = sparseRight ? cols : rows; // the product's other dim: M for A·X, N for X·B
  for (let e = 0; e < nnz; e++) {
    const [i, j] = entry(e);
    const line = sparseRight ? i : j; // inner index
    const at = sp.rows[e] * outer + (sparseRight ? j : i);
    pick.fill(line, e * width, (e + 1) * width);
    place.fill(at, e * width, (e + 1) * width);
  }
  const gathered = bind(Primitive.Gather, [lines, indexTensor(pick, [nnz, width])], { axis: 0 });
  const scaledLines = mul(gathered, reshape(sp.vals, [nnz, 1]));
  const out = bind(Primitive.ScatterAdd, [scaledLines, indexTensor(place, [nnz, width])], {
    axis: 0,
    shape: [size * outer, width],
  });
  if (!sparseRight) return reshape(out, [size, outer, width]);
  // A·X: out holds [size, M, N]; the product is [size, N, M].
  if (outer === 1) return reshape(out, [size, width, 1]);
  return permute(reshape(out, [size, outer, width]), [0, 2, 1]);
}

/** The structured batching rules; primitives without one use the dense batch. */
export const structuredBatchRules: { [P in Primitive]?: SparseRule<P> } = {
  [Primitive.Neg]: onSparse((sb) => sb.with(sb.rows, sb.cols, neg(sb.vals))),
  [Primitive.Mul]: (vals, batched) =>
    scaled(vals, batched, (v, o) => mul(v, o), vals[0] instanceof SparseBatch ? 0 : 1),
  [Primitive.Div]: (vals, batched) => scaled(vals, batched, (v, o) => bind(Primitive.Div, [v, o], {}), 0),
  [Primitive.Add]: (vals) => joined(vals, false),
  [Primitive.Sub]: (vals) => joined(vals, true),
  // where(c, x, 0) and where(c, 0, x) keep x's entries where c holds
  [Primitive.Where]: ([c, a, b], batched) => {
    if (c instanceof SparseBatch) return null;
    const at =
      a instanceof SparseBatch && isZeroConstant(b)
        ? 1
        : b instanceof SparseBatch && isZeroConstant(a)
          ? 2
          : 0;
    if (at === 0) return null;
    // The zero operand must not widen the result.
    const zero = (at === 1 ? b : a) as Tensor;
    const sp = (at === 1 ? a : b) as SparseBatch;
    const withCond = broadcastShapes(sp.shape, exampleShape(c, batched[0]));
    const full = withCond && broadcastShapes(withCond, zero.shape);
    if (withCond === null || full === null || full.length !== withCond.length) return null;
    const keep =
      at === 1
        ? (v: Tensor, cond: Tensor) => where(cond, v, 0)
        : (v: Tensor, cond: Tensor) => where(cond, 0, v);
    return scaled([at === 1 ? a : b, c], [true, batched[0]], keep, 0);
  },
  [Primitive.Reshape]: onSparse((sb, { shape }) => sb.with(sb.rows, sb.cols, sb.vals, shape)),
  [Primitive.Permute]: onSparse((sb, { perm }) =>
    moved(
      sb,
      perm.map((p) => sb.shape[p]),
      (c, o) => {
        for (let i = 0; i < perm.length; i++) o[i] = c[perm[i]];
        return true;
      },
    ),
  ),
  [Primitive.BroadcastTo]: onSparse((sb, { shape }) => broadcastEntries(sb, shape)),
  [Primitive.Slice]: onSparse((sb, { starts, steps, sizes }) =>
    moved(sb, sizes, (c, o) => {
      for (let d = 0; d < sizes.length; d++) {
        const q = (c[d] - starts[d]) / steps[d];
        if (!Number.isInteger(q) || q < 0 || q >= sizes[d]) return false;
        o[d] = q;
      }
      return true;
    }),
  ),
  [Primitive.PadSlice]: onSparse((sb, { starts, steps, shape }) =>
    moved(sb, shape, (c, o) => {
      for (let d = 0; d < shape.length; d++) o[d] = starts[d] + c[d] * steps[d];
      return true;
    }),
  ),
  [Primitive.Sum]: onSparse((sb, { axes, keepdim }) => {
    const to = keepdim
      ? sb.shape.map((d, i) => (axes.includes(i) ? 1 : d))
      : sb.shape.filter((_, i) => !axes.includes(i));
    const keptDims = sb.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    return coalesce(
      moved(sb, to, (c, o) => {
        if (keepdim) for (let d = 0; d < c.length; d++) o[d] = axes.includes(d) ? 0 : c[d];
        else keptDims.forEach((d, i) => (o[i] = c[d]));
        return true;
      }),
    );
  }),
  [Primitive.Concat]: (vals, batched, _size, { axis }) => {
    if (!vals.every((v, i) => v instanceof SparseBatch && batched[i])) return null;
    const parts = vals as SparseBatch[];
    const shape = [...parts[0].shape];
    shape[axis] = parts.reduce((s, p) => s + p.shape[axis], 0);
    const pieces: SparseBatch[] = [];
    let offset = 0;
    for (const p of parts) {
      const at = offset;
      pieces.push(moved(p, shape, (c, o) => (o.set(c), (o[axis] += at), true)));
      offset += p.shape[axis];
    }
    const nnz = pieces.reduce((s, p) => s + p.nnz, 0);
    const rows = new Int32Array(nnz);
    const cols = new Int32Array(nnz);
    let at = 0;
    for (const p of pieces) {
      rows.set(p.rows, at);
      cols.set(p.cols, at);
      at += p.nnz;
    }
    return parts[0].with(
      rows,
      cols,
      cat(
        pieces.map((p) => p.vals),
        0,
      ),
      shape,
    );
  },
  [Primitive.Matmul]: structuredMatmul,
};
