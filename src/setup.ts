// The one place that wires the core together: assembles the total rule tables from every family and
// injects them into the trace (and the sparsity rules into the sparsity trace), and installs the ops as
// the Tensor methods' implementation. Entry points (src/index.ts, and tests that import core pieces
// directly) import this module once, for effect.
// The tables are typed `FamilyRules<Primitive>` (a record over every Primitive per interpretation), so a
// primitive without a rule does not compile. Families live in their own files and are spread in here.
import { installTensorOps } from "./tensor.js";
import type { Primitive, FamilyRules } from "./core/primitives.js";
import { installRules } from "./core/trace.js";
import { installStructuredBatchRules, type StructuredBatchRule } from "./core/vmap.js";
import { structuredBatchRules } from "./core/rules/structured-batch.js";
import { backwardFrom } from "./core/backward.js";
import * as ops from "./ops/index.js";
import { elementwiseRules } from "./core/rules/elementwise.js";
import { reduceRules } from "./core/rules/reduce.js";
import { shapeRules } from "./core/rules/shape.js";
// matrix product and linear algebra: rules in src/linalg/
import { matmulRules } from "./linalg/matmul-rules.js";
import { linalgRules } from "./linalg/rules.js";
// functions with their own derivative rules
import { customRules } from "./core/rules/custom.js";
// sparsity detection: one more interpretation, its families' rules in src/sparse/detect/rules/
import type { SparsityTable } from "./sparse/detect/types.js";
import { installSparsityRules } from "./sparse/detect/trace.js";
import { elementwiseSparsity } from "./sparse/detect/rules/elementwise.js";
import { reduceSparsity } from "./sparse/detect/rules/reduce.js";
import { shapeSparsity } from "./sparse/detect/rules/shape.js";
import { matmulSparsity } from "./sparse/detect/rules/matmul.js";
import { linalgSparsity } from "./sparse/detect/rules/linalg.js";
import { customSparsity } from "./sparse/detect/rules/custom.js";

/** The four total rule tables: forward kernels, JVP rules, VJP rules (written with ops), batching rules. */
const tables: FamilyRules<Primitive> = {
  impl: {
    ...elementwiseRules.impl,
    ...reduceRules.impl,
    ...shapeRules.impl,
    ...matmulRules.impl,
    ...linalgRules.impl,
    ...customRules.impl,
  },
  jvp: {
    ...elementwiseRules.jvp,
    ...reduceRules.jvp,
    ...shapeRules.jvp,
    ...matmulRules.jvp,
    ...linalgRules.jvp,
    ...customRules.jvp,
  },
  vjp: {
    ...elementwiseRules.vjp,
    ...reduceRules.vjp,
    ...shapeRules.vjp,
    ...matmulRules.vjp,
    ...linalgRules.vjp,
    ...customRules.vjp,
  },
  batch: {
    ...elementwiseRules.batch,
    ...reduceRules.batch,
    ...shapeRules.batch,
    ...matmulRules.batch,
    ...linalgRules.batch,
    ...customRules.batch,
  },
};

/** Sparsity rules (dependency sets per element), total over every Primitive like the tables above. */
const sparsityTable: SparsityTable = {
  ...elementwiseSparsity,
  ...reduceSparsity,
  ...shapeSparsity,
  ...matmulSparsity,
  ...linalgSparsity,
  ...customSparsity,
};

installRules(tables);
// Batching rules on structured batches (one-hot seeds): partial, the dense rules cover the rest.
installStructuredBatchRules(structuredBatchRules as { [P in Primitive]?: StructuredBatchRule });
installSparsityRules(sparsityTable);
installTensorOps({ ...ops, backwardFrom });
