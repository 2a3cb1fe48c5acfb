// The core benchmark's tables: the note on cases that keep more than one core busy, and the ratio by the
// other clock in the speed-up lines.
import { test } from "node:test";
import assert from "node:assert/strict";
import { printTarget, printTimes, type Measurement } from "./core-report.js";

function printed(run: () => void): string {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.join(" "));
  try {
    run();
  } finally {
    console.log = log;
  }
  return lines.join("\n");
}

// Arm sizes are 10, 100 and 1000; the largest has the looser target.
const at = (library: string, size: number, us: number, cores: number): Measurement => ({
  kind: "arm",
  size,
  library,
  method: "jit(vmap(jacrev))",
  note: "",
  us,
  cores,
});

test("a peer that keeps 1.5 cores busy gets its ratio by wall time as well, and the table says so", () => {
  const all = [10, 100, 1000].flatMap((n) => [at("jaclab", n, 10, 1), at("JAX", n, 30, n === 10 ? 1.5 : 1)]);
  const lines = printed(() => printTarget(all, "arm", "JAX", undefined, 1, 1 / 1.4, "cpu")).split("\n");
  // CPU ratio 3; JAX's wall time is 30 / 1.5 = 20 µs, jaclab's 10.
  assert.match(lines[1], /^ {4}10: 3\.00x ok .*; by wall time about 2\.00x\)$/);
  assert.doesNotMatch(lines[2], /wall/, "both sides on one core: the clocks agree, nothing added");
  const wall = printed(() => printTarget(all, "arm", "JAX", undefined, 1, 1 / 1.4, "wall"));
  assert.match(wall, /10: 3\.00x ok .*; by CPU time about 4\.50x\)/);
  const table = printed(() => printTimes(all, "arm"));
  assert.match(table, /JAX jit\(vmap\(jacrev\)\).*CPU \/ wall time 1\.00-1\.50/);
  assert.doesNotMatch(table.split("\n").find((l) => l.startsWith("jaclab")) ?? "", /CPU \/ wall/);
});
