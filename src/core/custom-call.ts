// Functions with their own derivative rules (customVjp, customJvp, autograd.Function, checkpoint) enter
// the core as ONE primitive, CustomCall, whose params carry a CustomRule: how to evaluate the function,
// its forward pass with residuals, its VJP and its JVP, all on flat input leaves and one packed output
// (the output leaves flattened and concatenated, so that the primitive keeps exactly one output). The
// front ends (src/transforms/custom.ts...) build rules; this file batches them and binds the primitive.
import type { Tensor } from "../tensor.js";
import { ArgumentError, GradError, ShapeError, TracerError, fmtShape } from "../errors.js";
import { Primitive } from "./primitives.js";
import { bind, isGradEnabled } from "./trace.js";
import { batchingRandomScope, vmapCore } from "./vmap.js";
import { flattenLoose } from "./pytree.js";
import { expandToBatch } from "./transform-utils.js";
import { sizeOf } from "./kernels.js";
import { cat, narrow, reshape } from "../ops/shape.js";
import { sum } from "../ops/reduce.js";
import { zeros } from "../ops/create.js";
import { sameShape } from "../ops/util.js";

/** A function with custom derivative rules, on flat input leaves and a packed (1-D) output. */
export interface CustomRule {
  /** How errors and graph diagrams name it, e.g. "customVjp(f)". */
  readonly name: string;
  /** The function's value: the packed output. */
  call(inputs: Tensor[]): Tensor;
  /** The forward pass that also keeps what the VJP needs: the packed output and the residuals. */
  fwd(inputs: Tensor[]): CustomForward;
  /**
   * The cotangent of each input (null: zero) from the residuals and the packed output cotangent; `needs`
   * says which inputs' cotangents are wanted (the others may be null).
   */
  vjp(res: unknown, ct: Tensor, inputs: Tensor[], needs: readonly boolean[]): (Tensor | null)[];
  /** The packed output tangent from the inputs and their tangents; `residuals()` runs fwd (or reuses it). */
  jvp(inputs: Tensor[], tangents: Tensor[], residuals: () => unknown): Tensor;
  /** The same function applied to a batch (inputs with a leading batch dim where `batched`). */
  batched(batched: readonly boolean[], size: number): CustomRule;
}

/** What a custom rule's forward pass gives. */
export interface CustomForward {
  /** The packed output (the output leaves flattened and concatenated). */
  out: Tensor;
  /** What the VJP needs (any value; its tensors are batched by vmap). */
  res: unknown;
}

/** The residuals of one application, kept when its forward pass ran on concrete inputs. */
export interface CustomSaved {
  /** The inputs the residuals belong to (compared by identity), or null when none were kept. */
  inputs: readonly Tensor[] | null;
  /** The residuals of the forward pass on those inputs. */
  res: unknown;
}

/** Params of the CustomCall primitive. */
export interface CustomParams {
  /** The custom function's name, shown by graph diagrams and errors. */
  name: string;
  /** How to evaluate and differentiate it. */
  rule: CustomRule;
  /** The residuals of this application's forward pass, when kept. */
  saved: CustomSaved;
}

/** Applies the custom rule to input leaves: the packed output (a tensor or a tracer). */
export function bindCustom(rule: CustomRule, inputs: Tensor[]): Tensor {
  return bind(Primitive.CustomCall, inputs, {
    name: rule.name,
    rule,
    saved: { inputs: null, res: undefined },
  });
}

/** Output leaves flattened and concatenated into the one output of the primitive. */
export function packOutputs(leaves: readonly Tensor[]): Tensor {
  const flat = leaves.map((t) => (t.ndim === 1 ? t : reshape(t, [t.size])));
  return flat.length === 1 ? flat[0] : cat(flat, 0);
}

/** The output leaves back from the packed output, given their shapes. */
export function unpackOutputs(packed: Tensor, shapes: readonly number[][]): Tensor[] {
  let offset = 0;
  return shapes.map((shape) => {
    const n = sizeOf(shape);
    const part = shapes.length === 1 ? packed : narrow(packed, 0, offset, n);
    offset += n;
    return sameShape(part.shape, shape) ? part : reshape(part, [...shape]);
  });
}

/** Throws when a value computed by a custom function's own code is a tracer of an enclosing transform. */
export function checkNoTracers(name: string, what: string, value: unknown): void {
  for (const t of flattenLoose(value).leaves) {
    if (t._level > 0) {
      throw new TracerError(
        `${name}: ${what} depends on a value of an enclosing transformation that the function closes over; ` +
          `pass such values as arguments of the custom function instead`,
      );
    }
  }
}

/**
 * The residuals for a VJP or JVP at `primals`: those kept by the forward pass when it ran on exactly these
 * inputs, else a fresh forward pass. While the backward pass is itself recorded (createGraph), the forward
 * pass runs again so that the residuals carry their own history and second derivatives flow through them.
 */
export function residualsFor(rule: CustomRule, saved: CustomSaved, primals: readonly Tensor[]): unknown {
  const same =
    saved.inputs !== null &&
    saved.inputs.length === primals.length &&
    saved.inputs.every((x, i) => x === primals[i]);
  const recorded = isGradEnabled() && primals.some((p) => p.requiresGrad);
  if (same && !recorded) return saved.res;
  return rule.fwd([...primals]).res;
}

/** Checks the cotangents a custom VJP returned: one per input leaf, each shaped like its input. */
export function checkCotangents(name: string, got: unknown, inputs: readonly Tensor[]): (Tensor | null)[] {
  if (!Array.isArray(got) || got.length !== inputs.length) {
    throw new GradError(
      `${name}: the backward rule returned ${Array.isArray(got) ? got.length : "no array of"} cotangents for ${inputs.length} inputs`,
    );
  }
  return got.map((g: unknown, i) => {
    if (g === null || g === undefined) return null;
    if (typeof g !== "object" || !("shape" in g)) {
      throw new ArgumentError(
        `${name}: the backward rule's cotangent ${i} is not a tensor (got ${typeof g})`,
      );
    }
    const t = g as Tensor;
    if (!sameShape(t.shape, inputs[i].shape)) {
      throw new ShapeError(
        `${name}: the backward rule returned a cotangent of shape ${fmtShape(t.shape)} for input ${i} of shape ${fmtShape(inputs[i].shape)}`,
      );
    }
    return t;
  });
}

/**
 * `rule` applied to a batch: every part runs under vmap over the batched inputs; the residuals of a
 * batched forward pass are kept batched, and the cotangent of an unbatched input is summed over the batch.
 */
export function batchedRule(rule: CustomRule, batched: readonly boolean[], size: number): CustomRule {
  const flags = [...batched];
  // The user's vmap this rule batches for: draws inside the rule's code are batched by the rule's vmap.
  const scope = batchingRandomScope();
  const randomness = scope === undefined ? undefined : { standsFor: scope };
  const overBatch = (fn: (ins: Tensor[]) => Tensor[], ins: Tensor[], insBatched: boolean[]): Tensor[] =>
    vmapCore(fn, ins, insBatched, size, expandToBatch, randomness);
  const self: CustomRule = {
    name: rule.name,
    call: (inputs) => overBatch((ins) => [rule.call(ins)], inputs, flags)[0],
    fwd: (inputs) => {
      let rebuild: (leaves: readonly Tensor[]) => unknown = () => undefined;
      const outs = overBatch(
        (ins) => {
          const r = rule.fwd(ins);
          const flat = flattenLoose(r.res);
          rebuild = flat.rebuild;
          return [r.out, ...flat.leaves];
        },
        inputs,
        flags,
      );
      return { out: outs[0], res: { leaves: outs.slice(1), rebuild } };
    },
    vjp: (res, ct, inputs, needs) => {
      const { leaves, rebuild } = res as { leaves: Tensor[]; rebuild: (l: readonly Tensor[]) => unknown };
      const n = leaves.length;
      const cts = overBatch(
        (ins) => {
          const exInputs = ins.slice(1 + n);
          return rule
            .vjp(rebuild(ins.slice(1, 1 + n)), ins[0], exInputs, needs)
            .map((g, i) => g ?? zeros(exInputs[i].shape));
        },
        [ct, ...leaves, ...inputs],
        [true, ...leaves.map(() => true), ...flags],
      );
      return cts.map((g, i) => (flags[i] ? g : sum(g, 0)));
    },
    jvp: (inputs, tangents) =>
      overBatch(
        (ins) => {
          const k = inputs.length;
          const exInputs = ins.slice(0, k);
          return [rule.jvp(exInputs, ins.slice(k), () => rule.fwd(exInputs).res)];
        },
        [...inputs, ...tangents],
        [...flags, ...flags],
      )[0],
    batched: (b, s) => batchedRule(self, b, s),
  };
  return self;
}

/**
 * Evaluates a custom call on concrete inputs (its impl rule): fwd with residuals kept when needed. f sees
 * its inputs without their history (what it computes is not taped: the call is one node), and a tracer in
 * its results means f closes over a value of an enclosing transform, which would be lost: an error.
 */
export function evalCustom(params: CustomParams, inputs: Tensor[], keepResiduals: boolean): Tensor {
  const { rule, saved } = params;
  const plain = inputs.map((x) => (x.requiresGrad ? x._detach() : x));
  if (!keepResiduals) {
    const out = rule.call(plain);
    checkNoTracers(rule.name, "its output", out);
    return out;
  }
  const { out, res } = rule.fwd(plain);
  checkNoTracers(rule.name, "its output", out);
  checkNoTracers(rule.name, "a residual of its forward pass", res);
  saved.inputs = inputs;
  saved.res = res;
  return out;
}
