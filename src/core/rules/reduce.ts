// Rules of the reductions Sum, Max and Prod over a sorted set of axes, with or without keepdim.
import { Tensor } from "../../tensor.js";
import { Primitive, type ReduceParams } from "../primitives.js";
import { bind } from "../trace.js";
import { keptShape, reduceData } from "../kernels.js";
import { div, eq, mul, where } from "../../ops/elementwise.js";
import { broadcastTo, reshape } from "../../ops/shape.js";
import { eye } from "../../ops/create.js";
import { family } from "./common.js";

type ReducePrim = Primitive.Sum | Primitive.Max | Primitive.Prod;

function reduceImpl(init: number, combine: "sum" | "max" | "prod") {
  return ([x]: Tensor[], { axes, keepdim }: ReduceParams): Tensor => {
    const data = reduceData(x.data, x.shape, axes, init, combine);
    const shape = keepdim ? keptShape(x.shape, axes) : x.shape.filter((_, i) => !axes.includes(i));
    return new Tensor(data, shape);
  };
}

/** A reduction's result (or cotangent) with the reduced dims restored as size 1. */
function kept(t: Tensor, x: Tensor, { axes, keepdim }: ReduceParams): Tensor {
  return keepdim ? t : reshape(t, keptShape(x.shape, axes));
}

/** Batching: the batch dim is dim 0, so every reduced axis moves up by one. */
function reduceBatch<P extends ReducePrim>(p: P) {
  return (vals: Tensor[], batched: boolean[], _size: number, params: ReduceParams): [Tensor, boolean] => [
    bind(p, vals, { axes: params.axes.map((a) => a + 1), keepdim: params.keepdim }),
    batched[0],
  ];
}

/** Weights sharing the gradient of max equally among the positions that attain it. */
function argmaxWeights(x: Tensor, out: Tensor, params: ReduceParams): Tensor {
  const hit = eq(x, kept(out, x, params));
  return div(hit, bind(Primitive.Sum, [hit], { axes: params.axes, keepdim: true }));
}

/** Rules of the reductions. */
// Up to this many reduced elements the exclusive products are formed exactly (O(N^2) work), so that
// derivatives of every order are right even at zeros; beyond, a zero-safe division formula is used.
const EXACT_PROD_GRAD_MAX = 16;

/**
 * d(prod x)/dx_i = prod_{j != i} x_j, finite where x has zeros. Small reductions form each exclusive
 * product directly (x repeated N times with the diagonal set to 1); larger ones use p / x_i with p the
 * product of the non-zero entries, p at a lone zero, 0 when there are several zeros.
 */
function prodGrad(x: Tensor, params: ReduceParams): Tensor {
  const axes = params.axes;
  let count = 1;
  for (const a of axes) count *= x.shape[a];
  if (count <= EXACT_PROD_GRAD_MAX) {
    const keptAxes = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const perm = [...keptAxes, ...axes];
    const moved = bind(Primitive.Permute, [x], { perm });
    const lead = keptAxes.map((a) => x.shape[a]);
    const rows = reshape(moved, [...lead, 1, count]);
    const square = broadcastTo(rows, [...lead, count, count]);
    const exclusive = bind(Primitive.Prod, [where(eye(count), 1, square)], {
      axes: [lead.length + 1],
      keepdim: false,
    });
    const back = reshape(
      exclusive,
      perm.map((a) => x.shape[a]),
    );
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return bind(Primitive.Permute, [back], { perm: inverse });
  }
  const isZero = eq(x, 0);
  const zeros = bind(Primitive.Sum, [isZero], { axes, keepdim: true });
  const safe = where(isZero, 1, x);
  const p = bind(Primitive.Prod, [safe], { axes, keepdim: true });
  const lone = mul(eq(zeros, 1), isZero);
  return where(eq(zeros, 0), div(p, safe), where(lone, p, 0));
}

export const reduceRules = family<ReducePrim>({
  // d(sum x) = sum dx; the cotangent is broadcast back over the reduced dims
  [Primitive.Sum]: {
    impl: reduceImpl(0, "sum"),
    jvp: (_x, [t], _o, params) => (t === null ? null : bind(Primitive.Sum, [t], params)),
    vjp: (ct, [x], _o, params) => [broadcastTo(kept(ct, x, params), x.shape)],
    batch: reduceBatch(Primitive.Sum),
  },
  // d(max x) = sum_i w_i dx_i, w = [x_i = max] / #ties
  [Primitive.Max]: {
    impl: reduceImpl(-Infinity, "max"),
    jvp: ([x], [t], out, params) =>
      t === null ? null : bind(Primitive.Sum, [mul(t, argmaxWeights(x, out, params))], params),
    vjp: (ct, [x], out, params) => [mul(kept(ct, x, params), argmaxWeights(x, out, params))],
    batch: reduceBatch(Primitive.Max),
  },
  // d(prod x) = sum_i (prod_{j != i} x_j) dx_i   (see prodGrad: no division by a zero entry)
  [Primitive.Prod]: {
    impl: reduceImpl(1, "prod"),
    jvp: ([x], [t], _o, params) =>
      t === null ? null : bind(Primitive.Sum, [mul(t, prodGrad(x, params))], params),
    vjp: (ct, [x], _o, params) => [mul(kept(ct, x, params), prodGrad(x, params))],
    batch: reduceBatch(Primitive.Prod),
  },
});
