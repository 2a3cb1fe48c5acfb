// checkpoint (JAX's jax.checkpoint / remat, torch.utils.checkpoint): the backward pass keeps only f's
// inputs and runs f again to pull a cotangent through it, trading one more forward pass for the memory
// of f's intermediate values.
import type { Tensor } from "../tensor.js";
import { ArgumentError } from "../errors.js";
import { flattenArgs } from "../core/pytree.js";
import { type CustomRule, batchedRule, bindCustom } from "../core/custom-call.js";
import { OutputLayout } from "../core/custom-layout.js";
import { vjpRecord } from "../core/vjp.js";
import { jvpCore } from "../core/jvp.js";
import { passCounter } from "../core/trace.js";
import { nextUnseededSeed, withUnseededState } from "../core/random.js";
import { type AnyFn, call, pullback } from "../core/transform-utils.js";
import { zeros } from "../ops/create.js";

/**
 * f rematerialised: its value is the same, but reverse mode (backward, grad, jacrev...) does not keep f's
 * intermediate values between the forward and the backward pass; it keeps f's inputs and recomputes f
 * during the backward pass (countPasses shows the extra forward pass), with the same random numbers
 * (rand, randn) as the forward pass drew. Forward mode and vmap are unaffected. Arguments are tensors or trees of them; f must not close over values of an enclosing
 * transform (pass them as arguments).
 *
 * @example
 * ```ts
 * const block = checkpoint((x: Tensor) => x.tanh().matmul(W).tanh());
 * grad((x: Tensor) => block(block(x)).sum())(x0);
 * ```
 */
export function checkpoint<A extends unknown[], R>(f: (...args: A) => R): (...args: A) => R;
export function checkpoint(f: AnyFn): (...args: unknown[]) => unknown {
  if (typeof f !== "function") throw new ArgumentError(`checkpoint: f must be a function, got ${typeof f}`);
  const name = `checkpoint(${f.name || "f"})`;
  return (...args: unknown[]) => {
    const flatIn = flattenArgs(args, `${name}: argument`);
    const layout = new OutputLayout(name);
    // Each application forks the unseeded random stream, and every run of f (the forward pass, the
    // recomputation) replays it: random numbers in f (dropout) are the same in both, as in torch.
    const rng = nextUnseededSeed();
    const packed = (ins: Tensor[]): Tensor =>
      withUnseededState(rng, () => layout.pack(call(f, flatIn.rebuild(ins) as unknown[])));
    const rule: CustomRule = {
      name,
      call: packed,
      // The inputs are the only residuals.
      fwd: (inputs) => ({ out: packed(inputs), res: inputs }),
      vjp: (res, ct) => {
        passCounter.forward++;
        const rec = vjpRecord((ins) => [packed(ins)], res as Tensor[]);
        return pullback(rec, [ct]);
      },
      jvp: (inputs, tangents) => {
        const r = jvpCore((ins) => [packed(ins)], inputs, tangents);
        return r.tangents[0] ?? zeros(r.primals[0].shape);
      },
      batched: (b, s) => batchedRule(rule, b, s),
    };
    return layout.unpack(bindCustom(rule, flatIn.leaves));
  };
}
