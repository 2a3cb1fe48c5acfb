// Shape and indexing operations: reshape, permute, broadcast, slicing, concatenation, gather/scatter.
import { Tensor, isTensor } from "../tensor.js";
import { bind } from "../core/trace.js";
import { Primitive } from "../core/primitives.js";
import { broadcastShapes } from "../core/kernels.js";
import { ArgumentError, IndexError, ShapeError, fmtShape } from "../errors.js";
import { asTensor, describe, normDim, sameShape } from "./util.js";

function checkShapeArg(shape: readonly number[], op: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < -1) {
      throw new ArgumentError(`${op}: shape ${fmtShape(shape)} must hold non-negative integers (or one -1)`);
    }
  }
}

/** The same values in a new shape; one entry may be -1 (inferred). Shares storage. */
export function reshape(x: Tensor, shape: number[]): Tensor {
  x = asTensor(x, "reshape", "x");
  checkShapeArg(shape, "reshape");
  const size = x.size;
  const holes = shape.filter((d) => d === -1).length;
  if (holes > 1) throw new ArgumentError(`reshape: shape ${fmtShape(shape)} has more than one -1`);
  let known = 1;
  for (const d of shape) if (d !== -1) known *= d;
  const target = holes === 1 && known !== 0 ? shape.map((d) => (d === -1 ? size / known : d)) : shape;
  let n = 1;
  for (const d of target) n *= d;
  if (n !== size || !target.every((d) => Number.isInteger(d))) {
    throw new ShapeError(
      `reshape: cannot reshape a tensor of shape ${fmtShape(x.shape)} (${size} elements) into ${fmtShape(shape)}`,
    );
  }
  if (sameShape(target, x.shape)) return x;
  return bind(Primitive.Reshape, [x], { shape: target });
}

/** Reorders dims: out.shape[i] = x.shape[perm[i]]. */
export function permute(x: Tensor, perm: number[]): Tensor {
  x = asTensor(x, "permute", "x");
  const n = x.ndim;
  if (perm.length !== n) {
    throw new ArgumentError(
      `permute: dims ${fmtShape(perm)} must list all ${n} dims of shape ${fmtShape(x.shape)}`,
    );
  }
  const p = perm.map((d) => normDim(d, n, "permute", x.shape));
  if (new Set(p).size !== n) throw new ArgumentError(`permute: dims ${fmtShape(perm)} repeat a dim`);
  if (p.every((d, i) => d === i)) return x;
  return bind(Primitive.Permute, [x], { perm: p });
}

/** Swaps dims dim0 and dim1. */
export function transpose(x: Tensor, dim0 = 0, dim1 = 1): Tensor {
  x = asTensor(x, "transpose", "x");
  const n = x.ndim;
  if (n < 2 && dim0 === 0 && dim1 === 1) return x;
  const a = normDim(dim0, n, "transpose", x.shape);
  const b = normDim(dim1, n, "transpose", x.shape);
  const perm = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, perm);
}

/** Broadcasts x to `shape` by NumPy rules (materialised). */
export function broadcastTo(x: Tensor, shape: number[]): Tensor {
  x = asTensor(x, "broadcastTo", "x");
  checkShapeArg(shape, "broadcastTo");
  const b = broadcastShapes(x.shape, shape);
  if (b === null || !sameShape(b, shape)) {
    throw new ShapeError(`broadcastTo: cannot broadcast shape ${fmtShape(x.shape)} to ${fmtShape(shape)}`);
  }
  if (sameShape(x.shape, shape)) return x;
  return bind(Primitive.BroadcastTo, [x], { shape: [...shape] });
}

/** torch's expand: broadcast to `shape`, where -1 keeps the existing size. */
export function expand(x: Tensor, shape: number[]): Tensor {
  const off = shape.length - x.ndim;
  return broadcastTo(
    x,
    shape.map((d, i) => (d === -1 && i >= off ? x.shape[i - off] : d)),
  );
}

/** Removes size-1 dims (only `dim`, when given and of size 1). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  x = asTensor(x, "squeeze", "x");
  if (dim === undefined)
    return reshape(
      x,
      x.shape.filter((d) => d !== 1),
    );
  const d = normDim(dim, x.ndim, "squeeze", x.shape);
  if (x.shape[d] !== 1) return x;
  return reshape(
    x,
    x.shape.filter((_, i) => i !== d),
  );
}

/** Inserts a size-1 dim at `dim` (in [-ndim-1, ndim]). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  x = asTensor(x, "unsqueeze", "x");
  const d = normDim(dim, x.ndim + 1, "unsqueeze", x.shape);
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

/** Merges dims startDim..endDim (inclusive) into one. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  x = asTensor(x, "flatten", "x");
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim(startDim, x.ndim, "flatten", x.shape);
  const e = normDim(endDim, x.ndim, "flatten", x.shape);
  if (e < s) throw new ArgumentError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  let merged = 1;
  for (let i = s; i <= e; i++) merged *= x.shape[i];
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/**
 * Entries start, start+step, ... up to (not including) stop along `dim`, with Python's slice rules:
 * negative start/stop count from the end, a negative step walks backwards (`slice(x, 0, undefined,
 * undefined, -1)` reverses dim 0).
 */
export function slice(x: Tensor, dim: number, start?: number, stop?: number, step = 1): Tensor {
  x = asTensor(x, "slice", "x");
  const d = normDim(dim, x.ndim, "slice", x.shape);
  const n = x.shape[d];
  if (!Number.isInteger(step) || step === 0) {
    throw new ArgumentError(`slice: step must be a non-zero integer, got ${step}`);
  }
  let s: number;
  let size: number;
  if (step > 0) {
    const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
    s = start === undefined ? 0 : clamp(start);
    const e = stop === undefined ? n : clamp(stop);
    size = e > s ? Math.ceil((e - s) / step) : 0;
  } else {
    const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + n : v, -1), n - 1);
    s = start === undefined ? n - 1 : clamp(start);
    const e = stop === undefined ? -1 : clamp(stop);
    size = s > e ? Math.ceil((s - e) / -step) : 0;
    if (size === 0) s = 0;
  }
  if (s === 0 && step === 1 && size === n) return x;
  const starts = x.shape.map(() => 0);
  const steps = x.shape.map(() => 1);
  const sizes = [...x.shape];
  starts[d] = s;
  steps[d] = step;
  sizes[d] = size;
  return bind(Primitive.Slice, [x], { starts, steps, sizes });
}

/** Reverses the order of entries along each of `dims`. */
export function flip(x: Tensor, dims: number | number[]): Tensor {
  x = asTensor(x, "flip", "x");
  let out = x;
  for (const d of typeof dims === "number" ? [dims] : dims) out = slice(out, d, undefined, undefined, -1);
  return out;
}

/** `length` entries along `dim` from `start` (torch.narrow). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  x = asTensor(x, "narrow", "x");
  const d = normDim(dim, x.ndim, "narrow", x.shape);
  const n = x.shape[d];
  const s = start < 0 ? start + n : start;
  if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > n) {
    throw new IndexError(
      `narrow: start ${start} and length ${length} do not fit in dim ${dim} of size ${n} (shape ${fmtShape(x.shape)})`,
    );
  }
  return slice(x, d, s, s + length, 1);
}

/** Entry i along dim 0, dropping that dim (negative i counts from the end). */
export function index(x: Tensor, i: number): Tensor {
  x = asTensor(x, "index", "x");
  if (x.ndim === 0) throw new IndexError("index: cannot index a 0-d tensor");
  const n = x.shape[0];
  const j = i < 0 ? i + n : i;
  if (!Number.isInteger(j) || j < 0 || j >= n) {
    throw new IndexError(
      `index: index ${i} is out of range for dim 0 of size ${n} (shape ${fmtShape(x.shape)})`,
    );
  }
  return reshape(narrow(x, 0, j, 1), x.shape.slice(1));
}

/** Concatenates tensors along `dim`; all other dims must agree. */
export function cat(tensors: Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new ArgumentError(`cat: expected a non-empty array of tensors, got ${describe(tensors)}`);
  }
  const ts = tensors.map((t, i) => asTensor(t, "cat", `tensors[${i}]`));
  const first = ts[0];
  if (first.ndim === 0) throw new ShapeError("cat: zero-dimensional tensors cannot be concatenated");
  const d = normDim(dim, first.ndim, "cat", first.shape);
  ts.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((s, j) => j !== d && s !== first.shape[j])) {
      throw new ShapeError(
        `cat: tensors[${i}] has shape ${fmtShape(t.shape)}, which does not match ${fmtShape(first.shape)} outside dim ${d}`,
      );
    }
  });
  if (ts.length === 1) return first;
  return bind(Primitive.Concat, ts, { axis: d });
}

/** Stacks equal-shaped tensors along a new dim. */
export function stack(tensors: Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new ArgumentError(`stack: expected a non-empty array of tensors, got ${describe(tensors)}`);
  }
  const ts = tensors.map((t, i) => asTensor(t, "stack", `tensors[${i}]`));
  ts.forEach((t, i) => {
    if (!sameShape(t.shape, ts[0].shape)) {
      throw new ShapeError(
        `stack: tensors[${i}] has shape ${fmtShape(t.shape)}, expected ${fmtShape(ts[0].shape)}`,
      );
    }
  });
  const d = normDim(dim, ts[0].ndim + 1, "stack", ts[0].shape);
  return cat(
    ts.map((t) => unsqueeze(t, d)),
    d,
  );
}

/** Splits along `dim` into pieces of `size` (the last may be smaller) or of the listed sizes. */
export function split(x: Tensor, size: number | number[], dim = 0): Tensor[] {
  x = asTensor(x, "split", "x");
  const d = normDim(dim, x.ndim, "split", x.shape);
  const n = x.shape[d];
  let sizes: number[];
  if (typeof size === "number") {
    if (!Number.isInteger(size) || size < 1)
      throw new ArgumentError(`split: size must be a positive integer, got ${size}`);
    sizes = [];
    for (let s = 0; s < n; s += size) sizes.push(Math.min(size, n - s));
  } else {
    sizes = size;
    if (sizes.reduce((a, b) => a + b, 0) !== n) {
      throw new ShapeError(`split: sizes ${fmtShape(sizes)} do not add up to dim ${d} of size ${n}`);
    }
  }
  const out: Tensor[] = [];
  let s = 0;
  for (const len of sizes) {
    out.push(narrow(x, d, s, len));
    s += len;
  }
  return out;
}

function checkIndexTensor(index: unknown, op: string): Tensor {
  if (Array.isArray(index)) return new Tensor(Float64Array.from(index as number[]), [index.length]);
  if (!isTensor(index)) throw new ArgumentError(`${op}: index must be a Tensor, got ${describe(index)}`);
  return index;
}

/** torch.gather: out[i][j] = x[index[i][j]][j] for dim 0 (likewise for other dims); index has x's rank. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  x = asTensor(x, "gather", "x");
  const idx = checkIndexTensor(index, "gather");
  const d = normDim(dim, x.ndim, "gather", x.shape);
  if (idx.ndim !== x.ndim || idx.shape.some((s, i) => i !== d && s > x.shape[i])) {
    throw new ShapeError(
      `gather: index of shape ${fmtShape(idx.shape)} does not fit x of shape ${fmtShape(x.shape)} along dim ${d}`,
    );
  }
  return bind(Primitive.Gather, [x, idx], { axis: d });
}

/** The transpose of gather: zeros of `shape`, then out[..index[i]..] += src[i] along `dim`. */
export function scatterAdd(src: Tensor, dim: number, index: Tensor, shape: number[]): Tensor {
  src = asTensor(src, "scatterAdd", "src");
  const idx = checkIndexTensor(index, "scatterAdd");
  const d = normDim(dim, shape.length, "scatterAdd", shape);
  if (!sameShape(idx.shape, src.shape) || idx.shape.length !== shape.length) {
    throw new ShapeError(
      `scatterAdd: index ${fmtShape(idx.shape)} and src ${fmtShape(src.shape)} must share a shape of rank ${shape.length}`,
    );
  }
  return bind(Primitive.ScatterAdd, [src, idx], { axis: d, shape: [...shape] });
}

/** Entries `index` (a 1-D tensor or array of integers) along `dim`. */
export function indexSelect(x: Tensor, dim: number, index: Tensor | number[]): Tensor {
  x = asTensor(x, "indexSelect", "x");
  const idx = checkIndexTensor(index, "indexSelect");
  if (idx.ndim !== 1)
    throw new ShapeError(`indexSelect: index must be 1-D, got shape ${fmtShape(idx.shape)}`);
  const d = normDim(dim, x.ndim, "indexSelect", x.shape);
  const lineShape = x.shape.map((_, i) => (i === d ? idx.shape[0] : 1));
  const fullShape = x.shape.map((s, i) => (i === d ? idx.shape[0] : s));
  return gather(x, d, broadcastTo(reshape(idx, lineShape), fullShape));
}

/** Sums x down to `shape` (the transpose of broadcasting x from `shape`). */
export function sumToShape(x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const lead = x.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < x.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length === 0 ? x : bind(Primitive.Sum, [x], { axes, keepdim: true });
  return reshape(summed, [...shape]);
}
