// The rich display of a SparseMatrix: the tensor heatmap of its dense form while that stays small, and for
// larger matrices a PNG heatmap pooled straight from the CSR entries (never m × n values), both captioned
// with the shape, the nonzeros and the colours the values were computed with.
import { tensorBundle } from "../render/tensor.js";
import { heatmapPng } from "../render/png.js";
import { compactNumber } from "../render/format.js";
import { escapeHtml } from "../render/html.js";
import type { MimeBundle } from "../render/mime.js";
import type { SparseMatrix } from "./matrix.js";

/** Up to this many entries the dense heatmap (with its hover values and summarised table) is shown. */
const DENSE_DISPLAY_MAX = 1 << 20;
/** Longest side of a pooled PNG, in drawn cells. */
const MAX_CELLS = 1024;
/** Stored entries listed in text/plain. */
const TEXT_ENTRIES = 8;

/** `SparseMatrix 2048×2048 · 12288 nonzeros (0.293%) · 7 colours (column, smallest-last)`. */
export function sparseMatrixTitle(a: SparseMatrix): string {
  const [m, n] = a.shape;
  const parts = [`SparseMatrix ${m}×${n}`, `${a.nnz} nonzeros (${percent(a.density)})`];
  const c = a.source.coloring;
  if (c !== undefined) {
    const mode = a.source.mode;
    const pass = mode === "hessian" ? "Hessian-vector products" : `${mode} mode`;
    const how = mode === undefined ? `${c.kind} colouring` : `${c.kind} colouring, ${pass}`;
    parts.push(`${c.colors} colour${c.colors === 1 ? "" : "s"} (${how}, ${c.ordering})`);
  }
  return parts.join(" · ");
}

function percent(d: number): string {
  if (d === 0) return "0%";
  const p = d * 100;
  return `${p >= 10 ? p.toFixed(1) : p.toPrecision(3)}%`;
}

/** The title line and the first stored entries as `(i, j) value`. */
function sparseText(a: SparseMatrix): string {
  const lines = [sparseMatrixTitle(a)];
  let shown = 0;
  for (let i = 0; i < a.shape[0] && shown < TEXT_ENTRIES; i++) {
    for (let k = a.rowPtr[i]; k < a.rowPtr[i + 1] && shown < TEXT_ENTRIES; k++, shown++) {
      lines.push(`  (${i}, ${a.colIdx[k]})  ${compactNumber(a.values[k], 6)}`);
    }
  }
  if (a.nnz > shown) lines.push(`  … ${a.nnz - shown} more`);
  return lines.join("\n");
}

/** The MIME bundle of a sparse matrix. */
export function sparseMatrixBundle(a: SparseMatrix): MimeBundle {
  const [m, n] = a.shape;
  const title = sparseMatrixTitle(a);
  const text = sparseText(a);
  if (m === 0 || n === 0) return { "text/plain": text };
  if (m * n <= DENSE_DISPLAY_MAX) return { ...tensorBundle(a.toDense(), { title }), "text/plain": text };
  const png = pooledHeatmap(a);
  const html =
    `<div class="jaclab-tensor" style="font-family: monospace; font-size: 12px">` +
    `<div style="margin: 0 0 4px 0"><b>${escapeHtml(title)}</b> ` +
    `<span style="color: rgb(120, 120, 120)">· drawn ${png.pool}×${png.pool} entries per pixel, the largest magnitude of each block</span></div>` +
    `<img class="jaclab-heatmap-image" src="data:image/png;base64,${png.base64}" width="${png.width}" ` +
    `height="${png.height}" alt="${escapeHtml(`heatmap of a ${m}×${n} sparse matrix`)}"/></div>`;
  return { "text/plain": text, "text/html": html, "image/png": png.base64 };
}

/** A heatmap PNG of blocks of pool × pool entries, each the block's largest-magnitude stored value. */
function pooledHeatmap(a: SparseMatrix): { base64: string; width: number; height: number; pool: number } {
  const [m, n] = a.shape;
  const pool = Math.max(1, Math.ceil(Math.max(m, n) / MAX_CELLS));
  const rows = Math.ceil(m / pool);
  const cols = Math.ceil(n / pool);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < m; i++) {
    const r = Math.floor(i / pool) * cols;
    for (let k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
      const at = r + Math.floor(a.colIdx[k] / pool);
      const v = a.values[k];
      if (Number.isNaN(v) || Math.abs(v) > Math.abs(data[at])) data[at] = v;
    }
  }
  const img = heatmapPng([{ rows, cols, data, offset: 0 }], { maxCells: MAX_CELLS });
  return { base64: img.base64, width: img.width, height: img.height, pool };
}
