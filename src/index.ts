// jaclab's public API: tensors, operations, torch-style autograd, function transforms, renderers, graphs.
/**
 * The package `jaclab`: tensors, operations, torch-style autograd, function transforms (jacrev, jacfwd,
 * jacobian, vmap, hessian...), linear algebra, and the renderers and graph diagrams that show them. The same
 * API is in scope in every notebook cell; in a Node script, `import { tensor, jacrev } from "jaclab"`.
 * @module jaclab
 */
// Wires the core together (rule tables into the trace, ops onto Tensor) before anything else runs.
import "./setup.js";
export {
  Tensor,
  isTensor,
  type TensorLike,
  type Dims,
  type GradNode,
  type GradHook,
  type HookHandle,
  type BackwardOptions,
  type NestedArray,
} from "./tensor.js";
export * from "./errors.js";
export * from "./ops/index.js";
export { backwardFrom } from "./core/backward.js";
export { autograd, type GradOptions, type AutogradBackwardOptions } from "./autograd.js";
export {
  AutogradFunction,
  FunctionCtx,
  type ApplyArgs,
  type ApplyResult,
  type ForwardOf,
  type WithSetupContext,
} from "./autograd-function.js";
export type { CustomForward, CustomParams, CustomRule, CustomSaved } from "./core/custom-call.js";
export { Primitive, type PrimitiveParams } from "./core/primitives.js";
export type { NoParams, ReduceParams, CompareOp } from "./core/primitives.js";
export {
  bind,
  noGrad,
  enableGrad,
  setGradEnabled,
  isGradEnabled,
  observeBinds,
  passCounter,
  countPasses,
  type BindObserver,
} from "./core/trace.js";
/** A tensor, or arrays / plain objects of trees: what the function transforms accept and return. */
export type { Tree } from "./core/pytree.js";
export {
  grad,
  valueAndGrad,
  vjp,
  jvp,
  hvp,
  vhp,
  type ArgnumsOptions,
  type AuxOptions,
} from "./transforms/functional.js";
export { vmap, type VmapOptions, type DimTree } from "./transforms/vmap.js";
export { linearize, linearTranspose } from "./transforms/linearize.js";
export { customVjp, customJvp, type CustomVjpRules, type Cotangents } from "./transforms/custom.js";
export { checkpoint } from "./transforms/checkpoint.js";
export {
  jacrev,
  jacfwd,
  jacobian,
  hessian,
  type JacOptions,
  type JacobianOptions,
  type JacobianStrategy,
  type HessianOptions,
} from "./transforms/jacobian.js";
export { jit, type Jitted } from "./jit/jit.js";
export type { Plan } from "./jit/plan.js";
export { Program, type Eqn, type Atom } from "./jit/program.js";
export * from "./linalg/index.js";
export * from "./render/index.js";
export * from "./graph/index.js";
// sparse differentiation: detection, sparse Jacobians and Hessians from one batched pass per colouring
export { sparsity, hessianSparsity, type SparsityOptions } from "./sparse/sparsity.js";
export {
  sparseJacobian,
  prepareSparseJacobian,
  sparseHessian,
  prepareSparseHessian,
  type SparseJacobianOptions,
  type SparseHessianOptions,
  type SparseJacobianPlan,
  type SparseHessianPlan,
} from "./sparse/jacobian.js";
export { SparseMatrix, type SparseMatrixSource } from "./sparse/matrix.js";
export { showColoring, ColoringDiagram, type ShowColoringOptions } from "./sparse/coloring-diagram.js";
export * from "./sparse/index.js";
