// showColoring: the bipartite diagram of outputs and inputs with the coloured side filled by group, as DOT
// and as an SVG drawn by Graphviz, and its refusals.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError, Tensor, coloring, displaySymbol, showColoring, sparsity, zeros } from "../index.js";
import { brusselator, brusselatorState, secondDifference } from "../testing/sparse-functions.js";

test("showColoring: every input filled with its group's colour, an edge per nonzero", async () => {
  const p = sparsity(secondDifference, zeros([6]));
  const c = coloring(p, { kind: "column" });
  assert.equal(c.colors, 3);
  const d = showColoring(p, c);
  assert.equal((d.dot.match(/ -- /g) ?? []).length, p.nnz);
  const fills = [...d.dot.matchAll(/"c(\d)" \[[^\]]*fillcolor="([^"]+)"/g)].map((m) => [Number(m[1]), m[2]]);
  assert.equal(fills.length, 6);
  for (const [j, color] of fills) {
    for (const [k, other] of fills)
      assert.equal(color === other, c.groups[j as number] === c.groups[k as number]);
  }
  assert.match(d.text, /colour \d: x0, x3\n/);
  const bundle = await d[displaySymbol]();
  const svg = String(bundle["image/svg+xml"]);
  assert.ok(svg.startsWith("<svg") && svg.includes("x5") && (svg.match(/class="node"/g) ?? []).length === 10);
});

test("showColoring: a row colouring fills the outputs; labels are checked", () => {
  const p = sparsity(secondDifference, zeros([5]));
  const d = showColoring(p, coloring(p, { kind: "row" }), { rowLabels: ["a", "b", "c"] });
  assert.match(d.dot, /"r0" \[label="a".*fillcolor/);
  assert.throws(
    () => showColoring(p, coloring(p, { kind: "row" }), { colLabels: ["x"] }),
    /colLabels has 1 names for 5/,
  );
});

test("showColoring: a pattern too large to read, or a colouring of another pattern, is refused", () => {
  const big = sparsity(brusselator(8), brusselatorState(8));
  assert.throws(
    () => showColoring(big, coloring(big, { kind: "column" })),
    (e: unknown) => e instanceof ArgumentError && /a 128×128 pattern has 256 vertices/.test(e.message),
  );
  const p = sparsity(secondDifference, zeros([5]));
  const q = sparsity((x: Tensor) => x.square(), zeros([5]));
  assert.throws(() => showColoring(q, coloring(p, { kind: "column" })), /the colouring is of a 3×5 pattern/);
});
