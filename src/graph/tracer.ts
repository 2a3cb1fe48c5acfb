// Traces a function into a forward graph: runs it on the given inputs while observing every primitive.
import { observeBinds } from "../core/trace.js";
import { ArgumentError } from "../errors.js";
import { isTensor, type Tensor } from "../tensor.js";
import type { GraphModel } from "./model.js";
import { GraphRecorder } from "./recorder.js";

/** Options for {@link traceModel}. */
export interface TraceModelOptions {
  /** Names of the arguments, in order (default: the function's parameter names, else x0, x1...). */
  argNames?: readonly (string | undefined)[];
  /** User names of other tensors (captured weights, intermediates), shown on their nodes. */
  names?: ReadonlyMap<object, string>;
  /** Names of the outputs when the function returns an array; default y0, y1... (y for one). */
  outputNames?: readonly string[];
}

/** A named tensor found inside a (possibly nested) argument or result. */
interface NamedTensor {
  name: string;
  t: Tensor;
}

/** The tensors inside a value (a tensor, an array or an object of tensors), named by their path. */
export function namedTensors(value: unknown, name: string, depth = 0): NamedTensor[] {
  if (isTensor(value)) return [{ name, t: value }];
  if (depth > 4 || typeof value !== "object" || value === null) return [];
  if (Array.isArray(value))
    return value.flatMap((v: unknown, i) => namedTensors(v, `${name}[${i}]`, depth + 1));
  return Object.entries(value).flatMap(([k, v]) => namedTensors(v, `${name}.${k}`, depth + 1));
}

/** The tensors a function returned, named after outputNames, the result's keys, or y / y0, y1... */
function outputTensors(result: unknown, outputNames: readonly string[] | undefined): NamedTensor[] {
  if (isTensor(result)) return [{ name: outputNames?.[0] ?? "y", t: result }];
  if (Array.isArray(result)) {
    return result.flatMap((v: unknown, i) => namedTensors(v, outputNames?.[i] ?? `y${i}`));
  }
  if (typeof result === "object" && result !== null) {
    return Object.entries(result).flatMap(([k, v], i) => namedTensors(v, outputNames?.[i] ?? k));
  }
  return [];
}

/**
 * Runs `f(...inputs)` once, eagerly, recording every primitive it evaluates: tensors among the inputs
 * become named input nodes, tensors it meets that no op produced become constants (or inputs when they
 * require grad, e.g. captured weights), and the tensors it returns become outputs.
 */
export function traceModel(
  f: (...args: never[]) => unknown,
  inputs: readonly unknown[],
  options: TraceModelOptions = {},
): GraphModel {
  const recorder = new GraphRecorder(options.names, (k) => `w${k}`);
  inputs.forEach((value, i) => {
    for (const { name, t } of namedTensors(value, options.argNames?.[i] ?? `x${i}`)) recorder.input(t, name);
  });
  const operandOf = (t: Tensor) => ({ nodeId: recorder.lookup(t) ?? recorder.leaf(t), shape: t.shape });
  const result = observeBinds(
    (name, args, params, out) => {
      recorder.op(out, name, params, args.map(operandOf), out.shape, out);
    },
    () => (f as (...args: unknown[]) => unknown)(...inputs),
  );
  if (typeof (result as { then?: unknown } | null)?.then === "function") {
    throw new ArgumentError(
      "graph: the traced function returned a Promise; graph(f, ...) traces synchronous functions",
    );
  }
  for (const { name, t } of outputTensors(result, options.outputNames))
    recorder.output(operandOf(t).nodeId, t.shape, name);
  return recorder.model;
}
