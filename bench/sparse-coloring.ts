// The colouring table of `npm run bench:sparse`: jaclab's colour counts and times per ordering on the
// 2-D Brusselator's Jacobian, beside networkx's greedy strategies on the same column intersection graph.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { coloring, type Ordering } from "../src/sparse/coloring.js";
import { VERTEX_ORDERINGS } from "../src/sparse/coloring-orderings.js";
import { isValidColumnColoring } from "../src/sparse/coloring-validate.js";
import type { SparsityPattern } from "../src/sparse/pattern.js";
import { brusselatorPattern } from "../src/sparse/testing/brusselator-pattern.js";
import { timeCase } from "./core-timing.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PEER_SCRIPT = join(ROOT, "bench", "sparse_coloring_peers.py");
const ORDERINGS: readonly Ordering[] = [...VERTEX_ORDERINGS, "best"];

/** Options of {@link coloringBenchmark}. */
export interface ColoringBenchOptions {
  /** Grid sizes N (the Brusselator has 2N² unknowns); default 8, 16, 32, 64. */
  sizes?: readonly number[];
  /** Timing budget per case in ms (plus as long again of warm-up); default 300. */
  budgetMs?: number;
  /** The Python with networkx; default .venv-peers/bin/python in the repository. */
  python?: string;
  /** networkx's independent_set and saturation_largest_first take minutes beyond this many columns. */
  slowStrategyLimit?: number;
}

/** One ordering's (or strategy's) result on one pattern. */
export interface ColoringCount {
  colors: number;
  /** Milliseconds per colouring (jaclab: median after warm-up; networkx: one run of greedy_color). */
  ms: number;
}

/** The results for one grid size. */
export interface ColoringBenchRow {
  N: number;
  columns: number;
  nnz: number;
  jaclab: Record<string, ColoringCount & { winner?: string }>;
  /** networkx strategy → result, or the reason it is missing. */
  networkx: Record<string, ColoringCount> | { error: string };
}

/** Times every jaclab ordering on the Brusselator at each N and asks networkx to colour the same graphs. */
export function coloringBenchmark(opts: ColoringBenchOptions = {}): ColoringBenchRow[] {
  const sizes = opts.sizes ?? [8, 16, 32, 64];
  const patterns = sizes.map((N) => brusselatorPattern(N));
  const peers = networkxCounts(patterns, opts);
  return sizes.map((N, s) => {
    const p = patterns[s];
    const jaclab: ColoringBenchRow["jaclab"] = {};
    for (const ordering of ORDERINGS) {
      const c = coloring(p, { kind: "column", ordering });
      if (!isValidColumnColoring(p, c.groups)) throw new Error(`invalid ${ordering} colouring at N = ${N}`);
      const { us } = timeCase(() => coloring(p, { kind: "column", ordering }), opts.budgetMs ?? 300, "cpu");
      jaclab[ordering] = {
        colors: c.colors,
        ms: us / 1000,
        ...(ordering === "best" ? { winner: c.ordering } : {}),
      };
    }
    return { N, columns: p.shape[1], nnz: p.nnz, jaclab, networkx: peers[s] };
  });
}

function networkxCounts(
  patterns: SparsityPattern[],
  opts: ColoringBenchOptions,
): ColoringBenchRow["networkx"][] {
  const python = opts.python ?? join(ROOT, ".venv-peers", "bin", "python");
  const missing = (error: string) => patterns.map(() => ({ error }));
  if (!existsSync(python)) {
    return missing(`no ${python}: ln -s /work/main/.venv-peers .venv-peers (or bash scripts/setup-peers.sh)`);
  }
  const input = JSON.stringify(
    patterns.map((p) => ({
      m: p.shape[0],
      n: p.shape[1],
      rowPtr: Array.from(p.rowPtr),
      colIdx: Array.from(p.colIdx),
    })),
  );
  const limit = String(opts.slowStrategyLimit ?? 2048);
  const run = spawnSync(python, [PEER_SCRIPT, "--slow-limit", limit], {
    input,
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  if (run.status !== 0)
    return missing(`networkx script failed: ${(run.stderr || run.error?.message || "").trim()}`);
  return run.stdout
    .trim()
    .split("\n")
    .map((line) => {
      const parsed = JSON.parse(line) as { strategies: Record<string, { colors: number; seconds: number }> };
      const out: Record<string, ColoringCount> = {};
      for (const [name, r] of Object.entries(parsed.strategies))
        out[name] = { colors: r.colors, ms: r.seconds * 1000 };
      return out;
    });
}

function pad(text: string, width: number): string {
  return text.padStart(width);
}

/** The table as text: colours (and ms) per ordering and strategy, one column per N. */
export function formatColoringTable(rows: readonly ColoringBenchRow[]): string {
  const width = 16;
  const header = [
    "Brusselator 2-D, column colouring of J (2N² columns): colours (ms per colouring)",
    `${"".padEnd(34)}${rows.map((r) => pad(`N = ${r.N} (${r.columns})`, width)).join("")}`,
  ];
  const line = (label: string, cell: (r: ColoringBenchRow) => string): string =>
    `${label.padEnd(34)}${rows.map((r) => pad(cell(r), width)).join("")}`;
  const fmt = (c: ColoringCount | undefined): string =>
    c === undefined ? "—" : `${c.colors} (${c.ms < 10 ? c.ms.toFixed(2) : c.ms.toFixed(0)})`;
  const body = ORDERINGS.map((o) => line(`jaclab ${o}`, (r) => fmt(r.jaclab[o])));
  body.push(line("jaclab best: winner", (r) => r.jaclab.best.winner ?? "—"));
  const strategies = new Set<string>();
  for (const r of rows)
    if (!("error" in r.networkx)) for (const s of Object.keys(r.networkx)) strategies.add(s);
  for (const s of strategies) {
    body.push(
      line(`networkx ${s}`, (r) => ("error" in r.networkx ? "—" : fmt(r.networkx[s] as ColoringCount))),
    );
  }
  const errors = [...new Set(rows.flatMap((r) => ("error" in r.networkx ? [r.networkx.error] : [])))];
  const best = (r: ColoringBenchRow): string => {
    if ("error" in r.networkx) return "—";
    const counts = Object.values(r.networkx).map((c) => c.colors);
    return `${Math.min(...counts)} / ${Math.max(...counts)}`;
  };
  body.push(line("networkx fewest / most", best));
  body.push(line("jaclab best vs networkx fewest", (r) => ("error" in r.networkx ? "—" : vsNetworkx(r))));
  return [
    ...header,
    ...body,
    ...errors.map((e) => `networkx: ${e}`),
    "jaclab times include walking the pattern (median CPU time after warm-up); networkx's time is one greedy_color",
    "call on its prebuilt graph. Strategies missing at large N are skipped there (minutes in networkx).",
  ].join("\n");
}

function vsNetworkx(r: ColoringBenchRow): string {
  const fewest = Math.min(...Object.values(r.networkx as Record<string, ColoringCount>).map((c) => c.colors));
  const diff = r.jaclab.best.colors - fewest;
  return diff === 0 ? "equal" : diff < 0 ? `${-diff} fewer` : `${diff} more`;
}

async function main(): Promise<void> {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  console.log(`load average before: ${load}`);
  const rows = coloringBenchmark();
  console.log(formatColoringTable(rows));
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
