// graph(): the public entry point that draws a tensor's history or a traced function as a diagram.
import { ArgumentError } from "../errors.js";
import { isTensor, type Tensor } from "../tensor.js";
import { addBackwardPass } from "./backward.js";
import { simplifyRepeats, type RepeatMode } from "./collapse.js";
import { GraphDiagram } from "./diagram.js";
import { globalNames } from "./global-names.js";
import { constantLabel } from "./history.js";
import { highlightOutput } from "./highlight.js";
import { defaultMaxNodes, limitNodes } from "./limit.js";
import type { GraphModel } from "./model.js";
import { parameterNames } from "./param-names.js";
import { tapeModel } from "./tape.js";
import { traceModel } from "./tracer.js";
import { isJitted } from "../jit/jit.js";

/** Options of {@link graph}. */
export interface GraphOptions {
  /**
   * Names shown on nodes: an array names the inputs in order (a function's arguments, or the leaves
   * that require grad in the order they are met); an object such as `{ q, x }` names those tensors,
   * intermediates included.
   */
  names?: readonly string[] | Readonly<Record<string, unknown>>;
  /** Names of the outputs, in order (default: their variable names, else y, or y0, y1...). */
  outputNames?: readonly string[];
  /**
   * Name tensors after the notebook variables that hold them (`q`, `x`, `slices[2]`); default true.
   * Only the global object's own enumerable values are read (cell variables in the kernel).
   */
  autoNames?: boolean;
  /** Also draw the backward pass: each output's cotangent, the VJPs, and where cotangents are summed. */
  backward?: boolean;
  /** The cotangents entering the outputs in the backward drawing (default ones), as in autograd.grad. */
  gradOutputs?: Tensor | readonly Tensor[];
  /** Mark the path from output `highlight` (0-based) to the inputs it depends on; grey the rest. */
  highlight?: number;
  /** How repeated blocks are shown: "auto" (default), "clusters", "collapse" or "none". */
  repeats?: RepeatMode;
  /** The most nodes drawn (default 200); the rest is cut with a note saying how many were omitted. */
  maxNodes?: number;
  /** Layout direction: "TB" (top to bottom, default) or "LR". */
  rankdir?: "TB" | "LR";
  /** A caption under the diagram. */
  title?: string;
}

const optionKeys = new Set([
  "names",
  "outputNames",
  "autoNames",
  "backward",
  "gradOutputs",
  "highlight",
  "repeats",
  "maxNodes",
  "rankdir",
  "title",
]);

/** True for a plain object whose keys are all option names: the trailing options of graph(f, ...). */
function isOptions(value: unknown): value is GraphOptions {
  if (typeof value !== "object" || value === null || Array.isArray(value) || isTensor(value)) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.keys(value).every((k) => optionKeys.has(k));
}

/** Tensor names: the notebook's variables (unless autoNames is false), overridden by `names`. */
function namesByTensor(options: GraphOptions): Map<object, string> {
  const map = options.autoNames === false ? new Map<object, string>() : globalNames();
  const names = options.names;
  if (names === undefined || Array.isArray(names)) return map;
  for (const [name, value] of Object.entries(names)) if (isTensor(value)) map.set(value, name);
  return map;
}

function seedDescriptions(gradOutputs: GraphOptions["gradOutputs"]): string[] | undefined {
  if (gradOutputs === undefined) return undefined;
  const list = isTensor(gradOutputs) ? [gradOutputs] : [...gradOutputs];
  return list.map((t) => {
    const label = constantLabel(t);
    return label === "const" ? "given" : label;
  });
}

// The caption of a backward drawing, saying how to read it.
const backwardLegend =
  "forward pass in grey, backward pass in red:\n" +
  "each output's cotangent seed ḡ flows through the VJPs to the gradients;\n" +
  "orange + nodes add the cotangents that meet there";

/** Applies the drawing options (repeats, backward pass, highlight, node limit) to a forward model. */
function finish(forward: GraphModel, options: GraphOptions): GraphDiagram {
  let model = simplifyRepeats(forward, options.repeats ?? "auto");
  if (options.backward === true) {
    const seeds = seedDescriptions(options.gradOutputs);
    model = addBackwardPass(model, seeds ? { seeds } : {}).model;
  }
  if (options.highlight !== undefined) model = highlightOutput(model, options.highlight);
  model = limitNodes(model, options.maxNodes ?? defaultMaxNodes);
  const title = options.title ?? (options.backward === true ? backwardLegend : undefined);
  if (title !== undefined) model = { ...model, title };
  return new GraphDiagram(model, options.rankdir ? { rankdir: options.rankdir } : {});
}

function tensorGraph(outputs: Tensor | readonly Tensor[], options: GraphOptions): GraphDiagram {
  const list: unknown[] = isTensor(outputs) ? [outputs] : [...outputs];
  list.forEach((v, i) => {
    if (!isTensor(v))
      throw new ArgumentError(`graph: output ${i} must be a Tensor, got ${v === null ? "null" : typeof v}`);
  });
  const leafNames = Array.isArray(options.names) ? (options.names as readonly string[]) : [];
  const forward = tapeModel(list as Tensor[], {
    names: namesByTensor(options),
    leafNames: (k: number) => leafNames[k] ?? `x${k}`,
    ...(options.outputNames ? { outputNames: options.outputNames } : {}),
  });
  return finish(forward, options);
}

function functionGraph(f: (...args: never[]) => unknown, rest: readonly unknown[]): GraphDiagram {
  const last = rest[rest.length - 1];
  const options = rest.length > 0 && isOptions(last) ? last : {};
  const inputs = options === last ? rest.slice(0, -1) : rest;
  // A jitted function is drawn as the program it compiled (the IR it replays), with f's parameter names.
  const declared = parameterNames(isJitted(f) ? f.fn : f);
  if (isJitted(f)) f = f.interpret as (...args: never[]) => unknown;
  const given = Array.isArray(options.names) ? (options.names as readonly string[]) : [];
  const argNames = inputs.map((_, i) => given[i] ?? declared[i] ?? `x${i}`);
  const forward = traceModel(f, inputs, {
    argNames,
    names: namesByTensor(options),
    ...(options.outputNames ? { outputNames: options.outputNames } : {}),
  });
  return finish(forward, options);
}

/**
 * Draws a computational graph as a diagram (SVG in a notebook, `.dot` for Graphviz source, `.text`).
 *
 * - `graph(y)` / `graph([y0, y1])`: the recorded history of tensors, back to their leaves.
 * - `graph(f, ...inputs)`: traces `f` on the inputs; inputs take `f`'s parameter names. Options may be
 *   given as a last argument. For a jitted function (`jit(f)`), draws the program jit compiled for
 *   such inputs: the primitives it replays, constants folded.
 *
 * Options: `{ backward: true }` adds the backward pass (cotangent seeds, VJPs, and orange `+` nodes where
 * cotangents from several paths are summed), `{ highlight: i }` marks what output i depends on,
 * `names`, `outputNames`, `repeats`, `maxNodes` (default 200), `rankdir`, `title`.
 *
 * @example
 * const q = tensor([1, 2], { requiresGrad: true });
 * const x = cat([q.mul(2), q.mul(q).mul(4)], 0);
 * graph([0, 1, 2, 3].map((i) => x.narrow(0, i, 1)), { backward: true, names: { q, x } });
 */
export function graph(outputs: Tensor | readonly Tensor[], options?: GraphOptions): GraphDiagram;
export function graph(f: (...args: never[]) => unknown, ...inputsAndOptions: unknown[]): GraphDiagram;
export function graph(target: unknown, ...rest: unknown[]): GraphDiagram {
  if (typeof target === "function") return functionGraph(target as (...args: never[]) => unknown, rest);
  if (isTensor(target) || Array.isArray(target)) {
    const options = rest[0] === undefined ? {} : rest[0];
    if (!isOptions(options))
      throw new ArgumentError("graph: the second argument of graph(y, options) must be an options object");
    return tensorGraph(target as Tensor | Tensor[], options);
  }
  throw new ArgumentError(
    `graph: expected a Tensor, an array of Tensors or a function, got ${target === null ? "null" : typeof target}`,
  );
}
