// The total rule tables: one per interpretation, each typed over every Primitive, so a primitive with a
// missing rule does not compile. Families live in their own files and are spread in here.
import type { BatchRule, ImplRule, JvpRule, Primitive, VjpRule } from "../primitives.js";
import { elementwiseRules } from "./elementwise.js";
import { reduceRules } from "./reduce.js";
import { shapeRules } from "./shape.js";
import { matmulRules } from "./matmul.js";
// linear algebra: rules in src/linalg/
import { linalgRules } from "../../linalg/rules.js";

/** Forward kernels (eager evaluation). */
export const implRules: { [P in Primitive]: ImplRule<P> } = {
  ...elementwiseRules.impl,
  ...reduceRules.impl,
  ...shapeRules.impl,
  ...matmulRules.impl,
  ...linalgRules.impl,
};

/** Forward-mode (JVP) rules. */
export const jvpRules: { [P in Primitive]: JvpRule<P> } = {
  ...elementwiseRules.jvp,
  ...reduceRules.jvp,
  ...shapeRules.jvp,
  ...matmulRules.jvp,
  ...linalgRules.jvp,
};

/** Reverse-mode (VJP) rules, written with primitives. */
export const vjpRules: { [P in Primitive]: VjpRule<P> } = {
  ...elementwiseRules.vjp,
  ...reduceRules.vjp,
  ...shapeRules.vjp,
  ...matmulRules.vjp,
  ...linalgRules.vjp,
};

/** Batching (vmap) rules. */
export const batchRules: { [P in Primitive]: BatchRule<P> } = {
  ...elementwiseRules.batch,
  ...reduceRules.batch,
  ...shapeRules.batch,
  ...matmulRules.batch,
  ...linalgRules.batch,
};
