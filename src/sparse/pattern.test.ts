// Tests of SparsityPattern: constructors, queries, transpose, set operations and the spy-plot display.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { PNG } from "pngjs";
import { SparsityPattern } from "./pattern.js";
import { displaySymbol } from "../render/mime.js";
import { tensor } from "../ops/create.js";
import { IndexError, ShapeError } from "../errors.js";
import { arbitraryPattern, bandedPattern, entrySet, randomPattern } from "./testing/patterns.js";

test("fromEntries sorts each row's columns, merges repeats, and counts nnz and density", () => {
  const p = SparsityPattern.fromEntries(3, 4, [2, 0, 0, 2, 0, 1], [1, 3, 0, 1, 3, 2]);
  assert.deepEqual(p.shape, [3, 4]);
  assert.deepEqual(Array.from(p.rowPtr), [0, 2, 3, 4]);
  assert.deepEqual(Array.from(p.colIdx), [0, 3, 2, 1]);
  assert.equal(p.nnz, 4);
  assert.equal(p.density, 4 / 12);
  assert.ok(p.has(0, 3) && p.has(2, 1) && !p.has(1, 1) && !p.has(2, 3));
  assert.equal(p.indexOf(1, 2), 2);
  assert.equal(p.indexOf(1, 3), -1);
  assert.deepEqual(Array.from(p.row(0)), [0, 3]);
  assert.deepEqual(Array.from(p.rowIndices()), [0, 0, 1, 2]);
});

test("fromRows and fromCsr (unsorted, repeated columns) agree with fromEntries", () => {
  const a = SparsityPattern.fromRows(4, [[3, 0, 3], [], [1, 2, 1]]);
  const b = SparsityPattern.fromCsr(3, 4, [0, 3, 3, 6], [3, 0, 3, 1, 2, 1]);
  const c = SparsityPattern.fromEntries(3, 4, [0, 0, 2, 2], [0, 3, 1, 2]);
  assert.ok(a.equals(c) && b.equals(c));
  assert.ok(
    SparsityPattern.fromRows(2, [new Set([1, 0])]).equals(SparsityPattern.fromEntries(1, 2, [0, 0], [0, 1])),
  );
});

test("bad input: each error names the constructor, the entry and the shape", () => {
  assert.throws(
    () => SparsityPattern.fromEntries(2, 2, [0, 2], [0, 0]),
    (e: unknown) => {
      assert.ok(e instanceof IndexError);
      assert.match(e.message, /fromEntries: entry 1: index \(2, 0\) is outside the 2×2 pattern/);
      return true;
    },
  );
  assert.throws(() => SparsityPattern.fromEntries(2, 2, [0], [0, 1]), ShapeError);
  assert.throws(() => SparsityPattern.fromEntries(-1, 2, [], []), /m must be a non-negative integer/);
  assert.throws(() => SparsityPattern.fromEntries(2, 2, [0.5], [0]), IndexError);
  assert.throws(() => SparsityPattern.fromCsr(2, 2, [0, 1], [0]), /rowPtr must have m \+ 1 = 3 entries/);
  assert.throws(() => SparsityPattern.fromRows(2, [[0, 5]]), /fromRows: row 0: index \(0, 5\)/);
  assert.throws(() => SparsityPattern.fromDense(tensor([1, 2, 3])), /expected a 2-D tensor, got shape \[3\]/);
  assert.throws(() => bandedPattern(3, 1, 1).has(3, 0), /has: index \(3, 0\) is outside the 3×3 pattern/);
  assert.throws(() => bandedPattern(3, 1, 1).indexOf(0, -1), /indexOf: index \(0, -1\) is outside/);
  const p = bandedPattern(3, 1, 1);
  assert.throws(
    () => p.union(SparsityPattern.empty(3, 4)),
    /union: patterns of shape \[3, 3\] and \[3, 4\] differ/,
  );
});

test("fromDense keeps entries above the tolerance (NaN counts) and toDense is its inverse", () => {
  const t = tensor([
    [0, 1e-3, 0],
    [2, 0, Number.NaN],
  ]);
  const p = SparsityPattern.fromDense(t);
  assert.deepEqual(Array.from(p.colIdx), [1, 0, 2]);
  assert.equal(SparsityPattern.fromDense(t, 1e-2).nnz, 2);
  const dense = p.toDense();
  assert.deepEqual(dense.shape, [2, 3]);
  assert.deepEqual(dense.toArray(), [
    [0, 1, 0],
    [1, 0, 1],
  ]);
  assert.ok(SparsityPattern.fromDense(dense).equals(p));
});

test("the shape is frozen and the pattern object cannot be changed", () => {
  const p = bandedPattern(4, 1, 0);
  assert.throws(() => {
    (p.shape as number[])[0] = 7;
  }, TypeError);
  assert.throws(() => {
    (p as unknown as { rowPtr: Int32Array }).rowPtr = new Int32Array(5);
  }, TypeError);
});

test("transpose is cached and involutive; isSymmetric, union, isSubsetOf, equals", () => {
  const p = SparsityPattern.fromEntries(2, 3, [0, 1, 1], [2, 0, 2]);
  const t = p.transpose();
  assert.deepEqual(t.shape, [3, 2]);
  assert.deepEqual(Array.from(t.rowPtr), [0, 1, 1, 3]);
  assert.deepEqual(Array.from(t.colIdx), [1, 0, 1]);
  assert.equal(p.transpose(), t);
  assert.equal(t.transpose(), p);
  assert.ok(bandedPattern(5, 2, 2).isSymmetric());
  assert.ok(!bandedPattern(5, 2, 1).isSymmetric());
  const lower = bandedPattern(5, 1, 0);
  const sym = lower.union(lower.transpose());
  assert.ok(sym.equals(bandedPattern(5, 1, 1)));
  assert.ok(lower.isSubsetOf(sym) && !sym.isSubsetOf(lower));
  assert.ok(!lower.equals(sym));
  assert.equal(SparsityPattern.empty(0, 0).density, 0);
  assert.ok(SparsityPattern.diagonal(3).equals(bandedPattern(3, 0, 0)));
});

test("property: constructors, has, transpose and union agree with a set of entries", () => {
  fc.assert(
    fc.property(arbitraryPattern(), arbitraryPattern(), (p, q) => {
      const entries = entrySet(p);
      assert.equal(p.nnz, entries.size);
      for (let i = 0; i < p.shape[0]; i++) {
        const row = Array.from(p.row(i));
        assert.deepEqual(
          row,
          [...new Set(row)].sort((a, b) => a - b),
          "sorted, unique",
        );
        for (let j = 0; j < p.shape[1]; j++) assert.equal(p.has(i, j), entries.has(`${i},${j}`));
      }
      const t = entrySet(p.transpose());
      assert.deepEqual(t, new Set([...entries].map((e) => e.split(",").reverse().join(","))));
      assert.ok(SparsityPattern.fromDense(p.toDense()).equals(p));
      const copy = SparsityPattern.fromCsr(p.shape[0], p.shape[1], p.rowPtr, p.colIdx);
      assert.ok(copy.equals(p) && copy.colIdx !== p.colIdx);
      // Each row reversed and its first column repeated: sorted and merged back.
      const rowPtr = [0];
      const colIdx: number[] = [];
      for (let i = 0; i < p.shape[0]; i++) {
        const row = Array.from(p.row(i)).reverse();
        colIdx.push(...row, ...row.slice(0, 1));
        rowPtr.push(colIdx.length);
      }
      assert.ok(SparsityPattern.fromCsr(p.shape[0], p.shape[1], rowPtr, colIdx).equals(p));
      const sameShape = SparsityPattern.fromEntries(p.shape[0], p.shape[1], [], []).union(p);
      assert.ok(sameShape.equals(p));
      if (q.shape[0] === p.shape[0] && q.shape[1] === p.shape[1]) {
        assert.deepEqual(entrySet(p.union(q)), new Set([...entries, ...entrySet(q)]));
      }
    }),
    { numRuns: 150 },
  );
});

function html(p: SparsityPattern): string {
  const bundle = p[displaySymbol]();
  assert.equal(typeof bundle["text/html"], "string");
  return bundle["text/html"] as string;
}

test("a small pattern shows as an HTML spy grid with one filled cell per nonzero and its caption", () => {
  const p = bandedPattern(6, 1, 1);
  const bundle = p[displaySymbol]();
  const grid = html(p);
  assert.match(grid, /SparsityPattern/);
  assert.match(grid, /6×6 · 16 nonzeros · density 44\.4%/);
  assert.equal([...grid.matchAll(/<td title="\(\d+, \d+\)"/g)].length, 16);
  assert.match(grid, /<td title="\(2, 3\)"/);
  assert.doesNotMatch(grid, /<td title="\(0, 2\)"/);
  assert.equal(bundle["image/png"], undefined);
  const text = bundle["text/plain"] as string;
  assert.match(text, /^SparsityPattern 6×6 · 16 nonzeros/);
  assert.match(text, /\nxx\.\.\.\.\nxxx\.\.\./);
  assert.equal(String(p), "SparsityPattern 6×6 · 16 nonzeros · density 44.4%");
});

test("from 64 rows or columns the spy plot is a PNG with a dark pixel exactly at each nonzero", () => {
  const p = randomPattern(64, 80, 0.05, 7);
  const bundle = p[displaySymbol]();
  assert.equal(typeof bundle["image/png"], "string");
  assert.match(html(p), /<img src="data:image\/png;base64,/);
  assert.match(html(p), /64×80/);
  const png = PNG.sync.read(Buffer.from(bundle["image/png"] as string, "base64"));
  const cell = (png.width - 2) / 80;
  assert.equal(png.height, 64 * cell + 2);
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 80; j++) {
      const at = ((1 + i * cell) * png.width + 1 + j * cell) * 4;
      const white = png.data[at] === 255 && png.data[at + 1] === 255 && png.data[at + 2] === 255;
      assert.equal(!white, p.has(i, j), `pixel of (${i}, ${j})`);
    }
  }
});

test("a very large pattern is pooled into blocks and stays small", () => {
  const n = 5000;
  const rows = Array.from({ length: n }, (_, i) => i);
  const p = SparsityPattern.fromEntries(n, n, rows, rows);
  const bundle = p[displaySymbol]();
  assert.match(html(p), /each pixel is a 5×5 block/);
  assert.ok((bundle["image/png"] as string).length < 200_000);
  assert.equal(bundle["text/plain"], "SparsityPattern 5000×5000 · 5000 nonzeros · density 0.0200%");
});
