// The torch-style front end: backward() into leaves' .grad, and autograd.grad with torch.autograd.grad's
// semantics (outputs summed into one cotangent pass, repeated inputs, retainGraph, createGraph,
// allowUnused, isGradsBatched as ONE backward pass over a batch of cotangents).
import { type BackwardOptions, type Tensor, isTensor, type TensorLike } from "./tensor.js";
import { ArgumentError, GradError, ShapeError, fmtShape } from "./errors.js";
import { backwardInto, defaultCotangent, runBackward } from "./core/backward.js";
import { boolOption, checkOptions } from "./core/options.js";
import { AutogradFunction } from "./autograd-function.js";
import { vmapCore } from "./core/vmap.js";
import { withGradMode } from "./core/trace.js";
import { expandToBatch } from "./core/transform-utils.js";
import { zeros } from "./ops/create.js";
import { sameShape } from "./ops/util.js";

/** Options of {@link autograd.grad}, named as in torch.autograd.grad. */
export interface GradOptions {
  /** d(outputs) cotangents ("grad_outputs"); default ones for one-element outputs. */
  gradOutputs?: Tensor | (Tensor | null)[] | null;
  /** Keep the graph for another backward (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass itself, so the gradients can be differentiated again. */
  createGraph?: boolean;
  /** Return null for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
  /**
   * Return zeros instead of null for inputs the outputs do not depend on (torch's materialize_grads);
   * implies allowUnused, and refuses an explicit `allowUnused: false`.
   */
  materializeGrads?: boolean;
  /** gradOutputs carry a leading batch dim: run ONE backward pass for the whole batch (like vmap). */
  isGradsBatched?: boolean;
}

const GRAD_OPTIONS = [
  "gradOutputs",
  "retainGraph",
  "createGraph",
  "allowUnused",
  "isGradsBatched",
  "materializeGrads",
];

function toList(x: unknown, what: string, op = "autograd.grad"): Tensor[] {
  const list = isTensor(x) ? [x] : Array.isArray(x) ? (x as unknown[]) : null;
  if (list === null || list.length === 0) {
    throw new ArgumentError(`${op}: ${what} must be a Tensor or a non-empty array of tensors`);
  }
  return list.map((t, i) => {
    if (!isTensor(t)) throw new ArgumentError(`${op}: ${what}[${i}] is not a Tensor`);
    return t;
  });
}

function cotangents(
  outs: Tensor[],
  given: GradOptions["gradOutputs"],
  batched: boolean,
): { cts: Tensor[]; size: number } {
  const list =
    given === undefined || given === null ? outs.map(() => null) : isTensor(given) ? [given] : given;
  if (!Array.isArray(list) || list.length !== outs.length) {
    throw new ArgumentError(
      `autograd.grad: gradOutputs has ${list.length} entries for ${outs.length} outputs`,
    );
  }
  let size = -1;
  const cts = outs.map((o, i) => {
    const g = list[i];
    if (g === null || g === undefined) {
      if (batched) throw new ArgumentError(`autograd.grad: isGradsBatched needs gradOutputs[${i}]`);
      return defaultCotangent(o, "autograd.grad", `outputs[${i}]`);
    }
    const expected = batched ? g.shape.slice(1) : g.shape;
    if (!sameShape(expected, o.shape) || (batched && g.ndim === 0)) {
      throw new ShapeError(
        `autograd.grad: gradOutputs[${i}] has shape ${fmtShape(g.shape)} but outputs[${i}] has shape ` +
          `${fmtShape(o.shape)}${batched ? " (expected a leading batch dim, isGradsBatched)" : ""}`,
      );
    }
    if (batched) {
      if (size >= 0 && g.shape[0] !== size) {
        throw new ShapeError(
          `autograd.grad: gradOutputs have different batch sizes (${size} and ${g.shape[0]})`,
        );
      }
      size = g.shape[0];
    }
    return g;
  });
  return { cts, size };
}

/**
 * Gradients of `outputs` with respect to `inputs`, as torch.autograd.grad: the outputs' cotangents
 * (`gradOutputs`, default ones for one-element outputs) are pulled back together in ONE pass, so the
 * result for each input is the sum over all outputs. Inputs may repeat. Without `retainGraph` the graph is
 * freed and a second pass through it throws. With `isGradsBatched`, each gradOutputs entry has a leading
 * batch dim B and each result gets one too, from a single backward pass.
 * @example
 * ```ts
 * const x = tensor([1, 2], { requiresGrad: true });
 * autograd.grad(x.square().sum(), x); // [tensor [2, 4]]
 * // the whole Jacobian of y in one backward pass, one cotangent per row of eye(m):
 * autograd.grad(y, x, { gradOutputs: eye(y.size), isGradsBatched: true });
 * ```
 */
function grad(
  outputs: Tensor | Tensor[],
  inputs: Tensor | Tensor[],
  options?: GradOptions,
): (Tensor | null)[] {
  const opts = checkOptions("autograd.grad", options, GRAD_OPTIONS);
  const outs = toList(outputs, "outputs");
  const ins = toList(inputs, "inputs");
  const createGraph = boolOption("autograd.grad", "createGraph", opts.createGraph);
  const retainGraph = boolOption("autograd.grad", "retainGraph", opts.retainGraph, createGraph);
  const batched = boolOption("autograd.grad", "isGradsBatched", opts.isGradsBatched);
  const materialize = boolOption("autograd.grad", "materializeGrads", opts.materializeGrads);
  if (materialize && opts.allowUnused === false) {
    throw new ArgumentError(
      "autograd.grad: materializeGrads: true returns zeros for unused inputs, so allowUnused must be true or not given, got false",
    );
  }
  const allowUnused = boolOption("autograd.grad", "allowUnused", opts.allowUnused, materialize);
  ins.forEach((x, i) => {
    if (!x.requiresGrad) {
      throw new GradError(
        `autograd.grad: inputs[${i}] (shape ${fmtShape(x.shape)}) does not require grad; call requiresGrad_() on it before computing the outputs`,
      );
    }
  });
  outs.forEach((o, i) => {
    if (!o.requiresGrad) {
      throw new GradError(
        `autograd.grad: outputs[${i}] (shape ${fmtShape(o.shape)}) does not require grad and has no gradFn: it does not depend on any input that requires grad`,
      );
    }
  });
  const { cts, size } = cotangents(outs, opts.gradOutputs, batched);
  const unused = new Set<number>();
  const pull = (c: Tensor[]): Tensor[] => {
    const got = runBackward(outs, c, ins, retainGraph);
    return ins.map((x, i) => {
      const g = got[i];
      if (g !== null) return g;
      unused.add(i);
      return zeros(x.shape);
    });
  };
  const results = withGradMode(createGraph, () =>
    batched
      ? vmapCore(
          pull,
          cts,
          cts.map(() => true),
          size,
          expandToBatch,
        )
      : pull(cts),
  );
  return results.map((g, i) => {
    if (!unused.has(i)) return g;
    // Materialized zeros can be differentiated again under createGraph (a leaf that requires grad), as torch.
    if (materialize) return createGraph ? g.requiresGrad_() : g;
    if (allowUnused) return null;
    throw new GradError(
      `autograd.grad: inputs[${i}] (shape ${fmtShape(ins[i].shape)}) was not used to compute the outputs; pass allowUnused: true to get null for it`,
    );
  });
}

/** Options of {@link autograd.backward}, named as in torch.autograd.backward. */
export interface AutogradBackwardOptions extends BackwardOptions {
  /** The gradient for each tensor ("grad_tensors"); default 1 for one-element tensors. */
  gradTensors?: TensorLike | (TensorLike | null)[] | null;
}

const BACKWARD_OPTIONS = ["gradTensors", "retainGraph", "createGraph", "inputs"];

/**
 * Backward from several tensors in ONE pass (torch.autograd.backward): the sum over tensors of
 * d(tensor)/d(leaf) · gradTensor accumulates into each leaf's `.grad`, or only into `inputs`' `.grad`.
 * The second argument is the options object, or (the older form) the gradients themselves.
 */
function backward(
  tensors: Tensor | Tensor[],
  gradTensorsOrOptions?: AutogradBackwardOptions | TensorLike | (TensorLike | null)[] | null,
  legacy?: BackwardOptions,
): void {
  const ts = toList(tensors, "tensors", "autograd.backward");
  const isOptions =
    typeof gradTensorsOrOptions === "object" &&
    gradTensorsOrOptions !== null &&
    !Array.isArray(gradTensorsOrOptions) &&
    !isTensor(gradTensorsOrOptions);
  const opts = isOptions
    ? checkOptions("autograd.backward", gradTensorsOrOptions, BACKWARD_OPTIONS)
    : {
        ...checkOptions("autograd.backward", legacy, BACKWARD_OPTIONS.slice(1)),
        gradTensors: gradTensorsOrOptions,
      };
  const given = opts.gradTensors;
  const gs = given === undefined || given === null ? [] : Array.isArray(given) ? given : [given];
  if (gs.length > 0 && gs.length !== ts.length) {
    throw new ArgumentError(
      `autograd.backward: gradTensors has ${gs.length} entries for ${ts.length} tensors`,
    );
  }
  backwardInto("autograd.backward", ts, gs, opts);
}

/**
 * torch.autograd: `autograd.grad(outputs, inputs, opts)`, `autograd.backward(tensors, opts)`, and
 * `autograd.Function`, the base class of functions with their own derivative.
 */
export const autograd = {
  /** The gradients of outputs with respect to inputs (torch.autograd.grad); see {@link GradOptions}. */
  grad,
  /** Backward from several tensors in one pass (torch.autograd.backward); see {@link AutogradBackwardOptions}. */
  backward,
  /** The base class of functions with their own derivative (torch.autograd.Function). */
  Function: AutogradFunction,
};
