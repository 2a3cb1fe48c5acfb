// Runs the JavaScript peers' turn on one problem in a process of their own (./core-js-peers.ts) and reads
// back its measurements.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { packageRoot } from "../kernel/paths.js";
import type { TimingOptions } from "./core-measure.js";
import type { Problem } from "./core-problems.js";
import type { Measurement } from "./core-report.js";

/** What precedes the JSON line on the peers' process's stdout. */
export const JS_PEERS_MARK = "JACLAB_JS_PEERS ";

/** What the peers' process reports: its measurements, and a line for each peer that failed to load. */
export interface JsPeersReport {
  results: Measurement[];
  messages: string[];
}

/** jax-js and TensorFlow.js on problem `p`, each case checked and timed with `opts`, in a new process. */
export function runJsPeers(p: Problem, opts: TimingOptions): JsPeersReport {
  const script = join(packageRoot(), "dist", "bench", "core-js-peers.js");
  const flags = process.execArgv.filter((f) => f.startsWith("--experimental-wasm"));
  const args = [p.kind, String(p.size), String(opts.budgetMs), String(opts.warmMs), opts.clock];
  const out = execFileSync(process.execPath, [...flags, script, ...args], {
    encoding: "utf8",
    maxBuffer: 16 << 20,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = out.split("\n").find((l) => l.startsWith(JS_PEERS_MARK));
  if (line === undefined)
    throw new Error(`the JavaScript peers' process printed no result: ${out.slice(0, 300)}`);
  return JSON.parse(line.slice(JS_PEERS_MARK.length)) as JsPeersReport;
}
