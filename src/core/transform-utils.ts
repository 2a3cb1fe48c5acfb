// Helpers shared by the function transforms: argnums, one-hot seed batches, chunking, axis moves,
// and the pullback of a recorded forward pass.
import type { Tensor } from "../tensor.js";
import { ArgumentError } from "../errors.js";
import { Tensor as TensorClass } from "../tensor.js";
import { alloc, sizeOf } from "./kernels.js";
import { runBackward } from "./backward.js";
import type { VjpRecord } from "./vjp.js";
import { type SparseBatch, oneHotBatch } from "./sparse-batch.js";
import { permute, broadcastTo } from "../ops/shape.js";
import { zeros } from "../ops/create.js";

/** Any function of tensors (or arrays/objects of tensors), as the transforms accept it. */
export type AnyFn = (...args: never[]) => unknown;

/** Calls a user function with arguments of unchecked types. */
export function call(f: AnyFn, args: readonly unknown[]): unknown {
  return (f as (...a: unknown[]) => unknown)(...args);
}

/** The selected argument positions and whether a single one was asked for (argnums a number). */
export function normArgnums(
  argnums: number | number[] | undefined,
  nargs: number,
  op: string,
): { list: number[]; single: boolean } {
  const single = argnums === undefined || typeof argnums === "number";
  const list = argnums === undefined ? [0] : typeof argnums === "number" ? [argnums] : argnums;
  if (list.length === 0) throw new ArgumentError(`${op}: argnums must select at least one argument`);
  const norm = list.map((a) => {
    const i = a < 0 ? a + nargs : a;
    if (!Number.isInteger(i) || i < 0 || i >= nargs) {
      throw new ArgumentError(`${op}: argnums ${a} is out of range for ${nargs} argument(s)`);
    }
    return i;
  });
  // Like torch, refuse a repeat (also through a negative alias): each position gets one gradient.
  norm.forEach((i, k) => {
    const first = norm.indexOf(i);
    if (first !== k) {
      const alias = list[first] === list[k] ? "" : ` (as ${list[first]} and ${list[k]})`;
      throw new ArgumentError(
        `${op}: argnums ${JSON.stringify(list)} names argument ${i} twice${alias}; each argument may appear once`,
      );
    }
  });
  return { list: norm, single };
}

/** The argument list with the selected positions replaced by `values`. */
export function withArgs(
  args: readonly unknown[],
  argnums: readonly number[],
  values: readonly unknown[],
): unknown[] {
  const out = [...args];
  argnums.forEach((a, k) => (out[a] = values[k]));
  return out;
}

/**
 * @internal From `structuredFrom` elements of a seed batch on, seeds are structured (their entries
 * only): smaller dense batches cost less than building the index operands of the structured rules.
 * Tests lower it to run every rule on structured seeds.
 */
export const seedLayout = { structuredFrom: 1024 };

/**
 * One-hot seeds for rows start..start+count-1 of an identity over the concatenated leaves of `shapes`:
 * for each leaf j a batch [count, ...shapes[j]], structured (a SparseBatch of its ones) when large, so
 * that rules never multiply by the basis, else a dense tensor.
 */
export function oneHotRows(
  shapes: readonly number[][],
  start: number,
  count: number,
): (Tensor | SparseBatch)[] {
  let offset = 0;
  return shapes.map((shape) => {
    const m = sizeOf(shape);
    const first = start - offset;
    offset += m;
    if (count * m >= seedLayout.structuredFrom) return oneHotBatch(shape, first, count);
    const data = alloc(count * m);
    for (let r = 0; r < count; r++) {
      const col = first + r;
      if (col >= 0 && col < m) data[r * m + col] = 1;
    }
    return new TensorClass(data, [count, ...shape]);
  });
}

/** [start, count] pairs covering `total` in chunks of at most chunkSize (all at once when undefined). */
export function chunkRanges(total: number, chunkSize: number | undefined, op: string): [number, number][] {
  if (chunkSize !== undefined && (!Number.isInteger(chunkSize) || chunkSize < 1)) {
    throw new ArgumentError(`${op}: chunkSize must be a positive integer, got ${chunkSize}`);
  }
  const step = chunkSize === undefined ? Math.max(total, 1) : chunkSize;
  const out: [number, number][] = [];
  for (let s = 0; s < total; s += step) out.push([s, Math.min(step, total - s)]);
  if (out.length === 0) out.push([0, 0]);
  return out;
}

/** Moves axis `from` of t to position `to` (both may be negative). */
export function moveAxis(t: Tensor, from: number, to: number): Tensor {
  const n = t.ndim;
  const f = from < 0 ? from + n : from;
  const d = to < 0 ? to + n : to;
  if (f === d) return t;
  const perm = t.shape.map((_, i) => i).filter((i) => i !== f);
  perm.splice(d, 0, f);
  return permute(t, perm);
}

/** Broadcasts an unbatched value to `size` examples along a new dim 0. */
export function expandToBatch(t: Tensor, size: number): Tensor {
  return broadcastTo(t, [size, ...t.shape]);
}

/**
 * Pulls output cotangents back through a recorded forward pass: one gradient per input (zeros if unused).
 * Outputs after the first `cts.length` (a hasAux's aux) get no cotangent.
 */
export function pullback(rec: VjpRecord, cts: readonly Tensor[]): Tensor[] {
  const roots: Tensor[] = [];
  const rootCts: Tensor[] = [];
  rec.outputs.forEach((o, i) => {
    if (i < cts.length && rec.mine[i]) {
      roots.push(o);
      rootCts.push(cts[i]);
    }
  });
  const got = runBackward(roots, rootCts, rec.inputs, true);
  return rec.inputs.map((x, i) => got[i] ?? zeros(x.shape));
}
