// Adds the backward pass to a forward graph: a cotangent seed per output, one VJP node per op, and an
// explicit sum node wherever cotangents from several paths meet (a value used more than once).
import {
  adjacency,
  formatShape,
  reachable,
  topologicalOrder,
  type GraphModel,
  type GraphNode,
} from "./model.js";

/** Options for {@link addBackwardPass}. */
export interface BackwardOptions {
  /** How each output's cotangent is described (e.g. "ones", "given"); default "ones". */
  seeds?: readonly string[];
}

/** What the overlay added, for callers and tests: backward node ids by the forward node they belong to. */
export interface BackwardSummary {
  /** Cotangent seed node per output node id. */
  seeds: Map<string, string>;
  /** Sum node per forward node id, where several cotangents are added. */
  sums: Map<string, string>;
  /** Gradient node per input node id. */
  grads: Map<string, string>;
  /** For every backward node, the indices of the outputs whose cotangents flow into it. */
  fromOutputs: Map<string, Set<number>>;
}

function span(indices: Set<number>, outputs: GraphNode[]): string {
  const names = [...indices].sort((a, b) => a - b).map((i) => outputs[i].label);
  return names.length <= 4 ? names.join(", ") : `${names[0]} … ${names[names.length - 1]}`;
}

/**
 * Returns a copy of `model` with the backward pass drawn below it. Cotangents flow only into values
 * that depend on an input; a leaf's accumulated cotangent ends in a `<name>.grad` node, and a note
 * explains when one gradient is the sum of several outputs' cotangents.
 */
export function addBackwardPass(
  model: GraphModel,
  options: BackwardOptions = {},
): { model: GraphModel; summary: BackwardSummary } {
  const result: GraphModel = {
    ...model,
    nodes: [...model.nodes],
    edges: [...model.edges],
    clusters: [...model.clusters],
  };
  const summary: BackwardSummary = {
    seeds: new Map(),
    sums: new Map(),
    grads: new Map(),
    fromOutputs: new Map(),
  };
  const forward = adjacency(model, ["forward"]);
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const inputs = model.nodes.filter((n) => n.kind === "input").map((n) => n.id);
  const differentiable = reachable(forward, inputs, "succs");
  const outputs = model.nodes.filter((n) => n.kind === "output");
  // Cotangent contributions waiting at each forward node: [backward node that sends it, its outputs].
  const contributions = new Map<string, string[]>();
  const add = (node: Omit<GraphNode, "id">, id: string, from: Set<number>): string => {
    result.nodes.push({ ...node, id });
    summary.fromOutputs.set(id, from);
    return id;
  };
  const connect = (from: string, to: string, shape: readonly number[] | undefined): void => {
    result.edges.push({ from, to, label: formatShape(shape), kind: "backward" });
  };

  outputs.forEach((out, i) => {
    const producer = forward.preds.get(out.id)?.[0]?.from;
    if (producer === undefined || !differentiable.has(producer)) return;
    const seed = options.seeds?.[i] ?? "ones";
    const id = add(
      { kind: "cotangent", label: `ḡ ${out.label}`, detail: `= ${seed}`, shape: out.shape },
      `bw_seed_${out.id}`,
      new Set([i]),
    );
    summary.seeds.set(out.id, id);
    result.edges.push({ from: out.id, to: id, kind: "link" });
    contributions.set(producer, [...(contributions.get(producer) ?? []), id]);
  });

  for (const id of topologicalOrder(model).reverse()) {
    const incoming = contributions.get(id);
    const node = byId.get(id) as GraphNode;
    if (incoming === undefined || !differentiable.has(id)) continue;
    // Order the contributions by the outputs they come from, so the drawing reads left to right.
    const firstOutput = (c: string) => Math.min(...(summary.fromOutputs.get(c) ?? [Infinity]));
    incoming.sort((a, b) => firstOutput(a) - firstOutput(b));
    let cotangent = incoming[0];
    if (incoming.length > 1) {
      const from = new Set(incoming.flatMap((c) => [...(summary.fromOutputs.get(c) ?? [])]));
      const where = node.kind === "input" ? `${node.label}.grad` : (node.name ?? node.label);
      cotangent = add(
        {
          kind: "sum",
          label: "+",
          detail: `${incoming.length} paths meet:\ncotangents summed\ninto ${where}`,
          shape: node.shape,
        },
        `bw_sum_${id}`,
        from,
      );
      for (const c of incoming) connect(c, cotangent, node.shape);
      summary.sums.set(id, cotangent);
    }
    const from = summary.fromOutputs.get(cotangent) as Set<number>;
    if (node.kind === "input") {
      const detail =
        from.size > 1 ? `= Σ over ${from.size} outputs' cotangents\n(${span(from, outputs)})` : undefined;
      const gradId = add(
        { kind: "grad", label: `${node.label}.grad`, shape: node.shape, ...(detail ? { detail } : {}) },
        `bw_grad_${id}`,
        from,
      );
      connect(cotangent, gradId, node.shape);
      summary.grads.set(id, gradId);
      continue;
    }
    const vjpLabel =
      node.repeat !== undefined && node.repeat > 1
        ? `${node.label} VJP ×${node.repeat}`
        : `${node.label} VJP`;
    const vjpNode = {
      kind: "vjp" as const,
      label: vjpLabel,
      shape: node.shape,
      ...(node.detail ? { detail: node.detail } : {}),
    };
    const vjp = add(vjpNode, `bw_vjp_${id}`, from);
    connect(cotangent, vjp, node.shape);
    for (const edge of forward.preds.get(id) ?? []) {
      if (!differentiable.has(edge.from)) continue;
      contributions.set(edge.from, [...(contributions.get(edge.from) ?? []), vjp]);
    }
  }
  addSumNotes(result, summary, byId);
  return { model: result, summary };
}

/** A note beside each gradient that several outputs feed: the teaching point of one backward pass. */
function addSumNotes(model: GraphModel, summary: BackwardSummary, byId: Map<string, GraphNode>): void {
  for (const [inputId, gradId] of summary.grads) {
    const k = (summary.fromOutputs.get(gradId) as Set<number>).size;
    if (k < 2) continue;
    const name = byId.get(inputId)?.label ?? inputId;
    const detail = [
      `one backward pass adds the vector-Jacobian products`,
      `of all ${k} outputs: ${name}.grad = Σᵢ ḡᵢ · ∂yᵢ/∂${name}`,
      `(with ḡᵢ = ones: the sum of the Jacobian's rows),`,
      `not one Jacobian row per output`,
    ].join("\n");
    const noteId = `bw_note_${inputId}`;
    model.nodes.push({ id: noteId, kind: "note", label: `${k} cotangents summed into ${name}.grad`, detail });
    model.edges.push({ from: gradId, to: noteId, kind: "link" });
  }
}
