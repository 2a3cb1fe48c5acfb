// image/png heatmaps for large matrices (and montages of them for batches), encoded with pngjs.
import { PNG } from "pngjs";
import { divergingColor, type Rgb } from "./color.js";
import type { MatrixView } from "./view.js";

/** Options for {@link heatmapPng}. */
export interface HeatmapPngOptions {
  /** The colour scale saturates at ±maxAbs (default: the largest finite magnitude of all matrices). */
  maxAbs?: number;
  /** About how many pixels the longer side of one heatmap should take (default 512, 160 per tile). */
  targetPx?: number;
  /** Matrices whose longer side exceeds this are pooled, keeping each block's largest magnitude (default 1024). */
  maxCells?: number;
  /** At most this many matrices in a montage (default 36). */
  maxTiles?: number;
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
  /** How many matrices were drawn (a montage may stop before the end of a batch). */
  readonly tiles: number;
}

const FRAME: Rgb = [170, 170, 170];
const GAP_PX = 6;

/**
 * Draws matrices as heatmaps in a grid (one matrix: a single heatmap): each entry at least one pixel,
 * zero white, negative blue, positive red, each matrix framed in grey.
 */
export function heatmapPng(matrices: MatrixView[], opts: HeatmapPngOptions = {}): HeatmapPng {
  const tiles = matrices.slice(0, opts.maxTiles ?? 36);
  const { rows, cols } = tiles[0];
  const pool = Math.max(1, Math.ceil(Math.max(rows, cols) / (opts.maxCells ?? 1024)));
  const [drawnRows, drawnCols] = [Math.ceil(rows / pool), Math.ceil(cols / pool)];
  const target = opts.targetPx ?? (tiles.length > 1 ? 160 : 512);
  // Square cells fill the target; a long thin matrix gets wider (or taller) cells, at most 8:1.
  const square = Math.max(1, Math.min(32, Math.round(target / Math.max(drawnRows, drawnCols))));
  const fit = (n: number): number => Math.max(1, Math.min(32, 8 * square, Math.round(target / 4 / n)));
  const thin = Math.max(drawnRows, drawnCols) >= 8 * Math.min(drawnRows, drawnCols);
  const [cellWidth, cellHeight] = thin
    ? [Math.max(square, fit(drawnCols)), Math.max(square, fit(drawnRows))]
    : [square, square];
  const maxAbs = opts.maxAbs ?? largestMagnitude(tiles);

  const [tileW, tileH] = [drawnCols * cellWidth + 2, drawnRows * cellHeight + 2];
  // Rows of tiles up to about 1000 px wide, or a square grid if that is wider.
  const perRow = Math.max(1, Math.floor((1000 + GAP_PX) / (tileW + GAP_PX)));
  const gridCols = Math.min(tiles.length, Math.max(perRow, Math.ceil(Math.sqrt(tiles.length))));
  const gridRows = Math.ceil(tiles.length / gridCols);
  const width = gridCols * tileW + (gridCols - 1) * GAP_PX;
  const height = gridRows * tileH + (gridRows - 1) * GAP_PX;
  const png = new PNG({ width, height });
  png.data.fill(255);

  const paint = (x0: number, y0: number, w: number, h: number, color: Rgb): void => {
    for (let y = y0; y < y0 + h; y++) {
      for (let x = x0; x < x0 + w; x++) {
        const p = (y * width + x) * 4;
        png.data[p] = color[0];
        png.data[p + 1] = color[1];
        png.data[p + 2] = color[2];
        png.data[p + 3] = 255;
      }
    }
  };
  tiles.forEach((m, t) => {
    const left = (t % gridCols) * (tileW + GAP_PX);
    const top = Math.floor(t / gridCols) * (tileH + GAP_PX);
    paint(left, top, tileW, tileH, FRAME);
    for (let i = 0; i < drawnRows; i++) {
      for (let j = 0; j < drawnCols; j++) {
        const v = pooledValue(m, i * pool, j * pool, pool);
        const [x, y] = [left + 1 + j * cellWidth, top + 1 + i * cellHeight];
        paint(x, y, cellWidth, cellHeight, divergingColor(v, maxAbs));
      }
    }
  });
  const base64 = PNG.sync.write(png, { colorType: 2 }).toString("base64");
  return { base64, width, height, cellWidth, cellHeight, pool, tiles: tiles.length };
}

/** The entry of largest magnitude in a pool×pool block, so that a block is blank only if all of it is zero. */
function pooledValue(m: MatrixView, i0: number, j0: number, pool: number): number {
  let best = 0;
  for (let i = i0; i < Math.min(i0 + pool, m.rows); i++) {
    for (let j = j0; j < Math.min(j0 + pool, m.cols); j++) {
      const v = m.data[m.offset + i * m.cols + j];
      if (Number.isNaN(v)) return v;
      if (Math.abs(v) > Math.abs(best)) best = v;
    }
  }
  return best;
}

function largestMagnitude(matrices: MatrixView[]): number {
  let maxAbs = 0;
  for (const m of matrices) {
    for (let k = m.offset; k < m.offset + m.rows * m.cols; k++) {
      const a = Math.abs(m.data[k]);
      if (Number.isFinite(a) && a > maxAbs) maxAbs = a;
    }
  }
  return maxAbs;
}
