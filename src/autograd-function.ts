// torch.autograd.Function in jaclab: a subclass gives static forward and backward (and optionally
// setupContext and jvp); `MyFn.apply(...args)` runs it as one CustomCall primitive, so the tape, the
// function transforms, vmap (every part batched, like torch's generate_vmap_rule) and higher derivatives
// (backward written with ops is itself differentiated) all use the user's rules.
import { type Tensor, isTensor } from "./tensor.js";
import { ArgumentError, GradError } from "./errors.js";
import { type CustomRule, batchedRule, bindCustom } from "./core/custom-call.js";
import { OutputLayout, jvpFromVjp } from "./core/custom-layout.js";

/**
 * The context shared by forward and backward (torch's ctx): `saveForBackward(...tensors)` in forward (or
 * setupContext), `savedTensors` and `needsInputGrad` in backward; other values can be kept as fields.
 */
export class FunctionCtx {
  /** The tensors given to saveForBackward, in order. */
  savedTensors: Tensor[] = [];
  /** For each argument of forward: whether its gradient is needed (set before backward runs). */
  needsInputGrad: boolean[] = [];
  /** Other values kept by forward for backward (`ctx.fields.scale = 2`, or any tensors). */
  fields: Record<string, unknown> = {};

  /** Keeps tensors for backward (torch's save_for_backward). */
  saveForBackward(...tensors: Tensor[]): void {
    tensors.forEach((t, i) => {
      if (!isTensor(t)) throw new ArgumentError(`saveForBackward: argument ${i} is not a Tensor`);
    });
    this.savedTensors = tensors;
  }
}

/** What forward may return: a tensor or an array of tensors. */
type Outputs = Tensor | Tensor[];

interface FunctionClass {
  name: string;
  forward(...args: unknown[]): unknown;
  backward(ctx: FunctionCtx, ...grads: Tensor[]): unknown;
  setupContext?(ctx: FunctionCtx, inputs: unknown[], output: unknown): void;
  jvp?(ctx: FunctionCtx, ...tangents: (Tensor | null)[]): unknown;
}

/** The static side of an autograd.Function subclass that defines setupContext. */
export interface WithSetupContext {
  /** Fills the ctx from the inputs and the output after forward ran (torch's setup_context). */
  setupContext(...a: never[]): unknown;
}

/** The static side of an autograd.Function subclass whose forward takes `P` and returns `R`. */
export interface ForwardOf<P extends unknown[], R> {
  /** The forward computation. */
  forward(...a: P): R;
}

/** The arguments of `apply`: forward's, without the ctx when there is no setupContext. */
export type ApplyArgs<T> = T extends WithSetupContext
  ? T extends ForwardOf<infer P, unknown>
    ? P
    : never
  : T extends ForwardOf<[FunctionCtx, ...infer P], unknown>
    ? P
    : never;

/** What `apply` returns: forward's result. */
export type ApplyResult<T> = T extends ForwardOf<never[], infer R> ? R : never;

// The residuals of one forward: a plain object, so that vmap sees (and batches) the saved tensors.
interface CtxSnapshot {
  savedTensors: Tensor[];
  fields: Record<string, unknown>;
}

function snapshot(ctx: FunctionCtx): CtxSnapshot {
  return { savedTensors: ctx.savedTensors, fields: { ...ctx.fields } };
}

function restore(s: CtxSnapshot, needs: boolean[]): FunctionCtx {
  const ctx = new FunctionCtx();
  ctx.savedTensors = s.savedTensors;
  ctx.fields = s.fields;
  ctx.needsInputGrad = needs;
  return ctx;
}

/**
 * Base class of functions with their own derivative (torch.autograd.Function). Subclass it with static
 * methods:
 * - `forward(ctx, ...args)` returns a tensor or an array of tensors (or `forward(...args)` together with
 *   `setupContext(ctx, inputs, output)`); tensors among the args are differentiated, other args are
 *   passed through and get no gradient;
 * - `backward(ctx, ...gradOutputs)` returns one gradient per forward argument (null for none; a bare
 *   tensor when there is one argument);
 * - optionally `jvp(ctx, ...tangents)` returns the output tangent(s); without it, forward mode uses the
 *   transpose of backward (which must then be linear in the gradients).
 * Call it with `MyFn.apply(...args)`. Higher derivatives differentiate backward; vmap batches every part.
 *
 * @example
 * ```ts
 * class Exp extends autograd.Function {
 *   static forward(ctx: FunctionCtx, x: Tensor) { const y = x.exp(); ctx.saveForBackward(y); return y; }
 *   static backward(ctx: FunctionCtx, g: Tensor) { return g.mul(ctx.savedTensors[0]); }
 * }
 * Exp.apply(tensor([1, 2]));
 * ```
 */
export class AutogradFunction {
  /** The forward computation (override it as a static method). */
  static forward(..._args: never[]): unknown {
    throw new GradError(`${this.name}: an autograd.Function subclass must define a static forward`);
  }

  /** The gradients of the arguments from those of the outputs (override it as a static method). */
  static backward(_ctx: FunctionCtx, ..._grads: Tensor[]): unknown {
    throw new GradError(`${this.name}: an autograd.Function subclass must define a static backward`);
  }

  /** Runs the function on `args`, recording it (once, with its own derivative rules) for every transform. */
  static apply<T extends typeof AutogradFunction>(this: T, ...args: ApplyArgs<T>): ApplyResult<T> {
    return applyFunction(this as unknown as FunctionClass, args as unknown[]) as ApplyResult<T>;
  }
}

function applyFunction(cls: FunctionClass, args: unknown[]): unknown {
  const name = cls.name || "autograd.Function";
  const positions = args.flatMap((a, i) => (isTensor(a) ? [i] : []));
  if (positions.length === 0) {
    throw new ArgumentError(`${name}.apply: no argument is a Tensor, so there is nothing to differentiate`);
  }
  const layout = new OutputLayout(name);
  const withInputs = (inputs: Tensor[]): unknown[] => {
    const full = [...args];
    positions.forEach((p, k) => (full[p] = inputs[k]));
    return full;
  };
  const forward = (inputs: Tensor[]): { out: Tensor; res: CtxSnapshot } => {
    const ctx = new FunctionCtx();
    const full = withInputs(inputs);
    let out: unknown;
    if (typeof cls.setupContext === "function") {
      out = cls.forward(...full);
      cls.setupContext(ctx, full, out);
    } else {
      out = cls.forward(ctx, ...full);
    }
    return { out: layout.pack(out as Outputs, "the output of forward"), res: snapshot(ctx) };
  };
  // needsInputGrad: per argument of forward, from the backward pass's needs (per tensor argument).
  const needsPerArg = (needs: readonly boolean[]): boolean[] =>
    args.map((_, i) => (positions.includes(i) ? needs[positions.indexOf(i)] : false));
  const vjp = (res: unknown, ct: Tensor, needs: readonly boolean[]): (Tensor | null)[] => {
    const grads = layout.unpack(ct);
    const ctx = restore(res as CtxSnapshot, needsPerArg(needs));
    const got = cls.backward(ctx, ...(Array.isArray(grads) ? (grads as Tensor[]) : [grads as Tensor]));
    const list = args.length === 1 && !Array.isArray(got) ? [got] : got;
    if (!Array.isArray(list) || list.length !== args.length) {
      throw new GradError(
        `${name}.backward returned an incorrect number of gradients (expected ${args.length}, one per argument of forward, got ${Array.isArray(list) ? list.length : 1})`,
      );
    }
    list.forEach((g: unknown, i) => {
      if (!isTensor(args[i]) && g !== null && g !== undefined) {
        throw new GradError(
          `${name}.backward returned a gradient for argument ${i}, which is not a Tensor (return null there)`,
        );
      }
    });
    return positions.map((p) => (list[p] ?? null) as Tensor | null);
  };
  const rule: CustomRule = {
    name,
    call: (inputs) => forward(inputs).out,
    fwd: forward,
    vjp: (res, ct, _inputs, needs) => vjp(res, ct, needs),
    jvp: (inputs, tangents, residuals) => {
      const res = residuals() as CtxSnapshot;
      const jvpRule = cls.jvp;
      if (typeof jvpRule !== "function") {
        return jvpFromVjp(name, layout.total, inputs, tangents, (ct) =>
          vjp(
            res,
            ct,
            inputs.map(() => true),
          ),
        );
      }
      const full: (Tensor | null)[] = args.map(() => null);
      positions.forEach((p, k) => (full[p] = tangents[k]));
      const ctx = restore(res, needsPerArg(inputs.map(() => true)));
      return layout.pack(jvpRule.call(cls, ctx, ...full), "the tangent returned by jvp");
    },
    batched: (b, s) => batchedRule(rule, b, s),
  };
  return layout.unpack(
    bindCustom(
      rule,
      positions.map((p) => args[p] as Tensor),
    ),
  );
}
