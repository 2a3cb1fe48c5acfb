// Bounded reading of large tensors: captions and images read every entry up to a budget, and beyond it a
// sample made of short contiguous runs spread over the rows, so that showing a tensor costs about the same
// at any size and never allocates in proportion to it. Contiguous runs matter: a freshly allocated tensor
// (zeros) is not in memory yet, and scattered reads would fault in a page each. What is sampled says so.
import { StatsAccumulator, type ValueStats } from "./format.js";

/** Matrices with at most this many entries are read in full for their statistics and images. */
export const FULL_READ_LIMIT = 1 << 21;
/** How many entries the statistics of a larger matrix are computed from. */
export const SAMPLE_POINTS = 1 << 16;
/**
 * How many entries the image of a larger matrix reads at most: four per drawn cell (a sampled image draws at
 * most 256×256), so that showing it costs about what is shown (plus the page faults of one row per drawn
 * row of cells, for a tensor whose pages were never touched).
 */
export const IMAGE_READ_LIMIT = 1 << 18;
/** Entries per contiguous run of a sample. */
const RUN_LENGTH = 256;
/** Successive sampled rows start their runs this fraction of a run step apart, so the runs spread. */
const STAGGER = 0.618034;

/** Which entries of a rows×cols matrix are read: runs of `runLength` every `runStep` in every `rowStep`-th row. */
export interface SampleGrid {
  readonly rowStep: number;
  readonly runLength: number;
  readonly runStep: number;
  /** How many entries that is. */
  readonly points: number;
}

/**
 * All of a rows×cols matrix up to {@link FULL_READ_LIMIT} entries; beyond, about `limit` entries in runs,
 * spread over rows and columns in proportion to the matrix's shape.
 */
export function sampleGrid(rows: number, cols: number, limit = SAMPLE_POINTS): SampleGrid {
  if (rows * cols <= FULL_READ_LIMIT)
    return { rowStep: 1, runLength: cols, runStep: cols, points: rows * cols };
  const runLength = Math.min(cols, RUN_LENGTH);
  const runsPerRow = Math.ceil(cols / runLength);
  const runs = Math.max(1, Math.floor(limit / runLength));
  const fraction = Math.sqrt(runs / (rows * runsPerRow));
  // Every sampled row has at least one run, so there are never more sampled rows than runs.
  const sampledRows = Math.max(1, Math.min(rows, runs, Math.round(rows * fraction)));
  const sampledRuns = Math.max(1, Math.min(runsPerRow, Math.floor(runs / sampledRows)));
  const rowStep = Math.max(1, Math.floor(rows / sampledRows));
  const runStep = Math.max(runLength, Math.floor(cols / sampledRuns));
  const points = Math.ceil(rows / rowStep) * Math.ceil(cols / runStep) * runLength;
  return { rowStep, runLength, runStep, points };
}

/** Whether a grid skips entries. */
export function isSampled(grid: SampleGrid): boolean {
  return grid.rowStep > 1 || grid.runStep > grid.runLength;
}

/** Calls `visit(start, end)` for each run of entries of the grid, as offsets into row-major data at `offset`. */
export function forEachRun(
  offset: number,
  rows: number,
  cols: number,
  grid: SampleGrid,
  visit: (start: number, end: number) => void,
): void {
  const { rowStep, runLength, runStep } = grid;
  for (let i = 0, k = 0; i < rows; i += rowStep, k++) {
    const shift = runStep > runLength ? Math.floor(k * STAGGER * runStep) % (runStep - runLength + 1) : 0;
    for (let j = shift; j < cols; j += runStep) {
      const start = offset + i * cols + j;
      visit(start, start + Math.min(runLength, cols - j));
    }
  }
}

/** Statistics of a rows×cols matrix stored row-major at `offset` in `data`, over the entries of `grid`. */
export function gridStats(
  data: ArrayLike<number>,
  offset: number,
  rows: number,
  cols: number,
  grid: SampleGrid = sampleGrid(rows, cols),
): ValueStats {
  const stats = new StatsAccumulator();
  forEachRun(offset, rows, cols, grid, (start, end) => stats.addStrided(data, start, end, 1));
  return stats.result();
}

/** "a sample of 65,536 entries", for a caption (grouped by hand: toLocaleString loads ICU data, slowly). */
export function describeGrid(grid: SampleGrid): string {
  return `a sample of ${String(grid.points).replace(/\B(?=(\d{3})+$)/g, ",")} entries`;
}
