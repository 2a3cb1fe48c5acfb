// All tensor operations in one namespace (src/setup.ts installs them as the Tensor methods' implementation).
import type { Tensor } from "../tensor.js";
import { add } from "./elementwise.js";

export * from "./elementwise.js";
export * from "./reduce.js";
export * from "./shape.js";
export * from "./matmul.js";
export * from "./create.js";

/** A tensor sharing x's values, cut from autograd and from jvp/grad tracing. */
export function detach(x: Tensor): Tensor {
  return x._detach();
}

/** A copy of x with its own storage (differentiable). */
export function clone(x: Tensor): Tensor {
  return add(x, 0);
}
