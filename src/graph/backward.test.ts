// Tests of the tape walker and the backward overlay on hand-made tensors with torch-style history,
// shaped like the original question: x = cat([2q, 4q·q]) and four one-element slices of x.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { HistoryNodeLike, HistoryTensor } from "./history.js";
import { tapeModel } from "./tape.js";
import { addBackwardPass } from "./backward.js";
import { adjacency, reachable } from "./model.js";
import { toDot } from "./dot.js";
import { renderSvg } from "./svg.js";

class FakeTensor implements HistoryTensor {
  constructor(
    readonly shape: number[],
    readonly requiresGrad: boolean,
    readonly gradFn: HistoryNodeLike | null = null,
    private readonly values?: number[],
  ) {}
  toArray(): number[] | number {
    return this.shape.length === 0 ? (this.values ?? [0])[0] : (this.values ?? []);
  }
}

function apply(
  name: string,
  inputs: FakeTensor[],
  shape: number[],
  params?: Record<string, unknown>,
): FakeTensor {
  return new FakeTensor(shape, true, { name, inputs, ...(params ? { params } : {}) });
}

function originalQuestion() {
  const q = new FakeTensor([2], true);
  const twoQ = apply("mul", [q, new FakeTensor([], false, null, [2])], [2]);
  const fourQ = apply("mul", [new FakeTensor([], false, null, [4]), q], [2]);
  const fourQQ = apply("mul", [fourQ, q], [2]);
  const x = apply("cat", [twoQ, fourQQ], [4], { dim: 0 });
  const slices = [0, 1, 2, 3].map((i) => apply("narrow", [x], [1], { dim: 0, start: i, length: 1 }));
  return { q, x, slices };
}

test("tapeModel walks history back to the leaves, one op per history node", () => {
  const { q, x, slices } = originalQuestion();
  const model = tapeModel(slices, {
    names: new Map<object, string>([
      [q, "q"],
      [x, "x"],
    ]),
  });
  const count = (kind: string, label?: string) =>
    model.nodes.filter((n) => n.kind === kind && (label === undefined || n.label === label)).length;
  assert.equal(count("input"), 1);
  assert.equal(count("constant"), 2);
  assert.equal(count("op", "mul"), 3);
  assert.equal(count("op", "cat"), 1);
  assert.equal(count("op", "narrow"), 4);
  assert.deepEqual(
    model.nodes.filter((n) => n.kind === "output").map((n) => n.label),
    ["y0", "y1", "y2", "y3"],
  );
  const cat = model.nodes.find((n) => n.label === "cat");
  assert.equal(cat?.name, "x");
  assert.equal(cat?.detail, "dim=0");
  const qNode = model.nodes.find((n) => n.kind === "input");
  assert.equal(qNode?.label, "q");
  assert.equal(model.edges.filter((e) => e.from === qNode?.id).length, 3, "q feeds three multiplications");
  assert.ok(model.nodes.some((n) => n.kind === "constant" && n.label === "4"));
});

test("the backward pass sums the four slices' cotangents into q.grad", () => {
  const { q, slices } = originalQuestion();
  const forward = tapeModel(slices, { names: new Map([[q, "q"]]) });
  const { model, summary } = addBackwardPass(forward);
  const qId = forward.nodes.find((n) => n.label === "q")?.id as string;
  const seeds = [...summary.seeds.values()];
  assert.equal(seeds.length, 4);
  const sumAtQ = summary.sums.get(qId);
  assert.ok(sumAtQ, "a sum node collects q's cotangents");
  assert.equal(model.nodes.find((n) => n.id === sumAtQ)?.kind, "sum");
  const backward = adjacency(model, ["backward"]);
  assert.equal(
    backward.preds.get(sumAtQ as string)?.length,
    3,
    "q is used three times: three cotangents meet",
  );
  const upstream = reachable(backward, [sumAtQ as string], "preds");
  for (const seed of seeds) assert.ok(upstream.has(seed), `seed ${seed} flows into q's sum`);
  const grad = summary.grads.get(qId) as string;
  assert.deepEqual([...(summary.fromOutputs.get(grad) ?? [])].sort(), [0, 1, 2, 3]);
  const note = model.nodes.find((n) => n.kind === "note");
  assert.equal(note?.label, "4 cotangents summed into q.grad");
  // x = cat(...) is used by four slices: its four cotangents are summed too.
  const catId = forward.nodes.find((n) => n.label === "cat")?.id as string;
  assert.equal(backward.preds.get(summary.sums.get(catId) as string)?.length, 4);
  assert.ok(!model.nodes.some((n) => n.kind === "grad" && n.label !== "q.grad"), "constants get no gradient");
});

test("a single output used once needs no sum node and no note", () => {
  const q = new FakeTensor([3], true);
  const y = apply("sin", [q], [3]);
  const { model, summary } = addBackwardPass(tapeModel([y]));
  assert.equal(summary.sums.size, 0);
  assert.ok(!model.nodes.some((n) => n.kind === "note" || n.kind === "sum"));
  assert.equal(summary.grads.size, 1);
  assert.equal(model.nodes.find((n) => n.kind === "grad")?.label, "x0.grad");
});

test("the backward DOT and SVG show the orange sum nodes and the summed-into-q note", async () => {
  const { q, slices } = originalQuestion();
  const { model } = addBackwardPass(tapeModel(slices, { names: new Map([[q, "q"]]) }));
  const dot = toDot(model);
  assert.match(dot, /shape="octagon"[^\n]*fillcolor="#fdba74"[^\n]*<b>\+<\/b>/);
  assert.ok(dot.includes("4 cotangents summed into q.grad"));
  assert.match(dot, /"bw_seed_out0" \[[^\n]*<b>ḡ y0<\/b>/);
  const svg = await renderSvg(dot);
  assert.ok(svg.includes("4 cotangents summed into q.grad"));
  const sumGroups = svg.match(/class="node">\n<title>bw_sum_[^<]*<\/title>/g) ?? [];
  assert.equal(sumGroups.length, 2, "sums at x and at q");
});
