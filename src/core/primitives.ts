// The primitive operations of the core: one enum, typed params per primitive, and the rule signatures
// that every interpretation (eval, JVP, VJP, batching) must provide for every primitive.
//
// HOW A FAMILY OF PRIMITIVES PLUGS IN (e.g. linear algebra in src/linalg/):
//  1. Add the names to the `Primitive` enum below, in the family's comment block.
//  2. Add their params to `PrimitiveParams` (in the same block; `NoParams` when there are none).
//  3. In the family's own file export one `FamilyRules<F>` record, where F is the union of the family's
//     enum members: `{ impl, jvp, vjp, batch }`, each a total record `{ [P in F]: Rule<P> }`.
//     - impl:  (inputs, params) => Tensor           concrete inputs (`.data`, `.shape`), returns a new Tensor
//     - jvp:   (primals, tangents, out, params) => tangent | null   written with ops (bind); null = zero
//     - vjp:   (ct, primals, out, params, needs) => one cotangent (or null) per input, written with ops
//     - batch: (vals, batched, size, params) => [out, outBatched]  the batch dim is always dim 0 of a
//              batched value; unbatched values carry no batch dim; bind the primitive (or others) on vals
//  4. Spread that record into the tables of `src/setup.ts` (one import line + one spread per table).
//     The tables there are typed `FamilyRules<Primitive>`, so a missing rule does not compile; setup
//     injects them into the trace (`installRules`), so the core itself imports no family.
//  5. Give each primitive a sparsity rule (src/sparse/detect/types.ts: operand dependency sets to the
//     output's) in a family record spread into `sparsityTable` of `src/setup.ts`, also total.
// Every primitive has exactly one output tensor. Rules call the public ops (src/ops/), never kernels of
// other primitives directly, so that the backward pass is itself differentiable and batchable.
import type { Tensor } from "../tensor.js";
import type { CustomParams } from "./custom-call.js";

/** The primitive operations; everything else in jaclab is a composition of these. */
export enum Primitive {
  // elementwise unary
  Neg = "neg",
  Exp = "exp",
  Log = "log",
  Log1p = "log1p",
  Sin = "sin",
  Cos = "cos",
  Tan = "tan",
  Tanh = "tanh",
  Sigmoid = "sigmoid",
  Relu = "relu",
  Softplus = "softplus",
  Abs = "abs",
  Sqrt = "sqrt",
  Sign = "sign",
  // elementwise binary, NumPy broadcasting
  Add = "add",
  Sub = "sub",
  Mul = "mul",
  Div = "div",
  Pow = "pow",
  Maximum = "maximum",
  Minimum = "minimum",
  // comparisons (0/1 results, no derivative) and selection
  Compare = "compare",
  Where = "where",
  // reductions over a set of axes
  Sum = "sum",
  Max = "max",
  Prod = "prod",
  // shape and indexing
  Reshape = "reshape",
  Permute = "permute",
  BroadcastTo = "broadcastTo",
  Slice = "slice",
  PadSlice = "padSlice",
  Concat = "concat",
  Gather = "gather",
  ScatterAdd = "scatterAdd",
  // matrix product with broadcast batch dims (both operands of rank >= 2)
  Matmul = "matmul",
  // linear algebra: rules in src/linalg/ (owned by the linear-algebra work)
  Solve = "solve",
  TriangularSolve = "triangularSolve",
  Cholesky = "cholesky",
  Det = "det",
  LogAbsDet = "logAbsDet",
  Adjugate = "adjugate",
  // a function with its own derivative rules (customVjp, customJvp, autograd.Function, checkpoint)
  CustomCall = "customCall",
}

/** The elementwise unary primitives (one input, same shape out, no params). */
export type UnaryPrim =
  | Primitive.Neg
  | Primitive.Exp
  | Primitive.Log
  | Primitive.Log1p
  | Primitive.Sin
  | Primitive.Cos
  | Primitive.Tan
  | Primitive.Tanh
  | Primitive.Sigmoid
  | Primitive.Relu
  | Primitive.Softplus
  | Primitive.Abs
  | Primitive.Sqrt
  | Primitive.Sign;

/** The elementwise binary primitives (two broadcasting inputs, no params). */
export type BinaryPrim =
  | Primitive.Add
  | Primitive.Sub
  | Primitive.Mul
  | Primitive.Div
  | Primitive.Pow
  | Primitive.Maximum
  | Primitive.Minimum;

/** Params of a primitive without params. */
export type NoParams = Record<never, never>;

/** The comparison a `Compare` primitive performs. */
export type CompareOp = "lt" | "le" | "gt" | "ge" | "eq" | "ne";

/** Axes reduced by a reduction; `keepdim` keeps them as size-1 dims. Axes are non-negative and sorted. */
export interface ReduceParams {
  /** The axes reduced. */
  axes: number[];
  /** Keep the reduced axes as dims of size 1. */
  keepdim: boolean;
}

/** The params each primitive takes (metadata, as opposed to tensor operands). */
export interface PrimitiveParams {
  [Primitive.Neg]: NoParams;
  [Primitive.Exp]: NoParams;
  [Primitive.Log]: NoParams;
  [Primitive.Log1p]: NoParams;
  [Primitive.Sin]: NoParams;
  [Primitive.Cos]: NoParams;
  [Primitive.Tan]: NoParams;
  [Primitive.Tanh]: NoParams;
  [Primitive.Sigmoid]: NoParams;
  [Primitive.Relu]: NoParams;
  [Primitive.Softplus]: NoParams;
  [Primitive.Abs]: NoParams;
  [Primitive.Sqrt]: NoParams;
  [Primitive.Sign]: NoParams;
  [Primitive.Add]: NoParams;
  [Primitive.Sub]: NoParams;
  [Primitive.Mul]: NoParams;
  [Primitive.Div]: NoParams;
  [Primitive.Pow]: NoParams;
  [Primitive.Maximum]: NoParams;
  [Primitive.Minimum]: NoParams;
  [Primitive.Compare]: { op: CompareOp };
  [Primitive.Where]: NoParams;
  [Primitive.Sum]: ReduceParams;
  [Primitive.Max]: ReduceParams;
  [Primitive.Prod]: ReduceParams;
  /** The new shape (same size, no -1). */
  [Primitive.Reshape]: { shape: number[] };
  /** out.shape[i] = x.shape[perm[i]]. */
  [Primitive.Permute]: { perm: number[] };
  /** The target shape; x's shape is right-aligned against it (NumPy rules). */
  [Primitive.BroadcastTo]: { shape: number[] };
  /** Per axis: out[i] = x[starts + i * steps], `sizes` elements (steps may be negative, never 0). */
  [Primitive.Slice]: { starts: number[]; steps: number[]; sizes: number[] };
  /** The transpose of Slice: zeros of `shape` with x placed at starts + i * steps. */
  [Primitive.PadSlice]: { starts: number[]; steps: number[]; shape: number[] };
  [Primitive.Concat]: { axis: number };
  /** torch.gather: out[..i..] = x[..index[..i..]..] along `axis`; index has x's rank. */
  [Primitive.Gather]: { axis: number };
  /** The transpose of Gather: zeros of `shape`, then out[..index[..i..]..] += src[..i..] along `axis`. */
  [Primitive.ScatterAdd]: { axis: number; shape: number[] };
  /** op(A) @ op(B) where op transposes the last two dims when the flag is set (no copy is made). */
  [Primitive.Matmul]: { transA?: boolean; transB?: boolean };
  // linear algebra: rules in src/linalg/
  [Primitive.Solve]: NoParams;
  [Primitive.TriangularSolve]: { lower: boolean; transpose: boolean; unitDiagonal: boolean };
  [Primitive.Cholesky]: NoParams;
  [Primitive.Det]: NoParams;
  [Primitive.LogAbsDet]: NoParams;
  [Primitive.Adjugate]: NoParams;
  /** The rule (how to evaluate and differentiate the function) and the residuals of its forward pass. */
  [Primitive.CustomCall]: CustomParams;
}

/** Forward kernel: concrete inputs to a new concrete output. */
export type ImplRule<P extends Primitive> = (inputs: Tensor[], params: PrimitiveParams[P]) => Tensor;

/** Forward-mode rule: the output tangent (null = zero) given primals, tangents (null = zero) and the output. */
export type JvpRule<P extends Primitive> = (
  primals: Tensor[],
  tangents: (Tensor | null)[],
  out: Tensor,
  params: PrimitiveParams[P],
) => Tensor | null;

/**
 * Reverse-mode rule, written with ops: one cotangent per input (null where there is none or where
 * `needs[i]` is false). `ct` has the output's shape, each result the shape of its input.
 */
export type VjpRule<P extends Primitive> = (
  ct: Tensor,
  primals: Tensor[],
  out: Tensor,
  params: PrimitiveParams[P],
  needs: boolean[],
) => (Tensor | null)[];

/**
 * Batching rule: `vals[i]` carries a leading batch dim of `size` when `batched[i]`; returns the output
 * and whether it is batched (at dim 0).
 */
export type BatchRule<P extends Primitive> = (
  vals: Tensor[],
  batched: boolean[],
  size: number,
  params: PrimitiveParams[P],
) => [Tensor, boolean];

/** The four rules of a family F of primitives, each a total record over F. */
export interface FamilyRules<F extends Primitive> {
  impl: { [P in F]: ImplRule<P> };
  jvp: { [P in F]: JvpRule<P> };
  vjp: { [P in F]: VjpRule<P> };
  batch: { [P in F]: BatchRule<P> };
}
