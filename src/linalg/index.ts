// The linear-algebra family's public API (solve, inv, det, slogdet, cholesky, solveTriangular, einsum, dot,
// outer) and the matching Tensor methods.
import { Tensor } from "../tensor.js";
import {
  adjugate,
  cholesky,
  det,
  dot,
  inv,
  outer,
  slogdet,
  solve,
  type CholeskyOptions,
  type SlogdetResult,
} from "./ops.js";

export * from "./ops.js";
export { einsum } from "./einsum.js";
export { LinAlgError } from "./errors.js";

declare module "../tensor.js" {
  interface Tensor {
    /** Solves this·X = B for X (this is [..., n, n]). */
    solve(B: Tensor): Tensor;
    /** The matrix inverse. */
    inv(): Tensor;
    /** The determinant ([..., n, n] -> [...]). */
    det(): Tensor;
    /** `[sign, logabsdet]` of the determinant. */
    slogdet(): SlogdetResult;
    /** The lower Cholesky factor (the upper one with `{ upper: true }`). */
    cholesky(opts?: CholeskyOptions): Tensor;
    /** The adjugate det(A)·A^{-1}. */
    adjugate(): Tensor;
    /** Inner product with another 1-D tensor. */
    dot(other: Tensor): Tensor;
    /** Outer product with another 1-D tensor. */
    outer(other: Tensor): Tensor;
  }
}

Tensor.prototype.solve = function (this: Tensor, B: Tensor) {
  return solve(this, B);
};
Tensor.prototype.inv = function (this: Tensor) {
  return inv(this);
};
Tensor.prototype.det = function (this: Tensor) {
  return det(this);
};
Tensor.prototype.slogdet = function (this: Tensor) {
  return slogdet(this);
};
Tensor.prototype.cholesky = function (this: Tensor, opts?: CholeskyOptions) {
  return cholesky(this, opts);
};
Tensor.prototype.adjugate = function (this: Tensor) {
  return adjugate(this);
};
Tensor.prototype.dot = function (this: Tensor, other: Tensor) {
  return dot(this, other);
};
Tensor.prototype.outer = function (this: Tensor, other: Tensor) {
  return outer(this, other);
};
