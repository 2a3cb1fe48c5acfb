// The matrix product with torch's rules for 1-D operands and broadcast batch dims.
import type { Tensor } from "../tensor.js";
import { bind } from "../core/trace.js";
import { Primitive } from "../core/primitives.js";
import { broadcastShapes } from "../core/kernels.js";
import { ShapeError, fmtShape } from "../errors.js";
import { asTensor } from "./util.js";

const MATMUL_PARAMS = { transA: false, transB: false };
import { reshape } from "./shape.js";

/**
 * Matrix product: [.., n, k] @ [.., k, m] -> [.., n, m] with broadcast batch dims; a 1-D left operand is a
 * row vector and a 1-D right operand a column vector (their dim is dropped from the result).
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  a = asTensor(a, "matmul", "a");
  b = asTensor(b, "matmul", "b");
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      `matmul: both operands need at least 1 dim, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  const k1 = a.shape[a.ndim - 1];
  const k2 = b.ndim === 1 ? b.shape[0] : b.shape[b.ndim - 2];
  if (k1 !== k2) {
    throw new ShapeError(
      `matmul: cannot multiply ${fmtShape(a.shape)} by ${fmtShape(b.shape)}: inner dimensions ${k1} and ${k2} differ`,
    );
  }
  const a2 = a.ndim === 1 ? reshape(a, [1, k1]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [k2, 1]) : b;
  const batch = broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  if (batch === null) {
    throw new ShapeError(
      `matmul: cannot multiply ${fmtShape(a.shape)} by ${fmtShape(b.shape)}: batch dims do not broadcast`,
    );
  }
  const out = bind(Primitive.Matmul, [a2, b2], MATMUL_PARAMS);
  if (a.ndim > 1 && b.ndim > 1) return out;
  const shape = [...batch];
  if (a.ndim > 1) shape.push(a.shape[a.ndim - 2]);
  if (b.ndim > 1) shape.push(b.shape[b.ndim - 1]);
  return reshape(out, shape);
}

/** Matrix transpose of the last two dims ([.., n, m] -> [.., m, n]). */
export function mT(x: Tensor): Tensor {
  const n = x.ndim;
  if (n < 2) return x;
  const perm = x.shape.map((_, i) => i);
  perm[n - 2] = n - 1;
  perm[n - 1] = n - 2;
  return bind(Primitive.Permute, [x], { perm });
}
