// The kernel's own cost on top of the core: the same benchmark loop run as a plain Node script and as a
// cell of a real jaclab kernel (started and driven by jupyter_client through bench/core_cell.py), each
// timing itself (process CPU time, warm-up, median of batches) and printing the result as JSON.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { packageRoot } from "../kernel/paths.js";

/** µs per call of each method, as the loop measured it. */
export type LoopTimes = Record<string, number>;

const MARK = "JACLAB_BENCH ";

/**
 * The loop: the MLP Jacobian at n with each method, timed by the code itself: after the warm-up, the best
 * of five medians of batches (process CPU time).
 */
function loopBody(n: number, methods: string[], warmMs: number, budgetMs: number): string {
  const table = methods.map((m) => `["${m}", ${m.replace("jacrev", "jacrev(f)")}]`).join(", ");
  return `
const n = ${n};
const w1 = randn([n, n], { seed: 1 }).mul(2 / Math.sqrt(n));
const b1 = randn([n], { seed: 2 });
const w2 = randn([n, n], { seed: 3 }).mul(2 / Math.sqrt(n));
const b2 = randn([n], { seed: 4 });
const x = randn([n], { seed: 5 });
const f = (v) => add(matmul(w2, tanh(add(matmul(w1, v), b1))), b2);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const results = {};
for (const [name, g] of [${table}]) {
  let t = cpu();
  let calls = 0;
  while (cpu() - t < ${warmMs}) { g(x); calls++; }
  const reps = Math.max(1, Math.round((calls * ${budgetMs / 10}) / ${warmMs}));
  // The best of several short medians: on a busy machine the least disturbed stretch shows the speed.
  let best = Infinity;
  for (let block = 0; block < 5; block++) {
    const samples = [];
    t = cpu();
    while (samples.length < 5 || (cpu() - t < ${budgetMs / 5} && samples.length < 50)) {
      const t0 = cpu();
      for (let r = 0; r < reps; r++) g(x);
      samples.push(((cpu() - t0) * 1000) / reps);
    }
    samples.sort((a, b) => a - b);
    best = Math.min(best, samples[samples.length >> 1]);
  }
  results[name] = best;
}
console.log("${MARK}" + JSON.stringify(results));
`;
}

function parse(output: string, where: string): LoopTimes {
  const at = output.indexOf(MARK);
  if (at < 0) throw new Error(`${where}: no result in its output: ${output.slice(0, 300)}`);
  return JSON.parse(output.slice(at + MARK.length).split("\n")[0]) as LoopTimes;
}

/** The result of {@link compareKernelCell}: one entry per repetition. */
export interface CellComparison {
  n: number;
  script: LoopTimes[];
  cell: LoopTimes[];
}

/**
 * Runs the loop `rounds` times each as a plain Node script and as a kernel cell, alternating, with the
 * same Node flags as this process's WebAssembly flags.
 */
export function compareKernelCell(
  python: string,
  n: number,
  methods: string[],
  warmMs: number,
  budgetMs: number,
  rounds = 5,
): CellComparison {
  const root = packageRoot();
  const flags = process.execArgv.filter((f) => f.startsWith("--experimental-wasm"));
  const dir = mkdtempSync(join(tmpdir(), "jaclab-cell-"));
  try {
    const body = loopBody(n, methods, warmMs, budgetMs);
    const index = pathToFileURL(join(root, "dist", "src", "index.js")).href;
    const script = join(dir, "loop.mjs");
    writeFileSync(
      script,
      `import * as jaclab from "${index}";\nconst { add, matmul, tanh, randn, jacrev, jit } = jaclab;\n${body}`,
    );
    const cellFile = join(dir, "cell.ts");
    writeFileSync(cellFile, `// @ts-nocheck\n${body}`);
    const specDir = join(dir, "kernels", "bench-core-jaclab");
    mkdirSync(specDir, { recursive: true });
    const argv = [process.execPath, ...flags, join(root, "bin", "jaclab.js"), "kernel", "{connection_file}"];
    const spec = { argv, display_name: "jaclab (bench)", language: "typescript", interrupt_mode: "message" };
    writeFileSync(join(specDir, "kernel.json"), JSON.stringify(spec));
    const result: CellComparison = { n, script: [], cell: [] };
    for (let r = 0; r < rounds; r++) {
      const out = execFileSync(process.execPath, [...flags, script], { encoding: "utf8" });
      result.script.push(parse(out, "the plain Node script"));
      const cellOut = execFileSync(
        python,
        [join(root, "bench", "core_cell.py"), "bench-core-jaclab", cellFile],
        {
          encoding: "utf8",
          env: { ...process.env, JUPYTER_PATH: dir },
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      if (cellOut.startsWith("{")) throw new Error(`the kernel cell: ${cellOut}`);
      result.cell.push(parse(cellOut, "the kernel cell"));
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints the comparison: the best of the rounds on each side, and the cell's cost relative to the script. */
export function printKernelCell(c: CellComparison): boolean {
  console.log(
    `\nKernel cell vs plain Node script: the MLP Jacobian loop at n = ${c.n}, µs per call (best of ${c.script.length} rounds each)`,
  );
  let met = true;
  for (const method of Object.keys(c.script[0] ?? {})) {
    const script = Math.min(...c.script.map((t) => t[method]));
    const cell = Math.min(...c.cell.map((t) => t[method]));
    const ratio = cell / script;
    const ok = ratio <= 1.1;
    met &&= ok;
    const rounds = (ts: LoopTimes[]) => ts.map((t) => t[method].toFixed(1)).join(", ");
    console.log(
      `  ${method.padEnd(14)} script ${script.toFixed(1)} µs, kernel cell ${cell.toFixed(1)} µs: cell / script ` +
        `${ratio.toFixed(2)} ${ok ? "ok" : "MISSED"} (target <= 1.10; rounds: script ${rounds(c.script)}; cell ${rounds(c.cell)})`,
    );
  }
  return met;
}
