// Walks torch-style history (each tensor's gradFn and its inputs) back from outputs to the leaves.
import { historyOf, isHistoryTensor, type HistoryTensor } from "./history.js";
import type { GraphModel } from "./model.js";
import { GraphRecorder, type Operand } from "./recorder.js";

/** Options for {@link tapeModel}. */
export interface TapeModelOptions {
  /** User names of tensors (leaves or intermediates), shown on their nodes. */
  names?: ReadonlyMap<object, string>;
  /** Names of the outputs, in order; default `y` for one output, `y0, y1...` for several. */
  outputNames?: readonly string[];
  /** The name of the k-th unnamed leaf that requires grad (default `x${k}`). */
  leafNames?: (k: number) => string;
}

/**
 * Builds the forward graph of `outputs` from their recorded history: leaves that require grad become
 * inputs, other leaves constants, each history node one op. Iterative, so long chains do not overflow.
 */
export function tapeModel(outputs: readonly HistoryTensor[], options: TapeModelOptions = {}): GraphModel {
  const recorder = new GraphRecorder(options.names, options.leafNames);
  // An output's name goes on its output node; its producing op keeps the op's name alone.
  const outputSet = new Set<object>(outputs);
  for (const out of outputs) visit(recorder, out, outputSet);
  outputs.forEach((out, i) => {
    const name =
      options.outputNames?.[i] ?? options.names?.get(out) ?? (outputs.length === 1 ? "y" : `y${i}`);
    recorder.output(recorder.lookup(out) as string, out.shape, name);
  });
  return recorder.model;
}

/** Records `root` and everything it depends on, operands before the operations that use them. */
function visit(recorder: GraphRecorder, root: HistoryTensor, outputs: ReadonlySet<object>): void {
  const stack: { t: HistoryTensor; expanded: boolean }[] = [{ t: root, expanded: false }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (recorder.lookup(top.t) !== undefined) {
      stack.pop();
      continue;
    }
    const fn = historyOf(top.t);
    if (fn === undefined) {
      recorder.leaf(top.t);
      stack.pop();
      continue;
    }
    const shared = recorder.lookup(fn);
    if (shared !== undefined) {
      // Another output of the same multi-output operation.
      recorder.alias(top.t, shared);
      stack.pop();
      continue;
    }
    const inputs = fn.inputs.filter(isHistoryTensor);
    if (!top.expanded) {
      top.expanded = true;
      for (const input of [...inputs].reverse()) {
        if (recorder.lookup(input) === undefined) stack.push({ t: input, expanded: false });
      }
      continue;
    }
    stack.pop();
    const operands: Operand[] = inputs.map((input) => ({
      nodeId: recorder.lookup(input) as string,
      shape: input.shape,
    }));
    const named = outputs.has(top.t) ? undefined : top.t;
    const id = recorder.op(fn, fn.name, fn.params, operands, top.t.shape, named);
    recorder.alias(top.t, id);
  }
}
