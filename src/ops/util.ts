// Argument checking shared by the ops: operands to tensors, dims normalised, readable descriptions.
import { Tensor, isTensor, type TensorLike } from "../tensor.js";
import { ArgumentError, IndexError, fmtShape } from "../errors.js";
import type { NoParams } from "../core/primitives.js";

/** The params object shared by all primitives without params. */
export const NO_PARAMS: NoParams = Object.freeze({});

/** A 0-d tensor holding v. */
export function scalarTensor(v: number): Tensor {
  const d = new Float64Array(1);
  d[0] = v;
  return new Tensor(d, []);
}

/** Describes a value for an error message. */
export function describe(x: unknown): string {
  if (isTensor(x)) return `a tensor of shape ${fmtShape(x.shape)}`;
  if (Array.isArray(x)) return "an array";
  if (x === null) return "null";
  return typeof x;
}

/** The operand as a tensor (numbers become 0-d tensors), or an ArgumentError naming op and argument. */
export function asTensor(x: TensorLike | unknown, op: string, arg: string): Tensor {
  if (isTensor(x)) return x;
  if (typeof x === "number") return scalarTensor(x);
  throw new ArgumentError(`${op}: argument ${arg} must be a Tensor or a number, got ${describe(x)}`);
}

/** A dim index in [-ndim, ndim) made non-negative, or an IndexError naming op and shape. */
export function normDim(dim: number, ndim: number, op: string, shape: readonly number[]): number {
  if (!Number.isInteger(dim)) throw new ArgumentError(`${op}: dim must be an integer, got ${dim}`);
  const d = dim < 0 ? dim + ndim : dim;
  if (d < 0 || d >= ndim) {
    throw new IndexError(`${op}: dim ${dim} is out of range for a tensor of shape ${fmtShape(shape)}`);
  }
  return d;
}

/** Sorted, distinct, non-negative axes of `dims` (all axes when undefined). */
export function normAxes(
  dims: number | number[] | undefined,
  shape: readonly number[],
  op: string,
): number[] {
  const n = shape.length;
  if (dims === undefined) return shape.map((_, i) => i);
  const list = typeof dims === "number" ? [dims] : dims;
  const axes = list.map((d) => normDim(d, n, op, shape));
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  if (sorted.length !== axes.length) throw new ArgumentError(`${op}: dims ${fmtShape(list)} repeat a dim`);
  return sorted;
}

/** True when two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
