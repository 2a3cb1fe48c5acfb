// `npm run bench:kernel`: start-up time (spawn -> first kernel_info_reply) and median round trip of a trivial
// cell over 50 cells, for jaclab (type-checked and `// @ts-nocheck`), tslab and Deno's kernel, driven by
// jupyter_client through bench/kernel_bench.py, with ratios against the peers.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../kernel/paths.js";

interface Measurement {
  kernel: string;
  start_s: number;
  starts_s: number[];
  cell_s: Record<string, number>;
}

interface Peer {
  name: string;
  label: string;
  argv: string[];
  cells: { label: string; code: string }[];
}

const python = process.env.JACLAB_PYTHON ?? "/usr/bin/python3";
const root = packageRoot();
const bin = (name: string): string => join(root, "node_modules", ".bin", name);
const trivial = "{i} + 1";

const kernels: Peer[] = [
  {
    name: "bench-jaclab",
    label: "jaclab",
    argv: [process.execPath, join(root, "bin", "jaclab.js"), "kernel", "{connection_file}"],
    cells: [
      { label: "checked", code: trivial },
      { label: "unchecked", code: `// @ts-nocheck\n${trivial}` },
    ],
  },
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
  },
  {
    name: "bench-deno",
    label: "deno",
    argv: [bin("deno"), "jupyter", "--kernel", "--conn", "{connection_file}"],
    cells: [{ label: "unchecked", code: trivial }],
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
    };
    writeFileSync(join(directory, "kernel.json"), JSON.stringify(spec, null, 2));
  }
}

function measure(kernel: Peer, jupyterPath: string, cells: number): Measurement {
  const args = [join(root, "bench", "kernel_bench.py"), kernel.name, "--cells", String(cells)];
  for (const cell of kernel.cells) args.push("--code", cell.code);
  process.stderr.write(`measuring ${kernel.label}...\n`);
  const output = execFileSync(python, args, {
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH: jupyterPath },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(output) as Measurement;
}

const ms = (seconds: number): string => `${(seconds * 1000).toFixed(1)} ms`;
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;

function main(): void {
  const cells = Number(process.env.BENCH_CELLS ?? 50);
  const prefix = mkdtempSync(join(tmpdir(), "jaclab-bench-"));
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
    const rows: string[][] = [["kernel", "start", "cell (checked)", "cell (unchecked)"]];
    for (const kernel of kernels) {
      const result = results.get(kernel.label);
      if (result === undefined) continue;
      const cell = (label: string): string => {
        const code = kernel.cells.find((c) => c.label === label)?.code;
        const seconds = code === undefined ? undefined : result.cell_s[code];
        return seconds === undefined ? "-" : ms(seconds);
      };
      rows.push([kernel.label, ms(result.start_s), cell("checked"), cell("unchecked")]);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
    for (const row of rows) process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i]!)).join("  ")}\n`);

    const jaclab = results.get("jaclab");
    if (jaclab === undefined) return;
    const checked = jaclab.cell_s[trivial];
    const unchecked = jaclab.cell_s[`// @ts-nocheck\n${trivial}`];
    process.stdout.write("\nratios (jaclab / peer; below 1 means jaclab is faster)\n");
    for (const peer of ["tslab", "deno"]) {
      const other = results.get(peer);
      if (other === undefined) continue;
      const otherCell = Object.values(other.cell_s)[0];
      const parts = [`start ${ratio(jaclab.start_s, other.start_s)}`];
      if (otherCell !== undefined && checked !== undefined)
        parts.push(`checked cell ${ratio(checked, otherCell)}`);
      if (otherCell !== undefined && unchecked !== undefined)
        parts.push(`unchecked cell ${ratio(unchecked, otherCell)}`);
      process.stdout.write(`  vs ${peer}: ${parts.join(", ")}\n`);
    }
    process.stdout.write(
      `\ntargets: start < 800 ms (${ms(jaclab.start_s)}), checked cell < 8 ms (${checked === undefined ? "-" : ms(checked)}), ` +
        `unchecked cell < 4 ms (${unchecked === undefined ? "-" : ms(unchecked)})\n`,
    );
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}

main();
