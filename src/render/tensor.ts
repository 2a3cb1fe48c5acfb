// The MIME bundle of a tensor: text for every rank, heatmaps, LaTeX and PNG where they help.
import type { MimeBundle, TensorView } from "./mime.js";
import { heatmapGridHtml, heatmapHtml, escapeHtml, type EmbeddedImage } from "./html.js";
import { matrixLatex } from "./latex.js";
import { fittedHeatmapPng } from "./png.js";
import { labelledText, tensorText, type TensorTextOptions } from "./text.js";
import { numberFormat, valueStats } from "./format.js";
import { describeGrid, gridStats, isSampled, sampleGrid } from "./sample.js";
import { checkView, matricesOf, shapeString, sizeOf, type MatrixView } from "./view.js";

/** The MIME types a tensor's bundle may hold. */
export type TensorFormat = "text/plain" | "text/html" | "text/latex" | "image/png";

/** Options for {@link tensorBundle}. */
export interface TensorBundleOptions extends TensorTextOptions {
  /** A heading for the heatmap, LaTeX and text. */
  title?: string;
  /** Names of the rows (a Jacobian's outputs), shown instead of indices. */
  rowLabels?: readonly string[];
  /** Names of the columns (a Jacobian's inputs), shown instead of indices. */
  colLabels?: readonly string[];
  /** Hover text for cell (i, j) of a matrix before ` = value`. */
  cellName?: (i: number, j: number) => string;
  /** Only these MIME types (text/plain is always included); naming `image/png` draws one at any size. */
  formats?: readonly TensorFormat[];
  /** Matrices with at least this many rows or columns also render as a PNG heatmap (default 64). */
  pngThreshold?: number;
  /** Matrices with at most this many rows and columns also render as LaTeX (default 10). */
  latexMaxSize?: number;
}

/**
 * Renders a tensor for a notebook: `text/plain` like PyTorch's repr with the shape; for 1-D and 2-D
 * a `text/html` heatmap (blue negative, red positive, zeros blank, exact values on hover), a
 * `text/latex` bmatrix up to 10×10 and an `image/png` heatmap from 64 rows or columns; for 3-D a grid
 * of heatmaps, one per sample; for higher ranks the text and a summary.
 */
export function tensorBundle(t: TensorView, opts: TensorBundleOptions = {}): MimeBundle {
  checkView(t, "tensorBundle");
  const wanted = (format: TensorFormat): boolean => !opts.formats || opts.formats.includes(format);
  const asked = (format: TensorFormat): boolean => opts.formats?.includes(format) ?? false;
  const bundle: MimeBundle = { "text/plain": plainText(t, opts) };
  const rank = t.shape.length;
  if (rank === 0 || sizeOf(t.shape) === 0) return bundle;
  const heading = { title: opts.title, rowLabels: opts.rowLabels, colLabels: opts.colLabels };
  const cellName = opts.cellName;
  const bigAt = opts.pngThreshold ?? 64;

  if (rank <= 2) {
    const [m] = matricesOf(t);
    // A vector would be a one-pixel strip: its summarised table says more, unless a PNG is asked for.
    const large = rank === 2 && Math.max(m.rows, m.cols) >= bigAt;
    const image = (large && wanted("image/png")) || asked("image/png") ? pngOf(t) : undefined;
    if (image) bundle["image/png"] = image.base64;
    if (wanted("text/html")) {
      bundle["text/html"] = heatmapHtml(m, t.shape, { ...heading, cellName, vector: rank === 1, image });
    }
    const latex = wanted("text/latex")
      ? matrixLatex(m, { ...heading, maxSize: opts.latexMaxSize })
      : undefined;
    if (latex) bundle["text/latex"] = latex;
  } else if (rank === 3) {
    const [batch, rows, cols] = t.shape;
    const large = Math.max(rows, cols) >= bigAt;
    const image = (large && wanted("image/png")) || asked("image/png") ? pngOf(t) : undefined;
    if (image) bundle["image/png"] = image.base64;
    if (wanted("text/html")) {
      const view = { batch, rows, cols, data: t.data };
      bundle["text/html"] = heatmapGridHtml(view, t.shape, { ...heading, cellName, image });
    }
  } else if (wanted("text/html")) {
    const image = wanted("image/png") ? matricisedImage(t, bigAt) : undefined;
    if (image) bundle["image/png"] = image.base64;
    bundle["text/html"] = summaryHtml(t, bundle["text/plain"] as string, opts.title, image);
  }
  return bundle;
}

/** The tensor's text: a labelled table when rows or columns are named, PyTorch's layout otherwise. */
function plainText(t: TensorView, opts: TensorBundleOptions): string {
  if (opts.rowLabels || opts.colLabels) {
    const table = labelledText(t, opts);
    if (table) return table;
  }
  const text = tensorText(t, opts);
  return opts.title ? `${opts.title}\n${text}` : text;
}

// Jupyter's server drops output beyond about 1 MB/s (iopub_data_rate_limit): keep each copy of the image
// (image/png and inside text/html) well under that, pooling a dense matrix's cells when needed.
const PNG_BUDGET_BASE64 = 600_000;

/** A montage never shows more tiles than this, so only these matrices of a batch are ever looked at. */
const MAX_TILES = 36;

/** The matrices of a 1-D to 3-D view, at most `MAX_TILES` of a batch. */
function tilesOf(t: TensorView): MatrixView[] {
  if (t.shape.length < 3) return matricesOf(t);
  const [batch, rows, cols] = t.shape;
  const count = Math.min(batch, MAX_TILES);
  return Array.from({ length: count }, (_, b) => ({ rows, cols, data: t.data, offset: b * rows * cols }));
}

function pngOf(t: TensorView): EmbeddedImage {
  const matrices = tilesOf(t);
  const batch = t.shape.length === 3 ? t.shape[0] : 1;
  const png = fittedHeatmapPng(matrices, PNG_BUDGET_BASE64);
  const notes = [
    ...(png.tiles < batch ? [`samples 0 to ${png.tiles - 1} of ${batch}`] : []),
    ...(png.pool > 1
      ? [
          `${cellName(png.cellWidth, png.cellHeight)} is a ${png.pool}×${png.pool} block ` +
            `(${blockReading(png.pool, png.sampleStep, png.colsRead)})`,
        ]
      : []),
  ];
  const note = notes.length > 0 ? notes.join("; ") : undefined;
  return { base64: png.base64, width: png.width, height: png.height, note };
}

/** What one drawn cell of a pooled image is on screen: "each pixel", or "each 2×2-pixel square". */
function cellName(width: number, height: number): string {
  return width === 1 && height === 1 ? "each pixel" : `each ${width}×${height}-pixel square`;
}

/** 2nd, 3rd, 11th, 22nd. */
function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

/** Which entries of a pooled block its pixel shows the largest magnitude of. */
function blockReading(pool: number, rowStep: number, colsRead: number): string {
  if (rowStep === 1 && colsRead >= pool) return "its largest magnitude";
  const rows = rowStep > 1 ? `every ${ordinal(rowStep)} row` : "every row";
  const entries =
    colsRead >= pool ? rows : `the first ${colsRead === 1 ? "entry" : `${colsRead} entries`} of ${rows}`;
  return `the largest magnitude of ${entries} of it`;
}

/**
 * A tensor of rank 4 or more as a matrix: the first half of its dimensions index the rows and the
 * rest the columns, which is exactly the Jacobian matrix for the Jacobian of a matrix function.
 */
function matricised(t: TensorView): { matrix: MatrixView; cellName: (i: number, j: number) => string } {
  const split = Math.floor(t.shape.length / 2);
  const [rowDims, colDims] = [t.shape.slice(0, split), t.shape.slice(split)];
  const matrix = { rows: sizeOf(rowDims), cols: sizeOf(colDims), data: t.data, offset: 0 };
  const unravel = (k: number, dims: readonly number[]): number[] =>
    dims.reduceRight<number[]>((index, d) => {
      index.unshift(k % d);
      k = Math.floor(k / d);
      return index;
    }, []);
  const cellName = (i: number, j: number): string =>
    `[${[...unravel(i, rowDims), ...unravel(j, colDims)].join(", ")}]`;
  return { matrix, cellName };
}

function matricisedImage(t: TensorView, bigAt: number): EmbeddedImage | undefined {
  const { matrix } = matricised(t);
  if (Math.max(matrix.rows, matrix.cols) < bigAt) return undefined;
  return pngOf({ shape: [matrix.rows, matrix.cols], data: t.data });
}

/** For ranks above 3: statistics, a heatmap of the tensor as a matrix, and the text folded away. */
function summaryHtml(t: TensorView, text: string, title?: string, image?: EmbeddedImage): string {
  const { matrix, cellName } = matricised(t);
  const grid = sampleGrid(matrix.rows, matrix.cols);
  const stats = gridStats(t.data, 0, matrix.rows, matrix.cols, grid);
  const format = numberFormat(stats);
  const mean = stats.sum / stats.count;
  const split = Math.floor(t.shape.length / 2);
  const heatmap = heatmapHtml(matrix, [matrix.rows, matrix.cols], {
    title: `as a ${matrix.rows}×${matrix.cols} matrix (dimensions ${shapeString(t.shape.slice(0, split))} × ${shapeString(t.shape.slice(split))}):`,
    cellName,
    image,
  });
  const sampled = isSampled(grid);
  const facts = [
    `shape ${shapeString(t.shape)}`,
    `min ${format.format(stats.min)}`,
    `max ${format.format(stats.max)}`,
    `mean ${numberFormat(valueStats([mean]), 4).format(mean)}`,
    sampled ? `figures from ${describeGrid(grid)}` : `${stats.nonzero} of ${stats.count} nonzero`,
  ];
  const heading = title ? `<b>${escapeHtml(title)}</b> ` : "";
  return (
    `<div style="font-family: monospace; font-size: 12px">${heading}` +
    `<div style="color: rgb(120, 120, 120); margin: 0 0 6px 0">${facts.join(" · ")}</div>${heatmap}` +
    `<details><summary style="cursor: pointer; color: rgb(120, 120, 120)">values (text)</summary>` +
    `<pre style="margin: 4px 0 0 0">${escapeHtml(text)}</pre></details></div>`
  );
}
