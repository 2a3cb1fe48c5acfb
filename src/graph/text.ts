// A compact plain-text listing of a graph model, one node a line in dependency order (text/plain output).
import { adjacency, formatShape, topologicalOrder, type GraphModel, type GraphNode } from "./model.js";

// The text listing stops after this many nodes; the diagram itself has its own node limit.
const maxListed = 80;

/** Names each node for the listing: its label, made unique with `#k` (in listing order) where labels repeat. */
function displayNames(model: GraphModel, order: readonly string[]): Map<string, string> {
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const counts = new Map<string, number>();
  // A user name (x for x = cat(...)) stands for the node; otherwise its label does.
  const base = (n: GraphNode) => n.name ?? n.label;
  for (const n of model.nodes) counts.set(base(n), (counts.get(base(n)) ?? 0) + 1);
  const seen = new Map<string, number>();
  const names = new Map<string, string>();
  for (const id of order) {
    const label = base(byId.get(id) as GraphNode);
    const k = seen.get(label) ?? 0;
    seen.set(label, k + 1);
    names.set(id, (counts.get(label) ?? 0) > 1 ? `${label}#${k}` : label);
  }
  return names;
}

function describe(node: GraphNode, name: string): string {
  const repeat = node.repeat !== undefined && node.repeat > 1 ? ` ×${node.repeat}` : "";
  const shape = node.shape ? ` ${formatShape(node.shape)}` : "";
  const detail = node.detail ? ` (${node.detail.replace(/\n/g, " ")})` : "";
  const op = node.kind === "op" && node.name !== undefined ? ` = ${node.label}` : "";
  return `${name}${op}${repeat}${shape} ${node.kind}${detail}`;
}

/** Lists a model as text: a header with counts, then `name [shape] kind ← predecessors` per node. */
export function toText(model: GraphModel): string {
  const adj = adjacency(model);
  const order = topologicalOrder(model);
  const names = displayNames(model, order);
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const lines = [`computational graph: ${model.nodes.length} nodes, ${model.edges.length} edges`];
  for (const id of order.slice(0, maxListed)) {
    const node = byId.get(id) as GraphNode;
    const preds = (adj.preds.get(id) ?? []).filter((e) => e.kind !== "link").map((e) => names.get(e.from));
    const from = preds.length > 0 ? ` ← ${preds.join(", ")}` : "";
    lines.push(`  ${describe(node, names.get(id) as string)}${from}`);
  }
  if (order.length > maxListed) lines.push(`  … ${order.length - maxListed} more nodes`);
  for (const c of model.clusters) {
    lines.push(`  cluster ${c.label}: ${c.nodeIds.map((id) => names.get(id)).join(", ")}`);
  }
  if (model.title) lines.push(model.title);
  return lines.join("\n");
}
