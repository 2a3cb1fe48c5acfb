// The compressed products of a sparse Jacobian or Hessian, each from ONE batched pass over the colour
// seeds: J·S by a batched jvp (one tangent per colour), Sᵀ·J by one forward pass and a batched vjp, H·S by
// batched Hessian-vector products (forward over reverse). Seeds are [colors, ...shape] 0/1 tensors built
// from the groups; nothing of size m × n is ever formed.
import { Tensor, isTensor } from "../tensor.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { jvpCore } from "../core/jvp.js";
import { vjpRecord } from "../core/vjp.js";
import { vmapCore } from "../core/vmap.js";
import { passCounter } from "../core/trace.js";
import { expandToBatch, pullback } from "../core/transform-utils.js";
import { zeros } from "../ops/create.js";
import { grad } from "../transforms/functional.js";
import type { Coloring } from "./coloring.js";

/** The seed batch of a colouring: [colors, ...shape], row c the indicator of the items of colour c. */
export function seedTensor(c: Coloring, shape: readonly number[]): Tensor {
  return new Tensor(c.seeds(), [c.colors, ...shape]);
}

/** f's output, which must be a Tensor of `m` elements (m from the pattern; -1: any). */
function checkedOutput(op: string, out: unknown, m: number, x: Tensor): Tensor {
  if (!isTensor(out)) {
    throw new ArgumentError(`${op}: f must return a Tensor, got ${out === null ? "null" : typeof out}`);
  }
  if (m >= 0 && out.size !== m) {
    throw new ShapeError(
      `${op}: f returned shape ${fmtShape(out.shape)} (${out.size} elements) at x of shape ` +
        `${fmtShape(x.shape)}, but the pattern has ${m} rows`,
    );
  }
  return out;
}

/** The output tangents of one batched jvp of g at x over the seeds [colors, ...x.shape], as [colors, ...]. */
function batchedJvp(g: (x: Tensor) => Tensor, x: Tensor, seeds: Tensor): Float64Array {
  const colors = seeds.shape[0];
  if (colors === 0) return new Float64Array(0);
  passCounter.forward++;
  const [out] = vmapCore(
    ([tangents]) => {
      const r = jvpCore((ins) => [g(ins[0])], [x], [tangents]);
      return [r.tangents[0] ?? zeros(r.primals[0].shape)];
    },
    [seeds],
    [true],
    colors,
    expandToBatch,
  );
  return out.data;
}

/** J·S as [colors, m] row-major, from one batched jvp of f at x over the seeds [colors, ...x.shape]. */
export function forwardCompressed(
  op: string,
  f: (x: Tensor) => Tensor,
  x: Tensor,
  seeds: Tensor,
  m: number,
): Float64Array {
  return batchedJvp((y) => checkedOutput(op, f(y), m, x), x, seeds);
}

/**
 * Sᵀ·J as [colors, n] row-major: one forward pass of f at x, then one backward pass carrying the batch of
 * output seeds [colors, ...outShape].
 */
export function reverseCompressed(
  op: string,
  f: (x: Tensor) => Tensor,
  x: Tensor,
  coloring: Coloring,
  m: number,
): Float64Array {
  const colors = coloring.colors;
  passCounter.forward++;
  const rec = vjpRecord((ins) => [checkedOutput(op, f(ins[0]), m, x)], [x]);
  if (colors === 0) return new Float64Array(0);
  const seeds = seedTensor(coloring, rec.primalsOut[0].shape);
  const [out] = vmapCore((cts) => pullback(rec, cts), [seeds], [true], colors, expandToBatch);
  return out.data;
}

/** H·S as [colors, n] row-major: one batched Hessian-vector product (jvp of grad f) over the seeds. */
export function hessianCompressed(f: (x: Tensor) => Tensor, x: Tensor, seeds: Tensor): Float64Array {
  return batchedJvp(grad(f), x, seeds);
}
