// Peak memory of jaclab's benchmark cases, measured in a child process of `npm run bench:core` (run with
// --expose-gc and a fixed glibc mmap threshold so that freed large buffers leave the resident set): the
// peak resident memory of one steady-state call above the resident memory just before it, read from
// /proc/self/status (VmHWM, reset through /proc/self/clear_refs). Prints JSON on stdout.
// Run: node --expose-gc dist/bench/core-memory.js [kind...]
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { SIZES, makeProblem, type ProblemKind } from "./core-problems.js";
import { jaclabCases } from "./core-jaclab.js";

function statusKiB(field: string): number {
  const line = readFileSync("/proc/self/status", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${field}:`));
  if (line === undefined) throw new Error(`no ${field} in /proc/self/status`);
  return Number(line.split(/\s+/)[1]);
}

/** Peak resident bytes of one call of fn above the resident bytes before it (Linux only). */
export function peakBytes(fn: () => void): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("peakBytes needs node --expose-gc");
  gc();
  writeFileSync("/proc/self/clear_refs", "5");
  const before = statusKiB("VmRSS");
  fn();
  return Math.max(0, statusKiB("VmHWM") - before) * 1024;
}

/** One memory result. */
export interface MemoryResult {
  kind: ProblemKind;
  size: number;
  method: string;
  peakBytes: number;
  /** For jitted cases: the plan's buffers (kept between calls) and outputs (per call). */
  plan?: { buffers: number; outputs: number };
}

function main(): void {
  const kinds = (process.argv.length > 2 ? process.argv.slice(2) : Object.keys(SIZES)) as ProblemKind[];
  const results: MemoryResult[] = [];
  for (const kind of kinds) {
    for (const size of SIZES[kind]) {
      const p = makeProblem(kind, size);
      for (const c of jaclabCases(p)) {
        // A few calls first, so that the call measured runs optimised code with its caches warm.
        for (let i = 0; i < 3; i++) c.run();
        results.push({
          kind,
          size,
          method: c.method,
          peakBytes: peakBytes(() => void c.run()),
          plan: c.planBytes?.(),
        });
      }
    }
  }
  process.stdout.write(JSON.stringify({ results }));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
