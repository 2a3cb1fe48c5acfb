// Rules of the shape and indexing primitives: reshape, permute, broadcast, strided slices and their
// transpose, concatenation, gather and its transpose scatter-add.
import { Tensor } from "../../tensor.js";
import { Primitive } from "../primitives.js";
import { bind } from "../trace.js";
import {
  alloc,
  batchedTranspose,
  broadcastStrides,
  concatData,
  gatherScatter,
  sizeOf,
  stridedGather,
  stridedScatterAdd,
  stridesOf,
  transposeInto,
} from "../kernels.js";
import { IndexError, ShapeError, fmtShape } from "../../errors.js";
import { reshape, sumToShape } from "../../ops/shape.js";
import { zeros } from "../../ops/create.js";
import { allBatched, family } from "./common.js";

type ShapePrim =
  | Primitive.Reshape
  | Primitive.Permute
  | Primitive.BroadcastTo
  | Primitive.Slice
  | Primitive.PadSlice
  | Primitive.Concat
  | Primitive.Gather
  | Primitive.ScatterAdd;

/** Base offset and strides of a strided slice of a contiguous `shape`. */
function sliceLayout(shape: readonly number[], starts: readonly number[], steps: readonly number[]) {
  const st = stridesOf(shape);
  let base = 0;
  for (let d = 0; d < shape.length; d++) base += starts[d] * st[d];
  return { base, strides: st.map((s, d) => s * steps[d]) };
}

/** Throws an IndexError naming op unless every index is an integer in [0, size). */
export function checkIndices(index: Tensor, size: number, op: string, axis: number): void {
  const d = index.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (!Number.isInteger(v) || v < 0 || v >= size) {
      throw new IndexError(`${op}: index ${v} is out of range for dim ${axis} of size ${size}`);
    }
  }
}

/** x's values permuted (into `out` when given): tiled when only the last two dims swap. */
export function permuteData(
  data: Float64Array,
  shape: readonly number[],
  perm: readonly number[],
  out: Float64Array = alloc(data.length),
): Float64Array {
  const t = batchedTranspose(shape, perm);
  if (t !== null && t.rows > 1 && t.cols > 1) {
    const m = t.rows * t.cols;
    for (let b = 0; b < t.count; b++) transposeInto(data, b * m, t.rows, t.cols, out, b * m);
    return out;
  }
  const st = stridesOf(shape);
  return stridedGather(
    data,
    0,
    perm.map((p) => st[p]),
    perm.map((p) => shape[p]),
    out,
  );
}

function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/** Rules of the shape and indexing family. */
export const shapeRules = family<ShapePrim>({
  // reshape is linear: d(reshape x) = reshape dx
  [Primitive.Reshape]: {
    impl: ([x], { shape }) => {
      if (sizeOf(shape) !== x.size) {
        throw new ShapeError(`reshape: cannot reshape ${fmtShape(x.shape)} into ${fmtShape(shape)}`);
      }
      return new Tensor(x.data, shape);
    },
    jvp: (_x, [t], _o, params) => (t === null ? null : bind(Primitive.Reshape, [t], params)),
    vjp: (ct, [x]) => [reshape(ct, x.shape)],
    batch: ([v], _b, size, { shape }) => [bind(Primitive.Reshape, [v], { shape: [size, ...shape] }), true],
  },
  // permute is linear; its transpose is the inverse permutation
  [Primitive.Permute]: {
    impl: ([x], { perm }) =>
      new Tensor(
        permuteData(x.data, x.shape, perm),
        perm.map((p) => x.shape[p]),
      ),
    jvp: (_x, [t], _o, params) => (t === null ? null : bind(Primitive.Permute, [t], params)),
    vjp: (ct, _x, _o, { perm }) => [bind(Primitive.Permute, [ct], { perm: inversePerm(perm) })],
    batch: ([v], _b, _s, { perm }) => [
      bind(Primitive.Permute, [v], { perm: [0, ...perm.map((p) => p + 1)] }),
      true,
    ],
  },
  // broadcasting is linear; its transpose sums over the broadcast dims
  [Primitive.BroadcastTo]: {
    impl: ([x], { shape }) =>
      new Tensor(stridedGather(x.data, 0, broadcastStrides(x.shape, shape), shape), shape),
    jvp: (_x, [t], _o, params) => (t === null ? null : bind(Primitive.BroadcastTo, [t], params)),
    vjp: (ct, [x]) => [sumToShape(ct, x.shape)],
    batch: ([v], _b, size, { shape }) => {
      const pad = shape.length - (v.ndim - 1);
      const aligned =
        pad > 0 ? reshape(v, [size, ...new Array<number>(pad).fill(1), ...v.shape.slice(1)]) : v;
      return [bind(Primitive.BroadcastTo, [aligned], { shape: [size, ...shape] }), true];
    },
  },
  // slicing is linear; its transpose places the cotangent back into zeros (PadSlice)
  [Primitive.Slice]: {
    impl: ([x], { starts, steps, sizes }) => {
      const { base, strides } = sliceLayout(x.shape, starts, steps);
      return new Tensor(stridedGather(x.data, base, strides, sizes), sizes);
    },
    jvp: (_x, [t], _o, params) => (t === null ? null : bind(Primitive.Slice, [t], params)),
    vjp: (ct, [x], _o, { starts, steps }) => [
      bind(Primitive.PadSlice, [ct], { starts, steps, shape: x.shape }),
    ],
    batch: ([v], _b, size, { starts, steps, sizes }) => [
      bind(Primitive.Slice, [v], { starts: [0, ...starts], steps: [1, ...steps], sizes: [size, ...sizes] }),
      true,
    ],
  },
  // PadSlice is linear; its transpose is the slice
  [Primitive.PadSlice]: {
    impl: ([x], { starts, steps, shape }) => {
      const out = alloc(sizeOf(shape));
      const { base, strides } = sliceLayout(shape, starts, steps);
      stridedScatterAdd(out, base, strides, x.data, x.shape);
      return new Tensor(out, shape);
    },
    jvp: (_x, [t], _o, params) => (t === null ? null : bind(Primitive.PadSlice, [t], params)),
    vjp: (ct, [x], _o, { starts, steps }) => [bind(Primitive.Slice, [ct], { starts, steps, sizes: x.shape })],
    batch: ([v], _b, size, { starts, steps, shape }) => [
      bind(Primitive.PadSlice, [v], {
        starts: [0, ...starts],
        steps: [1, ...steps],
        shape: [size, ...shape],
      }),
      true,
    ],
  },
  // concatenation is linear; its transpose slices the cotangent into the pieces
  [Primitive.Concat]: {
    impl: (xs, { axis }) => {
      const shape = [...xs[0].shape];
      shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
      return new Tensor(concatData(xs, axis), shape);
    },
    jvp: (xs, ts, _o, params) =>
      ts.every((t) => t === null)
        ? null
        : bind(
            Primitive.Concat,
            ts.map((t, i) => t ?? zeros(xs[i].shape)),
            params,
          ),
    vjp: (ct, xs, _o, { axis }, needs) => {
      let offset = 0;
      return xs.map((x, i) => {
        const starts = ct.shape.map((_, d) => (d === axis ? offset : 0));
        offset += x.shape[axis];
        if (!needs[i]) return null;
        return bind(Primitive.Slice, [ct], { starts, steps: ct.shape.map(() => 1), sizes: x.shape });
      });
    },
    batch: (vals, batched, size, { axis }) => [
      bind(Primitive.Concat, allBatched(vals, batched, size), { axis: axis + 1 }),
      true,
    ],
  },
  // gather is linear in x; its transpose scatters the cotangent back (ScatterAdd); no derivative for index
  [Primitive.Gather]: {
    impl: ([x, index], { axis }) => {
      checkIndices(index, x.shape[axis], "gather", axis);
      const out = alloc(index.size);
      gatherScatter(x.data, x.shape, out, index.data, index.shape, axis, false);
      return new Tensor(out, index.shape);
    },
    jvp: ([, index], [t], _o, params) => (t === null ? null : bind(Primitive.Gather, [t, index], params)),
    vjp: (ct, [x, index], _o, { axis }) => [
      bind(Primitive.ScatterAdd, [ct, index], { axis, shape: x.shape }),
      null,
    ],
    batch: (vals, batched, size, { axis }) => [
      bind(Primitive.Gather, allBatched(vals, batched, size), { axis: axis + 1 }),
      true,
    ],
  },
  // scatter-add is linear in src; its transpose gathers
  [Primitive.ScatterAdd]: {
    impl: ([src, index], { axis, shape }) => {
      checkIndices(index, shape[axis], "scatterAdd", axis);
      const out = alloc(sizeOf(shape));
      gatherScatter(out, shape, src.data, index.data, index.shape, axis, true);
      return new Tensor(out, shape);
    },
    jvp: ([, index], [t], _o, params) => (t === null ? null : bind(Primitive.ScatterAdd, [t, index], params)),
    vjp: (ct, [, index], _o, { axis }) => [bind(Primitive.Gather, [ct, index], { axis }), null],
    batch: (vals, batched, size, { axis, shape }) => [
      bind(Primitive.ScatterAdd, allBatched(vals, batched, size), {
        axis: axis + 1,
        shape: [size, ...shape],
      }),
      true,
    ],
  },
});
