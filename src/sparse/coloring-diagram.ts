// showColoring: a small pattern drawn as the bipartite graph of outputs and inputs (an edge per nonzero),
// the coloured side filled by group, so a reader sees which columns (or rows) share one batched pass:
// items of one colour never meet at the same vertex on the other side.
import { ArgumentError } from "../errors.js";
import type { Rgb } from "../render/color.js";
import { escapeDotString } from "../graph/dot.js";
import { DotDiagram } from "../graph/dot-diagram.js";
import { COLORING_PALETTE } from "./coloring-display.js";
import type { Coloring } from "./coloring.js";
import type { SparsityPattern } from "./pattern.js";

/** Options of {@link showColoring}. */
export interface ShowColoringOptions {
  /** Names of the outputs (rows), default `y0, y1, ...` (`g0, ...` for a Hessian's gradient). */
  rowLabels?: readonly string[];
  /** Names of the inputs (columns), default `x0, x1, ...`. */
  colLabels?: readonly string[];
  /** A title under the diagram. */
  title?: string;
}

/** The most vertices (rows + columns) a diagram draws; larger patterns are clearer as spy plots. */
export const MAX_DIAGRAM_VERTICES = 160;

/**
 * A diagram of a colouring: the DOT source (`.dot`), a text listing of the groups (`.text`), and an SVG
 * drawn by Graphviz (`await .svg()`, or shown directly in a notebook).
 */
export class ColoringDiagram extends DotDiagram {
  constructor(
    /** The Graphviz DOT source. */
    readonly dot: string,
    /** One line per colour: its members. */
    readonly text: string,
  ) {
    super();
  }
}

/** `#1f77b4`: Graphviz reads hex colours, not CSS rgb(). */
function hexColor([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

function labels(given: readonly string[] | undefined, n: number, prefix: string, what: string): string[] {
  if (given !== undefined && given.length !== n) {
    throw new ArgumentError(
      `showColoring: ${what} has ${given.length} names for ${n} ${what.replace("Labels", "s")}`,
    );
  }
  return given !== undefined ? [...given] : Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

/**
 * Draws a small pattern as a bipartite graph: outputs (rows) on the left, inputs (columns) on the right, an
 * edge for every nonzero; the coloured side (columns for column and star colourings, rows for a row
 * colouring) is filled with its group's colour, the same colours as the colouring's spy plot. Two columns
 * of one colour never share an output, which is why one batched pass can carry them together.
 *
 * @example showColoring(sparsity(f, x), coloring(sparsity(f, x), { kind: "column" }))
 */
export function showColoring(
  pattern: SparsityPattern,
  c: Coloring,
  opts: ShowColoringOptions = {},
): ColoringDiagram {
  const [m, n] = pattern.shape;
  if (c.pattern !== pattern && !c.pattern.equals(pattern)) {
    throw new ArgumentError(
      `showColoring: the colouring is of a ${c.pattern.shape.join("×")} pattern with ${c.pattern.nnz} nonzeros, ` +
        `not of this ${m}×${n} pattern with ${pattern.nnz}`,
    );
  }
  if (m + n > MAX_DIAGRAM_VERTICES) {
    throw new ArgumentError(
      `showColoring: a ${m}×${n} pattern has ${m + n} vertices, more than the ${MAX_DIAGRAM_VERTICES} a ` +
        `readable diagram holds; display the colouring itself for its spy plot, or draw a smaller instance`,
    );
  }
  const hessian = c.kind === "star";
  const rows = labels(opts.rowLabels, m, hessian ? "g" : "y", "rowLabels");
  const cols = labels(opts.colLabels, n, "x", "colLabels");
  const colouredRows = c.kind === "row";
  const fill = (g: number): string => hexColor(COLORING_PALETTE[g % COLORING_PALETTE.length]);
  const node = (id: string, label: string, group: number | null): string => {
    const style =
      group === null
        ? `style="rounded", color="#6b7280"`
        : `style="rounded,filled", fillcolor="${fill(group)}", color="#374151", fontcolor="white"`;
    const tip = group === null ? label : `${label}: colour ${group}`;
    return `    "${id}" [label="${escapeDotString(label)}", tooltip="${escapeDotString(tip)}", shape=box, ${style}];`;
  };
  const lines = [
    "graph coloring {",
    `  graph [rankdir=LR, fontname="Helvetica", nodesep=0.12, ranksep=1.6, splines=line` +
      (opts.title ? `, label="${escapeDotString(opts.title)}", labelloc=b, fontsize=12` : "") +
      "];",
    `  node [fontname="Helvetica", fontsize=11, margin="0.08,0.03", height=0.25];`,
    `  edge [color="#9ca3af"];`,
    `  subgraph cluster_rows { graph [label="${hessian ? "gradient (rows)" : "outputs (rows)"}", style=dashed, color="#d1d5db"];`,
    // Graphviz stacks a left-to-right rank from the bottom: declared in reverse, index 0 comes out on top.
    ...rows.map((r, i) => node(`r${i}`, r, colouredRows ? c.groups[i] : null)).reverse(),
    "  }",
    `  subgraph cluster_cols { graph [label="inputs (columns)", style=dashed, color="#d1d5db"];`,
    ...cols.map((x, j) => node(`c${j}`, x, colouredRows ? null : c.groups[j])).reverse(),
    "  }",
  ];
  for (let i = 0; i < m; i++) {
    for (let k = pattern.rowPtr[i]; k < pattern.rowPtr[i + 1]; k++) {
      const j = pattern.colIdx[k];
      const g = colouredRows ? c.groups[i] : c.groups[j];
      lines.push(`  "r${i}" -- "c${j}" [color="${fill(g)}"];`);
    }
  }
  lines.push("}");
  const names = colouredRows ? rows : cols;
  const text = [
    `${c.kind} colouring, ${c.colors} colour${c.colors === 1 ? "" : "s"} (${c.ordering}): one batched pass each`,
    ...Array.from({ length: c.colors }, (_, g) => {
      const members = names.filter((_, v) => c.groups[v] === g);
      return `  colour ${g}: ${members.join(", ")}`;
    }),
  ].join("\n");
  return new ColoringDiagram(lines.join("\n") + "\n", text);
}
