// `npm run bench:sparse`: the 2-D Brusselator right-hand side on an N×N periodic grid (u of shape [N, N, 2])
// for N = 8, 16, 32, 64: sparsity detection time, colours by ordering beside networkx's greedy strategies on
// the same column intersection graph (the table of ./sparse-coloring.ts), the prepared plan's evaluation
// time, jaclab's dense jacrev and jacfwd, and JAX's dense jit(jacfwd) / jit(jacrev) measured in the same run
// (float64, one thread), with the ratios the issue's targets ask for. Every result is checked against a
// dense Jacobian before it is timed.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  DEFAULT_ORDERING,
  type SparsityPattern,
  type Tensor,
  jacfwd,
  jacrev,
  prepareSparseJacobian,
  sparsity,
} from "../src/index.js";
import { brusselator, brusselatorState } from "../src/testing/sparse-functions.js";
import { brusselatorPattern } from "../src/sparse/testing/brusselator-pattern.js";
import { timeCase, type Clock } from "./core-timing.js";
import { type ColoringBenchRow, coloringBenchmark, formatColoringTable } from "./sparse-coloring.js";

const SIZES = (process.env.BENCH_SIZES ?? "8,16,32,64").split(",").map(Number);
const root = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
const python = path.join(root, ".venv-peers", "bin", "python");

interface JaxTimes {
  jacfwd_ms: number;
  jacrev_ms: number;
  max_rel_diff: number;
}

interface Row {
  N: number;
  n: number;
  detectMs: number;
  planMs: number;
  /** The same plan compiled (`jit: true`). */
  planJitMs: number;
  planDefaultMs: number;
  planColors: number;
  planMode: string;
  jacrevMs: number | null;
  jacfwdMs: number | null;
  denseCheck: string;
  jax: JaxTimes | null;
  pattern: SparsityPattern;
  x: Tensor;
  values: Float64Array;
}

/** Largest |a - b| relative to the largest |b|. */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / Math.max(scale, 1e-300);
}

function ms(f: () => unknown, budgetMs: number, clock: Clock): number {
  return timeCase(() => void f(), budgetMs, clock).us / 1000;
}

function measure(N: number, budgetMs: number, clock: Clock, denseUpTo: number): Row {
  const f = brusselator(N);
  const x = brusselatorState(N);
  const n = x.size;
  const pattern = sparsity(f, x);
  // The detected pattern must be the one the colouring table colours (built there from the stencil).
  if (pattern.nnz !== 12 * N * N || !pattern.equals(brusselatorPattern(N))) {
    throw new Error(`N=${N}: the detected pattern (${pattern.nnz} nonzeros) is not the Brusselator's 12·N²`);
  }
  const detectMs = ms(() => sparsity(f, x), budgetMs, clock);
  const plan = prepareSparseJacobian(f, x, { ordering: "best" });
  const planDefault = prepareSparseJacobian(f, x);
  const planJit = prepareSparseJacobian(f, x, { ordering: "best", jit: true });
  const J = plan.jacobian(x);
  const jitWorst = maxRelDiff(planJit.jacobian(x).values, J.values);
  if (jitWorst > 1e-12)
    throw new Error(`N=${N}: the compiled plan differs from the eager one by ${jitWorst}`);
  // Checked against the dense Jacobian before anything is timed (beyond denseUpTo, against JAX's only).
  let denseCheck = "checked against JAX only";
  let jacrevMs: number | null = null;
  let jacfwdMs: number | null = null;
  if (N <= denseUpTo) {
    const dense = jacrev(f)(x).reshape(n, n).data;
    const worst = Math.max(
      maxRelDiff(J.toDense().data, dense),
      maxRelDiff(planDefault.jacobian(x).toDense().data, dense),
      maxRelDiff(jacfwd(f)(x).data, dense),
    );
    if (worst > 1e-12) throw new Error(`N=${N}: the sparse Jacobian differs from the dense one by ${worst}`);
    denseCheck = `max rel diff vs jacrev ${worst.toExponential(1)}`;
    jacrevMs = ms(() => jacrev(f)(x), budgetMs, clock);
    jacfwdMs = ms(() => jacfwd(f)(x), budgetMs, clock);
  }
  return {
    N,
    n,
    detectMs,
    planMs: ms(() => plan.jacobian(x), budgetMs, clock),
    planJitMs: ms(() => planJit.jacobian(x), budgetMs, clock),
    planDefaultMs: ms(() => planDefault.jacobian(x), budgetMs, clock),
    planColors: plan.colors,
    planMode: plan.mode,
    jacrevMs,
    jacfwdMs,
    denseCheck,
    jax: null,
    pattern,
    x,
    values: J.values,
  };
}

/** Runs bench/sparse_peers.py with .venv-peers' Python on the cases; one JSON object per output line. */
function runJax(input: unknown, clock: Clock): JaxTimes[] | null {
  if (!existsSync(python)) {
    console.log(
      `(no ${python}: \`ln -s /work/main/.venv-peers .venv-peers\` or bash scripts/setup-peers.sh)`,
    );
    return null;
  }
  const dir = mkdtempSync(path.join(tmpdir(), "jaclab-bench-sparse-"));
  try {
    const file = path.join(dir, "cases.json");
    writeFileSync(file, JSON.stringify(input));
    const out = execFileSync(python, [path.join(root, "bench", "sparse_peers.py"), file], {
      encoding: "utf8",
      env: { ...process.env, JACLAB_BENCH_CLOCK: clock },
      maxBuffer: 1 << 26,
      stdio: ["ignore", "pipe", "inherit"],
    });
    return out
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as JaxTimes);
  } catch (e) {
    console.log(`(sparse_peers.py failed: ${(e as Error).message.split("\n")[0]})`);
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** JAX's dense Jacobians of the same function at the same x, checked against jaclab's sparse values. */
function addJax(rows: Row[], clock: Clock): void {
  const input = rows.map((r) => ({
    N: r.N,
    x: [...r.x.data],
    rows: [...r.pattern.rowIndices()],
    cols: [...r.pattern.colIdx],
    values: [...r.values],
  }));
  runJax(input, clock)?.forEach((o, i) => {
    if (o.max_rel_diff > 1e-12) {
      throw new Error(`N=${rows[i].N}: JAX's Jacobian differs from jaclab's by ${o.max_rel_diff}`);
    }
    rows[i].jax = o;
  });
}

function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "-";
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toPrecision(3);
}

function table(title: string, header: string[], lines: string[][]): void {
  const widths = header.map((h, k) => Math.max(h.length, ...lines.map((l) => l[k].length)));
  const line = (cells: string[]) =>
    cells.map((c, k) => (k === 0 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join("  ");
  console.log(`\n${title}\n${line(header)}\n${"-".repeat(widths.reduce((s, w) => s + w + 2, 0))}`);
  for (const l of lines) console.log(line(l));
}

/** The prepared plan's time: eager or compiled (`jit: true`), whichever is faster. */
function fastestPlan(r: Row): number {
  return Math.min(r.planMs, r.planJitMs);
}

function report(rows: Row[], colours: ColoringBenchRow[]): void {
  const per = (label: string, get: (r: Row) => string) => [label, ...rows.map(get)];
  const Ns = rows.map((r) => `N=${r.N}`);
  const fasterJax = (r: Row) => (r.jax === null ? null : Math.min(r.jax.jacfwd_ms, r.jax.jacrev_ms));
  const ratio = (other: number | null, r: Row) => (other === null ? "-" : `${fmt(other / fastestPlan(r))}x`);
  table(
    "Sizes and detection",
    ["", ...Ns],
    [
      per("unknowns n = 2N²", (r) => String(r.n)),
      per("nonzeros (= 12·N²)", (r) => String(r.pattern.nnz)),
      per("detection ms", (r) => fmt(r.detectMs)),
    ],
  );
  console.log(`\n${formatColoringTable(colours)}`);
  table(
    "Milliseconds per Jacobian",
    ["case", ...Ns],
    [
      per("jaclab prepared plan (best ordering)", (r) => `${fmt(r.planMs)} (${r.planColors} ${r.planMode})`),
      per("jaclab prepared plan, jit: true (best ordering)", (r) => fmt(r.planJitMs)),
      per(`jaclab prepared plan (default, ${DEFAULT_ORDERING})`, (r) => fmt(r.planDefaultMs)),
      per("jaclab dense jacrev", (r) => fmt(r.jacrevMs)),
      per("jaclab dense jacfwd", (r) => fmt(r.jacfwdMs)),
      per("JAX jit(jacfwd), dense", (r) => fmt(r.jax?.jacfwd_ms)),
      per("JAX jit(jacrev), dense", (r) => fmt(r.jax?.jacrev_ms)),
    ],
  );
  table(
    "Speed-up of the prepared plan (best ordering, the faster of eager and jit: true): other ms / plan ms",
    ["over", ...Ns],
    [
      per("jaclab dense jacrev", (r) => ratio(r.jacrevMs, r)),
      per("jaclab dense jacfwd", (r) => ratio(r.jacfwdMs, r)),
      per("the faster of JAX's two", (r) => ratio(fasterJax(r), r)),
    ],
  );
  const checks = rows.map(
    (r) => `N=${r.N} ${r.denseCheck}${r.jax ? `, JAX ${r.jax.max_rel_diff.toExponential(1)}` : ""}`,
  );
  console.log(`\nChecks: ${checks.join("; ")}`);
  targets(rows, colours, fasterJax);
}

function targets(rows: Row[], colours: ColoringBenchRow[], fasterJax: (r: Row) => number | null): void {
  const best = (N: number) => colours.find((c) => c.N === N)?.jaclab.best.colors ?? NaN;
  const byDefault = (N: number) => colours.find((c) => c.N === N)?.jaclab[DEFAULT_ORDERING].colors ?? NaN;
  const lines: [string, boolean | null, string][] = [];
  const r32 = rows.find((r) => r.N === 32);
  if (r32) {
    const overRev = r32.jacrevMs === null ? null : r32.jacrevMs / fastestPlan(r32);
    const jax = fasterJax(r32);
    const overJax = jax === null ? null : jax / fastestPlan(r32);
    lines.push(
      ["N=32: at most 8 colours with ordering best", best(32) <= 8, `${best(32)}`],
      [`N=32: at most 11 colours by default (${DEFAULT_ORDERING})`, byDefault(32) <= 11, `${byDefault(32)}`],
      ["N=32: detection under 50 ms", r32.detectMs < 50, `${fmt(r32.detectMs)} ms`],
      [
        "N=32: plan >= 100x faster than jaclab dense jacrev",
        overRev === null ? null : overRev >= 100,
        `${fmt(overRev)}x`,
      ],
      [
        "N=32: plan >= 20x faster than JAX's faster jit",
        overJax === null ? null : overJax >= 20,
        `${fmt(overJax)}x`,
      ],
    );
  }
  if (rows.some((r) => r.N === 16) && rows.some((r) => r.N === 64)) {
    const ok = best(64) <= best(16) && byDefault(64) <= byDefault(16);
    const value = `${best(64)}/${byDefault(64)} vs ${best(16)}/${byDefault(16)}`;
    lines.push(["no more colours at N=64 than at N=16 (best/default)", ok, value]);
  }
  console.log("\nTargets");
  for (const [what, ok, value] of lines) {
    console.log(`  ${ok === null ? "n/a " : ok ? "PASS" : "FAIL"}  ${what}: ${value}`);
  }
}

function main(): void {
  const budgetMs = Number(process.env.BENCH_BUDGET_MS ?? 1000);
  const clock: Clock = process.env.BENCH_CLOCK === "wall" ? "wall" : "cpu";
  const denseUpTo = Number(process.env.BENCH_DENSE_UP_TO ?? 64);
  const clockName = clock === "cpu" ? "process CPU time (BENCH_CLOCK=wall for wall time)" : "wall time";
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(" ");
  console.log(
    "jaclab sparse benchmark: Jacobian of the 2-D Brusselator RHS, u of shape [N, N, 2], periodic grid",
  );
  console.log(`median of batches after a warm-up of ~${budgetMs} ms per case, ${clockName}, one thread`);
  console.log(`node ${process.version}, load average ${load()} at start`);
  const rows: Row[] = [];
  for (const N of SIZES) {
    rows.push(measure(N, budgetMs, clock, denseUpTo));
    console.log(`  measured N=${N}`);
  }
  const colours = coloringBenchmark({ sizes: SIZES, budgetMs: Math.min(budgetMs, 300) });
  addJax(rows, clock);
  report(rows, colours);
  console.log(`\nload average ${load()} at the end`);
}

main();
