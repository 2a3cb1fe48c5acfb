// Marks the path from one output back to the inputs it depends on; everything else is greyed out.
import { adjacency, reachable, type GraphModel } from "./model.js";

/** Raised when `highlight` names an output the graph does not have. */
export class HighlightError extends RangeError {
  /** The class name, shown in tracebacks and error messages. */
  override name = "HighlightError";
}

/**
 * Returns a copy of `model` where output `index` (in output order), every node it depends on, and its
 * backward path (seed, VJPs, sums and gradients it reaches) are strong, and all else is dim. Notes stay
 * as they are.
 */
export function highlightOutput(model: GraphModel, index: number): GraphModel {
  const outputs = model.nodes.filter((n) => n.kind === "output");
  if (!Number.isInteger(index) || index < 0 || index >= outputs.length) {
    throw new HighlightError(`graph: highlight ${index} is out of range for ${outputs.length} output(s)`);
  }
  const target = outputs[index].id;
  const forward = adjacency(model, ["forward"]);
  const onPath = reachable(forward, [target], "preds");
  // The backward path starts at the output's cotangent seed (joined to the output by a link edge).
  const seeds = model.edges.filter((e) => e.kind === "link" && e.from === target).map((e) => e.to);
  const backward = adjacency(model, ["backward"]);
  for (const id of reachable(backward, seeds, "succs")) onPath.add(id);
  return {
    ...model,
    nodes: model.nodes.map((n) =>
      n.kind === "note" ? n : { ...n, emphasis: onPath.has(n.id) ? "strong" : "dim" },
    ),
    edges: model.edges.map((e) => ({
      ...e,
      emphasis: onPath.has(e.from) && onPath.has(e.to) ? "strong" : "dim",
    })),
  };
}
