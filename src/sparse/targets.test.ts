// The colouring targets of issue 7: the 2-D Brusselator's Jacobian and Rosenbrock's Hessian.
import { test } from "node:test";
import assert from "node:assert/strict";
import { coloring } from "./coloring.js";
import { isValidColumnColoring, isValidRowColoring, isValidStarColoring } from "./coloring-validate.js";
import { SparsityPattern } from "./pattern.js";
import { brusselatorPattern, brusselatorIndex } from "./testing/brusselator-pattern.js";

test("the Brusselator's Jacobian pattern has 6 entries per row and exactly 12·N² nonzeros for N >= 3", () => {
  for (const N of [3, 4, 8, 16]) {
    const p = brusselatorPattern(N);
    assert.deepEqual(p.shape, [2 * N * N, 2 * N * N]);
    assert.equal(p.nnz, 12 * N * N, `N = ${N}`);
  }
  // Output u at (0, 0) reads u and v there and u at its four periodic neighbours.
  const N = 5;
  const row = brusselatorIndex(N, 0, 0, 0);
  const expected = [
    [0, 0, 0],
    [0, 0, 1],
    [N - 1, 0, 0],
    [1, 0, 0],
    [0, N - 1, 0],
    [0, 1, 0],
  ].map(([i, j, c]) => brusselatorIndex(N, i, j, c));
  assert.deepEqual(
    Array.from(brusselatorPattern(N).row(row)),
    expected.sort((a, b) => a - b),
  );
});

test('Brusselator N = 32: at most 8 colours with "best", at most 11 by default, all valid', () => {
  const p = brusselatorPattern(32);
  const best = coloring(p, { kind: "column", ordering: "best" });
  const byDefault = coloring(p, { kind: "column" });
  assert.ok(isValidColumnColoring(p, best.groups) && isValidColumnColoring(p, byDefault.groups));
  // Each row has 6 entries, so 6 is the floor; networkx's best greedy strategy reaches 8.
  assert.ok(best.colors >= 6 && best.colors <= 8, `best: ${best.colors} (${best.ordering})`);
  assert.ok(byDefault.colors <= 11, `default: ${byDefault.colors} (${byDefault.ordering})`);
  const rows = coloring(p, { kind: "row", ordering: "best" });
  assert.ok(isValidRowColoring(p, rows.groups) && rows.colors <= 8, `rows: ${rows.colors}`);
});

test("Brusselator: no more colours at N = 64 than at N = 16, by default and with best", () => {
  const [small, large] = [brusselatorPattern(16), brusselatorPattern(64)];
  for (const ordering of ["best", undefined] as const) {
    const a = coloring(small, { kind: "column", ordering });
    const b = coloring(large, { kind: "column", ordering });
    assert.ok(isValidColumnColoring(large, b.groups));
    assert.ok(b.colors <= a.colors, `${ordering ?? "default"}: ${b.colors} at N = 64, ${a.colors} at N = 16`);
  }
});

test("Rosenbrock's tridiagonal Hessian takes 3 star colours", () => {
  // f(x) = sum 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2 couples only neighbours: a tridiagonal Hessian.
  const n = 200;
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i + 1 < n; i++) {
    rows.push(i, i, i + 1, i + 1);
    cols.push(i, i + 1, i, i + 1);
  }
  const h = SparsityPattern.fromEntries(n, n, rows, cols);
  assert.equal(h.nnz, 3 * n - 2);
  for (const ordering of [undefined, "best", "natural", "smallest-last"] as const) {
    const c = coloring(h, { kind: "star", ordering });
    assert.ok(isValidStarColoring(h, c.groups));
    assert.equal(c.colors, 3, ordering ?? "default");
  }
});
