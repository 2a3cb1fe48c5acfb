// Cuts a graph that is too large to read at a node limit, with a note saying how much was left out.
import { adjacency, topologicalOrder, type GraphModel, type GraphNode } from "./model.js";

/** The default largest number of nodes drawn. */
export const defaultMaxNodes = 200;

/**
 * Keeps the first `maxNodes` nodes in dependency order (inputs first) and replaces the rest by one note
 * node naming how many were omitted; kept nodes whose successors were cut point at the note.
 */
export function limitNodes(model: GraphModel, maxNodes: number = defaultMaxNodes): GraphModel {
  if (model.nodes.length <= maxNodes) return model;
  const keep = new Set(topologicalOrder(model).slice(0, Math.max(1, maxNodes)));
  const omitted = model.nodes.length - keep.size;
  const note: GraphNode = {
    id: "limit_note",
    kind: "note",
    label: `${omitted} more nodes omitted`,
    detail: `the graph has ${model.nodes.length} nodes; ${keep.size} are drawn\n(raise the limit with { maxNodes })`,
  };
  const adj = adjacency(model);
  const cutFrom = model.nodes.filter(
    (n) => keep.has(n.id) && (adj.succs.get(n.id) ?? []).some((e) => !keep.has(e.to)),
  );
  return {
    ...model,
    nodes: [...model.nodes.filter((n) => keep.has(n.id)), note],
    edges: [
      ...model.edges.filter((e) => keep.has(e.from) && keep.has(e.to)),
      ...cutFrom.map((n) => ({ from: n.id, to: note.id, kind: "link" as const })),
    ],
    clusters: model.clusters
      .map((c) => ({ ...c, nodeIds: c.nodeIds.filter((id) => keep.has(id)) }))
      .filter((c) => c.nodeIds.length > 0),
  };
}
