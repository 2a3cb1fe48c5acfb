// The total table of sparsity rules, typed over every Primitive: a primitive without a sparsity rule does
// not compile. Families live in their own files and are spread in here, like the core's rule tables.
import type { Primitive } from "../../../core/primitives.js";
import type { SparsityRule } from "../types.js";
import { elementwiseSparsity } from "./elementwise.js";
import { reduceSparsity } from "./reduce.js";
import { shapeSparsity } from "./shape.js";
import { matmulSparsity } from "./matmul.js";
import { linalgSparsity } from "./linalg.js";

/** Sparsity (dependency-set) rules, one per primitive. */
export const sparsityRules: { [P in Primitive]: SparsityRule<P> } = {
  ...elementwiseSparsity,
  ...reduceSparsity,
  ...shapeSparsity,
  ...matmulSparsity,
  ...linalgSparsity,
};
