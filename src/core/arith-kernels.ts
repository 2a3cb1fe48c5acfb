// Dedicated loops for the four arithmetic ops (no per-element function call, so V8 keeps each loop
// monomorphic): equal shapes, a scalar operand, and one operand repeated over the leading dims.
import { alloc, sizeOf } from "./kernels.js";

/** The arithmetic operations with dedicated loops. */
export type ArithOp = "add" | "sub" | "mul" | "div";

type VV = (
  a: Float64Array,
  ai: number,
  b: Float64Array,
  bi: number,
  out: Float64Array,
  oi: number,
  n: number,
) => void;
type VS = (a: Float64Array, ai: number, y: number, out: Float64Array, oi: number, n: number) => void;
type SV = (x: number, b: Float64Array, bi: number, out: Float64Array, oi: number, n: number) => void;

const vv: Record<ArithOp, VV> = {
  add: (a, ai, b, bi, out, oi, n) => {
    for (let j = 0; j < n; j++) out[oi + j] = a[ai + j] + b[bi + j];
  },
  sub: (a, ai, b, bi, out, oi, n) => {
    for (let j = 0; j < n; j++) out[oi + j] = a[ai + j] - b[bi + j];
  },
  mul: (a, ai, b, bi, out, oi, n) => {
    for (let j = 0; j < n; j++) out[oi + j] = a[ai + j] * b[bi + j];
  },
  div: (a, ai, b, bi, out, oi, n) => {
    for (let j = 0; j < n; j++) out[oi + j] = a[ai + j] / b[bi + j];
  },
};

const vs: Record<ArithOp, VS> = {
  add: (a, ai, y, out, oi, n) => {
    for (let j = 0; j < n; j++) out[oi + j] = a[ai + j] + y;
  },
  sub: (a, ai, y, out, oi, n) => {
    for (let j = 0; j < n; j++) out[oi + j] = a[ai + j] - y;
  },
  mul: (a, ai, y, out, oi, n) => {
    for (let j = 0; j < n; j++) out[oi + j] = a[ai + j] * y;
  },
  div: (a, ai, y, out, oi, n) => {
    for (let j = 0; j < n; j++) out[oi + j] = a[ai + j] / y;
  },
};

const sv: Record<ArithOp, SV> = {
  add: (x, b, bi, out, oi, n) => {
    for (let j = 0; j < n; j++) out[oi + j] = x + b[bi + j];
  },
  sub: (x, b, bi, out, oi, n) => {
    for (let j = 0; j < n; j++) out[oi + j] = x - b[bi + j];
  },
  mul: (x, b, bi, out, oi, n) => {
    for (let j = 0; j < n; j++) out[oi + j] = x * b[bi + j];
  },
  div: (x, b, bi, out, oi, n) => {
    for (let j = 0; j < n; j++) out[oi + j] = x / b[bi + j];
  },
};

/** True when `small` equals the trailing dims of `full` (so it repeats over full's leading dims). */
function isSuffix(small: readonly number[], full: readonly number[]): boolean {
  const off = full.length - small.length;
  if (off < 0) return false;
  for (let i = 0; i < small.length; i++) if (small[i] !== full[off + i]) return false;
  return true;
}

/**
 * a op b for the fast patterns (same size, scalar, one operand a suffix of the other), or null when the
 * broadcast needs the general strided loop. `outShape` is the broadcast shape.
 */
export function arith(
  op: ArithOp,
  a: Float64Array,
  aShape: readonly number[],
  b: Float64Array,
  bShape: readonly number[],
  outShape: readonly number[],
): Float64Array | null {
  const n = sizeOf(outShape);
  if (a.length === n && b.length === n) {
    const out = alloc(n);
    vv[op](a, 0, b, 0, out, 0, n);
    return out;
  }
  if (b.length === 1 && a.length === n) {
    const out = alloc(n);
    vs[op](a, 0, b[0], out, 0, n);
    return out;
  }
  if (a.length === 1 && b.length === n) {
    const out = alloc(n);
    sv[op](a[0], b, 0, out, 0, n);
    return out;
  }
  if (a.length === n && b.length > 0 && isSuffix(bShape, outShape)) {
    const out = alloc(n);
    const len = b.length;
    for (let o = 0; o < n; o += len) vv[op](a, o, b, 0, out, o, len);
    return out;
  }
  if (b.length === n && a.length > 0 && isSuffix(aShape, outShape)) {
    const out = alloc(n);
    const len = a.length;
    for (let o = 0; o < n; o += len) vv[op](a, 0, b, o, out, o, len);
    return out;
  }
  return null;
}
