// text/html for tensors: heatmap tables with a diverging scale, blank zeros and exact values on hover.
// Only inline styles with rgb() colours and px sizes, which JupyterLab's sanitiser keeps.
import { cssColor, divergingColor, scaleGradient, textColorOn } from "./color.js";
import { numberFormat, type NumberFormat, type ValueStats } from "./format.js";
import { describeGrid, gridStats, isSampled, sampleGrid, type SampleGrid } from "./sample.js";
import { edgeIndices, type MatrixView } from "./view.js";

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
  /** Print each value in its cell; by default only when at most 16 columns of values are shown. */
  showValues?: boolean;
}

/** A batch of equally shaped matrices stored one after another (a 3-D tensor). */
export interface BatchView {
  readonly batch: number;
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** What the caption and the cells of one heatmap share: the statistics and the one number format. */
interface Numbers {
  readonly stats: ValueStats;
  readonly format: NumberFormat;
  /** The entries the statistics were computed from (every entry unless the matrix is huge). */
  readonly grid: SampleGrid;
}

function numbersOf(data: Float64Array, offset: number, rows: number, cols: number): Numbers {
  const grid = sampleGrid(rows, cols);
  const stats = gridStats(data, offset, rows, cols, grid);
  return { stats, format: numberFormat(stats), grid };
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
const NO_WRAP = "white-space: nowrap";

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
  const numbers = numbersOf(m.data, m.offset, m.rows, m.cols);
  const caption = captionHtml(shape, numbers, { title: opts.title, gapPx: 4 });
  const table = matrixTable(m, numbers, opts);
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
  batch: BatchView,
  shape: readonly number[],
  opts: HeatmapHtmlOptions & { image?: EmbeddedImage; maxSamples?: number } = {},
): string {
  const { rows, cols, data } = batch;
  // The batch read as one tall matrix, so that its statistics share one budget.
  const numbers = numbersOf(data, 0, batch.batch * rows, cols);
  const note = "one heatmap per sample, shared colour scale";
  const caption = captionHtml(shape, numbers, { title: opts.title, note, gapPx: opts.image ? 4 : 6 });
  if (opts.image) {
    return `<div class="jaclab-tensor" style="${FONT}">${caption}${imageHtml(opts.image, `heatmaps of a ${shape.join("×")} tensor`)}</div>`;
  }
  const edge = Math.max(1, Math.floor((opts.maxSamples ?? 12) / 2));
  const tiles = edgeIndices(batch.batch, edge).map((b) => {
    const box = "display: inline-block; vertical-align: top; margin: 0 10px 10px 0";
    if (b === null) {
      const hidden = batch.batch - 2 * edge;
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
    const tile = { rows, cols, data, offset: b * rows * cols };
    return `<div style="${box}">${matrixTable(tile, numbers, tileOpts, label)}</div>`;
  });
  return `<div class="jaclab-tensor jaclab-batch" style="${FONT}">${caption}<div>${tiles.join("")}</div></div>`;
}

/**
 * A caption: title, shape, min, max (in the cells' number format), the nonzero count and a legend of the
 * colour scale; for a huge matrix, which entries the figures come from. In a narrow place (an Output widget
 * beside controls) it wraps between its parts, never inside one: each part, and the legend with its two
 * numbers, stays on one line, and a line ends with its part's "·" rather than starting with it.
 */
function captionHtml(
  shape: readonly number[],
  numbers: Numbers,
  opts: { title?: string; note?: string; gapPx: number },
): string {
  const { stats, format, grid } = numbers;
  const sampled = isSampled(grid);
  const about = sampled ? "≈ " : "";
  // Short parts stay on one line; long remarks wrap like prose.
  const parts: { text: string; whole: boolean }[] = [
    `shape [${shape.join(", ")}]`,
    `min ${format.format(stats.min)}`,
    `max ${format.format(stats.max)}`,
    sampled
      ? `${about}${percent(stats.nonzero / stats.count)} nonzero`
      : `${stats.nonzero} of ${stats.count} nonzero`,
  ].map((text) => ({ text, whole: true }));
  if (sampled) parts.push({ text: `figures from ${describeGrid(grid)}`, whole: false });
  if (opts.note) parts.push({ text: opts.note, whole: false });
  const body = parts
    .map(({ text, whole }, k) => {
      const shown = escapeHtml(k < parts.length - 1 ? `${text} ·` : text);
      return whole ? `<span class="jaclab-caption-part" style="${NO_WRAP}">${shown}</span>` : shown;
    })
    .join(" ");
  const heading = opts.title ? `<b>${escapeHtml(opts.title)}</b> ` : "";
  return (
    `<div class="jaclab-caption" style="margin: 0 0 ${opts.gapPx}px 0">` +
    `${heading}<span style="${MUTED}">${body}</span> ${legendHtml(stats.maxAbs, format)}</div>`
  );
}

function percent(fraction: number): string {
  const value = fraction * 100;
  return `${value === 0 || value >= 10 ? value.toFixed(0) : value.toPrecision(2)}%`;
}

/** The colour bar from −maxAbs (blue) through 0 (white) to +maxAbs (red). */
function legendHtml(maxAbs: number, format: NumberFormat): string {
  if (!(maxAbs > 0)) return "";
  const [low, high] = [format.format(-maxAbs), format.format(maxAbs)];
  const bar =
    `<span title="colour scale: ${low} (blue) to ${high} (red)" ` +
    `style="display: inline-block; width: 72px; height: 9px; margin: 0 4px; vertical-align: middle; ` +
    `border: 1px solid rgb(200, 200, 200); background: ${scaleGradient()}"></span>`;
  return `<span class="jaclab-caption-part" style="${MUTED}; ${NO_WRAP}">${low}${bar}${high}</span>`;
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
  numbers: Numbers,
  opts: HeatmapHtmlOptions & { vector?: boolean },
  caption?: string,
): string {
  const maxFull = opts.maxFull ?? 32;
  const edge = opts.edge ?? 8;
  const rowIdx = edgeIndices(m.rows, m.rows > maxFull ? edge : Infinity);
  const colIdx = edgeIndices(m.cols, m.cols > maxFull ? edge : Infinity);
  const shownCols = colIdx.filter((j) => j !== null).length;
  const showValues = opts.showValues ?? shownCols <= 16;
  const cellName = opts.cellName ?? ((i: number, j: number) => (opts.vector ? `[${j}]` : `[${i}, ${j}]`));
  const withRowHeader = !opts.vector || opts.rowLabels !== undefined;
  const { maxAbs } = numbers.stats;

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
      const v = m.data[m.offset + i * m.cols + j];
      return valueCell(v, maxAbs, cellName(i, j), showValues ? numbers.format : undefined);
    });
    return `<tr>${header}${cells.join("")}</tr>`;
  });
  return (
    `<table class="jaclab-heatmap" style="border-collapse: collapse; margin: 0; ${FONT}">${caption ?? ""}` +
    `<thead><tr>${head}</tr></thead><tbody>${body.join("")}</tbody></table>`
  );
}

/** One value: coloured by sign and size, blank when exactly zero, the exact value on hover. */
function valueCell(v: number, maxAbs: number, name: string, format: NumberFormat | undefined): string {
  const background = divergingColor(v, maxAbs);
  const layout = format
    ? `color: ${cssColor(textColorOn(background))}; min-width: 24px; padding: 2px 6px; text-align: right`
    : "width: 12px; height: 12px; padding: 0";
  const style = `background-color: ${cssColor(background)}; ${GRID_LINE}; ${layout}`;
  const text = format && v !== 0 ? format.format(v) : "";
  return `<td title="${escapeHtml(`${name} = ${String(v)}`)}" style="${style}">${text}</td>`;
}
