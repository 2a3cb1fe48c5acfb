// Rules of Matmul: op(A) @ op(B) for [.., n, k] by [.., k, m] with broadcast batch dims, where op may
// transpose the last two dims (read in place by the blocked kernel in matmul-kernel.ts, never copied).
import { Tensor } from "../tensor.js";
import { Primitive, type PrimitiveParams } from "../core/primitives.js";
import { bind } from "../core/trace.js";
import { alloc, broadcastShapes, broadcastStrides, isIdentityData, sizeOf } from "../core/kernels.js";
import { gemm } from "./matmul-kernel.js";
import type { KeptOperands } from "./kept-operands.js";
import { ShapeError, fmtShape } from "../errors.js";
import { reshape, sumToShape } from "../ops/shape.js";
import { alignBatched, family, sumTangents } from "../core/rules/common.js";

type MatmulParams = PrimitiveParams[Primitive.Matmul];

/** Rows and columns of op(X) for the last two dims of x. */
function dims(x: Tensor, trans: boolean | undefined): [number, number] {
  const r = x.shape[x.ndim - 2];
  const c = x.shape[x.ndim - 1];
  return trans ? [c, r] : [r, c];
}

/** op(X) materialised for an X without batch dims beyond size-1 ones (only for the identity shortcut). */
function materialise(x: Tensor, trans: boolean | undefined): Float64Array {
  if (!trans) return x.data;
  const [r, c] = [x.shape[x.ndim - 2], x.shape[x.ndim - 1]];
  const out = alloc(r * c);
  const d = x.data;
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = d[i * c + j];
  return out;
}

function matmulImpl([a, b]: Tensor[], { transA, transB }: MatmulParams): Tensor {
  const ra = a.ndim;
  const rb = b.ndim;
  const [n, k] = dims(a, transA);
  const [k2, m] = dims(b, transB);
  if (ra < 2 || rb < 2 || k2 !== k) {
    throw new ShapeError(
      `matmul: cannot multiply ${fmtShape(a.shape)} by ${fmtShape(b.shape)}: inner dimensions ${k} and ${k2} differ`,
    );
  }
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batch = broadcastShapes(aBatch, bBatch);
  if (batch === null) {
    throw new ShapeError(
      `matmul: batch dims of ${fmtShape(a.shape)} and ${fmtShape(b.shape)} do not broadcast`,
    );
  }
  const count = sizeOf(batch);
  const shape = [...batch, n, m];
  // An identity (e.g. the one-hot seed batch of jacrev/jacfwd) is never multiplied: I·B = B, A·I = A.
  if (count === 1 && isIdentityData(a.data, n, k)) return new Tensor(materialise(b, transB), shape);
  if (count === 1 && isIdentityData(b.data, k, m)) return new Tensor(materialise(a, transA), shape);
  return new Tensor(
    matmulInto(a.data, a.shape, b.data, b.shape, { transA, transB }, alloc(count * n * m)),
    shape,
  );
}

/**
 * op(A)·op(B) of operands with valid shapes (see matmulImpl) written into `out` (the broadcast batch of
 * n×m results), with no identity shortcut: the kernel behind the impl, and jit's matmul step (which may
 * pass k factors: op(A)·diag(scaleK)·op(B), an elementwise scaling folded into the product; and its
 * constant operands to keep in WebAssembly memory between calls).
 */
export function matmulInto(
  aData: Float64Array,
  aShape: readonly number[],
  bData: Float64Array,
  bShape: readonly number[],
  { transA, transB }: MatmulParams,
  out: Float64Array,
  scaleK?: Float64Array,
  keep?: KeptOperands,
): Float64Array {
  const r = aShape.length;
  const [n, k] = transA ? [aShape[r - 1], aShape[r - 2]] : [aShape[r - 2], aShape[r - 1]];
  const m = transB ? bShape[bShape.length - 2] : bShape[bShape.length - 1];
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch = broadcastShapes(aBatch, bBatch) as number[];
  const count = sizeOf(batch);
  // One literal: spreading these options into another object for the kept operands made small products
  // 2-3× slower in gemm (the tall case at 64 rows: 4 against 10 µs per Jacobian).
  const flags = { transA: transA === true, transB: transB === true, scaleK, keep };
  if (count === 1) {
    gemm(aData, bData, out, n, k, m, flags);
    return out;
  }
  const aCount = sizeOf(aBatch);
  const bCount = sizeOf(bBatch);
  if ((aCount === count || aCount === 1) && (bCount === count || bCount === 1)) {
    // One operand's batch is all-or-nothing: a single strided batch call.
    gemm(aData, bData, out, n, k, m, {
      ...flags,
      keep: undefined,
      batch: count,
      strideA: aCount === 1 ? 0 : n * k,
      strideB: bCount === 1 ? 0 : k * m,
    });
    return out;
  }
  // General broadcasting: walk the batch index and locate each operand's matrix.
  const sa = broadcastStrides(aBatch, batch);
  const sb = broadcastStrides(bBatch, batch);
  const idx = new Array<number>(batch.length).fill(0);
  for (let t = 0; t < count; t++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < batch.length; d++) {
      ia += idx[d] * sa[d];
      ib += idx[d] * sb[d];
    }
    gemm(aData, bData, out, n, k, m, {
      ...flags,
      keep: undefined,
      offsetA: ia * n * k,
      offsetB: ib * k * m,
      offsetC: t * n * m,
    });
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++idx[d] < batch[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

function mm(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
  return bind(Primitive.Matmul, [a, b], { transA, transB });
}

/** Rules of the matrix product. */
export const matmulRules = family<Primitive.Matmul>({
  // C = op(A) op(B): dC = op(dA) op(B) + op(A) op(dB)
  // transposed: d op(A) = dC op(B)^T and d op(B) = op(A)^T dC, summed over broadcast batch dims;
  // when op(A) = A^T the cotangent of A is (dC op(B)^T)^T = op(B) dC^T (likewise for B)
  [Primitive.Matmul]: {
    impl: matmulImpl,
    jvp: ([a, b], [ta, tb], out, { transA, transB }) =>
      sumTangents(out.shape, ta && mm(ta, b, transA, transB), tb && mm(a, tb, transA, transB)),
    vjp: (ct, [a, b], _o, { transA = false, transB = false }, needs) => [
      needs[0] ? sumToShape(transA ? mm(b, ct, transB, true) : mm(ct, b, false, !transB), a.shape) : null,
      needs[1] ? sumToShape(transB ? mm(ct, a, true, transA) : mm(a, ct, !transA, false), b.shape) : null,
    ],
    batch: ([a, b], batched, size, { transA = false, transB = false }) => {
      if (batched[0] && !batched[1] && a.ndim === 3 && b.ndim === 2 && !transA) {
        // Fold the batch into the rows: [B, n, k] @ op(B) = ([B*n, k] @ op(B)) reshaped.
        const out = mm(reshape(a, [size * a.shape[1], a.shape[2]]), b, false, transB);
        return [reshape(out, [size, a.shape[1], out.shape[1]]), true];
      }
      if (!batched[0] && batched[1] && a.ndim === 2 && b.ndim === 3 && !transB && b.shape[2] === 1) {
        // op(A) x_i for a batch of column vectors: the rows x_i^T op(A)^T of one product [B, k] @ op(A)^T.
        const out = mm(reshape(b, [size, b.shape[1]]), a, false, !transA);
        return [reshape(out, [size, out.shape[1], 1]), true];
      }
      const [a2, b2] = alignBatched([a, b], batched, size);
      return [mm(a2, b2, transA, transB), true];
    },
  },
});
