// text/html for tensors: heatmap tables with a diverging scale, blank zeros and exact values on hover.
// Only inline styles with rgb() colours and px sizes, which JupyterLab's sanitiser keeps.
import { cssColor, divergingColor, scaleGradient, textColorOn } from "./color.js";
import { compactNumber, edgeIndices, valueStats, type ValueStats } from "./format.js";
import type { MatrixView } from "./view.js";

/** Options for the heatmap tables. */
export interface HeatmapHtmlOptions {
  /** Shown in bold at the start of the caption. */
  title?: string;
  /** Names for the rows (outputs of a Jacobian), in place of indices. */
  rowLabels?: readonly string[];
  /** Names for the columns (inputs of a Jacobian), in place of indices. */
  colLabels?: readonly string[];
  /** Hover text for cell (i, j) before ` = value` (default `[i, j]`, or `[j]` for a vector). */
  cellName?: (i: number, j: number) => string;
  /** Tables with more rows or columns than this are summarised (default 32). */
  maxFull?: number;
  /** Rows and columns kept at each end of a summarised table (default 8). */
  edge?: number;
  /** Print each value in its cell; by default only when at most 16 columns are shown. */
  showValues?: boolean;
}

/** A PNG rendering of the same values, embedded above the table. */
export interface EmbeddedImage {
  readonly base64: string;
  readonly width: number;
  readonly height: number;
  /** A remark shown under the image, e.g. that a montage stops before the end of a batch. */
  readonly note?: string;
}

const FONT = "font-family: monospace; font-size: 12px";
const MUTED = "color: rgb(120, 120, 120)";
const GRID_LINE = "border: 1px solid rgb(225, 225, 225)";

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A heatmap of one matrix (or of a vector, as a single row, when `vector` is set), with a caption
 * giving the shape, min, max, the number of nonzeros and the colour scale. When `image` is given
 * (large matrices), the image comes first and the summarised table folds away under it.
 */
export function heatmapHtml(
  m: MatrixView,
  shape: readonly number[],
  opts: HeatmapHtmlOptions & { vector?: boolean; image?: EmbeddedImage } = {},
): string {
  const stats = valueStats(entries(m));
  const caption = `<div style="margin: 0 0 4px 0">${captionHtml(shape, stats, opts.title)}</div>`;
  const table = matrixTable(m, stats.maxAbs, opts);
  if (!opts.image) return `<div class="jaclab-tensor" style="${FONT}">${caption}${table}</div>`;
  return (
    `<div class="jaclab-tensor" style="${FONT}">${caption}` +
    imageHtml(opts.image, `heatmap of a ${shape.join("×")} tensor`) +
    `<details><summary style="cursor: pointer; ${MUTED}">values (summarised table)</summary>${table}</details></div>`
  );
}

/**
 * A grid of small heatmaps, one per matrix (a batch of per-sample Jacobians), on one shared colour
 * scale so that samples compare; long batches show their first and last samples.
 */
export function heatmapGridHtml(
  matrices: MatrixView[],
  shape: readonly number[],
  opts: HeatmapHtmlOptions & { image?: EmbeddedImage; maxSamples?: number } = {},
): string {
  const all = new Float64Array(matrices.reduce((n, m) => n + m.rows * m.cols, 0));
  let at = 0;
  for (const m of matrices) {
    all.set(entries(m), at);
    at += m.rows * m.cols;
  }
  const stats = valueStats(all);
  const caption = captionHtml(shape, stats, opts.title, "one heatmap per sample, shared colour scale");
  if (opts.image) {
    return `<div class="jaclab-tensor" style="${FONT}"><div style="margin: 0 0 4px 0">${caption}</div>${imageHtml(opts.image, `heatmaps of a ${shape.join("×")} tensor`)}</div>`;
  }
  const edge = Math.max(1, Math.floor((opts.maxSamples ?? 12) / 2));
  const tiles = edgeIndices(matrices.length, edge).map((b) => {
    const box = "display: inline-block; vertical-align: top; margin: 0 10px 10px 0";
    if (b === null) {
      const hidden = matrices.length - 2 * edge;
      return `<div style="${box}; padding: 20px 8px; ${MUTED}">⋯ ${hidden} more</div>`;
    }
    const inner = opts.cellName ?? ((i: number, j: number) => `[${i}, ${j}]`);
    const cellName = (i: number, j: number): string => `[${b}] ${inner(i, j)}`;
    const tileOpts = {
      ...opts,
      title: undefined,
      cellName,
      maxFull: opts.maxFull ?? 16,
      edge: opts.edge ?? 4,
    };
    const label = `<caption style="caption-side: top; text-align: left; ${MUTED}">[${b}]</caption>`;
    return `<div style="${box}">${matrixTable(matrices[b], stats.maxAbs, tileOpts, label)}</div>`;
  });
  return `<div class="jaclab-tensor jaclab-batch" style="${FONT}"><div style="margin: 0 0 6px 0">${caption}</div><div>${tiles.join("")}</div></div>`;
}

/** The entries of one matrix in row-major order. */
function entries(m: MatrixView): Float64Array {
  return m.data.subarray(m.offset, m.offset + m.rows * m.cols);
}

/** A caption line: title, shape, min, max, nonzero count and a legend of the colour scale. */
function captionHtml(shape: readonly number[], stats: ValueStats, title?: string, note?: string): string {
  const parts = [
    `shape [${shape.join(", ")}]`,
    `min ${compactNumber(stats.min, 4)}`,
    `max ${compactNumber(stats.max, 4)}`,
    `${stats.nonzero} of ${stats.count} nonzero`,
  ];
  if (note) parts.push(note);
  const heading = title ? `<b>${escapeHtml(title)}</b> ` : "";
  return `${heading}<span style="${MUTED}">${parts.join(" · ")}</span> ${legendHtml(stats.maxAbs)}`;
}

/** The colour bar from −maxAbs (blue) through 0 (white) to +maxAbs (red). */
function legendHtml(maxAbs: number): string {
  if (!(maxAbs > 0)) return "";
  const bar =
    `<span title="colour scale: −${compactNumber(maxAbs, 4)} (blue) to ${compactNumber(maxAbs, 4)} (red)" ` +
    `style="display: inline-block; width: 72px; height: 9px; margin: 0 4px; vertical-align: middle; ` +
    `border: 1px solid rgb(200, 200, 200); background: ${scaleGradient()}"></span>`;
  return `<span style="${MUTED}">−${compactNumber(maxAbs, 3)}${bar}${compactNumber(maxAbs, 3)}</span>`;
}

function imageHtml(image: EmbeddedImage, alt: string): string {
  return (
    `<img class="jaclab-heatmap-image" src="data:image/png;base64,${image.base64}" width="${image.width}" height="${image.height}" ` +
    `alt="${escapeHtml(alt)}" style="display: block; margin: 0 0 6px 0"/>` +
    (image.note ? `<div style="${MUTED}; margin: 0 0 6px 0">${escapeHtml(image.note)}</div>` : "")
  );
}

/** The table itself: column header row, row headers, one coloured cell per shown value. */
function matrixTable(
  m: MatrixView,
  maxAbs: number,
  opts: HeatmapHtmlOptions & { vector?: boolean },
  caption?: string,
): string {
  const maxFull = opts.maxFull ?? 32;
  const edge = opts.edge ?? 8;
  const rowIdx = m.rows > maxFull ? edgeIndices(m.rows, edge) : edgeIndices(m.rows, Infinity);
  const colIdx = m.cols > maxFull ? edgeIndices(m.cols, edge) : edgeIndices(m.cols, Infinity);
  const showValues = opts.showValues ?? colIdx.length <= 16;
  const cellName = opts.cellName ?? ((i: number, j: number) => (opts.vector ? `[${j}]` : `[${i}, ${j}]`));
  const withRowHeader = !opts.vector || opts.rowLabels !== undefined;

  const th = (text: string, extra = ""): string =>
    `<th style="${MUTED}; font-weight: normal; padding: 1px 4px; text-align: center${extra}">${escapeHtml(text)}</th>`;
  const gap = (symbol: string): string =>
    `<td style="${MUTED}; padding: 0 4px; text-align: center; border: none">${symbol}</td>`;

  const head = [
    withRowHeader ? th("") : "",
    ...colIdx.map((j) => (j === null ? th("⋯") : th(opts.colLabels?.[j] ?? String(j)))),
  ].join("");
  const body = rowIdx.map((i) => {
    if (i === null) {
      const cells = colIdx.map((j) => gap(j === null ? "⋱" : "⋮"));
      return `<tr>${withRowHeader ? th("⋮") : ""}${cells.join("")}</tr>`;
    }
    const header = withRowHeader ? th(opts.rowLabels?.[i] ?? String(i), "; text-align: right") : "";
    const cells = colIdx.map((j) => {
      if (j === null) return gap("⋯");
      return valueCell(m.data[m.offset + i * m.cols + j], maxAbs, cellName(i, j), showValues);
    });
    return `<tr>${header}${cells.join("")}</tr>`;
  });
  return (
    `<table class="jaclab-heatmap" style="border-collapse: collapse; margin: 0; ${FONT}">${caption ?? ""}` +
    `<thead><tr>${head}</tr></thead><tbody>${body.join("")}</tbody></table>`
  );
}

/** One value: coloured by sign and size, blank when exactly zero, the exact value on hover. */
function valueCell(v: number, maxAbs: number, name: string, showValue: boolean): string {
  const background = divergingColor(v, maxAbs);
  const layout = showValue
    ? `color: ${cssColor(textColorOn(background))}; min-width: 24px; padding: 2px 6px; text-align: right`
    : "width: 12px; height: 12px; padding: 0";
  const style = `background-color: ${cssColor(background)}; ${GRID_LINE}; ${layout}`;
  const text = showValue && v !== 0 ? compactNumber(v) : "";
  return `<td title="${escapeHtml(`${name} = ${String(v)}`)}" style="${style}">${text}</td>`;
}
