// Creation of tensors: from numbers, nested arrays and typed arrays; constants, ranges, seeded random.
import { Tensor, isTensor } from "../tensor.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { sizeOf } from "../core/kernels.js";
import { nextUnseededSeed, seededRandom } from "../core/random.js";
import { drawRandom } from "../core/randomness.js";
import { describe } from "./util.js";

/** Nested arrays of numbers of any depth. */
export type NestedNumbers = number | readonly NestedNumbers[];

/** Options of {@link tensor}. */
export interface TensorOptions {
  /** Reshape the values to this shape (the sizes must agree). */
  shape?: number[];
  /** Record operations on this tensor for backward(). */
  requiresGrad?: boolean;
}

function checkShape(shape: unknown, op: string): number[] {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 0)) {
    throw new ArgumentError(
      `${op}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  }
  return [...(shape as number[])];
}

function inferShape(data: unknown, op: string): number[] {
  const shape: number[] = [];
  let cur: unknown = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  if (ArrayBuffer.isView(cur)) shape.push((cur as Float64Array).length);
  else if (cur !== undefined && typeof cur !== "number") {
    throw new ArgumentError(`${op}: expected numbers in nested arrays, found ${describe(cur)}`);
  }
  return shape;
}

function fill(
  data: unknown,
  shape: number[],
  dim: number,
  out: Float64Array,
  offset: number,
  path: string,
): number {
  if (dim === shape.length) {
    if (typeof data !== "number")
      throw new ArgumentError(`tensor: element ${path} is ${describe(data)}, not a number`);
    out[offset] = data;
    return offset + 1;
  }
  const isView = ArrayBuffer.isView(data);
  if ((!Array.isArray(data) && !isView) || (data as ArrayLike<number>).length !== shape[dim]) {
    throw new ShapeError(
      `tensor: ragged nested array: ${path || "the top level"} should have length ${shape[dim]} (shape ${fmtShape(shape)})`,
    );
  }
  const arr = data as ArrayLike<unknown>;
  for (let i = 0; i < shape[dim]; i++) offset = fill(arr[i], shape, dim + 1, out, offset, `${path}[${i}]`);
  return offset;
}

/**
 * A new tensor from a number, nested arrays of numbers, a typed array or another tensor (copied).
 * `opts.shape` reshapes flat data; `opts.requiresGrad` makes it a leaf that records operations.
 * @example
 * ```ts
 * const A = tensor([[1, 2], [3, 4]]);
 * const q = tensor([1, 2], { requiresGrad: true }); // a leaf for autograd
 * ```
 */
export function tensor(data: NestedNumbers | ArrayLike<number> | Tensor, opts: TensorOptions = {}): Tensor {
  let values: Float64Array;
  let shape: number[];
  if (isTensor(data)) {
    values = Float64Array.from(data.data);
    shape = [...data.shape];
  } else if (typeof data === "number") {
    values = Float64Array.of(data);
    shape = [];
  } else if (ArrayBuffer.isView(data)) {
    values = Float64Array.from(data as ArrayLike<number>);
    shape = [values.length];
  } else if (Array.isArray(data)) {
    shape = inferShape(data, "tensor");
    values = new Float64Array(sizeOf(shape));
    fill(data, shape, 0, values, 0, "");
  } else {
    throw new ArgumentError(
      `tensor: expected a number, nested arrays, a typed array or a Tensor, got ${describe(data)}`,
    );
  }
  if (opts.shape !== undefined) {
    const s = checkShape(opts.shape, "tensor");
    if (sizeOf(s) !== values.length) {
      throw new ShapeError(`tensor: ${values.length} values do not fill shape ${fmtShape(s)}`);
    }
    shape = s;
  }
  const t = new Tensor(values, shape);
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: number[], value: number): Tensor {
  const s = checkShape(shape, "full");
  return new Tensor(new Float64Array(sizeOf(s)).fill(value), s);
}

/** A tensor of zeros. */
export function zeros(shape: number[]): Tensor {
  const s = checkShape(shape, "zeros");
  return new Tensor(new Float64Array(sizeOf(s)), s);
}

/** A tensor of ones. */
export function ones(shape: number[]): Tensor {
  return full(shape, 1);
}

/** Zeros with t's shape. */
export function zerosLike(t: Tensor): Tensor {
  return zeros(t.shape);
}

/** Ones with t's shape. */
export function onesLike(t: Tensor): Tensor {
  return ones(t.shape);
}

/** The n x m identity-like matrix (m defaults to n). */
export function eye(n: number, m = n): Tensor {
  const out = zeros([n, m]);
  for (let i = 0; i < Math.min(n, m); i++) out.data[i * m + i] = 1;
  return out;
}

/** start, start+step, ... below stop (arange(n) is 0..n-1). */
export function arange(start: number, stop?: number, step = 1): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (step === 0) throw new ArgumentError("arange: step must not be 0");
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  return new Tensor(out, [n]);
}

/** n evenly spaced values from a to b inclusive. */
export function linspace(a: number, b: number, n: number): Tensor {
  if (!Number.isInteger(n) || n < 0)
    throw new ArgumentError(`linspace: n must be a non-negative integer, got ${n}`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = n === 1 ? a : a + ((b - a) * i) / (n - 1);
  return new Tensor(out, [n]);
}

/** Options of the random constructors: `seed` makes the numbers reproducible. */
export interface RandomOptions {
  /** The seed of the generator: the same seed gives the same numbers on every run and machine. */
  seed?: number;
}

function nextSeed(opts: RandomOptions): number {
  return opts.seed ?? nextUnseededSeed();
}

/**
 * Uniform values in [0, 1); pass `{ seed }` for reproducible numbers. Inside vmap, vmap's `randomness`
 * option decides: an error (the default), one draw per example ("different") or one for all ("same").
 */
export function rand(shape: number[], opts: RandomOptions = {}): Tensor {
  return drawRandom("rand", checkShape(shape, "rand"), (s) => uniform(s, opts));
}

function uniform(s: number[], opts: RandomOptions): Tensor {
  const next = seededRandom(nextSeed(opts));
  const out = new Float64Array(sizeOf(s));
  for (let i = 0; i < out.length; i++) out[i] = next();
  return new Tensor(out, s);
}

/**
 * Standard normal values (Box-Muller); pass `{ seed }` for reproducible numbers. Inside vmap, vmap's
 * `randomness` option decides, as for {@link rand}.
 * @example
 * ```ts
 * const W = randn([3, 4], { seed: 1 }); // the same numbers on every run
 * ```
 */
export function randn(shape: number[], opts: RandomOptions = {}): Tensor {
  return drawRandom("randn", checkShape(shape, "randn"), (s) => normal(s, opts));
}

function normal(s: number[], opts: RandomOptions): Tensor {
  const next = seededRandom(nextSeed(opts));
  const out = new Float64Array(sizeOf(s));
  for (let i = 0; i < out.length; i += 2) {
    const u = 1 - next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return new Tensor(out, s);
}
