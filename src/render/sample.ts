// Bounded reading of large tensors: captions and images read every entry up to a budget and a regular
// sub-grid beyond it, so that showing a tensor costs about the same at any size (and never allocates in
// proportion to it). Whatever is sampled says so in the output.
import { StatsAccumulator, type ValueStats } from "./format.js";

/** Matrices with at most this many entries are read in full for their statistics and images. */
export const FULL_READ_LIMIT = 1 << 21;
/**
 * How many entries the statistics of a larger matrix are computed from. Scattered reads miss the cache, so
 * this is far below what a contiguous full read of {@link FULL_READ_LIMIT} entries costs.
 */
export const SAMPLE_POINTS = 1 << 16;
/** How many entries the image of a larger matrix reads: one per pixel of a 512×512 heatmap. */
export const IMAGE_SAMPLE_POINTS = 1 << 18;

/** Every `rowStep`-th row and `colStep`-th column of a matrix: the entries a caption or image reads. */
export interface SampleGrid {
  readonly rowStep: number;
  readonly colStep: number;
}

/**
 * All of a rows×cols matrix up to {@link FULL_READ_LIMIT} entries (steps 1, 1); beyond, the finest regular
 * grid with at most `limit` points.
 */
export function sampleGrid(rows: number, cols: number, limit = SAMPLE_POINTS): SampleGrid {
  if (rows * cols <= FULL_READ_LIMIT) return { rowStep: 1, colStep: 1 };
  // The same step on both axes, unless one axis is too short for it.
  let step = Math.ceil(Math.sqrt((rows * cols) / limit));
  if (rows < step) return { rowStep: 1, colStep: Math.ceil((rows * cols) / limit / rows) };
  if (cols < step) return { rowStep: Math.ceil((rows * cols) / limit / cols), colStep: 1 };
  while (Math.ceil(rows / step) * Math.ceil(cols / step) > limit) step++;
  return { rowStep: step, colStep: step };
}

/** Whether a grid skips entries. */
export function isSampled(grid: SampleGrid): boolean {
  return grid.rowStep > 1 || grid.colStep > 1;
}

/** Statistics of a rows×cols matrix stored row-major at `offset` in `data`, over the points of `grid`. */
export function gridStats(
  data: ArrayLike<number>,
  offset: number,
  rows: number,
  cols: number,
  grid: SampleGrid = sampleGrid(rows, cols),
): ValueStats {
  const stats = new StatsAccumulator();
  for (let i = 0; i < rows; i += grid.rowStep) {
    const start = offset + i * cols;
    stats.addStrided(data, start, start + cols, grid.colStep);
  }
  return stats.result();
}

/** "every 7th row and column", "every 48th entry", ... for a caption. */
export function describeGrid(grid: SampleGrid, vector: boolean): string {
  const nth = (n: number): string => `${n}${ordinalSuffix(n)}`;
  if (vector) return `every ${nth(grid.colStep)} entry`;
  if (grid.rowStep === grid.colStep) return `every ${nth(grid.rowStep)} row and column`;
  if (grid.rowStep === 1) return `every ${nth(grid.colStep)} column`;
  if (grid.colStep === 1) return `every ${nth(grid.rowStep)} row`;
  return `every ${nth(grid.rowStep)} row and ${nth(grid.colStep)} column`;
}

function ordinalSuffix(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return "th";
  return ["th", "st", "nd", "rd"][n % 10] ?? "th";
}
