// The JavaScript peers' turn runs in a process of its own and comes back checked and timed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runJsPeers } from "./core-js-process.js";
import { makeProblem } from "./core-problems.js";

test("jax-js and TensorFlow.js measure the MLP in their own process, each case checked and timed", () => {
  const report = runJsPeers(makeProblem("mlp", 8), { budgetMs: 20, warmMs: 20, clock: "cpu" });
  assert.deepEqual(report.messages, []);
  const libraries = new Set(report.results.map((m) => m.library));
  assert.deepEqual([...libraries].sort(), ["jax-js", "tfjs"]);
  for (const m of report.results) {
    assert.equal(m.failure, undefined, `${m.library} ${m.method}: ${m.failure}`);
    assert.ok(m.us !== undefined && m.us > 0, `${m.library} ${m.method} timed`);
    assert.ok(m.err !== undefined && m.err < 1e-4, `${m.library} ${m.method} checked: ${m.err}`);
    assert.ok(m.cores !== undefined && m.cores > 0);
  }
});
