// `npm run bench:kernel`: through jupyter_client (bench/kernel_bench.py), for jaclab, tslab and Deno's kernel
// measured in one run: start-up (spawn -> first kernel_info_reply) and the median round trip of a trivial
// cell (type-checked and `// @ts-nocheck`), with ratios and the targets; jaclab's unchecked cells (one
// expression, and one that declares a name) against Deno's again, the kernels taking cells in turn
// (BENCH_INTERLEAVED_CELLS each, jaclab-before too when given); then, for jaclab, a soak of
// thousands of cells (per-cell time and the RSS of the kernel's processes, flat or not) and the cells that
// show huge tensors. JACLAB_BENCH_BASELINE=<another jaclab checkout, built> measures it alongside as
// "jaclab-before" (the same run, the same load). BENCH_CELLS, BENCH_SOAK_CELLS (0 skips the soak) and
// BENCH_BASELINE_SOAK_CELLS size the runs.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { templateNodeFlags } from "../kernel/install.js";
import { packageRoot } from "../kernel/paths.js";
import { printDisplays, printSoak, SOAK_CELLS, HUGE_TENSORS, type Measurement } from "./kernel-report.js";

interface Peer {
  name: string;
  label: string;
  argv: string[];
  cells: { label: string; code: string }[];
  /** Soak cells to run (0: no soak) and whether the huge tensors are shown. */
  soak: number;
  huge: boolean;
  /** The environment the kernelspec sets (jaclab's own kernel.json template says what jaclab needs). */
  env?: Record<string, string>;
}

const python = process.env.JACLAB_PYTHON ?? "/usr/bin/python3";
const root = packageRoot();
const bin = (name: string): string => join(root, "node_modules", ".bin", name);
const trivial = "{i} + 1";
const unchecked = `// @ts-nocheck\n${trivial}`;
const soakCells = Number(process.env.BENCH_SOAK_CELLS ?? 5000);
const baseline = process.env.JACLAB_BENCH_BASELINE;

/** The checkout's kernel.json template (its env and the Node flags before the entry point). */
function template(checkout: string): { env?: Record<string, string>; argv?: unknown } {
  return JSON.parse(readFileSync(join(checkout, "kernel.json"), "utf8")) as {
    env?: Record<string, string>;
    argv?: unknown;
  };
}

function jaclabKernel(name: string, label: string, checkout: string, soak: number): Peer {
  return {
    env: template(checkout).env ?? {},
    name,
    label,
    argv: [
      process.execPath,
      ...templateNodeFlags(template(checkout)),
      join(checkout, "bin", "jaclab.js"),
      "kernel",
      "{connection_file}",
    ],
    cells: [
      { label: "checked", code: trivial },
      { label: "unchecked", code: unchecked },
    ],
    soak,
    huge: true,
  };
}

const kernels: Peer[] = [
  jaclabKernel("bench-jaclab", "jaclab", root, soakCells),
  ...(baseline === undefined
    ? []
    : [
        jaclabKernel(
          "bench-jaclab-before",
          "jaclab-before",
          baseline,
          Number(process.env.BENCH_BASELINE_SOAK_CELLS ?? soakCells),
        ),
      ]),
  {
    name: "bench-tslab",
    label: "tslab",
    argv: [
      process.execPath,
      join(root, "node_modules", "tslab", "bin", "tslab"),
      "kernel",
      "--config-path",
      "{connection_file}",
    ],
    cells: [{ label: "checked", code: trivial }],
    soak: 0,
    huge: false,
  },
  {
    name: "bench-deno",
    label: "deno",
    argv: [bin("deno"), "jupyter", "--kernel", "--conn", "{connection_file}"],
    cells: [{ label: "unchecked", code: trivial }],
    soak: 0,
    huge: false,
  },
];

function writeKernelspecs(prefix: string): void {
  for (const kernel of kernels) {
    const directory = join(prefix, "kernels", kernel.name);
    mkdirSync(directory, { recursive: true });
    const spec = {
      argv: kernel.argv,
      display_name: kernel.label,
      language: "typescript",
      interrupt_mode: "message",
      // jaclab's kernels keep their history in the run's directory, not in the user's history file.
      env:
        kernel.env === undefined
          ? {}
          : { ...kernel.env, JACLAB_HISTORY_FILE: join(directory, "history.jsonl") },
    };
    writeFileSync(join(directory, "kernel.json"), JSON.stringify(spec, null, 2));
  }
}

function measure(kernel: Peer, jupyterPath: string, cells: number): Measurement {
  // The result goes to a file, not stdout: the kernels inherit the helper's stdout, and a Node kernel makes
  // it non-blocking (for every process sharing it), so Python silently dropped parts of a long result when
  // the pipe was full (a soak of 5,000 cells came back with 1,906 or 3,948 entries, or as broken JSON).
  const resultFile = join(jupyterPath, `${kernel.name}-result.json`);
  const args = [join(root, "bench", "kernel_bench.py"), kernel.name, "--cells", String(cells)];
  args.push("--output", resultFile);
  for (const cell of kernel.cells) args.push("--code", cell.code);
  if (kernel.soak > 0) {
    args.push("--soak", String(kernel.soak));
    for (const code of SOAK_CELLS) args.push("--soak-code", code);
  }
  if (kernel.huge) args.push("--displays", JSON.stringify(HUGE_TENSORS));
  process.stderr.write(`measuring ${kernel.label}...\n`);
  execFileSync(python, args, {
    env: { ...process.env, JUPYTER_PATH: jupyterPath },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const measurement = JSON.parse(readFileSync(resultFile, "utf8")) as Measurement;
  const soaked = measurement.soak?.times_s.length;
  if (soaked !== undefined && soaked !== kernel.soak) {
    throw new Error(`the soak ran ${soaked} of ${kernel.soak} cells`);
  }
  return measurement;
}

const ms = (seconds: number): string => `${(seconds * 1000).toFixed(1)} ms`;
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

function table(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i])).join("  ")}\n`);
}

function cellOf(kernel: Peer, result: Measurement, label: string): number | undefined {
  const code = kernel.cells.find((c) => c.label === label)?.code;
  return code === undefined ? undefined : result.cell_s[code];
}

function printLatency(results: Map<string, Measurement>): void {
  const rows: string[][] = [["kernel", "start", "cell (checked)", "cell (unchecked)"]];
  for (const kernel of kernels) {
    const result = results.get(kernel.label);
    if (result === undefined) continue;
    const cell = (label: string): string => {
      const seconds = cellOf(kernel, result, label);
      return seconds === undefined ? "-" : ms(seconds);
    };
    rows.push([kernel.label, ms(result.start_s), cell("checked"), cell("unchecked")]);
  }
  table(rows);

  const jaclab = results.get("jaclab");
  if (jaclab === undefined) return;
  const checked = jaclab.cell_s[trivial];
  const plain = jaclab.cell_s[unchecked];
  process.stdout.write("\nratios (jaclab / other; below 1 means jaclab is faster)\n");
  for (const other of ["jaclab-before", "tslab", "deno"]) {
    const peer = kernels.find((k) => k.label === other);
    const result = results.get(other);
    if (peer === undefined || result === undefined) continue;
    const parts = [`start ${ratio(jaclab.start_s, result.start_s)}`];
    const peerChecked = cellOf(peer, result, "checked");
    const peerPlain = cellOf(peer, result, "unchecked");
    if (peerChecked !== undefined) parts.push(`checked cell ${ratio(checked, peerChecked)}`);
    if (peerPlain !== undefined) parts.push(`unchecked cell ${ratio(plain, peerPlain)}`);
    process.stdout.write(`  vs ${other}: ${parts.join(", ")}\n`);
  }
  const tslab = results.get("tslab");
  const deno = results.get("deno");
  const verdict = (ok: boolean | undefined): string =>
    ok === undefined ? "not measured" : ok ? "met" : "MISSED";
  const slowestPeerStart = tslab && deno ? Math.min(tslab.start_s, deno.start_s) : (tslab ?? deno)?.start_s;
  process.stdout.write("\ntargets (issue 8)\n");
  process.stdout.write(
    `  start below Deno's and tslab's: ${verdict(slowestPeerStart === undefined ? undefined : jaclab.start_s < slowestPeerStart)}\n`,
  );
  const tslabChecked = tslab?.cell_s[trivial];
  process.stdout.write(
    `  checked cell at most 0.5x tslab's: ${verdict(tslabChecked === undefined ? undefined : checked <= 0.5 * tslabChecked)}\n`,
  );
  const denoPlain = deno?.cell_s[trivial];
  process.stdout.write(
    `  unchecked cell below Deno's: ${verdict(denoPlain === undefined ? undefined : plain < denoPlain)}\n`,
  );
}

/**
 * The unchecked cells taking turns with Deno's, one cell to each kernel in turn (load weighs on all alike):
 * one expression (which jaclab runs without TypeScript's parser) and one that declares a name (which it
 * parses with TypeScript). The same kernel may appear twice, once per kind of cell.
 */
const INTERLEAVED = [
  { kind: "one expression", jaclab: unchecked, deno: trivial },
  { kind: "declares a name", jaclab: `// @ts-nocheck\nconst v{i} = {i} + 1;`, deno: "const v{i} = {i} + 1;" },
];

/** Medians in seconds, by "label|kind". */
function measureInterleaved(jupyterPath: string): Record<string, number> | undefined {
  const cells = Number(process.env.BENCH_INTERLEAVED_CELLS ?? 1000);
  if (cells <= 0) return undefined;
  const resultFile = join(jupyterPath, "interleaved-result.json");
  const args = [
    join(root, "bench", "kernel_interleaved.py"),
    "--cells",
    String(cells),
    "--output",
    resultFile,
  ];
  const jaclabs = [
    ["jaclab", "bench-jaclab"],
    ...(baseline === undefined ? [] : [["jaclab-before", "bench-jaclab-before"]]),
  ];
  for (const { kind, jaclab, deno } of INTERLEAVED) {
    for (const [label, spec] of jaclabs) args.push("--kernel", `${label}|${kind}`, spec, jaclab);
    args.push("--kernel", `deno|${kind}`, "bench-deno", deno);
  }
  process.stderr.write(`measuring the unchecked cells interleaved with Deno's (${cells} cells each)...\n`);
  try {
    execFileSync(python, args, {
      env: { ...process.env, JUPYTER_PATH: jupyterPath },
      stdio: ["ignore", "inherit", "inherit"],
    });
    return JSON.parse(readFileSync(resultFile, "utf8")) as Record<string, number>;
  } catch (error) {
    process.stderr.write(`interleaved: not measured (${(error as Error).message.split("\n")[0]})\n`);
    return undefined;
  }
}

function printInterleaved(medians: Record<string, number> | undefined): void {
  if (medians === undefined) return;
  const cells = Number(process.env.BENCH_INTERLEAVED_CELLS ?? 1000);
  process.stdout.write(
    `\nunchecked cells, interleaved with Deno's (${cells} cells to each kernel, one to each in turn; medians)\n`,
  );
  for (const { kind } of INTERLEAVED) {
    const deno = medians[`deno|${kind}`];
    if (deno === undefined) continue;
    const rows = ["jaclab", "jaclab-before"].flatMap((label) => {
      const median = medians[`${label}|${kind}`];
      return median === undefined ? [] : [`${label} ${ms(median)} (${ratio(median, deno)})`];
    });
    const jaclab = medians[`jaclab|${kind}`];
    const met = jaclab === undefined ? "not measured" : jaclab < deno ? "met" : "MISSED";
    process.stdout.write(`  ${kind}: ${rows.join(", ")}, deno ${ms(deno)}: below Deno's ${met}\n`);
  }
}

function main(): void {
  const cells = Number(process.env.BENCH_CELLS ?? 50);
  const prefix = mkdtempSync(join(tmpdir(), "jaclab-bench-"));
  process.stdout.write(
    `load average at start: ${load()} (2 cores; the lead re-measures on a quiet machine)\n\n`,
  );
  try {
    writeKernelspecs(prefix);
    const results = new Map<string, Measurement>();
    for (const kernel of kernels) {
      try {
        results.set(kernel.label, measure(kernel, prefix, cells));
      } catch (error) {
        process.stderr.write(`${kernel.label}: not measured (${(error as Error).message.split("\n")[0]})\n`);
      }
    }
    const interleaved = results.has("jaclab") && results.has("deno") ? measureInterleaved(prefix) : undefined;
    printLatency(results);
    printInterleaved(interleaved);
    for (const label of ["jaclab", "jaclab-before"]) {
      const result = results.get(label);
      if (result?.soak) printSoak(label, result.soak);
    }
    printDisplays(
      ["jaclab", "jaclab-before"].flatMap((label) => {
        const result = results.get(label);
        return result?.displays ? [{ label, displays: result.displays }] : [];
      }),
    );
    process.stdout.write(`\nload average at end: ${load()}\n`);
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}

main();
