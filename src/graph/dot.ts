// Writes a GraphModel as Graphviz DOT text: one style per node kind, edges labelled with shapes.
import {
  formatShape,
  type Emphasis,
  type GraphEdge,
  type GraphModel,
  type GraphNode,
  type GraphNodeKind,
} from "./model.js";

/** Options for {@link toDot}. */
export interface DotOptions {
  /** Layout direction: "TB" (top to bottom, default) or "LR" (left to right). */
  rankdir?: "TB" | "LR";
}

/** An HTML-like label, written between angle brackets instead of quotes. */
interface HtmlLabel {
  html: string;
}

type Attrs = Record<string, string | number | HtmlLabel>;

// One visual vocabulary: forward values in blues and greys, the backward pass in reds, sums in orange.
const nodeStyles: Record<GraphNodeKind, Attrs> = {
  input: { shape: "box", style: "rounded,filled", fillcolor: "#dbeafe", color: "#1e40af" },
  constant: { shape: "box", style: "rounded,dashed", color: "#9ca3af", fontcolor: "#4b5563" },
  op: { shape: "ellipse", style: "filled", fillcolor: "#f3f4f6", color: "#374151" },
  output: { shape: "box", peripheries: 2, style: "filled", fillcolor: "#dcfce7", color: "#166534" },
  cotangent: { shape: "box", style: "filled", fillcolor: "#fee2e2", color: "#b91c1c", fontcolor: "#7f1d1d" },
  vjp: { shape: "ellipse", style: "filled,dashed", fillcolor: "#fef2f2", color: "#b91c1c" },
  sum: {
    shape: "octagon",
    style: "filled,bold",
    fillcolor: "#fdba74",
    color: "#c2410c",
    fontcolor: "#431407",
  },
  grad: { shape: "box", peripheries: 2, style: "rounded,filled", fillcolor: "#fecaca", color: "#b91c1c" },
  note: { shape: "note", style: "filled", fillcolor: "#fef9c3", color: "#a16207" },
};

const edgeStyles: Record<NonNullable<GraphEdge["kind"]>, Attrs> = {
  forward: { color: "#374151", fontcolor: "#374151" },
  backward: { color: "#dc2626", fontcolor: "#b91c1c" },
  link: { color: "#9ca3af", style: "dotted", arrowhead: "none" },
};

const emphasisNode: Record<Emphasis, Attrs> = {
  strong: { penwidth: 2.5, color: "#1d4ed8" },
  dim: { color: "#d1d5db", fontcolor: "#9ca3af", fillcolor: "#f9fafb" },
};

const emphasisEdge: Record<Emphasis, Attrs> = {
  strong: { penwidth: 2.5, color: "#1d4ed8", fontcolor: "#1d4ed8" },
  dim: { color: "#d1d5db", fontcolor: "#d1d5db" },
};

/** Escapes text for a DOT double-quoted string (backslashes, quotes, newlines as `\n`). */
export function escapeDotString(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, "\\n");
}

/** Escapes text for a Graphviz HTML-like label (XML entities). */
export function escapeHtmlLabel(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function quote(text: string): string {
  return `"${escapeDotString(text)}"`;
}

function formatAttrs(attrs: Attrs): string {
  return Object.entries(attrs)
    .map(([k, v]) => `${k}=${typeof v === "number" ? v : typeof v === "string" ? quote(v) : `<${v.html}>`}`)
    .join(", ");
}

/** The HTML-like label of a node: its label in bold, then detail lines and the shape in a small font. */
function nodeLabel(node: GraphNode): string {
  const named = node.kind === "op" && node.name !== undefined ? `${node.name} = ${node.label}` : node.label;
  const title = node.repeat !== undefined && node.repeat > 1 ? `${named} ×${node.repeat}` : named;
  const lines = [`<b>${escapeHtmlLabel(title)}</b>`];
  const small = (text: string): string => `<font point-size="9">${escapeHtmlLabel(text)}</font>`;
  for (const line of (node.detail ?? "").split("\n").filter((l) => l.length > 0)) lines.push(small(line));
  const scalarConstant = node.kind === "constant" && node.shape?.length === 0;
  if (node.shape !== undefined && node.kind !== "op" && node.kind !== "vjp" && !scalarConstant)
    lines.push(small(formatShape(node.shape)));
  return lines.join("<br/>");
}

function nodeLine(node: GraphNode, indent: string): string {
  const attrs: Attrs = { ...nodeStyles[node.kind], ...(node.emphasis ? emphasisNode[node.emphasis] : {}) };
  attrs.label = { html: nodeLabel(node) };
  if (node.name !== undefined && node.name !== node.label) attrs.tooltip = node.name;
  return `${indent}${quote(node.id)} [${formatAttrs(attrs)}];`;
}

function edgeLine(edge: GraphEdge): string {
  const attrs: Attrs = {
    ...edgeStyles[edge.kind ?? "forward"],
    ...(edge.emphasis ? emphasisEdge[edge.emphasis] : {}),
  };
  if (edge.label) attrs.label = edge.label;
  return `  ${quote(edge.from)} -> ${quote(edge.to)} [${formatAttrs(attrs)}];`;
}

/** Writes a model as a DOT digraph; nodes of a cluster are drawn in a dashed box with its label. */
export function toDot(model: GraphModel, options: DotOptions = {}): string {
  const out: string[] = ["digraph jaclab {"];
  const graphAttrs: Attrs = {
    rankdir: options.rankdir ?? "TB",
    fontname: "Helvetica",
    nodesep: 0.3,
    ranksep: 0.4,
  };
  if (model.title) Object.assign(graphAttrs, { label: model.title, labelloc: "b", fontsize: 12 });
  out.push(`  graph [${formatAttrs(graphAttrs)}];`);
  out.push(`  node [fontname="Helvetica", fontsize=11, margin="0.12,0.04"];`);
  out.push(`  edge [fontname="Helvetica", fontsize=9, arrowsize=0.7];`);
  const clustered = new Set<string>();
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  for (const cluster of model.clusters) {
    out.push(`  subgraph ${quote(`cluster_${cluster.id}`)} {`);
    out.push(
      `    graph [${formatAttrs({ label: cluster.label, style: "rounded,dashed", color: "#6b7280" })}];`,
    );
    for (const id of cluster.nodeIds) {
      const node = byId.get(id);
      if (node === undefined || clustered.has(id)) continue;
      clustered.add(id);
      out.push(nodeLine(node, "    "));
    }
    out.push("  }");
  }
  for (const node of model.nodes) if (!clustered.has(node.id)) out.push(nodeLine(node, "  "));
  for (const edge of model.edges) out.push(edgeLine(edge));
  out.push("}");
  return out.join("\n") + "\n";
}
