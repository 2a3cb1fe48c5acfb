// How a colouring shows itself: the pattern's spy plot with every nonzero in its group's colour.
import { cssColor, type Rgb } from "../render/color.js";
import type { MimeBundle } from "../render/mime.js";
import { spyBundle, spyText, type SpyOptions, type SpySource } from "./spy.js";

/** The parts of a Coloring that its display reads. */
export interface ColoringView {
  readonly kind: "column" | "row" | "star";
  readonly ordering: string;
  readonly colors: number;
  readonly groups: Int32Array;
  readonly pattern: SpySource & { rowIndices(): Int32Array };
  readonly tried: readonly { readonly ordering: string; readonly colors: number }[];
}

// Twelve well-separated categorical colours; more groups than that reuse them in turn.
const PALETTE: readonly Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
  [57, 59, 121],
  [173, 73, 74],
];

const MAX_LEGEND = 24;

function items(c: ColoringView): string {
  return c.kind === "row" ? "rows" : "columns";
}

/** `column coloring: 8 colours (smallest-last) for 2048 columns`. */
function headline(c: ColoringView): string {
  const plural = c.colors === 1 ? "colour" : "colours";
  return `${c.kind} coloring: ${c.colors} ${plural} (${c.ordering}) for ${c.groups.length} ${items(c)}`;
}

function bestNote(c: ColoringView): string | undefined {
  if (c.tried.length < 2) return undefined;
  return `best of ${c.tried.map((t) => `${t.ordering} ${t.colors}`).join(", ")}`;
}

function spyOptions(c: ColoringView): SpyOptions {
  const groupOf = c.kind === "row" ? c.pattern.rowIndices() : undefined;
  const colorOf = (k: number, _i: number, j: number): number => c.groups[groupOf ? groupOf[k] : j];
  const best = bestNote(c);
  return {
    title: headline(c),
    notes: best ? [best] : [],
    palette: PALETTE,
    colorOf,
    cellName: (k, i, j) => `(${i}, ${j}): colour ${colorOf(k, i, j)}`,
  };
}

/** The text of a colouring: its headline, the orderings tried, and a small pattern drawn by colour digit. */
export function coloringText(c: ColoringView): string {
  const best = bestNote(c);
  const spy = spyText(c.pattern, { title: "SparsityPattern", colorOf: spyOptions(c).colorOf });
  return [headline(c), ...(best ? [best] : []), spy].join("\n");
}

/** The bundle: a spy plot coloured by group (HTML, PNG from 64 rows or columns) with a legend of group sizes. */
export function coloringBundle(c: ColoringView): MimeBundle {
  const sizes = new Array<number>(c.colors).fill(0);
  for (const g of c.groups) sizes[g]++;
  const swatches = sizes.slice(0, MAX_LEGEND).map((size, g) => {
    const color = cssColor(PALETTE[g % PALETTE.length]);
    const box = `display: inline-block; width: 10px; height: 10px; margin: 0 3px 0 8px; background-color: ${color}`;
    return `<span title="colour ${g}: ${size} ${items(c)}"><span style="${box}"></span>${g}: ${size}</span>`;
  });
  const more = c.colors > MAX_LEGEND ? ` <span>… ${c.colors - MAX_LEGEND} more</span>` : "";
  const legendHtml =
    `<div style="margin: 0 0 6px 0; color: rgb(90, 90, 90)">${items(c)} per colour (one batched pass each):` +
    `${swatches.join("")}${more}</div>`;
  const bundle = spyBundle(c.pattern, { ...spyOptions(c), legendHtml });
  bundle["text/plain"] = coloringText(c);
  return bundle;
}

/** The palette of the coloured spy plots, shared with the bipartite colouring diagram (showColoring). */
export { PALETTE as COLORING_PALETTE };
