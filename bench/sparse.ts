// `npm run bench:sparse`: the 2-D Brusselator right-hand side on an N×N periodic grid (u of shape [N, N, 2])
// for N = 8, 16, 32, 64: sparsity detection time, colours by ordering (beside networkx's greedy strategies
// on the same column intersection graph), the prepared plan's evaluation time, jaclab's dense jacrev and
// jacfwd, and JAX's dense jit(jacfwd) / jit(jacrev) measured in the same run (float64, one thread), with the
// ratios the issue's targets ask for. Every result is checked against a dense Jacobian before it is timed.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Ordering,
  type SparsityPattern,
  Tensor,
  coloring,
  jacfwd,
  jacrev,
  prepareSparseJacobian,
  sparsity,
} from "../src/index.js";
import { brusselator, brusselatorState } from "../src/testing/sparse-functions.js";
import { timeCase, type Clock } from "./core-timing.js";

const SIZES = [8, 16, 32, 64];
const ORDERINGS: Ordering[] = [
  "natural",
  "largest-first",
  "smallest-last",
  "incidence-degree",
  "dynamic-largest-first",
];
const root = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
const python = path.join(root, ".venv-peers", "bin", "python");

interface Row {
  N: number;
  n: number;
  nnz: number;
  detectMs: number;
  colors: Record<string, number>;
  defaultColors: number;
  defaultOrdering: string;
  bestOrdering: string;
  planMs: number;
  planDefaultMs: number;
  planColors: number;
  planMode: string;
  jacrevMs: number | null;
  jacfwdMs: number | null;
  denseCheck: string;
  networkx: Record<string, number>;
  jax: { jacfwd_ms: number; jacrev_ms: number; max_rel_diff: number } | null;
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
  if (pattern.nnz !== 12 * N * N)
    throw new Error(`N=${N}: ${pattern.nnz} nonzeros, expected 12·N² = ${12 * N * N}`);
  const detectMs = ms(() => sparsity(f, x), budgetMs, clock);
  const colors: Record<string, number> = {};
  for (const ordering of ORDERINGS) colors[ordering] = coloring(pattern, { kind: "column", ordering }).colors;
  const best = coloring(pattern, { kind: "column", ordering: "best" });
  colors.best = best.colors;
  const byDefault = coloring(pattern, { kind: "column" });
  const plan = prepareSparseJacobian(f, x, { ordering: "best" });
  const planDefault = prepareSparseJacobian(f, x);
  const J = plan.jacobian(x);
  // Checked against the dense Jacobian before anything is timed (beyond denseUpTo, against JAX's below).
  let denseCheck = "checked against JAX only";
  let jacrevMs: number | null = null;
  let jacfwdMs: number | null = null;
  if (N <= denseUpTo) {
    const dense = jacrev(f)(x).reshape(n, n);
    const viaFwd = jacfwd(f)(x).reshape(n, n);
    const errs = [
      maxRelDiff(J.toDense().data, dense.data),
      maxRelDiff(planDefault.jacobian(x).toDense().data, dense.data),
    ];
    errs.push(maxRelDiff(viaFwd.data, dense.data));
    const worst = Math.max(...errs);
    if (worst > 1e-12) throw new Error(`N=${N}: the sparse Jacobian differs from the dense one by ${worst}`);
    denseCheck = `max rel diff vs jacrev ${worst.toExponential(1)}`;
    jacrevMs = ms(() => jacrev(f)(x), budgetMs, clock);
    jacfwdMs = ms(() => jacfwd(f)(x), budgetMs, clock);
  }
  return {
    N,
    n,
    nnz: pattern.nnz,
    detectMs,
    colors,
    defaultColors: byDefault.colors,
    defaultOrdering: byDefault.ordering,
    bestOrdering: best.ordering,
    planMs: ms(() => plan.jacobian(x), budgetMs, clock),
    planDefaultMs: ms(() => planDefault.jacobian(x), budgetMs, clock),
    planColors: plan.colors,
    planMode: plan.mode,
    jacrevMs,
    jacfwdMs,
    denseCheck,
    networkx: {},
    jax: null,
    pattern,
    x,
    values: J.values,
  };
}

/** Runs a peer script with .venv-peers' Python on a JSON file; one JSON object per output line. */
function runPython(script: string, input: unknown, env: Record<string, string> = {}): unknown[] | null {
  if (!existsSync(python)) {
    console.log(
      `(no ${python}: \`ln -s /work/main/.venv-peers .venv-peers\` or bash scripts/setup-peers.sh)`,
    );
    return null;
  }
  const dir = mkdtempSync(path.join(tmpdir(), "jaclab-bench-sparse-"));
  try {
    const file = path.join(dir, "input.json");
    writeFileSync(file, JSON.stringify(input));
    const out = execFileSync(python, [path.join(root, "bench", script), file], {
      encoding: "utf8",
      env: { ...process.env, ...env },
      maxBuffer: 1 << 26,
      stdio: ["ignore", "pipe", "inherit"],
    });
    return out
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as unknown);
  } catch (e) {
    console.log(`(${script} failed: ${(e as Error).message.split("\n")[0]})`);
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function addNetworkx(rows: Row[]): void {
  const input = rows.map((r) => ({
    m: r.n,
    n: r.n,
    rowPtr: [...r.pattern.rowPtr],
    colIdx: [...r.pattern.colIdx],
  }));
  const out = runPython("sparse_coloring_peers.py", input) as
    { strategies: Record<string, { colors: number }> }[] | null;
  out?.forEach((o, i) => {
    for (const [name, s] of Object.entries(o.strategies)) rows[i].networkx[name] = s.colors;
  });
}

function addJax(rows: Row[], clock: Clock): void {
  const input = rows.map((r) => {
    const rowsOf = r.pattern.rowIndices();
    return {
      N: r.N,
      x: [...r.x.data],
      rows: [...rowsOf],
      cols: [...r.pattern.colIdx],
      values: [...r.values],
    };
  });
  const out = runPython("sparse_peers.py", input, { JACLAB_BENCH_CLOCK: clock }) as Row["jax"][] | null;
  out?.forEach((o, i) => {
    if (o === null) return;
    if (o.max_rel_diff > 1e-12)
      throw new Error(`N=${rows[i].N}: JAX's Jacobian differs from jaclab's by ${o.max_rel_diff}`);
    rows[i].jax = o;
  });
}

function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined) return "-";
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toPrecision(digits);
}

function table(title: string, header: string[], lines: string[][]): void {
  const widths = header.map((h, k) => Math.max(h.length, ...lines.map((l) => l[k].length)));
  console.log(`\n${title}`);
  const line = (cells: string[]) =>
    cells.map((c, k) => (k === 0 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join("  ");
  console.log(line(header));
  console.log("-".repeat(widths.reduce((s, w) => s + w + 2, 0)));
  for (const l of lines) console.log(line(l));
}

function report(rows: Row[]): void {
  const Ns = rows.map((r) => `N=${r.N}`);
  const per = (label: string, get: (r: Row) => string) => [label, ...rows.map(get)];
  table(
    "Sizes and detection",
    ["", ...Ns],
    [
      per("unknowns n = 2N²", (r) => String(r.n)),
      per("nonzeros (= 12·N²)", (r) => String(r.nnz)),
      per("detection ms", (r) => fmt(r.detectMs)),
    ],
  );
  const nxNames = [...new Set(rows.flatMap((r) => Object.keys(r.networkx)))];
  table(
    "Column colours (6 is the floor: each row has 6 entries)",
    ["ordering", ...Ns],
    [
      ...ORDERINGS.map((o) => per(`jaclab ${o}`, (r) => String(r.colors[o]))),
      per("jaclab best", (r) => `${r.colors.best} (${r.bestOrdering})`),
      per("jaclab default", (r) => `${r.defaultColors} (${r.defaultOrdering})`),
      ...nxNames.map((s) => per(`networkx ${s}`, (r) => String(r.networkx[s] ?? "-"))),
    ],
  );
  table(
    "Milliseconds per Jacobian",
    ["case", ...Ns],
    [
      per("jaclab prepared plan (best ordering)", (r) => `${fmt(r.planMs)} (${r.planColors} ${r.planMode})`),
      per("jaclab prepared plan (default ordering)", (r) => fmt(r.planDefaultMs)),
      per("jaclab dense jacrev", (r) => fmt(r.jacrevMs)),
      per("jaclab dense jacfwd", (r) => fmt(r.jacfwdMs)),
      per("JAX jit(jacfwd), dense", (r) => fmt(r.jax?.jacfwd_ms)),
      per("JAX jit(jacrev), dense", (r) => fmt(r.jax?.jacrev_ms)),
    ],
  );
  table(
    "Speed-up of the prepared plan (best ordering): other ms / plan ms",
    ["over", ...Ns],
    [
      per("jaclab dense jacrev", (r) => (r.jacrevMs === null ? "-" : `${fmt(r.jacrevMs / r.planMs)}x`)),
      per("jaclab dense jacfwd", (r) => (r.jacfwdMs === null ? "-" : `${fmt(r.jacfwdMs / r.planMs)}x`)),
      per("faster of JAX's two", (r) =>
        r.jax === null ? "-" : `${fmt(Math.min(r.jax.jacfwd_ms, r.jax.jacrev_ms) / r.planMs)}x`,
      ),
    ],
  );
  console.log(
    "\nChecks: " +
      rows
        .map((r) => `N=${r.N} ${r.denseCheck}${r.jax ? `, JAX ${r.jax.max_rel_diff.toExponential(1)}` : ""}`)
        .join("; "),
  );
  targets(rows);
}

function targets(rows: Row[]): void {
  const at = (N: number) => rows.find((r) => r.N === N);
  const r32 = at(32);
  const r16 = at(16);
  const r64 = at(64);
  const lines: [string, boolean | null, string][] = [];
  if (r32) {
    lines.push(["N=32: at most 8 colours with ordering best", r32.colors.best <= 8, `${r32.colors.best}`]);
    lines.push(["N=32: at most 11 colours by default", r32.defaultColors <= 11, `${r32.defaultColors}`]);
    lines.push(["N=32: detection under 50 ms", r32.detectMs < 50, `${fmt(r32.detectMs)} ms`]);
    const overRev = r32.jacrevMs === null ? null : r32.jacrevMs / r32.planMs;
    lines.push([
      "N=32: plan >= 100x faster than jaclab dense jacrev",
      overRev === null ? null : overRev >= 100,
      `${fmt(overRev)}x`,
    ]);
    const jaxBest = r32.jax === null ? null : Math.min(r32.jax.jacfwd_ms, r32.jax.jacrev_ms) / r32.planMs;
    lines.push([
      "N=32: plan >= 20x faster than JAX's faster jit",
      jaxBest === null ? null : jaxBest >= 20,
      `${fmt(jaxBest)}x`,
    ]);
  }
  if (r16 && r64) {
    const ok = r64.colors.best <= r16.colors.best && r64.defaultColors <= r16.defaultColors;
    lines.push([
      "no more colours at N=64 than at N=16 (best, default)",
      ok,
      `${r64.colors.best}/${r64.defaultColors} vs ${r16.colors.best}/${r16.defaultColors}`,
    ]);
  }
  console.log("\nTargets");
  for (const [what, ok, value] of lines)
    console.log(`  ${ok === null ? "n/a " : ok ? "PASS" : "FAIL"}  ${what}: ${value}`);
}

function main(): void {
  const budgetMs = Number(process.env.BENCH_BUDGET_MS ?? 1000);
  const clock: Clock = process.env.BENCH_CLOCK === "wall" ? "wall" : "cpu";
  const denseUpTo = Number(process.env.BENCH_DENSE_UP_TO ?? 64);
  const clockName = clock === "cpu" ? "process CPU time (BENCH_CLOCK=wall for wall time)" : "wall time";
  console.log(
    "jaclab sparse benchmark: Jacobian of the 2-D Brusselator RHS, u of shape [N, N, 2], periodic grid",
  );
  console.log(`median of batches after a warm-up of ~${budgetMs} ms per case, ${clockName}, one thread`);
  console.log(
    `node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} at start`,
  );
  const rows: Row[] = [];
  for (const N of SIZES) {
    rows.push(measure(N, budgetMs, clock, denseUpTo));
    console.log(`  measured N=${N}`);
  }
  addNetworkx(rows);
  addJax(rows, clock);
  report(rows);
  console.log(
    `\nload average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} at the end`,
  );
}

main();
