// `npm run bench:core`: microseconds per Jacobian of y = W2·tanh(W1·x + b1) + b2 (R^n -> R^n) for
// jaclab's Jacobian front ends and the JavaScript peers, ratios against them, and matmul GFLOP/s.
import { gemm, setMatmulSimd } from "../src/linalg/matmul-kernel.js";
import { timeCase, type Clock } from "./core-timing.js";
import { loadavg } from "node:os";
import { loadJax, loadTf, type JacobianCase, type MlpProblem, type PeerFactory } from "./core-peers.js";
import { jaclabCases } from "./core-jaclab.js";

const SIZES = [8, 64, 256];
// PyTorch 2.13 CPU float64, one thread, torch.func.jacrev, measured on this machine before (issue 3).
const TORCH_REFERENCE_US: Record<number, number> = { 8: 218, 64: 260, 256: 2218 };

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** Deterministic weights scaled by 1/sqrt(n) so that tanh stays away from saturation. */
function makeProblem(n: number): MlpProblem {
  const rnd = lcg(1234 + n);
  const scale = 2 / Math.sqrt(n);
  const fill = (len: number, s: number) => Float64Array.from({ length: len }, () => rnd() * s);
  return { n, w1: fill(n * n, scale), b1: fill(n, 1), w2: fill(n * n, scale), b2: fill(n, 1), x: fill(n, 2) };
}

/** The analytic Jacobian W2·diag(1 - tanh²(W1·x + b1))·W1, the oracle every case is checked against. */
function referenceJacobian(p: MlpProblem): Float64Array {
  const { n } = p;
  const d = new Float64Array(n);
  gemm(p.w1, p.x, d, n, n, 1);
  const scaledW1 = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const t = Math.tanh(d[i] + p.b1[i]);
    for (let j = 0; j < n; j++) scaledW1[i * n + j] = (1 - t * t) * p.w1[i * n + j];
  }
  const jac = new Float64Array(n * n);
  gemm(p.w2, scaledW1, jac, n, n, n);
  return jac;
}

function maxRelError(got: Float64Array, want: Float64Array): number {
  if (got.length !== want.length) return Infinity;
  let worst = 0;
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale);
  return worst;
}

interface Row {
  label: string;
  note: string;
  us: Map<number, number>;
  /** Worst relative error of the Jacobian against the analytic one, over the sizes. */
  worstErr: number;
  transposed: boolean;
  failures: string[];
}

function rowFor(rows: Row[], c: JacobianCase): Row {
  const label = `${c.library} ${c.method}`;
  let row = rows.find((r) => r.label === label);
  if (row === undefined) {
    row = { label, note: c.note, us: new Map(), worstErr: 0, transposed: false, failures: [] };
    rows.push(row);
  }
  return row;
}

function measureCases(
  rows: Row[],
  cases: JacobianCase[],
  p: MlpProblem,
  budgetMs: number,
  clock: Clock,
): void {
  const want = referenceJacobian(p);
  for (const c of cases) {
    const row = rowFor(rows, c);
    try {
      const got = c.run();
      let err = maxRelError(got, want);
      const errT = maxRelError(transposeSquare(got, p.n), want);
      if (errT < err) {
        row.transposed = true;
        err = errT;
      }
      row.worstErr = Math.max(row.worstErr, err);
      row.us.set(p.n, timeCase(() => void c.run(), budgetMs, clock).us);
    } catch (e) {
      row.failures.push(`n=${p.n} failed: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  for (const c of cases) c.dispose();
}

function warmUp(c: JacobianCase, ms: number): void {
  const start = performance.now();
  try {
    do c.run();
    while (performance.now() - start < ms);
  } catch (e) {
    // measureCases reports the failure with the case's row; here it only ends the warm-up.
    void e;
  }
}

function transposeSquare(m: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = m[i * n + j];
  return t;
}

function fmtUs(us: number | undefined): string {
  if (us === undefined) return "-";
  return us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2);
}

function pad(s: string, w: number, right = false): string {
  return right ? s.padStart(w) : s.padEnd(w);
}

function printTable(rows: Row[]): void {
  const w0 = Math.max(...rows.map((r) => r.label.length), 40) + 2;
  const header = pad("case", w0) + SIZES.map((n) => pad(`n=${n}`, 10, true)).join("") + "   notes";
  console.log(header);
  console.log("-".repeat(header.length + 20));
  for (const r of rows) {
    const checks = [...r.failures];
    // float32 peers are checked at float32 accuracy, float64 cases near machine precision.
    const tol = r.note.includes("float32") ? 1e-4 : 1e-12;
    if (r.worstErr > tol) checks.push(`max rel err ${r.worstErr.toExponential(1)}`);
    if (r.transposed) checks.push("returns J transposed");
    const notes = [r.note, ...checks].join("; ");
    console.log(
      pad(r.label, w0) + SIZES.map((n) => pad(fmtUs(r.us.get(n)), 10, true)).join("") + `   ${notes}`,
    );
  }
  const torchLabel = "PyTorch torch.func.jacrev";
  const torch = SIZES.map((n) => pad(fmtUs(TORCH_REFERENCE_US[n]), 10, true)).join("");
  console.log(
    pad(torchLabel, w0) + torch + "   float64, 1 thread; reference, measured earlier, not this run",
  );
}

function printRatios(rows: Row[]): void {
  const ours = rows.filter((r) => r.label.startsWith("jaclab"));
  const peers = rows.filter((r) => !r.label.startsWith("jaclab"));
  const jacrevRow = ours.find((r) => r.label === "jaclab jacrev");
  if (ours.length === 0 || jacrevRow === undefined) return;
  console.log(
    "\nSpeed-up over each peer, peer µs / jaclab µs (> 1 = jaclab faster): jaclab jacrev / jaclab's fastest",
  );
  const best = new Map<number, number>();
  for (const n of SIZES) {
    const times = ours.map((r) => r.us.get(n)).filter((v): v is number => v !== undefined);
    if (times.length > 0) best.set(n, Math.min(...times));
  }
  const w0 = Math.max(...peers.map((r) => r.label.length), 40) + 2;
  const ratio = (peerUs: number | undefined, n: number) => {
    const b = best.get(n);
    const j = jacrevRow.us.get(n);
    if (peerUs === undefined || b === undefined || j === undefined) return "-";
    return `${(peerUs / j).toFixed(1)}x / ${(peerUs / b).toFixed(1)}x`;
  };
  console.log(pad("peer", w0) + SIZES.map((n) => pad(`n=${n}`, 16, true)).join(""));
  for (const r of peers) {
    console.log(pad(r.label, w0) + SIZES.map((n) => pad(ratio(r.us.get(n), n), 16, true)).join(""));
  }
  const torch = SIZES.map((n) => pad(ratio(TORCH_REFERENCE_US[n], n), 16, true)).join("");
  console.log(pad("PyTorch torch.func.jacrev (reference)", w0) + torch);
}

function benchMatmul(clock: Clock): void {
  const simd = setMatmulSimd(true);
  console.log(
    `\nmatmul, jaclab's float64 kernel, C = A·B with n×n operands (${simd ? "WebAssembly SIMD tiles" : "JS tiles"}):`,
  );
  const rnd = lcg(99);
  const rate = (n: number) => {
    const a = Float64Array.from({ length: n * n }, rnd);
    const b = Float64Array.from({ length: n * n }, rnd);
    const c = new Float64Array(n * n);
    const t = timeCase(() => gemm(a, b, c, n, n, n), 400, clock);
    return { gflops: (2 * n * n * n) / (t.us * 1e3), us: t.us };
  };
  for (const n of [64, 256, 512]) {
    const { gflops, us } = rate(n);
    console.log(`  n=${String(n).padEnd(4)} ${gflops.toFixed(2).padStart(6)} GFLOP/s  (${fmtUs(us)} µs)`);
  }
  setMatmulSimd(false);
  const js = rate(256);
  setMatmulSimd(true);
  console.log(
    `  n=256  ${js.gflops.toFixed(2).padStart(6)} GFLOP/s  with plain JavaScript 4x4 tiles instead (for comparison)`,
  );
  console.log("  PyTorch float64 matmul, one thread, on this machine: 42 GFLOP/s (reference, not this run)");
}

async function loadPeer(name: string, load: () => Promise<PeerFactory>): Promise<PeerFactory | null> {
  try {
    return await load();
  } catch (e) {
    console.log(`(${name} could not be loaded: ${(e as Error).message})`);
    return null;
  }
}

async function main(): Promise<void> {
  const budgetMs = Number(process.env.BENCH_BUDGET_MS ?? 300);
  // CPU time by default: the machine is often shared, and wall time then counts other processes' turns.
  const clock: Clock = process.env.BENCH_CLOCK === "wall" ? "wall" : "cpu";
  const clockName = clock === "cpu" ? "process CPU time (BENCH_CLOCK=wall for wall time)" : "wall time";
  console.log("jaclab core benchmark: Jacobian of y = W2·tanh(W1·x + b1) + b2, R^n -> R^n, one thread");
  console.log(`µs per Jacobian, median of batches, ~${budgetMs} ms per case, ${clockName}`);
  const load = loadavg()[0].toFixed(1);
  console.log(`node ${process.version}, load average ${load} at start\n`);
  const jax = await loadPeer("@jax-js/jax", loadJax);
  const tf = await loadPeer("@tensorflow/tfjs", loadTf);
  const rows: Row[] = [];
  // One pass over every case and size first, so that no case is timed while V8 is still optimising code
  // it shares with the cases after it (the first case measured would otherwise look slower).
  for (const n of SIZES) {
    const p = makeProblem(n);
    const all = [jaclabCases(p), jax?.(p) ?? [], tf?.(p) ?? []].flat();
    for (const c of all) warmUp(c, budgetMs / 3);
    for (const c of all) c.dispose();
  }
  for (const n of SIZES) {
    const p = makeProblem(n);
    measureCases(rows, jaclabCases(p), p, budgetMs, clock);
    if (jax !== null) measureCases(rows, jax(p), p, budgetMs, clock);
    if (tf !== null) measureCases(rows, tf(p), p, budgetMs, clock);
  }
  printTable(rows);
  printRatios(rows);
  benchMatmul(clock);
}

await main();
