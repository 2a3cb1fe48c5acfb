// Test helpers: central finite differences in float64 and closeness assertions with readable failures.
import { AssertionError } from "node:assert";
import { Tensor } from "../tensor.js";
import { fmtShape } from "../errors.js";
import type { Primitive } from "../core/primitives.js";
import { bind } from "../core/trace.js";
import { hessian, jacfwd, jacrev } from "../transforms/jacobian.js";
import { vmap } from "../transforms/vmap.js";
import { index, stack } from "../ops/shape.js";

export { seededRandom } from "../core/random.js";

/** Seeded numbers in [-0.5, 0.5) from a 32-bit linear congruential generator (Numerical Recipes constants). */
export function centeredLcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** A tensor of `shape` with values from `draw`. */
export function randomTensor(shape: number[], draw: () => number): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = draw();
  return new Tensor(data, shape);
}

/**
 * The Jacobian of f at args with respect to args[k] by central differences, shaped out ++ in.
 * f must be a plain function of concrete tensors.
 */
export function finiteDiffJacobian(
  f: (args: Tensor[]) => Tensor,
  args: Tensor[],
  k: number,
  h = 1e-6,
): Tensor {
  const x = args[k];
  const base = f(args);
  const m = base.size;
  const n = x.size;
  const jac = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    const plus = Float64Array.from(x.data);
    const minus = Float64Array.from(x.data);
    plus[j] += h;
    minus[j] -= h;
    const withX = (d: Float64Array): Tensor[] => args.map((a, i) => (i === k ? new Tensor(d, x.shape) : a));
    const fp = f(withX(plus)).data;
    const fm = f(withX(minus)).data;
    for (let i = 0; i < m; i++) jac[i * n + j] = (fp[i] - fm[i]) / (2 * h);
  }
  return new Tensor(jac, [...base.shape, ...x.shape]);
}

/** Throws unless a and b have the same shape and |a - b| <= tol * (1 + |b|) everywhere. */
export function assertClose(a: Tensor, b: Tensor, tol = 1e-6, what = "values"): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new AssertionError({
      message: `${what}: shape ${fmtShape(a.shape)} differs from ${fmtShape(b.shape)}`,
    });
  }
  const x = a.data;
  const y = b.data;
  for (let i = 0; i < x.length; i++) {
    const ok =
      Math.abs(x[i] - y[i]) <= tol * (1 + Math.abs(y[i])) || (Number.isNaN(x[i]) && Number.isNaN(y[i]));
    if (!ok) {
      throw new AssertionError({
        message: `${what}: element ${i} is ${x[i]}, expected ${y[i]} (shape ${fmtShape(a.shape)})`,
      });
    }
  }
}

/** Applies primitive `p` through bind, with params of a type the caller does not know statically. */
export function applyPrimitive(p: Primitive, args: Tensor[], params: unknown): Tensor {
  return bind(p, args, params as never);
}

/** The primitive as a function of its argument `k` alone, the other arguments held at `args`. */
export function primitiveOfArgument(
  p: Primitive,
  args: Tensor[],
  params: unknown,
  k: number,
): (x: Tensor) => Tensor {
  return (x) => applyPrimitive(p, withArgument(args, k, x), params);
}

/** `args` with argument `k` replaced by `x`. */
export function withArgument(args: Tensor[], k: number, x: Tensor): Tensor[] {
  return args.map((a, i) => (i === k ? x : a));
}

/**
 * Checks jacrev and jacfwd of `plain` with respect to each argument in `wrt` against central finite
 * differences at `args` (see {@link assertClose} for `tol`).
 */
export function assertJacobiansMatchFiniteDiff(
  name: string,
  plain: (xs: Tensor[]) => Tensor,
  args: Tensor[],
  wrt: readonly number[],
  tol = 1e-6,
): void {
  for (const k of wrt) {
    const f = (x: Tensor): Tensor => plain(withArgument(args, k, x));
    const expected = finiteDiffJacobian(plain, args, k);
    assertClose(jacrev(f)(args[k]), expected, tol, `${name} jacrev wrt ${k}`);
    assertClose(jacfwd(f)(args[k]), expected, tol, `${name} jacfwd wrt ${k}`);
  }
}

/**
 * Checks every block of the Hessian of sum(plain(args) * weights) with respect to the arguments listed in
 * `wrt`, diagonal blocks and cross partials d2/(dx_p dx_q) alike, against central finite differences of the
 * gradient (jacrev) with respect to x_p along x_q. The Hessian comes from one `hessian` call with argnums.
 */
export function assertHessianBlocksMatchFiniteDiff(
  what: string,
  plain: (xs: Tensor[]) => Tensor,
  args: Tensor[],
  wrt: readonly number[],
  weights: Tensor,
  tol = 1e-5,
): void {
  const primals = wrt.map((k) => args[k]);
  const scalar = (...xs: Tensor[]): Tensor =>
    plain(
      args.map((a, m) => {
        const p = wrt.indexOf(m);
        return p >= 0 ? xs[p] : a;
      }),
    )
      .mul(weights)
      .sum();
  const argnums = wrt.map((_, p) => p);
  const blocks = hessian(scalar, { argnums })(...primals);
  wrt.forEach((kp, p) => {
    wrt.forEach((kq, q) => {
      const gradP = (xs: Tensor[]): Tensor =>
        jacrev(scalar, { argnums: p })(...primals.map((x, r) => (r === q ? xs[0] : x)));
      const expected = finiteDiffJacobian(gradP, [primals[q]], 0);
      assertClose(blocks[p][q], expected, tol, `${what} d2/(d arg${kp} d arg${kq})`);
    });
  });
}

/**
 * Throws unless the arrays have the same length and |actual[i] - expected[i]| <= tol * scale everywhere,
 * where scale is 1 + |expected[i]| (`relativeTo` "entry", the default) or max(1, max |expected|) ("max").
 */
export function assertArrayClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what: string,
  relativeTo: "entry" | "max" = "entry",
): void {
  if (actual.length !== expected.length) {
    throw new AssertionError({ message: `${what}: length ${actual.length} differs from ${expected.length}` });
  }
  let maxScale = 1;
  if (relativeTo === "max")
    for (let i = 0; i < expected.length; i++) maxScale = Math.max(maxScale, Math.abs(expected[i]));
  for (let i = 0; i < actual.length; i++) {
    const bound = tol * (relativeTo === "max" ? maxScale : 1 + Math.abs(expected[i]));
    if (!(Math.abs(actual[i] - expected[i]) <= bound)) {
      throw new AssertionError({
        message: `${what}: entry ${i} is ${actual[i]}, expected ${expected[i]} (tolerance ${bound})`,
      });
    }
  }
}

/**
 * The composition checks every new function gets: jacrev and jacfwd of g against central differences,
 * vmap(g) against a loop over a batch, jacfwd(jacrev(g)) against central differences of jacrev(g), and
 * vmap(jacrev(g)) against a loop. `batch` holds examples along dim 0 (each shaped like x).
 */
export function assertComposes(
  what: string,
  g: (x: Tensor) => Tensor,
  x: Tensor,
  batch: Tensor,
  tol = 1e-6,
): void {
  const fd = finiteDiffJacobian(([v]) => g(v), [x], 0);
  assertClose(jacrev(g)(x), fd, tol, `${what}: jacrev`);
  assertClose(jacfwd(g)(x), fd, tol, `${what}: jacfwd`);
  const rows = Array.from({ length: batch.shape[0] }, (_, i) => g(index(batch, i)));
  assertClose(vmap(g)(batch), stack(rows), 1e-12, `${what}: vmap`);
  const jr = (v: Tensor): Tensor => jacrev(g)(v);
  const second = finiteDiffJacobian(([v]) => jr(v), [x], 0, 1e-5);
  assertClose(jacfwd(jr)(x), second, tol * 100, `${what}: jacfwd(jacrev)`);
  const perRow = Array.from({ length: batch.shape[0] }, (_, i) => jr(index(batch, i)));
  assertClose(vmap(jr)(batch), stack(perRow), 1e-10, `${what}: vmap(jacrev)`);
}
