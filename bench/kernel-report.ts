// The soak and huge-tensor parts of `npm run bench:kernel`: what they run, and the tables they print.

/** What bench/kernel_bench.py reports for one kernel. */
export interface Measurement {
  kernel: string;
  start_s: number;
  starts_s: number[];
  cell_s: Record<string, number>;
  soak?: Soak;
  displays?: Display[];
}

/** Per-cell round trips, and every 100 cells the RSS of the kernel's process tree and the load average. */
export interface Soak {
  times_s: number[];
  /** [cell, MB, 1-minute load average]. */
  rss_mb: [number, number, number?][];
}

export interface Display {
  setup: string;
  expression: string;
  /** The median over the rounds, and each round. */
  seconds?: number;
  all_s?: number[];
  status: string;
  alive: boolean;
}

/** The soak's cells, in turn: a cell that declares a large array, and a small Jacobian (issue 10's two cases). */
export const SOAK_CELLS = [
  "const big = new Float64Array(1e6); big.length",
  "const J = jacrev((x: Tensor) => x.mul(x).sin())(tensor([{i}, 2, 3])); J.shape",
];

/** [setup, expression shown]: huge tensors, and a trivial value to compare with; the last one once killed the kernel. */
export const HUGE_TENSORS: [string, string][] = [
  ["const small = 1; 0", "small"],
  ["const z8 = zeros([1e8]); 0", "z8"],
  ["const z44 = zeros([1e4, 1e4]); 0", "z44"],
  ["const r7 = rand([1e7]); 0", "r7"],
  ["const z3 = zeros([3e8]); 0", "z3"],
];

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)];
};

const growth = (from: number, to: number): string => `${((to / from - 1) * 100).toFixed(1)}%`;

/**
 * Per-cell time (for each kind of soak cell: their times differ, so one median over both would jump between
 * them) and RSS, around cell 500 and at the end, and their growth from cell 500 to the end.
 */
export function printSoak(label: string, soak: Soak): void {
  const cells = soak.times_s.length;
  process.stdout.write(`\nsoak of ${cells} cells, ${label} (medians; RSS of the kernel and its children)\n`);
  SOAK_CELLS.forEach((code, kind) => {
    const times = (start: number, end: number): number =>
      median(soak.times_s.slice(start, end).filter((_, i) => (start + i) % SOAK_CELLS.length === kind)) *
      1000;
    const [early, at500, last] = [times(0, 100), times(400, 600), times(Math.max(600, cells - 200), cells)];
    process.stdout.write(
      `  ${code.slice(0, 40)}...: cells 1-100 ${early.toFixed(1)} ms, 401-600 ${at500.toFixed(1)} ms, ` +
        `last 200 ${last.toFixed(1)} ms (growth from cell 500: ${growth(at500, last)}; target under 10%)\n`,
    );
  });
  const rssBetween = (start: number, end: number): number =>
    median(soak.rss_mb.filter(([cell]) => cell > start && cell <= end).map(([, mb]) => mb));
  const [rss500, rssLast] = [rssBetween(400, 600), rssBetween(Math.max(600, cells - 200), cells)];
  process.stdout.write(
    `  RSS: cells 401-600 ${rss500.toFixed(0)} MB, last 200 ${rssLast.toFixed(0)} MB ` +
      `(growth: ${growth(rss500, rssLast)}; target under 10%)\n`,
  );
  if (cells >= 1300) {
    // From cell 1,000 as well: whether memory still grows per cell once everything has warmed up.
    const rss1000 = rssBetween(900, 1100);
    process.stdout.write(
      `  RSS from cell 1000: cells 901-1100 ${rss1000.toFixed(0)} MB, last 200 ${rssLast.toFixed(0)} MB ` +
        `(growth: ${growth(rss1000, rssLast)})\n`,
    );
  }
  const loadBetween = (start: number, end: number): number =>
    median(soak.rss_mb.filter(([cell]) => cell > start && cell <= end).map(([, , load]) => load ?? NaN));
  const loads = [loadBetween(400, 600), loadBetween(Math.max(600, cells - 200), cells)];
  process.stdout.write(
    `  load average (1 min) meanwhile: cells 401-600 ${loads[0].toFixed(2)}, last 200 ${loads[1].toFixed(2)}\n`,
  );
}

/** The round trip of each huge-tensor cell, per kernel, and whether the kernel survived it. */
export function printDisplays(results: { label: string; displays: Display[] }[]): void {
  if (results.length === 0) return;
  process.stdout.write(
    "\nshowing huge tensors (round trip of the cell whose value is shown, median of the rounds; " +
      "target: under 50 ms more than `small`)\n",
  );
  for (const { label, displays } of results) {
    const small = displays.find((d) => d.expression === "small")?.seconds;
    const parts = HUGE_TENSORS.map(([, expression]) => {
      const shown = displays.find((d) => d.expression === expression);
      if (shown === undefined) return `${expression}: -`;
      if (shown.seconds === undefined) return `${expression}: ${shown.status}`;
      const rounds = (shown.all_s ?? []).map((s) => (s * 1000).toFixed(0)).join("/");
      const more =
        expression === "small" || small === undefined
          ? ""
          : `, ${((shown.seconds - small) * 1000).toFixed(0)} more ` +
            `(${shown.seconds - small < 0.05 ? "met" : "MISSED"})`;
      return `${expression}: ${(shown.seconds * 1000).toFixed(0)} ms [${rounds}]${more}${shown.alive ? "" : " (kernel died)"}`;
    });
    process.stdout.write(`  ${label}:\n    ${parts.join("\n    ")}\n`);
  }
}
