// `npm run bench:core`: Jacobians with jaclab against JAX (jit, XLA CPU) and PyTorch (torch.func), one
// thread, float64, all measured in this run: an MLP (jacrev/jacfwd), the Hessian of Rosenbrock's function,
// per-sample Jacobians of a robot arm (vmap of jacrev) and a tall network (jacfwd); then speed-ups against
// the issue's targets, peak memory per case, matmul GFLOP/s against numpy and PyTorch, and a kernel cell
// running the benchmark loop against a plain Node script. Every case is checked against the analytic
// Jacobian before it is timed.
//
// Timing (bench/core-rounds.ts): this machine's speed drifts, so each problem is measured in turns, jaclab's
// cases and then the peers' (the Python peers, and jax-js with TensorFlow.js, each in a process of their
// own per turn) back to back, in rounds of alternating order (ABBA: jaclab first in round 1, the peers
// first in round 2, ...). Every case of every library is reported at its best round, the lowest of its
// per-round medians; the speed-up lines add each round's own ratio. Memory, matmul and the kernel cell are
// measured once.
//
// Environment: BENCH_WARM_MS (warm-up per case, default 1200), BENCH_BUDGET_MS (timed calls per case,
// default 500), BENCH_ROUNDS (rounds per problem, default 2), BENCH_CLOCK=wall (default: process CPU time),
// BENCH_ONLY=mlp,arm (families), BENCH_JS_PEERS=0 (skip jax-js and TensorFlow.js), BENCH_PYTHON=0,
// BENCH_MEMORY=0, BENCH_CELL=0.
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../kernel/paths.js";
import { gemm, matmulPath, setMatmulPath, type MatmulPath } from "../src/linalg/matmul-kernel.js";
import { timeCase, type Clock } from "./core-timing.js";
import { wasmPeakGflops } from "./wasm-peak.js";
import { measure, type TimingOptions } from "./core-measure.js";
import { runJsPeers } from "./core-js-process.js";
import { jaclabCases } from "./core-jaclab.js";
import { SIZES, lcg, makeProblem, type Problem, type ProblemKind } from "./core-problems.js";
import { peersPython, runPythonPeers, type PeerReport } from "./core-python.js";
import {
  printMatmul,
  printMemory,
  printRoundTimes,
  printTarget,
  printTimes,
  type MatmulRate,
  type Measurement,
  type WasmPeak,
} from "./core-report.js";
import { compareKernelCell, printKernelCell } from "./core-cell.js";
import type { MemoryResult } from "./core-memory.js";
import { describeSchedule, roundCount, runRounds } from "./core-rounds.js";

const env = process.env;
const warmMs = Number(env.BENCH_WARM_MS ?? 1200);
const budgetMs = Number(env.BENCH_BUDGET_MS ?? 500);
const clock: Clock = env.BENCH_CLOCK === "wall" ? "wall" : "cpu";
const rounds = roundCount(env.BENCH_ROUNDS);
const families = (env.BENCH_ONLY?.split(",") ?? Object.keys(SIZES)) as ProblemKind[];
const enabled = (name: string) => env[name] !== "0";
const MATMUL_SIZES = [64, 128, 256, 512, 1024];
const timing: TimingOptions = { budgetMs, warmMs, clock };

function loads(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
}

/** The peers' turn on one problem: jax-js and TensorFlow.js (MLP only), then the Python peers, each in a
 * process of their own. */
function peersTurn(
  p: Problem,
  jsPeers: boolean,
  python: string | null,
  versions: Record<string, string>,
  said: Set<string>,
): Measurement[] {
  const measured: Measurement[] = [];
  if (jsPeers && p.kind === "mlp") {
    const report = runJsPeers(p, timing);
    measured.push(...report.results);
    for (const m of report.messages.filter((m) => !said.has(m))) {
      said.add(m);
      console.log(m);
    }
  }
  if (python !== null) {
    const report = runPythonPeers(python, [p], { budgetS: budgetMs / 1000, warmS: warmMs / 1000, clock });
    Object.assign(versions, report.versions);
    fromPeers(report, [p], measured, false);
  }
  return measured;
}

function fromPeers(report: PeerReport, problems: Problem[], into: Measurement[], memory: boolean): void {
  for (const r of report.results) {
    const p = problems.find((q) => q.kind === r.case && q.size === r.size);
    const note = `float64, one thread (${r.library === "JAX" ? `jax ${report.versions.jax}` : `torch ${report.versions.torch}`})`;
    const key = { kind: r.case as ProblemKind, size: r.size, library: r.library, method: r.method };
    const existing = into.find(
      (m) =>
        m.kind === key.kind && m.size === key.size && m.library === key.library && m.method === key.method,
    );
    const m: Measurement = existing ?? { ...key, note };
    if (existing === undefined) into.push(m);
    if (memory) {
      m.peakBytes = r.peak_bytes;
      m.jacobianBytes = p === undefined ? undefined : p.jacobianSize * 8;
    } else {
      m.us = r.us;
      m.cores = r.cores;
      m.err = r.max_rel_err;
      if (r.error !== undefined) m.failure = r.error;
      else if (r.max_rel_err !== undefined && !(r.max_rel_err <= 1e-10)) m.failure = "wrong result";
    }
  }
}

function jaclabMemory(into: Measurement[], problems: Problem[]): void {
  const script = join(packageRoot(), "dist", "bench", "core-memory.js");
  const flags = process.execArgv.filter((f) => f.startsWith("--experimental-wasm"));
  const out = execFileSync(process.execPath, ["--expose-gc", ...flags, script, ...families], {
    encoding: "utf8",
    maxBuffer: 16 << 20,
    env: { ...process.env, MALLOC_MMAP_THRESHOLD_: "65536" },
  });
  for (const r of (JSON.parse(out) as { results: MemoryResult[] }).results) {
    const m = into.find(
      (q) => q.kind === r.kind && q.size === r.size && q.library === "jaclab" && q.method === r.method,
    );
    const p = problems.find((q) => q.kind === r.kind && q.size === r.size);
    if (m === undefined || p === undefined) continue;
    m.peakBytes = r.peakBytes;
    m.jacobianBytes = p.jacobianSize * 8;
    m.plan = r.plan;
  }
}

/** jaclab's GEMM rates on each path, and the WebAssembly multiply-add peak measured right after them. */
function jaclabMatmul(): { rates: MatmulRate[]; peak: WasmPeak } {
  const rates: MatmulRate[] = [];
  const before = matmulPath();
  const rnd = lcg(99);
  const paths: [MatmulPath, string][] = [
    ["fused", "jaclab Wasm relaxed-SIMD FMA"],
    ["simd", "jaclab Wasm SIMD mul+add"],
    ["js", "jaclab JavaScript 4x4 tiles"],
  ];
  for (const [path, library] of paths) {
    if (!setMatmulPath(path)) continue;
    for (const n of MATMUL_SIZES) {
      if (path === "js" && n > 256) continue;
      const a = Float64Array.from({ length: n * n }, rnd);
      const b = Float64Array.from({ length: n * n }, rnd);
      const c = new Float64Array(n * n);
      const t = timeCase(() => gemm(a, b, c, n, n, n), budgetMs, clock, warmMs);
      rates.push({ library, n, gflops: (2 * n * n * n) / (t.us * 1e3) });
    }
  }
  setMatmulPath(before);
  const peak = {
    fused: wasmPeakGflops(true, budgetMs, clock, warmMs),
    unfused: wasmPeakGflops(false, budgetMs, clock, warmMs),
  };
  return { rates, peak };
}

// Every jaclab turn starts on a collected heap (node runs with --expose-gc), so that one problem's garbage
// is not collected on the next one's time.
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function section(title: string): void {
  console.log(`\n== ${title} (load average ${loads()})`);
}

async function main(): Promise<void> {
  console.log("jaclab core benchmark: Jacobians, one thread, float64, every peer measured in this run");
  console.log(
    `warm-up ${warmMs} ms then ~${budgetMs} ms of timed calls per case, median of batches, ` +
      `${clock === "cpu" ? "process CPU time (BENCH_CLOCK=wall for wall time)" : "wall time"}`,
  );
  console.log(
    `node ${process.version}, matmul path ${matmulPath()}` +
      `${matmulPath() === "fused" ? "" : " (run node with --experimental-wasm-relaxed-simd for the fused path)"}, ` +
      `load average ${loads()} (1 / 5 / 15 min) at start`,
  );
  console.log(describeSchedule(rounds));
  const problems = families.flatMap((kind) => SIZES[kind].map((size) => makeProblem(kind, size)));
  const results: Measurement[] = [];
  const jsPeers = enabled("BENCH_JS_PEERS") && families.includes("mlp");
  const said = new Set<string>();
  const python = enabled("BENCH_PYTHON") ? peersPython() : null;
  if (python === null) {
    console.log("\n(Python peers not run: no .venv-peers; `bash scripts/setup-peers.sh` creates it)");
  }
  const versions: Record<string, string> = {};
  section(`timing: ${rounds} round${rounds === 1 ? "" : "s"} per problem, in turns`);
  runRounds(
    problems,
    rounds,
    {
      jaclab: (p, r) => {
        process.stderr.write(`  round ${r + 1}: jaclab ${p.kind} ${p.size}\n`);
        collectGarbage();
        const measured: Measurement[] = [];
        for (const c of jaclabCases(p)) measure(c, p, measured, timing);
        return measured;
      },
      peers: (p, r) => {
        process.stderr.write(`  round ${r + 1}: peers ${p.kind} ${p.size}\n`);
        return peersTurn(p, jsPeers, python, versions, said);
      },
    },
    results,
    (p) => console.log(`  ${p.kind} ${p.size} measured (load average ${loads()})`),
  );
  if (Object.keys(versions).length > 0) {
    console.log(
      `  Python peers: ${Object.entries(versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );
  }
  section("results");
  const verdicts: boolean[] = [];
  for (const kind of families) {
    printTimes(results, kind);
    if (kind === "mlp") {
      verdicts.push(printTarget(results, kind, "JAX", undefined, 1, 1 / 1.4, clock));
      verdicts.push(printTarget(results, kind, "PyTorch", "torch.func.jacrev", 1, 1, clock));
    } else {
      verdicts.push(printTarget(results, kind, "JAX", undefined, 1, 1 / 1.4, clock));
      verdicts.push(printTarget(results, kind, "PyTorch", undefined, 1, 1, clock));
    }
    printRoundTimes(results, kind);
  }
  if (enabled("BENCH_MEMORY")) {
    section("peak memory");
    jaclabMemory(results, problems);
    if (python !== null) {
      fromPeers(
        runPythonPeers(python, problems, { budgetS: 0, warmS: 0, clock, memory: true }),
        problems,
        results,
        true,
      );
    }
    printMemory(results);
  }
  section("matmul");
  const { rates: matmul, peak } = jaclabMatmul();
  if (python !== null) {
    const peers = runPythonPeers(python, [], {
      budgetS: budgetMs / 1000,
      warmS: warmMs / 1000,
      clock,
      matmul: MATMUL_SIZES,
    });
    for (const r of peers.matmul) {
      matmul.push({ library: `${r.library} (one thread)`, n: r.n, gflops: r.gflops });
    }
  }
  printMatmul(matmul, peak);
  if (enabled("BENCH_CELL")) {
    section("kernel cell");
    const driver = env.JACLAB_PYTHON ?? "/usr/bin/python3";
    try {
      verdicts.push(
        printKernelCell(compareKernelCell(driver, 64, ["jacrev", "jit(jacrev)"], warmMs, budgetMs)),
      );
    } catch (e) {
      console.log(`  not measured: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  console.log(
    `\n${verdicts.every((v) => v) ? "all targets met" : "some targets missed"} (load average ${loads()} at the end)`,
  );
}

await main();
