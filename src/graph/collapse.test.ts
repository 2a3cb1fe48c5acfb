// Tests of repeat detection, clustering, collapsing, the node limit and highlighting on hand-built models.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GraphBuilder, type GraphModel } from "./model.js";
import { findRuns, linearChains } from "./repeats.js";
import { clusterRuns, collapseParallel, collapseRuns, simplifyRepeats } from "./collapse.js";
import { limitNodes } from "./limit.js";
import { highlightOutput, HighlightError } from "./highlight.js";
import { toDot } from "./dot.js";
import { renderSvg } from "./svg.js";

/** x -> ops... -> y, where each op of `labels` also takes a weight input named w<i> when it is "matmul". */
function chainModel(labels: string[]): GraphModel {
  const b = new GraphBuilder();
  let prev = b.addNode({ id: "x", kind: "input", label: "x", shape: [4] }).id;
  labels.forEach((label, i) => {
    const op = b.addNode({ id: `n${i}`, kind: "op", label, shape: [4] }).id;
    b.addEdge({ from: prev, to: op, label: "[4]" });
    if (label === "matmul") {
      const w = b.addNode({ id: `w${i}`, kind: "input", label: `w${i}`, shape: [4, 4] }).id;
      b.addEdge({ from: w, to: op, label: "[4,4]" });
    }
    if (label === "mul") {
      const c = b.addNode({ id: `c${i}`, kind: "constant", label: "2", shape: [] }).id;
      b.addEdge({ from: c, to: op, label: "[]" });
    }
    prev = op;
  });
  const y = b.addNode({ id: "y", kind: "output", label: "y", shape: [4] }).id;
  b.addEdge({ from: prev, to: y, label: "[4]" });
  return b.model;
}

const mlp = ["matmul", "add", "tanh", "matmul", "add", "tanh", "matmul", "add", "tanh", "matmul", "add"];

test("linearChains follows single-successor ops and findRuns finds the repeated layer", () => {
  const model = chainModel(["exp", ...mlp]);
  const chains = linearChains(model);
  assert.deepEqual(chains, [model.nodes.filter((n) => n.kind === "op").map((n) => n.id)]);
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const runs = findRuns(chains[0], byId, (p) => (p === 1 ? 3 : 2), true);
  assert.equal(runs.length, 1);
  assert.equal(runs[0].period, 3);
  assert.equal(runs[0].count, 3);
  assert.equal(runs[0].tail, 2);
  assert.equal(runs[0].nodeIds[0], "n1", "the run starts after exp");
});

test("clusterRuns boxes each layer of an MLP, the last partial one included", () => {
  const clustered = clusterRuns(chainModel(mlp));
  assert.deepEqual(
    clustered.clusters.map((c) => c.label),
    [
      "block 1/4: matmul → add → tanh",
      "block 2/4: matmul → add → tanh",
      "block 3/4: matmul → add → tanh",
      "block 4/4: matmul → add",
    ],
  );
  assert.deepEqual(clustered.clusters[3].nodeIds, ["n9", "n10"]);
  assert.equal(clustered.nodes.length, chainModel(mlp).nodes.length, "clustering keeps every node");
});

test("collapseRuns draws a run of one op once with ×k and folds its constants", () => {
  const model = chainModel(["sin", "mul", "mul", "mul", "mul", "cos"]);
  const collapsed = collapseRuns(model);
  const ops = collapsed.nodes.filter((n) => n.kind === "op");
  assert.deepEqual(
    ops.map((n) => [n.label, n.repeat ?? 1]),
    [
      ["sin", 1],
      ["mul", 4],
      ["cos", 1],
    ],
  );
  assert.equal(collapsed.nodes.filter((n) => n.kind === "constant").length, 0);
  assert.match(ops[1].detail ?? "", /4 constants folded in/);
  const rep = ops[1].id;
  assert.ok(collapsed.edges.some((e) => e.from === "n0" && e.to === rep));
  assert.ok(collapsed.edges.some((e) => e.from === rep && e.to === "n5"));
  assert.match(toDot(collapsed), /<b>mul ×4<\/b>/);
});

test("collapseRuns draws repeated MLP layers as one block node fed by every weight", () => {
  const collapsed = collapseRuns(chainModel(mlp));
  const block = collapsed.nodes.find((n) => n.repeat === 3);
  assert.equal(block?.label, "matmul → add → tanh");
  const weights = collapsed.edges.filter((e) => e.to === block?.id && e.from.startsWith("w"));
  assert.equal(weights.length, 3);
  assert.equal(
    collapsed.nodes.filter((n) => n.kind === "op").length,
    3,
    "the block, then the last matmul and add",
  );
});

test("collapseParallel draws identical side-by-side chains once", () => {
  const b = new GraphBuilder();
  b.addNode({ id: "x", kind: "input", label: "x", shape: [5, 3] });
  b.addNode({ id: "stack", kind: "op", label: "stack", shape: [5] });
  for (let i = 0; i < 5; i++) {
    b.addNode({ id: `s${i}`, kind: "op", label: "slice", detail: `start=${i}`, shape: [3] });
    b.addNode({ id: `e${i}`, kind: "op", label: "sum", shape: [] });
    b.addEdge({ from: "x", to: `s${i}` });
    b.addEdge({ from: `s${i}`, to: `e${i}` });
    b.addEdge({ from: `e${i}`, to: "stack" });
  }
  const collapsed = collapseParallel(b.model);
  assert.deepEqual(
    collapsed.nodes.map((n) => `${n.id}:${n.repeat ?? 1}`),
    ["x:1", "stack:1", "s0:5", "e0:5"],
  );
  assert.equal(collapsed.nodes.find((n) => n.id === "s0")?.detail, "5 parallel copies");
  assert.deepEqual(
    collapsed.edges.map((e) => `${e.from}->${e.to}`),
    ["x->s0", "s0->e0", "e0->stack"],
  );
});

test("simplifyRepeats leaves small graphs without repeats unchanged", () => {
  const model = chainModel(["sin", "mul", "cos"]);
  assert.deepEqual(simplifyRepeats(model), model);
  assert.equal(simplifyRepeats(chainModel(mlp), "none").clusters.length, 0);
});

test("limitNodes keeps the first nodes and says how many were omitted", async () => {
  const model = chainModel(Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? "sin" : "cos")));
  assert.equal(model.nodes.length, 302);
  const cut = limitNodes(model, 50);
  assert.equal(cut.nodes.length, 51);
  const note = cut.nodes.find((n) => n.kind === "note");
  assert.equal(note?.label, "252 more nodes omitted");
  assert.ok(cut.edges.every((e) => cut.nodes.some((n) => n.id === e.to)));
  assert.equal(cut.edges.filter((e) => e.to === note?.id).length, 1, "the last kept op points at the note");
  const svg = await renderSvg(toDot(cut));
  assert.ok(svg.includes("252 more nodes omitted"));
  assert.equal(limitNodes(model, 400), model);
});

test("highlightOutput marks what one output depends on and dims the rest", () => {
  const b = new GraphBuilder();
  for (const id of ["a", "b"]) b.addNode({ id, kind: "input", label: id });
  b.addNode({ id: "f", kind: "op", label: "sin" });
  b.addNode({ id: "g", kind: "op", label: "mul" });
  b.addNode({ id: "y0", kind: "output", label: "y0" });
  b.addNode({ id: "y1", kind: "output", label: "y1" });
  for (const [from, to] of [
    ["a", "f"],
    ["f", "y0"],
    ["a", "g"],
    ["b", "g"],
    ["g", "y1"],
  ])
    b.addEdge({ from, to });
  const marked = highlightOutput(b.model, 0);
  const strong = marked.nodes.filter((n) => n.emphasis === "strong").map((n) => n.id);
  assert.deepEqual(strong, ["a", "f", "y0"]);
  assert.deepEqual(
    marked.edges.filter((e) => e.emphasis === "strong").map((e) => `${e.from}->${e.to}`),
    ["a->f", "f->y0"],
  );
  assert.match(toDot(marked), /"b" \[[^\n]*color="#d1d5db"/);
  assert.throws(() => highlightOutput(b.model, 2), HighlightError);
});
