// JAX-style function transforms for reverse and forward mode: grad, valueAndGrad, vjp, jvp, hvp.
import { type Tensor, isTensor } from "../tensor.js";
import { ArgumentError, GradError, ShapeError, fmtShape } from "../errors.js";
import { type Flat, flattenArgs, flattenTree } from "../core/pytree.js";
import { vjpRecord } from "../core/vjp.js";
import { jvpCore } from "../core/jvp.js";
import { passCounter } from "../core/trace.js";
import { type AnyFn, call, normArgnums, pullback, withArgs } from "../core/transform-utils.js";
import { ones, zeros } from "../ops/create.js";
import { sameShape } from "../ops/util.js";

/** Options selecting which arguments to differentiate: a position or several (default 0). */
export interface ArgnumsOptions {
  /** Which arguments to differentiate with respect to: an index or several (default 0). */
  argnums?: number | number[];
}

function gradAndValue(
  op: string,
  f: AnyFn,
  args: unknown[],
  opts: ArgnumsOptions,
): { value: Tensor; grad: unknown } {
  const { list, single } = normArgnums(opts.argnums, args.length, op);
  const flatIn = flattenArgs(
    list.map((i) => args[i]),
    `${op}: argument`,
    list,
  );
  passCounter.forward++;
  const rec = vjpRecord((ins) => {
    const out = call(f, withArgs(args, list, flatIn.rebuild(ins) as unknown[]));
    if (!isTensor(out) || out.size !== 1) {
      throw new GradError(
        `${op}: f must return a one-element tensor, got ${isTensor(out) ? `shape ${fmtShape(out.shape)}` : typeof out}; use jacrev or vjp for other outputs`,
      );
    }
    return [out];
  }, flatIn.leaves);
  const value = rec.primalsOut[0];
  const grads = flatIn.rebuild(pullback(rec, [ones(value.shape)])) as unknown[];
  return { value, grad: single ? grads[0] : grads };
}

/**
 * The gradient of a scalar-valued f with respect to argument `argnums` (default 0): `grad(f)(x)` has x's
 * structure. Composes with every other transform (grad(grad(f)), vmap(grad(f)), jacfwd(grad(f))...).
 * @example
 * ```ts
 * grad((x: Tensor) => x.square().sum())(tensor([1, 2])); // [2, 4]
 * ```
 */
export function grad<A extends unknown[]>(
  f: (...args: A) => Tensor,
  opts?: { argnums?: number },
): (...args: A) => Tensor;
/** The gradients of a scalar-valued f with respect to each argument listed in `argnums`. */
export function grad<A extends unknown[]>(
  f: (...args: A) => Tensor,
  opts: { argnums: number[] },
): (...args: A) => Tensor[];
export function grad(f: AnyFn, opts: ArgnumsOptions = {}): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => gradAndValue("grad", f, args, opts).grad;
}

/**
 * Like {@link grad} but returns `[value, gradient]` from the same pass.
 * @example
 * ```ts
 * const [value, g] = valueAndGrad((x: Tensor) => x.square().sum())(tensor([1, 2])); // 5, [2, 4]
 * ```
 */
export function valueAndGrad<A extends unknown[]>(
  f: (...args: A) => Tensor,
  opts?: { argnums?: number },
): (...args: A) => [Tensor, Tensor];
/** Like {@link grad} with several argnums: `[value, gradients]` from the same pass. */
export function valueAndGrad<A extends unknown[]>(
  f: (...args: A) => Tensor,
  opts: { argnums: number[] },
): (...args: A) => [Tensor, Tensor[]];
export function valueAndGrad(f: AnyFn, opts: ArgnumsOptions = {}): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const r = gradAndValue("valueAndGrad", f, args, opts);
    return [r.value, r.grad];
  };
}

function checkLike(given: Flat, expected: readonly Tensor[], op: string, what: string): void {
  if (given.leaves.length !== expected.length) {
    throw new ArgumentError(`${op}: ${what} has ${given.leaves.length} tensors, expected ${expected.length}`);
  }
  given.leaves.forEach((t, i) => {
    if (!sameShape(t.shape, expected[i].shape)) {
      throw new ShapeError(
        `${op}: ${what} leaf ${i} has shape ${fmtShape(t.shape)}, expected ${fmtShape(expected[i].shape)}`,
      );
    }
  });
}

/**
 * Runs f at `primals` once and returns `[out, vjpFn]`; `vjpFn(ct)` pulls a cotangent shaped like `out`
 * back to one gradient per primal (an array), and may be called many times (or under vmap).
 * @example
 * ```ts
 * const [y, pullback] = vjp((x: Tensor) => x.square(), tensor([1, 2]));
 * pullback(tensor([1, 1])); // [tensor [2, 4]]
 * ```
 */
export function vjp<A extends unknown[], R>(f: (...args: A) => R, ...primals: A): [R, (ct: R) => A];
export function vjp(f: AnyFn, ...primals: unknown[]): [unknown, (ct: unknown) => unknown[]] {
  const flatIn = flattenArgs(primals, "vjp: primal");
  passCounter.forward++;
  let flatOut: Flat | undefined;
  const rec = vjpRecord((ins) => {
    flatOut = flattenTree(call(f, flatIn.rebuild(ins) as unknown[]), "vjp: the output of f");
    return flatOut.leaves;
  }, flatIn.leaves);
  const outFlat = flatOut as Flat;
  const vjpFn = (ct: unknown): unknown[] => {
    const cts = flattenTree(ct, "vjp: the cotangent", true);
    checkLike(cts, rec.primalsOut, "vjp", "the cotangent");
    return flatIn.rebuild(pullback(rec, cts.leaves)) as unknown[];
  };
  return [outFlat.rebuild(rec.primalsOut), vjpFn];
}

/**
 * Forward mode: f at `primals` and the directional derivative along `tangents` (same structure),
 * returned as `[out, tangentOut]`.
 * @example
 * ```ts
 * jvp((x: Tensor) => x.square(), [tensor([1, 2])], [tensor([1, 0])]); // [[1, 4], [2, 0]]
 * ```
 */
export function jvp<A extends unknown[], R>(f: (...args: A) => R, primals: A, tangents: A): [R, R];
export function jvp(f: AnyFn, primals: unknown[], tangents: unknown[]): [unknown, unknown] {
  if (!Array.isArray(primals) || !Array.isArray(tangents)) {
    throw new ArgumentError("jvp: primals and tangents must be arrays (one entry per argument of f)");
  }
  const flatIn = flattenArgs(primals, "jvp: primal");
  const flatT = flattenArgs(tangents, "jvp: tangent");
  checkLike(flatT, flatIn.leaves, "jvp", "tangents");
  passCounter.forward++;
  let flatOut: Flat | undefined;
  const r = jvpCore(
    (ins) => {
      flatOut = flattenTree(call(f, flatIn.rebuild(ins) as unknown[]), "jvp: the output of f");
      return flatOut.leaves;
    },
    flatIn.leaves,
    flatT.leaves,
  );
  const outFlat = flatOut as Flat;
  const tangentsOut = r.tangents.map((t, i) => t ?? zeros(r.primals[i].shape));
  return [outFlat.rebuild(r.primals), outFlat.rebuild(tangentsOut)];
}

/**
 * Hessian-vector product H(f)(x) · v of a scalar f, by forward-over-reverse (no Hessian formed).
 * @example
 * ```ts
 * hvp((x: Tensor) => x.pow(3).sum(), tensor([1, 2]), tensor([1, 1])); // [6, 12]
 * ```
 */
export function hvp<X>(f: (x: X) => Tensor, x: X, v: X): X;
export function hvp(f: AnyFn, x: unknown, v: unknown): unknown {
  // Checked here so that errors name hvp, not the jvp it is made of.
  flattenTree(x, "hvp: x", true);
  flattenTree(v, "hvp: v", true);
  return jvp((y: unknown) => gradAndValue("hvp", f, [y], {}).grad, [x], [v])[1];
}
