// Element index maps for the sparsity rules: which operand element each output element reads. Shape and
// indexing primitives are applied to a tensor holding each element's own index (an "iota"), so the maps
// come from the primitives' own kernels and cannot disagree with them.
import { Tensor } from "../../tensor.js";
import type { Primitive, PrimitiveParams } from "../../core/primitives.js";
import { bind } from "../../core/trace.js";
import { broadcastShapes, broadcastStrides, sizeOf, stridesOf } from "../../core/kernels.js";
import { ShapeError, fmtShape } from "../../errors.js";
import { sameShape } from "../../ops/util.js";

/** A concrete tensor of `shape` whose element k holds k + offset. */
export function iota(shape: readonly number[], offset = 0): Tensor {
  const n = sizeOf(shape);
  const d = new Float64Array(n);
  for (let k = 0; k < n; k++) d[k] = k + offset;
  return new Tensor(d, [...shape]);
}

/** The values of a concrete tensor of exact integers as an Int32Array (each minus `offset`). */
export function toIndices(t: Tensor, offset = 0): Int32Array {
  const d = t.data;
  const out = new Int32Array(d.length);
  for (let k = 0; k < d.length; k++) out[k] = d[k] - offset;
  return out;
}

/**
 * Applies primitive p eagerly to iotas of the given operand shapes (operand i numbered from offsets[i],
 * default 0; concrete tensors in `fixed` are passed as they are) and returns its output as indices.
 */
export function mapThrough<P extends Primitive>(
  p: P,
  operands: (readonly number[] | Tensor)[],
  params: PrimitiveParams[P],
  offsets: number[] = [],
): { shape: number[]; map: Int32Array } {
  const args = operands.map((o, i) => (o instanceof Tensor ? o : iota(o, offsets[i] ?? 0)));
  const out = bind(p, args, params);
  return { shape: out.shape, map: toIndices(out) };
}

/** The broadcast shape of two operands, or the ShapeError the primitive's kernel would raise. */
export function broadcastOrThrow(op: string, a: readonly number[], b: readonly number[]): number[] {
  if (sameShape(a, b)) return [...a];
  const s = broadcastShapes(a, b);
  if (s === null) throw new ShapeError(`${op}: cannot broadcast shapes ${fmtShape(a)} and ${fmtShape(b)}`);
  return s;
}

/** For each element of `outShape`, the element of `inShape` it broadcasts from; null when the shapes match. */
export function broadcastMap(inShape: readonly number[], outShape: readonly number[]): Int32Array | null {
  if (sameShape(inShape, outShape)) return null;
  const strides = broadcastStrides(inShape, outShape);
  const n = sizeOf(outShape);
  const map = new Int32Array(n);
  const rank = outShape.length;
  const idx = new Array<number>(rank).fill(0);
  let at = 0;
  for (let k = 0; k < n; k++) {
    map[k] = at;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      at += strides[d];
      if (idx[d] < outShape[d]) break;
      at -= strides[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return map;
}

/** For each element of `shape`, the element of the reduced result (over `axes`) it is summed into. */
export function reductionTargets(shape: readonly number[], axes: readonly number[]): Int32Array {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const map = broadcastMap(kept, shape);
  return map ?? Int32Array.from({ length: sizeOf(shape) }, (_, k) => k);
}

/** Row-major strides of a contiguous shape (re-exported for the rules). */
export { stridesOf, sizeOf };
