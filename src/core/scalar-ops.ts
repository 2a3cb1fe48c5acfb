// The scalar function of every elementwise primitive, written once as a JavaScript expression template:
// the eager kernels compile their loops from these (one monomorphic loop per primitive, no call per
// element), and jit's fused loops inline the same expressions, so both compute bit-identical results.
// Templates take operand expressions that are plain identifiers (they may be used more than once).
import type { BinaryPrim, CompareOp, UnaryPrim } from "./primitives.js";

/** An expression template over operand identifiers. */
export type ScalarExpr = (...operands: string[]) => string;

/** Helpers the templates call as `h.name(...)` (passed to every compiled loop as `h`). */
export const scalarHelpers = {
  /** 1 / (1 + e^-x), computed without overflow for either sign. */
  sigmoid(x: number): number {
    if (x >= 0) return 1 / (1 + Math.exp(-x));
    const e = Math.exp(x);
    return e / (1 + e);
  },
};

/** The scalar function of each unary primitive. */
export const unaryExpr: Record<UnaryPrim, ScalarExpr> = {
  neg: (x) => `-${x}`,
  exp: (x) => `Math.exp(${x})`,
  log: (x) => `Math.log(${x})`,
  log1p: (x) => `Math.log1p(${x})`,
  sin: (x) => `Math.sin(${x})`,
  cos: (x) => `Math.cos(${x})`,
  tan: (x) => `Math.tan(${x})`,
  tanh: (x) => `Math.tanh(${x})`,
  sigmoid: (x) => `h.sigmoid(${x})`,
  relu: (x) => `(${x} > 0 ? ${x} : 0)`,
  // softplus x = max(x, 0) + log1p(e^-|x|), stable for large |x|
  softplus: (x) => `(Math.max(${x}, 0) + Math.log1p(Math.exp(-Math.abs(${x}))))`,
  abs: (x) => `Math.abs(${x})`,
  sqrt: (x) => `Math.sqrt(${x})`,
  // NaN stays NaN, ±0 stay ±0
  sign: (x) => `(${x} > 0 ? 1 : ${x} < 0 ? -1 : ${x})`,
};

/** The scalar function of each binary primitive. */
export const binaryExpr: Record<BinaryPrim, ScalarExpr> = {
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${b})`,
  pow: (a, b) => `Math.pow(${a}, ${b})`,
  // the larger (smaller) value; NaN wins
  maximum: (a, b) => `(${a} >= ${b} || ${a} !== ${a} ? ${a} : ${b})`,
  minimum: (a, b) => `(${a} <= ${b} || ${a} !== ${a} ? ${a} : ${b})`,
};

/** The scalar function of each comparison (1 or 0). */
export const compareExpr: Record<CompareOp, ScalarExpr> = {
  lt: (a, b) => `(${a} < ${b} ? 1 : 0)`,
  le: (a, b) => `(${a} <= ${b} ? 1 : 0)`,
  gt: (a, b) => `(${a} > ${b} ? 1 : 0)`,
  ge: (a, b) => `(${a} >= ${b} ? 1 : 0)`,
  eq: (a, b) => `(${a} === ${b} ? 1 : 0)`,
  ne: (a, b) => `(${a} !== ${b} ? 1 : 0)`,
};

/** where(c, a, b): a where c is non-zero. */
export const whereExpr: ScalarExpr = (c, a, b) => `(${c} !== 0 ? ${a} : ${b})`;

/** A JavaScript number literal for v (exact: NaN, ±Infinity and -0 included). */
export function numberLiteral(v: number): string {
  if (Object.is(v, -0)) return "-0";
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  return String(v);
}

const compiled = new Map<string, unknown>();

/**
 * Compiles `body` (the code of a function of `params` and the helpers `h`) once per distinct source and
 * returns it. Loops generated this way are monomorphic: each primitive gets its own.
 */
export function compileFunction<F>(params: readonly string[], body: string): F {
  const key = `${params.join(",")}\n${body}`;
  let fn = compiled.get(key);
  if (fn === undefined) {
    const factory = new Function(
      "h",
      `"use strict"; return function (${params.join(", ")}) {\n${body}\n};`,
    ) as (h: typeof scalarHelpers) => unknown;
    fn = factory(scalarHelpers);
    compiled.set(key, fn);
  }
  return fn as F;
}

/** out[i] = f(x[i]) for i < n, compiled from a unary template. */
export function unaryLoop(expr: ScalarExpr): (x: Float64Array, out: Float64Array, n: number) => void {
  return compileFunction(
    ["x", "out", "n"],
    `for (let i = 0; i < n; i++) { const v = x[i]; out[i] = ${expr("v")}; }`,
  );
}

/** f(a, b) as a plain function, compiled from a binary template. */
export function binaryFunction(expr: ScalarExpr): (a: number, b: number) => number {
  return compileFunction(["a", "b"], `return ${expr("a", "b")};`);
}
