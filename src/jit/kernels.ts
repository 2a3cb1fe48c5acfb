// jit's kernels for the non-elementwise primitives: each equation gets a kernel specialised to its shapes,
// params and constant operands that writes its result into a buffer the plan owns (so buffers are reused),
// and does once at compile time what does not depend on the values: index validation and offsets of
// gathers and scatters with constant indices, strides of slices and broadcasts. Primitives without one
// run through their impl rule.
import type { Tensor } from "../tensor.js";
import { Primitive, type PrimitiveParams, type ReduceParams } from "../core/primitives.js";
import {
  broadcastStrides,
  concatData,
  isIdentityData,
  reduceData,
  stridedGather,
  stridedScatterAdd,
  stridesOf,
  transposeInto,
} from "../core/kernels.js";
import { permuteData } from "../core/rules/shape.js";
import { matmulInto } from "../linalg/matmul-rules.js";
import { KeptOperands } from "../linalg/kept-operands.js";

/** Writes an equation's result into `out` from its operands' storage; `zeroed` when out is fresh (all 0). */
export type IntoKernel = (ins: Float64Array[], out: Float64Array, zeroed: boolean) => void;

/** What a kernel is made from: the equation's primitive, params, operand shapes and constant operands. */
export interface KernelSpec {
  prim: Primitive;
  params: unknown;
  shapes: readonly (readonly number[])[];
  outShape: readonly number[];
  /** Each operand's value when it is a constant, else null. */
  consts: readonly (Tensor | null)[];
}

/**
 * Flat offsets into `big` (of `bigShape`) of every element of an index tensor along `axis`: the element
 * read by gather, or written by scatter-add, for each position of the index.
 */
function gatherOffsets(
  bigShape: readonly number[],
  index: Float64Array,
  idxShape: readonly number[],
  axis: number,
) {
  const n = index.length;
  const r = idxShape.length;
  const bst = stridesOf(bigShape);
  const out = new Int32Array(n);
  const idx = new Int32Array(r);
  let pos = 0;
  for (let k = 0; k < n; k++) {
    out[k] = pos + index[k] * bst[axis];
    for (let d = r - 1; d >= 0; d--) {
      if (d !== axis) pos += bst[d];
      if (++idx[d] < idxShape[d]) break;
      if (d !== axis) pos -= bst[d] * idxShape[d];
      idx[d] = 0;
    }
  }
  return out;
}

function sliceLayout(shape: readonly number[], starts: readonly number[], steps: readonly number[]) {
  const st = stridesOf(shape);
  let base = 0;
  for (let d = 0; d < shape.length; d++) base += starts[d] * st[d];
  return { base, strides: st.map((s, d) => s * steps[d]) };
}

/** The matmul's constant operands to keep in WebAssembly memory, if it has any. */
function keptConstants(consts: readonly (Tensor | null)[]): KeptOperands | undefined {
  const [a, b] = [consts[0] !== null, consts[1] !== null];
  return a || b ? new KeptOperands(a, b) : undefined;
}

const reduceInit = { [Primitive.Sum]: 0, [Primitive.Max]: -Infinity, [Primitive.Prod]: 1 } as const;
const reduceCombine = { [Primitive.Sum]: "sum", [Primitive.Max]: "max", [Primitive.Prod]: "prod" } as const;

/** The kernel of one equation, or null when it runs through the primitive's impl. */
export function intoKernel(spec: KernelSpec): IntoKernel | null {
  const { prim, shapes, outShape, consts } = spec;
  switch (prim) {
    case Primitive.Matmul: {
      const params = spec.params as PrimitiveParams[Primitive.Matmul];
      // Constant operands stay in WebAssembly memory between calls (constants are fixed at trace time).
      const keep = keptConstants(consts);
      // A product with k factors (a scaling folded in by absorb.ts): its third operand.
      if (shapes.length === 3)
        return (ins, out) => void matmulInto(ins[0], shapes[0], ins[1], shapes[1], params, out, ins[2], keep);
      // A product with a constant identity is the other operand (transposed if it is read transposed).
      for (const side of [0, 1]) {
        const c = consts[side];
        if (c === null || c.ndim !== 2 || shapes[1 - side].length !== 2) continue;
        if (!isIdentityData(c.data, c.shape[0], c.shape[1])) continue;
        const trans = side === 0 ? params.transB === true : params.transA === true;
        const [r, k] = shapes[1 - side];
        return trans
          ? (ins, out) => transposeInto(ins[1 - side], 0, r, k, out, 0)
          : (ins, out) => out.set(ins[1 - side]);
      }
      return (ins, out) =>
        void matmulInto(ins[0], shapes[0], ins[1], shapes[1], params, out, undefined, keep);
    }
    case Primitive.Sum:
    case Primitive.Max:
    case Primitive.Prod: {
      const { axes } = spec.params as ReduceParams;
      const [init, combine] = [reduceInit[prim], reduceCombine[prim]];
      return (ins, out) => void reduceData(ins[0], shapes[0], axes, init, combine, out);
    }
    case Primitive.Permute: {
      const { perm } = spec.params as PrimitiveParams[Primitive.Permute];
      return (ins, out) => void permuteData(ins[0], shapes[0], perm, out);
    }
    case Primitive.BroadcastTo: {
      const strides = broadcastStrides(shapes[0], outShape);
      return (ins, out) => void stridedGather(ins[0], 0, strides, outShape, out);
    }
    case Primitive.Slice: {
      const { starts, steps, sizes } = spec.params as PrimitiveParams[Primitive.Slice];
      const { base, strides } = sliceLayout(shapes[0], starts, steps);
      return (ins, out) => void stridedGather(ins[0], base, strides, sizes, out);
    }
    case Primitive.PadSlice: {
      const { starts, steps, shape } = spec.params as PrimitiveParams[Primitive.PadSlice];
      const { base, strides } = sliceLayout(shape, starts, steps);
      return (ins, out, zeroed) => {
        if (!zeroed) out.fill(0);
        stridedScatterAdd(out, base, strides, ins[0], shapes[0]);
      };
    }
    case Primitive.Concat: {
      const { axis } = spec.params as PrimitiveParams[Primitive.Concat];
      const parts: { data: Float64Array; shape: readonly number[] }[] = shapes.map((shape) => ({
        data: new Float64Array(0),
        shape,
      }));
      return (ins, out) => {
        for (let j = 0; j < parts.length; j++) parts[j].data = ins[j];
        concatData(parts, axis, out);
      };
    }
    case Primitive.Gather:
    case Primitive.ScatterAdd: {
      // With a constant index (validated by the impl when traced) the offsets are computed once.
      const index = consts[1];
      if (index === null) return null;
      const { axis } = spec.params as { axis: number };
      if (prim === Primitive.Gather) {
        const at = gatherOffsets(shapes[0], index.data, shapes[1], axis);
        return (ins, out) => {
          const x = ins[0];
          for (let k = 0; k < at.length; k++) out[k] = x[at[k]];
        };
      }
      const at = gatherOffsets(outShape, index.data, shapes[1], axis);
      // A fresh output is already zero: untouched pages of a large one then cost nothing.
      return (ins, out, zeroed) => {
        const src = ins[0];
        if (!zeroed) out.fill(0);
        for (let k = 0; k < at.length; k++) out[at[k]] += src[k];
      };
    }
    default:
      return null;
  }
}
