// image/png heatmaps for large matrices (and montages of them for batches), as indexed-colour PNGs. The
// matrices are read once into grids of pooled cells (a bounded number of entries, sampled beyond a budget);
// coarser images are pooled from those cells, so fitting an image into a size budget never re-reads them.
import { deflateSync } from "node:zlib";
import { MIN_NONZERO_INTENSITY, NAN_COLOR, scaleColor, ZERO_COLOR, type Rgb } from "./color.js";
import { encodeIndexedPng } from "./png-encode.js";
import { FULL_READ_LIMIT, IMAGE_READ_LIMIT } from "./sample.js";
import type { MatrixView } from "./view.js";

/** Options for {@link heatmapPng}. */
export interface HeatmapPngOptions {
  /** The colour scale saturates at ±maxAbs (default: the largest finite magnitude read). */
  maxAbs?: number;
  /** About how many pixels the longer side of one heatmap should take (default 512, 160 per tile). */
  targetPx?: number;
  /**
   * Matrices whose longer side exceeds this are pooled, keeping each block's largest magnitude (default 1024
   * for one matrix; less per tile in a montage, so that it stays about a million cells in all).
   */
  maxCells?: number;
  /** At most this many matrices in a montage (default 36). */
  maxTiles?: number;
  /**
   * Matrices with more entries than this are sampled (default {@link FULL_READ_LIMIT}): some rows of each
   * pooled block are read, whole, at most {@link IMAGE_READ_LIMIT} entries in all, so huge ones cost no more.
   */
  readLimit?: number;
}

/** An encoded heatmap and its geometry. */
export interface HeatmapPng {
  /** The PNG file, base64-encoded as Jupyter's image/png wants it. */
  readonly base64: string;
  readonly width: number;
  readonly height: number;
  /** Pixels per drawn cell across (a column) and down (a row); equal unless the matrix is long and thin. */
  readonly cellWidth: number;
  readonly cellHeight: number;
  /** Matrix entries per drawn cell along each axis (1 unless the matrix was pooled). */
  readonly pool: number;
  /** Within a pooled block, every `sampleStep`-th row was read (1: the whole block). */
  readonly sampleStep: number;
  /** Within those rows, the first `colsRead` entries of each block were read (`pool`: all of them). */
  readonly colsRead: number;
  /** How many matrices were drawn (a montage may stop before the end of a batch). */
  readonly tiles: number;
}

const FRAME: Rgb = [170, 170, 170];
const GAP_PX = 6;
/** Shades of the diverging scale on each side of zero (the palette has 256 entries at most). */
const LEVELS = 126;
const [WHITE, GREY, FRAME_INDEX, FIRST_NEGATIVE] = [0, 1, 2, 3];
const FIRST_POSITIVE = FIRST_NEGATIVE + LEVELS;

/** White, NaN grey, the frame, then the blue shades (light to dark), then the red ones. */
const PALETTE: readonly Rgb[] = (() => {
  const shade = (k: number): number =>
    MIN_NONZERO_INTENSITY + ((1 - MIN_NONZERO_INTENSITY) * k) / (LEVELS - 1);
  const negative = Array.from({ length: LEVELS }, (_, k) => scaleColor(-shade(k)));
  const positive = Array.from({ length: LEVELS }, (_, k) => scaleColor(shade(k)));
  return [ZERO_COLOR, NAN_COLOR, FRAME, ...negative, ...positive];
})();

/** The palette index of `value` on the scale saturating at ±maxAbs (the HTML's colours, in 126 shades). */
function colourIndex(value: number, maxAbs: number): number {
  if (value === 0) return WHITE;
  if (Number.isNaN(value)) return GREY;
  const magnitude = Number.isFinite(value) && maxAbs > 0 ? Math.min(Math.abs(value) / maxAbs, 1) : 1;
  return (value < 0 ? FIRST_NEGATIVE : FIRST_POSITIVE) + Math.round(magnitude * (LEVELS - 1));
}

/** Matrices read into cells: each cell holds the entry of largest magnitude of its pool×pool block. */
interface CellGrids {
  readonly rows: number;
  readonly cols: number;
  /** One row-major grid of `rows`×`cols` cells per tile. */
  readonly cells: Float64Array[];
  readonly pool: number;
  readonly sampleStep: number;
  readonly colsRead: number;
  /** The largest finite magnitude read. */
  readonly maxAbs: number;
}

/** The larger of two magnitudes, NaN if either is NaN (a block with a NaN shows grey). */
function keepLarger(kept: number, v: number): number {
  if (Number.isNaN(kept) || Number.isNaN(v)) return NaN;
  return Math.abs(v) > Math.abs(kept) ? v : kept;
}

/**
 * A sampled image has at most this many cells (256 a side, drawn 2×2 pixels each in the default 512 px):
 * a huge matrix's image costs one row of it per row of cells, and its page faults when it was never touched.
 */
const SAMPLED_CELLS = 1 << 16;

/**
 * Reads the first `maxTiles` matrices into cell grids: at most about a million cells in all; beyond
 * `readLimit` entries, at most {@link SAMPLED_CELLS} cells, each from some rows of its block, and of those
 * rows (when even one row per block would be more than {@link IMAGE_READ_LIMIT} entries) the first
 * entries in the block. Reads are contiguous runs in a row, which matters for a tensor whose pages are not
 * touched yet, and a block's first row and column are always read: a diagonal always shows.
 */
function readCells(matrices: MatrixView[], opts: HeatmapPngOptions): CellGrids {
  const tiles = matrices.slice(0, opts.maxTiles ?? 36);
  const { rows, cols } = tiles[0];
  const sampled = tiles.length * rows * cols > (opts.readLimit ?? FULL_READ_LIMIT);
  const cellBudget = sampled ? SAMPLED_CELLS : 1 << 20;
  const sideCells = Math.min(opts.maxCells ?? 1024, Math.floor(Math.sqrt(cellBudget / tiles.length)));
  const pool = Math.max(1, Math.ceil(Math.max(rows, cols) / sideCells));
  const [cellRows, cellCols] = [Math.ceil(rows / pool), Math.ceil(cols / pool)];
  // Rows read per block and entries read per block row, so that at most IMAGE_READ_LIMIT are read.
  const rowReads = tiles.length * cellRows * cols;
  const rowsPerBlock = Math.max(1, Math.floor(IMAGE_READ_LIMIT / rowReads));
  const sampleStep = sampled ? Math.max(1, Math.ceil(pool / rowsPerBlock)) : 1;
  const blockReads = Math.floor(IMAGE_READ_LIMIT / (tiles.length * cellRows * cellCols));
  const colsRead = sampled && rowReads > IMAGE_READ_LIMIT ? Math.max(1, Math.min(pool, blockReads)) : pool;
  let maxAbs = 0;
  const cells = tiles.map((m) => {
    const grid = new Float64Array(cellRows * cellCols);
    for (let ci = 0; ci < cellRows; ci++) {
      for (let i = ci * pool; i < Math.min((ci + 1) * pool, rows); i += sampleStep) {
        const rowMax = poolRow(m.data, m.offset + i * cols, cols, pool, colsRead, grid, ci * cellCols);
        if (rowMax > maxAbs) maxAbs = rowMax;
      }
    }
    return grid;
  });
  return { rows: cellRows, cols: cellCols, cells, pool, sampleStep, colsRead, maxAbs };
}

/**
 * Pools one matrix row into a row of cells: each cell keeps the entry of largest magnitude of the first
 * `colsRead` of its `pool` columns, NaN if one of them is NaN. Returns the largest finite magnitude read.
 * One tight loop per block and one merge per cell: every huge heatmap spends its time here.
 */
function poolRow(
  data: Float64Array,
  rowStart: number,
  cols: number,
  pool: number,
  colsRead: number,
  grid: Float64Array,
  cellStart: number,
): number {
  let finiteMax = 0;
  const rowEnd = rowStart + cols;
  for (let start = rowStart, k = cellStart; start < rowEnd; start += pool, k++) {
    const end = Math.min(start + colsRead, rowEnd);
    let best = 0;
    let bestAbs = 0;
    for (let p = start; p < end; p++) {
      const v = data[p];
      const a = Math.abs(v);
      if (a > bestAbs) {
        bestAbs = a;
        best = v;
      } else if (a !== a) {
        // NaN: nothing is larger, so it stays the block's entry.
        bestAbs = Infinity;
        best = NaN;
      }
      if (a > finiteMax && a !== Infinity) finiteMax = a;
    }
    // keepLarger, inlined by hand: this merge runs once per cell of every huge heatmap.
    const kept = grid[k];
    if (best !== best || kept !== kept) grid[k] = NaN;
    else if (bestAbs > Math.abs(kept)) grid[k] = best;
  }
  return finiteMax;
}

/** Cells pooled `factor`×`factor` again (largest magnitude, NaN wins), for a coarser image. */
function coarsen(grids: CellGrids, factor: number, tiles: number): CellGrids {
  if (factor === 1 && tiles === grids.cells.length) return grids;
  const [rows, cols] = [Math.ceil(grids.rows / factor), Math.ceil(grids.cols / factor)];
  const cells = grids.cells.slice(0, tiles).map((fine) => {
    const grid = new Float64Array(rows * cols);
    for (let i = 0; i < grids.rows; i++) {
      for (let j = 0; j < grids.cols; j++) {
        const v = fine[i * grids.cols + j];
        const k = Math.floor(i / factor) * cols + Math.floor(j / factor);
        grid[k] = keepLarger(grid[k], v);
      }
    }
    return grid;
  });
  return { ...grids, rows, cols, cells, pool: grids.pool * factor };
}

/** Lays cell grids out as framed tiles and paints them into an indexed image. */
function draw(grids: CellGrids, opts: HeatmapPngOptions): HeatmapPng {
  const { rows: drawnRows, cols: drawnCols, cells } = grids;
  const target = opts.targetPx ?? (cells.length > 1 ? 160 : 512);
  // Square cells fill the target; a long thin matrix gets wider (or taller) cells, at most 8:1.
  const square = Math.max(1, Math.min(32, Math.round(target / Math.max(drawnRows, drawnCols))));
  const fit = (n: number): number => Math.max(1, Math.min(32, 8 * square, Math.round(target / 4 / n)));
  const thin = Math.max(drawnRows, drawnCols) >= 8 * Math.min(drawnRows, drawnCols);
  const [cellWidth, cellHeight] = thin
    ? [Math.max(square, fit(drawnCols)), Math.max(square, fit(drawnRows))]
    : [square, square];
  const maxAbs = opts.maxAbs ?? grids.maxAbs;

  const [tileW, tileH] = [drawnCols * cellWidth + 2, drawnRows * cellHeight + 2];
  // Rows of tiles up to about 1000 px wide, or a square grid if that is wider.
  const perRow = Math.max(1, Math.floor((1000 + GAP_PX) / (tileW + GAP_PX)));
  const gridCols = Math.min(cells.length, Math.max(perRow, Math.ceil(Math.sqrt(cells.length))));
  const gridRows = Math.ceil(cells.length / gridCols);
  const width = gridCols * tileW + (gridCols - 1) * GAP_PX;
  const height = gridRows * tileH + (gridRows - 1) * GAP_PX;
  const pixels = new Uint8Array(width * height); // all white

  cells.forEach((grid, t) => {
    const left = (t % gridCols) * (tileW + GAP_PX);
    const top = Math.floor(t / gridCols) * (tileH + GAP_PX);
    pixels.fill(FRAME_INDEX, top * width + left, top * width + left + tileW);
    for (let i = 0; i < drawnRows; i++) {
      // The first pixel row of this row of cells, then copies of it down the cells' height.
      const y0 = top + 1 + i * cellHeight;
      const row = y0 * width + left;
      pixels[row] = FRAME_INDEX;
      for (let j = 0; j < drawnCols; j++) {
        // A loop, not pixels.fill: a call per cell cost more than the painting of a 1-pixel cell.
        const colour = colourIndex(grid[i * drawnCols + j], maxAbs);
        for (let x = row + 1 + j * cellWidth, end = x + cellWidth; x < end; x++) pixels[x] = colour;
      }
      pixels[row + tileW - 1] = FRAME_INDEX;
      for (let y = y0 + 1; y < y0 + cellHeight; y++) pixels.copyWithin(y * width + left, row, row + tileW);
    }
    const bottom = (top + tileH - 1) * width + left;
    pixels.fill(FRAME_INDEX, bottom, bottom + tileW);
  });
  const base64 = encodeIndexedPng(width, height, PALETTE, pixels).toString("base64");
  const { pool, sampleStep, colsRead } = grids;
  return { base64, width, height, cellWidth, cellHeight, pool, sampleStep, colsRead, tiles: cells.length };
}

/**
 * Draws matrices as heatmaps in a grid (one matrix: a single heatmap): each entry at least one pixel,
 * zero white, negative blue, positive red, each matrix framed in grey. Reads at most about `readLimit`
 * entries and draws at most about a million cells, whatever the size of the matrices.
 */
export function heatmapPng(matrices: MatrixView[], opts: HeatmapPngOptions = {}): HeatmapPng {
  return draw(readCells(matrices, opts), opts);
}

/**
 * The finest heatmap whose base64 fits in `budget` characters: fewer tiles of a batch first (16, 9, 4), then
 * cells pooled 2×2 again and again (down to 64 a side). The compressed size per cell is estimated once, from
 * bands of cell rows; the first try predicted to fit is drawn, and a coarser one only if it did not fit.
 */
export function fittedHeatmapPng(
  matrices: MatrixView[],
  budget: number,
  opts: HeatmapPngOptions = {},
): HeatmapPng {
  const grids = readCells(matrices, opts);
  const tileCounts = [grids.cells.length, ...[16, 9, 4].filter((n) => n < grids.cells.length)];
  const tries: [number, number][] = tileCounts.map((tiles) => [tiles, 1]);
  const fewest = tileCounts[tileCounts.length - 1];
  for (let factor = 2; Math.max(grids.rows, grids.cols) / (factor / 2) > 64; factor *= 2) {
    tries.push([fewest, factor]);
  }
  const perCell = base64PerCell(grids);
  let png: HeatmapPng | undefined;
  for (const [index, [tiles, factor]] of tries.entries()) {
    const cells = tiles * Math.ceil(grids.rows / factor) * Math.ceil(grids.cols / factor);
    const final = index === tries.length - 1;
    if (!final && cells * perCell > budget) continue;
    png = draw(coarsen(grids, factor, tiles), { ...opts, maxAbs: opts.maxAbs ?? grids.maxAbs });
    if (png.base64.length <= budget || final) return png;
  }
  return png ?? draw(grids, opts);
}

/** Base64 characters per cell once deflated, from bands of 16 cell rows spread over the tiles (≤ 64k cells). */
function base64PerCell(grids: CellGrids): number {
  const { rows, cols, cells } = grids;
  const band = Math.min(16, rows);
  const bands = Math.max(
    1,
    Math.min(cells.length * Math.ceil(rows / band), Math.floor(65536 / (band * cols))),
  );
  const sample = new Uint8Array(bands * band * cols);
  let k = 0;
  for (let b = 0; b < bands; b++) {
    // Band b of all the tiles' bands, evenly spaced.
    const position = Math.floor((b * cells.length * Math.ceil(rows / band)) / bands);
    const grid = cells[Math.floor(position / Math.ceil(rows / band))];
    const top = Math.min(rows - band, (position % Math.ceil(rows / band)) * band);
    for (let i = top; i < top + band; i++) {
      for (let j = 0; j < cols; j++) sample[k++] = colourIndex(grid[i * cols + j], grids.maxAbs);
    }
  }
  return (deflateSync(sample.subarray(0, k), { level: 6 }).length * 4) / 3 / Math.max(1, k);
}
