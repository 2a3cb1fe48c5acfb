// Custom derivatives, JAX style: customVjp(f, { fwd, bwd }) and customJvp(f, jvp). Each call of the
// returned function is one CustomCall primitive whose rule runs the user's pieces; the missing mode is
// derived by transposition (a JVP from bwd, a VJP from jvp), and vmap batches every piece.
import type { Tensor } from "../tensor.js";
import { ArgumentError } from "../errors.js";
import { flattenArgs } from "../core/pytree.js";
import { type CustomRule, batchedRule, bindCustom } from "../core/custom-call.js";
import { OutputLayout, argCotangents, jvpFromVjp, vjpFromJvp } from "../core/custom-layout.js";
import { checkOptions } from "../core/options.js";
import { type AnyFn, call } from "../core/transform-utils.js";

/** Per-argument cotangents: for each argument a value shaped like it, or null for zero. */
export type Cotangents<A extends unknown[]> = { [K in keyof A]: A[K] | null };

/** The rules of {@link customVjp}. */
export interface CustomVjpRules<A extends unknown[], R, Res> {
  /** The forward pass: f's output and the residuals bwd needs (any value; its tensors are tracked). */
  fwd: (...args: A) => [R, Res];
  /** The backward pass: one cotangent per argument (null for zero) from the residuals and d(output). */
  bwd: (res: Res, ct: R) => Cotangents<A> | (A[number] | null)[];
}

function fnName(f: AnyFn, kind: string): string {
  return `${kind}(${f.name || "f"})`;
}

/** Leaves per argument, and the checks common to both front ends. */
function flattenCall(name: string, args: unknown[]) {
  const flatIn = flattenArgs(args, `${name}: argument`);
  const counts = args.map((a, i) => flattenArgs([a], `${name}: argument`, [i]).leaves.length);
  return { flatIn, counts };
}

/**
 * f with a custom vector-Jacobian product (JAX's custom_vjp): reverse mode (grad, vjp, jacrev, backward)
 * runs `fwd` then `bwd` instead of differentiating f; forward mode (jvp, jacfwd) uses the transpose of
 * `bwd`, which must then be linear in its cotangent; vmap batches f, fwd and bwd; higher derivatives
 * differentiate `bwd` (write it with jaclab ops). f, fwd and bwd must not close over values of an
 * enclosing transform (pass them as arguments). Arguments are tensors or trees of them.
 *
 * @example
 * ```ts
 * const log1pexp = customVjp((x: Tensor) => x.exp().log1p(), {
 *   fwd: (x) => [x.exp().log1p(), x],
 *   bwd: (x, g) => [g.mul(x.sigmoid())],
 * });
 * ```
 */
export function customVjp<A extends unknown[], R, Res>(
  f: (...args: A) => R,
  rules: CustomVjpRules<A, R, Res>,
): (...args: A) => R;
export function customVjp(
  f: AnyFn,
  rules: { fwd: AnyFn; bwd: (res: unknown, ct: unknown) => unknown },
): (...args: unknown[]) => unknown {
  const name = fnName(f, "customVjp");
  if (typeof f !== "function") throw new ArgumentError(`customVjp: f must be a function, got ${typeof f}`);
  const r = checkOptions("customVjp", rules, ["fwd", "bwd"]);
  if (typeof r.fwd !== "function" || typeof r.bwd !== "function") {
    throw new ArgumentError("customVjp: the rules must give fwd and bwd, both functions");
  }
  return (...args: unknown[]) => {
    const { flatIn, counts } = flattenCall(name, args);
    const layout = new OutputLayout(name);
    const rebuild = (leaves: Tensor[]) => flatIn.rebuild(leaves) as unknown[];
    const vjp = (res: unknown, ct: Tensor): (Tensor | null)[] =>
      argCotangents(name, "bwd", r.bwd(res, layout.unpack(ct)), counts);
    const fwd = (inputs: Tensor[]) => {
      const pair = call(r.fwd, rebuild(inputs));
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new ArgumentError(`${name}: fwd must return [output, residuals], got ${typeof pair}`);
      }
      return { out: layout.pack(pair[0], "the output of fwd"), res: pair[1] as unknown };
    };
    const rule: CustomRule = {
      name,
      call: (inputs) => layout.pack(call(f, rebuild(inputs))),
      fwd,
      vjp,
      jvp: (inputs, tangents, residuals) => {
        const res = residuals();
        return jvpFromVjp(name, layout.total, inputs, tangents, (ct) => vjp(res, ct));
      },
      batched: (b, s) => batchedRule(rule, b, s),
    };
    return layout.unpack(bindCustom(rule, flatIn.leaves));
  };
}

/**
 * f with a custom Jacobian-vector product (JAX's custom_jvp): `jvp(primals, tangents)` returns
 * `[output, tangentOut]` (primals and tangents are arrays with one entry per argument). Forward mode uses
 * it; reverse mode transposes it (so it must be linear in the tangents); vmap batches f and jvp; higher
 * derivatives differentiate `jvp`. f and jvp must not close over values of an enclosing transform.
 *
 * @example
 * ```ts
 * const safeNorm = customJvp((x: Tensor) => x.norm(), ([x], [t]) => {
 *   const n = x.norm();
 *   return [n, x.mul(t).sum().div(n.add(1e-30))];
 * });
 * ```
 */
export function customJvp<A extends unknown[], R>(
  f: (...args: A) => R,
  jvp: (primals: A, tangents: A) => [R, R],
): (...args: A) => R;
export function customJvp(
  f: AnyFn,
  jvp: (primals: unknown[], tangents: unknown[]) => unknown,
): (...args: unknown[]) => unknown {
  const name = fnName(f, "customJvp");
  if (typeof f !== "function" || typeof jvp !== "function") {
    throw new ArgumentError("customJvp: f and jvp must be functions");
  }
  return (...args: unknown[]) => {
    const { flatIn } = flattenCall(name, args);
    const layout = new OutputLayout(name);
    const rebuild = (leaves: Tensor[]) => flatIn.rebuild(leaves) as unknown[];
    const tangentOut = (inputs: Tensor[], tangents: Tensor[]): Tensor => {
      const pair = jvp(rebuild(inputs), rebuild(tangents));
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new ArgumentError(`${name}: jvp must return [output, tangentOut], got ${typeof pair}`);
      }
      return layout.pack(pair[1], "the tangent returned by jvp");
    };
    const rule: CustomRule = {
      name,
      call: (inputs) => layout.pack(call(f, rebuild(inputs))),
      // The primals are the residuals of a custom JVP: the VJP transposes jvp at them.
      fwd: (inputs) => ({ out: layout.pack(call(f, rebuild(inputs))), res: null }),
      vjp: (_res, ct, inputs) => vjpFromJvp(name, inputs, ct, (tangents) => tangentOut(inputs, tangents)),
      jvp: (inputs, tangents) => tangentOut(inputs, tangents),
      batched: (b, s) => batchedRule(rule, b, s),
    };
    return layout.unpack(bindCustom(rule, flatIn.leaves));
  };
}
