// Rules of the reductions Sum, Max and Prod over a sorted set of axes, with or without keepdim.
import { Tensor } from "../../tensor.js";
import { Primitive, type ReduceParams } from "../primitives.js";
import { bind } from "../trace.js";
import { keptShape, reduceData } from "../kernels.js";
import { div, eq, mul } from "../../ops/elementwise.js";
import { broadcastTo, reshape } from "../../ops/shape.js";
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
  // d(prod x) = sum_i (prod x / x_i) dx_i   (exact when no x_i is 0)
  [Primitive.Prod]: {
    impl: reduceImpl(1, "prod"),
    jvp: ([x], [t], out, params) =>
      t === null ? null : bind(Primitive.Sum, [mul(t, div(kept(out, x, params), x))], params),
    vjp: (ct, [x], out, params) => [mul(kept(ct, x, params), div(kept(out, x, params), x))],
    batch: reduceBatch(Primitive.Prod),
  },
});
