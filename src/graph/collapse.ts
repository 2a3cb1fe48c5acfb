// Keeps large graphs readable: repeated blocks along a chain become clusters (small graphs) or one node
// marked ×k (large graphs), and identical parallel chains are drawn once with ×k.
import { adjacency, type GraphEdge, type GraphModel, type GraphNode } from "./model.js";
import { findRuns, linearChains, parallelChains, type RepeatRun } from "./repeats.js";

/**
 * How repeated structure is shown: `"clusters"` boxes each repeated block, `"collapse"` draws repeated
 * blocks and parallel chains once with ×k, `"none"` draws every op, and `"auto"` (the default)
 * collapses long runs (a block 4 times or more, one op 5 times or more) and boxes shorter ones, and
 * collapses everything it can when the graph is still larger than 60 nodes.
 */
export type RepeatMode = "auto" | "clusters" | "collapse" | "none";

/** Above this many nodes, `"auto"` collapses every repeat instead of boxing the short ones. */
export const autoCollapseAbove = 60;

/** Applies a {@link RepeatMode} to a forward graph and returns the new model. */
export function simplifyRepeats(model: GraphModel, mode: RepeatMode = "auto"): GraphModel {
  if (mode === "none") return model;
  if (mode === "clusters") return clusterRuns(model);
  if (mode === "collapse") return collapseRuns(collapseParallel(model));
  const longRunsCollapsed = collapseRuns(model, (p) => (p === 1 ? 5 : 4));
  if (longRunsCollapsed.nodes.length > autoCollapseAbove)
    return collapseRuns(collapseParallel(longRunsCollapsed));
  return clusterRuns(longRunsCollapsed);
}

function blockLabel(nodes: GraphNode[]): string {
  return nodes.map((n) => n.label).join(" → ");
}

/** Boxes each repeated block of a chain (period ≥ 2), or a whole run of one repeated op, in a cluster. */
export function clusterRuns(model: GraphModel): GraphModel {
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const clusters = [...model.clusters];
  const taken = new Set(clusters.flatMap((c) => c.nodeIds));
  for (const chain of linearChains(model)) {
    for (const run of findRuns(chain, byId, (p) => (p === 1 ? 3 : 2), true)) {
      if (run.nodeIds.some((id) => taken.has(id))) continue;
      run.nodeIds.forEach((id) => taken.add(id));
      if (run.period === 1) {
        const label = `${(byId.get(run.nodeIds[0]) as GraphNode).label} ×${run.count}`;
        clusters.push({ id: `run${clusters.length}`, label, nodeIds: run.nodeIds });
        continue;
      }
      const blocks = run.count + (run.tail > 0 ? 1 : 0);
      for (let b = 0; b < blocks; b++) {
        const ids = run.nodeIds.slice(b * run.period, (b + 1) * run.period);
        const label = `block ${b + 1}/${blocks}: ${blockLabel(ids.map((id) => byId.get(id) as GraphNode))}`;
        clusters.push({ id: `block${clusters.length}`, label, nodeIds: ids });
      }
    }
  }
  return { ...model, clusters };
}

/**
 * Replaces the nodes `ids` by `replacement`: edges inside the group disappear, edges crossing it are
 * redirected (one per outside node and direction), and constants used only by the group are dropped.
 * Returns the new model and how many constants were folded in.
 */
export function mergeNodes(
  model: GraphModel,
  ids: ReadonlySet<string>,
  replacement: GraphNode,
): { model: GraphModel; folded: number } {
  const adj = adjacency(model);
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const dropped = new Set(ids);
  let folded = 0;
  for (const id of ids) {
    for (const e of adj.preds.get(id) ?? []) {
      const from = byId.get(e.from);
      const succs = adj.succs.get(e.from) ?? [];
      // Constants of the node that keeps its id (the first of parallel copies) stay drawn.
      const ownsIt = succs.some((s) => s.to === replacement.id);
      if (
        from?.kind === "constant" &&
        !dropped.has(from.id) &&
        !ownsIt &&
        succs.every((s) => ids.has(s.to))
      ) {
        dropped.add(from.id);
        folded++;
      }
    }
  }
  const seen = new Set<string>();
  const edges: GraphEdge[] = [];
  for (const e of model.edges) {
    const from = ids.has(e.from) ? replacement.id : e.from;
    const to = ids.has(e.to) ? replacement.id : e.to;
    if ((dropped.has(e.from) && !ids.has(e.from)) || from === to) continue;
    const key = `${from}->${to}:${e.kind ?? "forward"}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ ...e, from, to });
  }
  const nodes: GraphNode[] = [];
  let placed = false;
  for (const n of model.nodes) {
    if (!dropped.has(n.id)) nodes.push(n);
    else if (ids.has(n.id) && !placed) {
      nodes.push(replacement);
      placed = true;
    }
  }
  const clusters = model.clusters
    .map((c) => ({ ...c, nodeIds: c.nodeIds.filter((id) => !dropped.has(id)) }))
    .filter((c) => c.nodeIds.length > 0);
  return { model: { ...model, nodes, edges, clusters }, folded };
}

function runNode(run: RepeatRun, byId: ReadonlyMap<string, GraphNode>): GraphNode {
  const block = run.nodeIds.slice(0, run.period).map((id) => byId.get(id) as GraphNode);
  const last = byId.get(run.nodeIds[run.nodeIds.length - 1]) as GraphNode;
  const detail = run.period === 1 ? block[0].detail : undefined;
  return {
    id: `rep_${block[0].id}`,
    kind: "op",
    label: blockLabel(block),
    repeat: run.count,
    ...(last.shape ? { shape: last.shape } : {}),
    ...(last.name !== undefined ? { name: last.name } : {}),
    ...(detail ? { detail } : {}),
  };
}

/**
 * Draws each repeated run of a chain as one node marked ×k; `minCount(period)` is the fewest
 * repetitions collapsed (default 3 for one op, 2 for longer blocks).
 */
export function collapseRuns(
  model: GraphModel,
  minCount: (period: number) => number = (p) => (p === 1 ? 3 : 2),
): GraphModel {
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  let result = model;
  for (const chain of linearChains(model)) {
    for (const run of findRuns(chain, byId, minCount)) {
      const node = runNode(run, byId);
      const merged = mergeNodes(result, new Set(run.nodeIds), node);
      if (merged.folded > 0)
        node.detail = [node.detail, `${merged.folded} constants folded in`].filter(Boolean).join("\n");
      result = merged.model;
    }
  }
  return result;
}

/** Draws groups of three or more identical parallel chains once, each op marked ×k. */
export function collapseParallel(model: GraphModel): GraphModel {
  let result = model;
  for (const group of parallelChains(model, linearChains(model))) {
    const k = group.length;
    const [kept, ...others] = group;
    const byId = new Map(result.nodes.map((n) => [n.id, n]));
    // Fold every other chain into the kept one, node by node, so its inputs and outputs stay joined.
    for (let i = 0; i < kept.length; i++) {
      const node = byId.get(kept[i]) as GraphNode;
      const replacement: GraphNode = { ...node, repeat: (node.repeat ?? 1) * k };
      if (node.detail !== undefined) replacement.detail = `${k} parallel copies`;
      result = mergeNodes(result, new Set([kept[i], ...others.map((c) => c[i])]), replacement).model;
    }
  }
  return result;
}
