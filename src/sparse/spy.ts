// Spy plots of CSR patterns: an HTML grid for small patterns, a PNG from 64 rows or columns, and text.
import { PNG } from "pngjs";
import { cssColor, type Rgb } from "../render/color.js";
import { escapeHtml } from "../render/html.js";
import type { MimeBundle } from "../render/mime.js";

/** The structure a spy plot draws: CSR rows and columns of an m × n pattern. */
export interface SpySource {
  readonly shape: readonly [number, number];
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly nnz: number;
  readonly density: number;
}

/** How to draw a spy plot. */
export interface SpyOptions {
  /** A heading in bold before the caption. */
  title?: string;
  /** Extra caption parts after shape, nnz and density. */
  notes?: readonly string[];
  /** The palette index of nonzero k at (i, j); all nonzeros share colour 0 by default. */
  colorOf?: (k: number, i: number, j: number) => number;
  /** Colours by palette index (default: one dark blue). */
  palette?: readonly Rgb[];
  /** Hover text of nonzero k at (i, j) in the HTML grid (default `(i, j)`). */
  cellName?: (k: number, i: number, j: number) => string;
  /** HTML placed under the caption (a legend). */
  legendHtml?: string;
  /** Patterns with at least this many rows or columns render as a PNG (default 64). */
  pngThreshold?: number;
}

const INK: Rgb = [31, 64, 122];
const FRAME: Rgb = [170, 170, 170];
const FONT = "font-family: monospace; font-size: 12px";
const MUTED = "color: rgb(120, 120, 120)";
// Longest side drawn with one pixel per entry; a larger pattern is pooled, a block showing any nonzero.
const MAX_PNG_CELLS = 1024;

/** `2048×2048 · 24576 nonzeros · density 0.586%`. */
export function spyFacts(p: SpySource): string[] {
  return [`${p.shape[0]}×${p.shape[1]}`, `${p.nnz} nonzeros`, `density ${percent(p.density)}`];
}

/** A density as a percentage with three significant digits. */
export function percent(density: number): string {
  if (density === 0) return "0%";
  const pct = density * 100;
  return `${pct >= 10 ? pct.toFixed(1) : pct.toPrecision(3)}%`;
}

/** The MIME bundle of a spy plot: text/plain always, text/html, and image/png for large patterns. */
export function spyBundle(p: SpySource, opts: SpyOptions = {}): MimeBundle {
  const [m, n] = p.shape;
  const bundle: MimeBundle = { "text/plain": spyText(p, opts) };
  if (m === 0 || n === 0) return bundle;
  const caption = `<div style="margin: 0 0 4px 0">${captionHtml(p, opts)}</div>${opts.legendHtml ?? ""}`;
  if (Math.max(m, n) >= (opts.pngThreshold ?? 64)) {
    const png = spyPng(p, opts);
    bundle["image/png"] = png.base64;
    const pooled =
      png.pool > 1
        ? `<div style="${MUTED}; margin: 0 0 4px 0">each pixel is a ${png.pool}×${png.pool} block (dark if any entry is nonzero)</div>`
        : "";
    bundle["text/html"] =
      `<div class="jaclab-spy" style="${FONT}">${caption}` +
      `<img src="data:image/png;base64,${png.base64}" width="${png.width}" height="${png.height}" ` +
      `alt="spy plot of a ${m}×${n} pattern" style="display: block; margin: 0 0 4px 0"/>${pooled}</div>`;
  } else {
    bundle["text/html"] = `<div class="jaclab-spy" style="${FONT}">${caption}${spyTable(p, opts)}</div>`;
  }
  return bundle;
}

function captionHtml(p: SpySource, opts: SpyOptions): string {
  const heading = opts.title ? `<b>${escapeHtml(opts.title)}</b> ` : "";
  const parts = [...spyFacts(p), ...(opts.notes ?? [])].map(escapeHtml);
  return `${heading}<span style="${MUTED}">${parts.join(" · ")}</span>`;
}

/** Text: the caption, then for patterns up to 40 × 80 one line per row with `x` for a nonzero. */
export function spyText(p: SpySource, opts: SpyOptions = {}): string {
  const head = [opts.title, [...spyFacts(p), ...(opts.notes ?? [])].join(" · ")].filter(Boolean).join(" ");
  const [m, n] = p.shape;
  if (m === 0 || n === 0 || m > 40 || n > 80) return head;
  const symbols = opts.colorOf ? "0123456789abcdefghijklmnopqrstuvwxyz" : "x";
  const lines: string[] = [];
  for (let i = 0; i < m; i++) {
    const line = new Array<string>(n).fill(".");
    for (let k = p.rowPtr[i]; k < p.rowPtr[i + 1]; k++) {
      const j = p.colIdx[k];
      const c = opts.colorOf ? opts.colorOf(k, i, j) : 0;
      line[j] = c < symbols.length ? symbols[c] : "*";
    }
    lines.push(line.join(""));
  }
  return `${head}\n${lines.join("\n")}`;
}

/** An HTML table with one small square per entry, filled for a nonzero, its index on hover. */
function spyTable(p: SpySource, opts: SpyOptions): string {
  const [m, n] = p.shape;
  const palette = opts.palette ?? [INK];
  const size = Math.max(6, Math.min(14, Math.floor(420 / Math.max(m, n))));
  const labelled = Math.max(m, n) <= 32;
  const cell = `width: ${size}px; height: ${size}px; padding: 0; border: 1px solid rgb(232, 232, 232)`;
  const th = (text: string, align: string): string =>
    `<th style="${MUTED}; font-weight: normal; font-size: 10px; padding: 0 3px; text-align: ${align}">${text}</th>`;
  const head = labelled
    ? `<thead><tr>${th("", "center")}${Array.from({ length: n }, (_, j) => th(String(j), "center")).join("")}</tr></thead>`
    : "";
  const body: string[] = [];
  const filled = new Array<string>(n);
  for (let i = 0; i < m; i++) {
    filled.fill("");
    for (let k = p.rowPtr[i]; k < p.rowPtr[i + 1]; k++) {
      const j = p.colIdx[k];
      const color = palette[(opts.colorOf?.(k, i, j) ?? 0) % palette.length];
      const name = opts.cellName?.(k, i, j) ?? `(${i}, ${j})`;
      filled[j] =
        `<td title="${escapeHtml(name)}" style="${cell}; background-color: ${cssColor(color)}"></td>`;
    }
    const cells = filled.map((html) => html || `<td style="${cell}"></td>`).join("");
    body.push(`<tr>${labelled ? th(String(i), "right") : ""}${cells}</tr>`);
  }
  return (
    `<table class="jaclab-spy-grid" style="border-collapse: collapse; margin: 0; ${FONT}">` +
    `${head}<tbody>${body.join("")}</tbody></table>`
  );
}

/** An encoded spy plot and its geometry. */
export interface SpyPng {
  readonly base64: string;
  readonly width: number;
  readonly height: number;
  /** Pattern entries per pixel block along each axis (1 unless the pattern was pooled). */
  readonly pool: number;
}

/** A PNG spy plot: white background, each nonzero (or pooled block holding one) in its colour, a grey frame. */
export function spyPng(p: SpySource, opts: SpyOptions = {}): SpyPng {
  const [m, n] = p.shape;
  const palette = opts.palette ?? [INK];
  const pool = Math.max(1, Math.ceil(Math.max(m, n) / MAX_PNG_CELLS));
  const [rows, cols] = [Math.ceil(m / pool), Math.ceil(n / pool)];
  const cellPx = Math.max(1, Math.min(8, Math.round(512 / Math.max(rows, cols))));
  // Colour index + 1 of each drawn cell (0 = empty); in a pooled block the first nonzero's colour wins.
  const cells = new Int32Array(rows * cols);
  for (let i = 0; i < m; i++) {
    for (let k = p.rowPtr[i]; k < p.rowPtr[i + 1]; k++) {
      const j = p.colIdx[k];
      const at = Math.floor(i / pool) * cols + Math.floor(j / pool);
      if (cells[at] === 0) cells[at] = ((opts.colorOf?.(k, i, j) ?? 0) % palette.length) + 1;
    }
  }
  const [width, height] = [cols * cellPx + 2, rows * cellPx + 2];
  const png = new PNG({ width, height });
  png.data.fill(255);
  const paint = (x0: number, y0: number, w: number, h: number, [r, g, b]: Rgb): void => {
    for (let y = y0; y < y0 + h; y++) {
      for (let x = x0; x < x0 + w; x++) {
        const q = (y * width + x) * 4;
        png.data[q] = r;
        png.data[q + 1] = g;
        png.data[q + 2] = b;
      }
    }
  };
  paint(0, 0, width, 1, FRAME);
  paint(0, height - 1, width, 1, FRAME);
  paint(0, 0, 1, height, FRAME);
  paint(width - 1, 0, 1, height, FRAME);
  for (let at = 0; at < cells.length; at++) {
    if (cells[at] === 0) continue;
    const [i, j] = [Math.floor(at / cols), at % cols];
    paint(1 + j * cellPx, 1 + i * cellPx, cellPx, cellPx, palette[cells[at] - 1]);
  }
  const base64 = PNG.sync.write(png, { colorType: 2 }).toString("base64");
  return { base64, width, height, pool };
}

/** The bundle of a {@link SparsityPattern}-like source with its standard caption. */
export function patternBundle(p: SpySource): MimeBundle {
  return spyBundle(p, { title: "SparsityPattern" });
}

/** `SparsityPattern 12×12 · 40 nonzeros · density 27.8%`. */
export function patternCaption(p: SpySource): string {
  return `SparsityPattern ${spyFacts(p).join(" · ")}`;
}

/** The caption and, for small patterns, the text spy plot. */
export function patternText(p: SpySource): string {
  return spyText(p, { title: "SparsityPattern" });
}
