// Public linear-algebra operations: solve, inv, det, slogdet, cholesky, solveTriangular, dot and outer, with
// torch's conventions for vector right-hand sides and broadcast batch dims. All are differentiable.
import type { Tensor } from "../tensor.js";
import { bind } from "../core/trace.js";
import { Primitive } from "../core/primitives.js";
import { broadcastShapes } from "../core/kernels.js";
import { ShapeError, fmtShape } from "../errors.js";
import { mul, sign } from "../ops/elementwise.js";
import { eye } from "../ops/create.js";
import { matmul, mT } from "../ops/matmul.js";
import { broadcastTo, reshape } from "../ops/shape.js";
import { asTensor, NO_PARAMS } from "../ops/util.js";

// A must be [..., n, n]; returns n.
function squareSize(op: string, a: Tensor, arg = "A"): number {
  const n = a.shape[a.ndim - 1];
  if (a.ndim < 2 || a.shape[a.ndim - 2] !== n) {
    throw new ShapeError(
      `${op}: ${arg} must be a square matrix or a batch of them, got ${fmtShape(a.shape)}`,
    );
  }
  return n;
}

// Broadcasts the batch dims of A [..., n, n] and B [..., n, k] against each other.
function alignSolveOperands(op: string, a: Tensor, b: Tensor): { a: Tensor; b: Tensor; vector: boolean } {
  const n = squareSize(op, a);
  // torch: B is a vector (or a batch of vectors) when its shape is A's without the last dim, or it is 1-D.
  const vector = b.ndim === 1 || (b.ndim === a.ndim - 1 && b.shape.every((d, i) => d === a.shape[i]));
  const b2 = vector ? reshape(b, [...b.shape, 1]) : b;
  if (b2.ndim < 2 || b2.shape[b2.ndim - 2] !== n) {
    throw new ShapeError(
      `${op}: cannot solve with A ${fmtShape(a.shape)} and B ${fmtShape(b.shape)}: B must have ${n} rows`,
    );
  }
  const batch = broadcastShapes(a.shape.slice(0, -2), b2.shape.slice(0, -2));
  if (batch === null) {
    throw new ShapeError(
      `${op}: batch dims of A ${fmtShape(a.shape)} and B ${fmtShape(b.shape)} do not broadcast`,
    );
  }
  return { a: withBatch(a, batch), b: withBatch(b2, batch), vector };
}

// x ([..., r, c]) broadcast to the batch dims `batch`, unchanged when it already has them.
function withBatch(x: Tensor, batch: number[]): Tensor {
  const own = x.shape.slice(0, -2);
  if (own.length === batch.length && own.every((d, i) => d === batch[i])) return x;
  return broadcastTo(x, [...batch, ...x.shape.slice(-2)]);
}

/**
 * Solves A·X = B for X (torch.linalg.solve): A is [..., n, n], B is [..., n, k] or a vector [..., n];
 * batch dims broadcast. Uses LU with partial pivoting; throws LinAlgError when A is singular.
 */
export function solve(A: Tensor, B: Tensor): Tensor {
  A = asTensor(A, "solve", "A");
  B = asTensor(B, "solve", "B");
  const { a, b, vector } = alignSolveOperands("solve", A, B);
  const x = bind(Primitive.Solve, [a, b], NO_PARAMS);
  return vector ? reshape(x, x.shape.slice(0, -1)) : x;
}

/** Options of {@link solveTriangular}. */
export interface SolveTriangularOptions {
  /** A is upper triangular (only its upper triangle is read). */
  upper: boolean;
  /** Solve A^T·X = B instead. */
  transpose?: boolean;
  /** Assume ones on the diagonal of A (the diagonal is not read). */
  unitriangular?: boolean;
}

/**
 * Solves A·X = B (or A^T·X = B) for triangular A (torch.linalg.solve_triangular): only the triangle named
 * by `upper` is read. A is [..., n, n], B is [..., n, k] (or a vector); batch dims broadcast.
 */
export function solveTriangular(A: Tensor, B: Tensor, opts: SolveTriangularOptions): Tensor {
  A = asTensor(A, "solveTriangular", "A");
  B = asTensor(B, "solveTriangular", "B");
  const { a, b, vector } = alignSolveOperands("solveTriangular", A, B);
  const params = {
    lower: !opts.upper,
    transpose: opts.transpose ?? false,
    unitDiagonal: opts.unitriangular ?? false,
  };
  const x = bind(Primitive.TriangularSolve, [a, b], params);
  return vector ? reshape(x, x.shape.slice(0, -1)) : x;
}

/** The inverse of A ([..., n, n]), computed as solve(A, I); throws LinAlgError when A is singular. */
export function inv(A: Tensor): Tensor {
  A = asTensor(A, "inv", "A");
  const n = squareSize("inv", A);
  return bind(Primitive.Solve, [A, broadcastTo(eye(n), [...A.shape])], NO_PARAMS);
}

/**
 * The determinant of A ([..., n, n] -> [...]), from LU with partial pivoting. Its derivative is
 * adj(A)^T, so it stays defined (and correct) at singular matrices.
 */
export function det(A: Tensor): Tensor {
  A = asTensor(A, "det", "A");
  squareSize("det", A);
  return bind(Primitive.Det, [A], NO_PARAMS);
}

/** The result of {@link slogdet}: `[sign, logabsdet]`, also available by name. */
export type SlogdetResult = [Tensor, Tensor] & {
  /** The sign of the determinant: -1, 0 or 1. */
  sign: Tensor;
  /** The natural logarithm of the determinant's absolute value. */
  logabsdet: Tensor;
};

/**
 * sign(det A) and log|det A| (torch.linalg.slogdet), accurate where det itself would overflow or
 * underflow: `const [sign, logabsdet] = slogdet(A)`. A singular matrix gives sign 0 and -Infinity.
 * The sign is piecewise constant (zero derivative); logabsdet differentiates to A^{-T}.
 */
export function slogdet(A: Tensor): SlogdetResult {
  A = asTensor(A, "slogdet", "A");
  squareSize("slogdet", A);
  const s = sign(bind(Primitive.Det, [A], NO_PARAMS).detach());
  const logabsdet = bind(Primitive.LogAbsDet, [A], NO_PARAMS);
  return Object.assign([s, logabsdet] as [Tensor, Tensor], { sign: s, logabsdet });
}

/** Options of {@link cholesky}. */
export interface CholeskyOptions {
  /** Return the upper factor U = L^T (A = U^T·U) instead of L. */
  upper?: boolean;
}

/**
 * The Cholesky factor of a symmetric positive-definite A ([..., n, n]): lower L with A = L·L^T.
 * A is symmetrised as (A + A^T)/2 first, so the derivative is that of a symmetric input.
 * Throws LinAlgError naming the failing pivot when A is not positive definite.
 */
export function cholesky(A: Tensor, opts: CholeskyOptions = {}): Tensor {
  A = asTensor(A, "cholesky", "A");
  squareSize("cholesky", A);
  const l = bind(Primitive.Cholesky, [A], NO_PARAMS);
  return opts.upper ? mT(l) : l;
}

/** The adjugate adj(A) = det(A)·A^{-1} of A ([..., n, n]), defined for singular A too. */
export function adjugate(A: Tensor): Tensor {
  A = asTensor(A, "adjugate", "A");
  squareSize("adjugate", A);
  return bind(Primitive.Adjugate, [A], NO_PARAMS);
}

/** The inner product of two 1-D tensors of the same length (torch.dot). */
export function dot(a: Tensor, b: Tensor): Tensor {
  a = asTensor(a, "dot", "a");
  b = asTensor(b, "dot", "b");
  if (a.ndim !== 1 || b.ndim !== 1 || a.shape[0] !== b.shape[0]) {
    throw new ShapeError(
      `dot: expected two 1-D tensors of the same length, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  return matmul(a, b);
}

/** The outer product a·b^T of two 1-D tensors: [n] and [m] give [n, m] (torch.outer). */
export function outer(a: Tensor, b: Tensor): Tensor {
  a = asTensor(a, "outer", "a");
  b = asTensor(b, "outer", "b");
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new ShapeError(
      `outer: expected two 1-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  return mul(reshape(a, [a.shape[0], 1]), reshape(b, [1, b.shape[0]]));
}
