// JAX-style function transforms for reverse and forward mode: grad, valueAndGrad, vjp, jvp, hvp, vhp.
// Under `hasAux`, f returns [output, aux] and the aux comes back beside the result, undifferentiated.
import { type Tensor, isTensor } from "../tensor.js";
import { ArgumentError, GradError, ShapeError, fmtShape } from "../errors.js";
import { type Flat, checkSameStructure, flattenArgs, flattenTree, splitAux } from "../core/pytree.js";
import { FnOutputs } from "../core/fn-outputs.js";
import { boolOption, checkOptions } from "../core/options.js";
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
  /** f returns `[output, aux]`: differentiate the output, hand the aux back as it is. */
  hasAux?: boolean;
}

const GRAD_OPTIONS = ["argnums", "hasAux"] as const;

function gradAndValue(
  op: string,
  f: AnyFn,
  args: unknown[],
  opts: ArgnumsOptions,
): { value: Tensor; grad: unknown; aux: unknown } {
  const hasAux = boolOption(op, "hasAux", opts.hasAux);
  const { list, single } = normArgnums(opts.argnums, args.length, op);
  const flatIn = flattenArgs(
    list.map((i) => args[i]),
    `${op}: argument`,
    list,
  );
  const outputs = new FnOutputs(op, hasAux);
  passCounter.forward++;
  const rec = vjpRecord((ins) => {
    const result = call(f, withArgs(args, list, flatIn.rebuild(ins) as unknown[]));
    const out = hasAux ? splitAux(op, result)[0] : result;
    if (!isTensor(out) || out.size !== 1) {
      throw new GradError(
        `${op}: f must return a one-element tensor, got ${isTensor(out) ? `shape ${fmtShape(out.shape)}` : typeof out}; use jacrev or vjp for other outputs`,
      );
    }
    return outputs.leaves(result);
  }, flatIn.leaves);
  const value = rec.primalsOut[0];
  const grads = flatIn.rebuild(pullback(rec, [ones(value.shape)])) as unknown[];
  return { value, grad: single ? grads[0] : grads, aux: outputs.rebuildAux(rec.primalsOut) };
}

/**
 * The gradient of a scalar-valued f with respect to argument `argnums` (default 0): `grad(f)(x)` has x's
 * structure. Composes with every other transform (grad(grad(f)), vmap(grad(f)), jacfwd(grad(f))...).
 * With `hasAux: true`, f returns `[output, aux]` and grad returns `[gradient, aux]`.
 * @example
 * ```ts
 * grad((x: Tensor) => x.square().sum())(tensor([1, 2])); // [2, 4]
 * ```
 */
export function grad<A extends unknown[], Aux>(
  f: (...args: A) => [Tensor, Aux],
  opts: { argnums?: number; hasAux: true },
): (...args: A) => [Tensor, Aux];
/** grad with several argnums and an aux: `[gradients, aux]`. */
export function grad<A extends unknown[], Aux>(
  f: (...args: A) => [Tensor, Aux],
  opts: { argnums: number[]; hasAux: true },
): (...args: A) => [Tensor[], Aux];
/** The gradient of a scalar-valued f with respect to argument `argnums` (default 0). */
export function grad<A extends unknown[]>(
  f: (...args: A) => Tensor,
  opts?: { argnums?: number; hasAux?: false },
): (...args: A) => Tensor;
/** The gradients of a scalar-valued f with respect to each argument listed in `argnums`. */
export function grad<A extends unknown[]>(
  f: (...args: A) => Tensor,
  opts: { argnums: number[]; hasAux?: false },
): (...args: A) => Tensor[];
export function grad(f: AnyFn, opts?: ArgnumsOptions): (...args: unknown[]) => unknown {
  const o = checkOptions("grad", opts, GRAD_OPTIONS);
  boolOption("grad", "hasAux", o.hasAux);
  return (...args: unknown[]) => {
    const r = gradAndValue("grad", f, args, o);
    return o.hasAux === true ? [r.grad, r.aux] : r.grad;
  };
}

/**
 * Like {@link grad} but returns `[value, gradient]` from the same pass; with `hasAux: true` (f returns
 * `[output, aux]`) it returns `[[value, aux], gradient]`, as JAX's value_and_grad does.
 * @example
 * ```ts
 * const [value, g] = valueAndGrad((x: Tensor) => x.square().sum())(tensor([1, 2])); // 5, [2, 4]
 * ```
 */
export function valueAndGrad<A extends unknown[], Aux>(
  f: (...args: A) => [Tensor, Aux],
  opts: { argnums?: number; hasAux: true },
): (...args: A) => [[Tensor, Aux], Tensor];
/** valueAndGrad with several argnums and an aux: `[[value, aux], gradients]`. */
export function valueAndGrad<A extends unknown[], Aux>(
  f: (...args: A) => [Tensor, Aux],
  opts: { argnums: number[]; hasAux: true },
): (...args: A) => [[Tensor, Aux], Tensor[]];
/** Like {@link grad} but returns `[value, gradient]` from the same pass. */
export function valueAndGrad<A extends unknown[]>(
  f: (...args: A) => Tensor,
  opts?: { argnums?: number; hasAux?: false },
): (...args: A) => [Tensor, Tensor];
/** Like {@link grad} with several argnums: `[value, gradients]` from the same pass. */
export function valueAndGrad<A extends unknown[]>(
  f: (...args: A) => Tensor,
  opts: { argnums: number[]; hasAux?: false },
): (...args: A) => [Tensor, Tensor[]];
export function valueAndGrad(f: AnyFn, opts?: ArgnumsOptions): (...args: unknown[]) => unknown {
  const o = checkOptions("valueAndGrad", opts, GRAD_OPTIONS);
  boolOption("valueAndGrad", "hasAux", o.hasAux);
  return (...args: unknown[]) => {
    const r = gradAndValue("valueAndGrad", f, args, o);
    return o.hasAux === true ? [[r.value, r.aux], r.grad] : [r.value, r.grad];
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

/** Options of {@link vjp} and {@link jvp}. */
export interface AuxOptions {
  /** f returns `[output, aux]`: the aux is returned as the third element, undifferentiated. */
  hasAux?: boolean;
}

/** True for a trailing `{ hasAux: ... }` (a plain object holding no tensors or trees): vjp's options. */
function isOptionsObject(v: unknown): v is AuxOptions {
  if (typeof v !== "object" || v === null || Array.isArray(v) || isTensor(v)) return false;
  const values = Object.values(v as object);
  return values.length > 0 && values.every((x) => x === undefined || typeof x !== "object");
}

/**
 * Runs f at `primals` once and returns `[out, vjpFn]`; `vjpFn(ct)` pulls a cotangent shaped like `out`
 * back to one gradient per primal (an array), and may be called many times (or under vmap). Pass
 * `{ hasAux: true }` after the primals when f returns `[output, aux]`: then `[out, vjpFn, aux]`.
 * @example
 * ```ts
 * const [y, pullback] = vjp((x: Tensor) => x.square(), tensor([1, 2]));
 * pullback(tensor([1, 1])); // [tensor [2, 4]]
 * ```
 */
export function vjp<A extends unknown[], R, Aux>(
  f: (...args: A) => [R, Aux],
  ...primalsAndOptions: [...A, { hasAux: true }]
): [R, (ct: R) => A, Aux];
/** Runs f at `primals` once and returns `[out, vjpFn]` (see above). */
export function vjp<A extends unknown[], R>(f: (...args: A) => R, ...primals: A): [R, (ct: R) => A];
export function vjp(f: AnyFn, ...given: unknown[]): unknown[] {
  const last = given[given.length - 1];
  const opts = isOptionsObject(last) ? checkOptions("vjp", last, ["hasAux"]) : {};
  const primals = isOptionsObject(last) ? given.slice(0, -1) : given;
  const hasAux = boolOption("vjp", "hasAux", opts.hasAux);
  const flatIn = flattenArgs(primals, "vjp: primal");
  const outputs = new FnOutputs("vjp", hasAux);
  passCounter.forward++;
  const rec = vjpRecord((ins) => outputs.leaves(call(f, flatIn.rebuild(ins) as unknown[])), flatIn.leaves);
  const primalsOut = outputs.outputs(rec.primalsOut);
  const out = outputs.flat.rebuild(primalsOut);
  const vjpFn = (ct: unknown): unknown[] => {
    const cts = flattenTree(ct, "vjp: the cotangent", true);
    checkSameStructure("vjp", "the cotangent", ct, out, "the output of f");
    checkLike(cts, primalsOut, "vjp", "the cotangent");
    return flatIn.rebuild(pullback(rec, cts.leaves)) as unknown[];
  };
  return hasAux ? [out, vjpFn, outputs.rebuildAux(rec.primalsOut)] : [out, vjpFn];
}

/**
 * Forward mode: f at `primals` and the directional derivative along `tangents` (same structure),
 * returned as `[out, tangentOut]`; with `{ hasAux: true }` (f returns `[output, aux]`),
 * `[out, tangentOut, aux]`.
 * @example
 * ```ts
 * jvp((x: Tensor) => x.square(), [tensor([1, 2])], [tensor([1, 0])]); // [[1, 4], [2, 0]]
 * ```
 */
export function jvp<A extends unknown[], R, Aux>(
  f: (...args: A) => [R, Aux],
  primals: A,
  tangents: A,
  opts: { hasAux: true },
): [R, R, Aux];
/** Forward mode: `[out, tangentOut]` of f at `primals` along `tangents`. */
export function jvp<A extends unknown[], R>(
  f: (...args: A) => R,
  primals: A,
  tangents: A,
  opts?: { hasAux?: false },
): [R, R];
export function jvp(f: AnyFn, primals: unknown[], tangents: unknown[], opts?: AuxOptions): unknown[] {
  const hasAux = boolOption("jvp", "hasAux", checkOptions("jvp", opts, ["hasAux"]).hasAux);
  if (!Array.isArray(primals) || !Array.isArray(tangents)) {
    throw new ArgumentError("jvp: primals and tangents must be arrays (one entry per argument of f)");
  }
  const flatIn = flattenArgs(primals, "jvp: primal");
  const flatT = flattenArgs(tangents, "jvp: tangent");
  checkSameStructure("jvp", "the tangents", tangents, primals, "the primals");
  checkLike(flatT, flatIn.leaves, "jvp", "tangents");
  const outputs = new FnOutputs("jvp", hasAux);
  passCounter.forward++;
  const r = jvpCore(
    (ins) => outputs.leaves(call(f, flatIn.rebuild(ins) as unknown[])),
    flatIn.leaves,
    flatT.leaves,
  );
  const primalsOut = outputs.outputs(r.primals);
  const tangentsOut = primalsOut.map((p, i) => r.tangents[i] ?? zeros(p.shape));
  const res = [outputs.flat.rebuild(primalsOut), outputs.flat.rebuild(tangentsOut)];
  return hasAux ? [...res, outputs.rebuildAux(r.primals)] : res;
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

/**
 * Vector-Hessian product vᵀ · H(f)(x) of a scalar f, by reverse-over-reverse (as torch.autograd.functional.vhp
 * computes it; equal to {@link hvp} for the symmetric Hessian of a twice continuously differentiable f).
 */
export function vhp<X>(f: (x: X) => Tensor, x: X, v: X): X;
export function vhp(f: AnyFn, x: unknown, v: unknown): unknown {
  flattenTree(x, "vhp: x", true);
  flattenTree(v, "vhp: v", true);
  const [, pull] = vjp((y: unknown) => gradAndValue("vhp", f, [y], {}).grad, x);
  return pull(v)[0];
}
