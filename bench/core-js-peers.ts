// The JavaScript peers' turn of `npm run bench:core`, in a process of its own: jax-js and TensorFlow.js
// leave WebAssembly memories, caches and a large heap behind, and in the benchmark's own process V8's
// background threads worked on that heap during jaclab's turns (jit plans kept up to 1.55 cores busy
// there, 1.00-1.03 alone). Usage: node core-js-peers.js <kind> <size> <budgetMs> <warmMs> <cpu|wall>; prints one line,
// JS_PEERS_MARK followed by JSON {results: Measurement[], messages: string[]}.
import { measure } from "./core-measure.js";
import { loadJax, loadTf, type PeerFactory } from "./core-peers.js";
import { makeProblem, type Problem, type ProblemKind } from "./core-problems.js";
import type { Measurement } from "./core-report.js";
import { JS_PEERS_MARK } from "./core-js-process.js";

async function loadPeer(name: string, load: () => Promise<PeerFactory>, messages: string[]) {
  try {
    return await load();
  } catch (e) {
    messages.push(`(${name} could not be loaded: ${(e as Error).message})`);
    return null;
  }
}

async function main(): Promise<void> {
  const [kind, size, budgetMs, warmMs, clock] = process.argv.slice(2);
  const p: Problem = makeProblem(kind as ProblemKind, Number(size));
  const opts = {
    budgetMs: Number(budgetMs),
    warmMs: Number(warmMs),
    clock: clock === "wall" ? "wall" : "cpu",
  } as const;
  const messages: string[] = [];
  const results: Measurement[] = [];
  const a = p.arrays;
  const mlp = { n: p.size, w1: a.w1.data, b1: a.b1.data, w2: a.w2.data, b2: a.b2.data, x: a.x.data };
  for (const [name, load] of [
    ["@jax-js/jax", loadJax],
    ["@tensorflow/tfjs", loadTf],
  ] as const) {
    const factory = await loadPeer(name, load, messages);
    if (factory === null) continue;
    const cases = factory(mlp);
    for (const c of cases) measure(c, p, results, opts);
    for (const c of cases) c.dispose();
  }
  console.log(JS_PEERS_MARK + JSON.stringify({ results, messages }));
}

void main();
