// All tensor operations in one namespace; also installs them as the Tensor methods' implementation.
import { Tensor, installTensorOps } from "../tensor.js";
import * as self from "./index.js";
import { add } from "./elementwise.js";

export * from "./elementwise.js";
export * from "./reduce.js";
export * from "./shape.js";
export * from "./matmul.js";
export * from "./create.js";
export { backwardFrom } from "../core/backward.js";

/** A tensor sharing x's values, cut from autograd and from jvp/grad tracing. */
export function detach(x: Tensor): Tensor {
  return x._detach();
}

/** A copy of x with its own storage (differentiable). */
export function clone(x: Tensor): Tensor {
  return add(x, 0);
}

installTensorOps(self);
