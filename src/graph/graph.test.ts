// End-to-end tests of graph() on the real core: tensors with history and traced functions.
// The core is wired by the setup module (the tests import its pieces directly, not the index).
import "../setup.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { cat, ones, randn, tensor } from "../ops/index.js";
import type { Tensor } from "../tensor.js";
import { ArgumentError } from "../errors.js";
import { displaySymbol } from "../render/mime.js";
import { graph } from "./graph.js";
import { globalNames } from "./global-names.js";
import { HighlightError } from "./highlight.js";
import { adjacency, reachable } from "./model.js";

/** The original question: q = [1, 2], x = cat([2q, 4q²]), and x's four one-element slices. */
function originalQuestion() {
  const q = tensor([1, 2], { requiresGrad: true });
  const x = cat([q.mul(2), q.mul(q).mul(4)], 0);
  const slices = [0, 1, 2, 3].map((i) => x.narrow(0, i, 1));
  return { q, x, slices };
}

test("graph(slices, { backward }) shows all four cotangents summed into q.grad", async () => {
  const { q, x, slices } = originalQuestion();
  const diagram = graph(slices, { backward: true, names: { q, x } });
  const { model } = diagram;
  const seeds = model.nodes.filter((n) => n.kind === "cotangent");
  assert.deepEqual(
    seeds.map((n) => n.label),
    ["ḡ y0", "ḡ y1", "ḡ y2", "ḡ y3"],
  );
  const sumIntoQ = model.nodes.find((n) => n.kind === "sum" && (n.detail ?? "").includes("into q.grad"));
  assert.ok(sumIntoQ, "a sum node adds the cotangents reaching q");
  const backward = adjacency(model, ["backward"]);
  const upstream = reachable(backward, [sumIntoQ.id], "preds");
  for (const seed of seeds) assert.ok(upstream.has(seed.id), `${seed.label} flows into the sum at q`);
  const sumAtX = model.nodes.find((n) => n.kind === "sum" && (n.detail ?? "").includes("into x"));
  assert.equal(backward.preds.get(sumAtX?.id ?? "")?.length, 4, "the four slices' cotangents meet at x");
  const grad = model.nodes.find((n) => n.kind === "grad");
  assert.equal(grad?.label, "q.grad");
  assert.equal(backward.preds.get(grad?.id ?? "")?.[0]?.from, sumIntoQ.id);

  assert.ok(diagram.dot.includes("4 cotangents summed into q.grad"));
  assert.match(diagram.dot, /shape="octagon"[^\n]*fillcolor="#fdba74"/);
  const svg = await diagram.svg();
  assert.ok(svg.includes("4 cotangents summed into q.grad"));
  const nodeGroups = svg.match(/<g id="node\d+" class="node">/g) ?? [];
  assert.equal(nodeGroups.length, model.nodes.length);
});

test("the forward graph of the question names q and x and labels edges with shapes", () => {
  const { q, x, slices } = originalQuestion();
  const { model, dot, text } = graph(slices, { names: { q, x } });
  assert.equal(model.nodes.filter((n) => n.kind === "input").length, 1);
  assert.equal(model.nodes.filter((n) => n.kind === "output").length, 4);
  assert.ok(!model.nodes.some((n) => n.kind === "sum"), "no backward pass unless asked");
  assert.match(dot, /<b>x = concat<\/b>/);
  assert.match(dot, /<b>q<\/b><br\/><font point-size="9">\[2\]<\/font>/);
  assert.match(dot, /label="\[4\]"/);
  assert.match(text, /\n {2}x = concat \[4\] op \(axis=0\) ← mul#1, mul#2\n/);
  assert.match(text, /\n {2}slice#2 \[1\] op \(\[2:3\]\) ← x\n/);
});

test("graph(f, ...inputs) traces the function with its parameter names", () => {
  const f = (q: Tensor, w: Tensor) => q.mul(w).sin().sum();
  const { model } = graph(f, tensor([1, 2]), tensor([3, 4]));
  assert.deepEqual(
    model.nodes.filter((n) => n.kind === "input").map((n) => n.label),
    ["q", "w"],
  );
  assert.deepEqual(
    model.nodes.filter((n) => n.kind === "op").map((n) => n.label),
    ["mul", "sin", "sum"],
  );
  assert.equal(model.nodes.find((n) => n.kind === "output")?.label, "y");
});

test("graph(f, ...inputs, options) takes trailing options, names and captured weights", () => {
  const w = randn([3, 2], { seed: 1 }).requiresGrad_();
  const layer = (v: Tensor) => [v.matmul(w).tanh(), v.sum()];
  const { model } = graph(layer, randn([4, 3], { seed: 2 }), {
    names: ["batch"],
    outputNames: ["h", "s"],
    backward: true,
  });
  assert.deepEqual(
    model.nodes.filter((n) => n.kind === "input").map((n) => n.label),
    ["batch", "w0"],
  );
  assert.deepEqual(
    model.nodes.filter((n) => n.kind === "output").map((n) => n.label),
    ["h", "s"],
  );
  const grads = model.nodes.filter((n) => n.kind === "grad").map((n) => n.label);
  assert.deepEqual(grads.sort(), ["batch.grad", "w0.grad"]);
});

test("gradOutputs describe the cotangent seeds", () => {
  const q = tensor([1, 2], { requiresGrad: true });
  const { model } = graph(q.mul(3), { backward: true, gradOutputs: [tensor([1, 0])] });
  assert.equal(model.nodes.find((n) => n.kind === "cotangent")?.detail, "= [1,0]");
  const big = graph(q.mul(3).sum(), { backward: true, gradOutputs: ones([]) });
  assert.equal(big.model.nodes.find((n) => n.kind === "cotangent")?.detail, "= 1");
});

test("highlight marks one output's path and rejects a missing output", () => {
  const { q, slices } = originalQuestion();
  const { model } = graph(slices, { highlight: 1, names: { q } });
  const strongOutputs = model.nodes.filter((n) => n.kind === "output" && n.emphasis === "strong");
  assert.deepEqual(
    strongOutputs.map((n) => n.label),
    ["y1"],
  );
  assert.equal(model.nodes.find((n) => n.label === "q")?.emphasis, "strong");
  assert.equal(
    model.nodes.filter((n) => n.kind === "op" && n.emphasis === "dim").length,
    3,
    "the other slices",
  );
  assert.throws(() => graph(slices, { highlight: 4 }), HighlightError);
  const both = graph(slices, { highlight: 1, backward: true, names: { q } }).model;
  const strongSeeds = both.nodes.filter((n) => n.kind === "cotangent" && n.emphasis === "strong");
  assert.deepEqual(
    strongSeeds.map((n) => n.label),
    ["ḡ y1"],
  );
  assert.equal(
    both.nodes.find((n) => n.kind === "grad")?.emphasis,
    "strong",
    "y1's cotangent reaches q.grad",
  );
});

test("graph(f) refuses an async function", () => {
  assert.throws(() => graph(async (v: Tensor) => v.sin(), tensor([1])), /returned a Promise/);
});

test("long loops collapse into one ×k node and huge graphs are cut with a note", () => {
  const loop = (v: Tensor) => {
    let h = v;
    for (let i = 0; i < 30; i++) h = h.sin();
    return h;
  };
  const collapsed = graph(loop, tensor([0.5]));
  const sin = collapsed.model.nodes.find((n) => n.label === "sin");
  assert.equal(sin?.repeat, 30);
  assert.match(collapsed.dot, /sin ×30/);
  const cut = graph(loop, tensor([0.5]), { repeats: "none", maxNodes: 10 });
  assert.equal(cut.model.nodes.length, 11);
  assert.equal(cut.model.nodes.find((n) => n.kind === "note")?.label, "22 more nodes omitted");
});

test("graph() rejects values it cannot draw with ArgumentError", () => {
  assert.throws(() => graph(42 as unknown as Tensor), ArgumentError);
  assert.throws(() => graph([tensor([1]), "y" as unknown as Tensor]), /graph: output 1 must be a Tensor/);
});

test("a diagram's bundle carries SVG with node groups, DOT and text", async () => {
  const q = tensor([1, 2], { requiresGrad: true });
  const bundle = (await graph(q.exp().sum())[displaySymbol]()) as Record<string, string>;
  assert.match(bundle["image/svg+xml"], /<g id="node1" class="node">/);
  assert.match(bundle["text/vnd.graphviz"], /^digraph jaclab/);
  assert.match(bundle["text/plain"], /^computational graph: 4 nodes, 3 edges/);
});

test("tensors held by notebook variables are named after them", () => {
  const { q, x, slices } = originalQuestion();
  const scope = globalThis as Record<string, unknown>;
  Object.assign(scope, { q, x, slices });
  try {
    const { model } = graph(slices, { backward: true });
    assert.equal(model.nodes.find((n) => n.kind === "input")?.label, "q");
    assert.equal(model.nodes.find((n) => n.label === "concat")?.name, "x");
    assert.deepEqual(
      model.nodes.filter((n) => n.kind === "output").map((n) => n.label),
      ["slices[0]", "slices[1]", "slices[2]", "slices[3]"],
    );
    assert.ok(
      !model.nodes.some((n) => n.kind === "op" && n.name?.startsWith("slices")),
      "outputs name output nodes only",
    );
    assert.equal(model.nodes.find((n) => n.kind === "note")?.label, "4 cotangents summed into q.grad");
    const plain = graph(slices, { autoNames: false });
    assert.equal(plain.model.nodes.find((n) => n.kind === "input")?.label, "x0");
  } finally {
    delete scope.q;
    delete scope.x;
    delete scope.slices;
  }
});

test("globalNames reads data properties only and prefers a tensor's own variable", () => {
  const a = tensor([1]);
  const b = tensor([2]);
  const scope = { a, list: [b, a], n: 3 };
  Object.defineProperty(scope, "trap", {
    enumerable: true,
    get: () => {
      throw new Error("a getter must not run");
    },
  });
  const found = globalNames(scope);
  assert.equal(found.get(a), "a");
  assert.equal(found.get(b), "list[0]");
  assert.equal(found.size, 2);
});
