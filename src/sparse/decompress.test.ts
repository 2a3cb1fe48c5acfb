// Tests of decompression: J·S, Sᵀ·J and H·S of random sparse matrices give back every nonzero exactly.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { coloring, type Coloring, type Ordering } from "./coloring.js";
import { VERTEX_ORDERINGS } from "./coloring-orderings.js";
import { decompress, decompressColumns, decompressRows, decompressStar } from "./decompress.js";
import type { SparsityPattern } from "./pattern.js";
import { ArgumentError, ShapeError } from "../errors.js";
import {
  arbitraryPattern,
  arbitrarySymmetricPattern,
  arrowheadPattern,
  bandedPattern,
  denseOf,
  randomSymmetricValues,
  randomValues,
} from "./testing/patterns.js";

/** J·S as [colors, m]: entry (c, i) sums row i of J over the columns of colour c. */
function compressColumns(p: SparsityPattern, values: Float64Array, c: Coloring): Float64Array {
  const [m, n] = p.shape;
  const dense = denseOf(p, values);
  const out = new Float64Array(c.colors * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[c.groups[j] * m + i] += dense[i * n + j];
  return out;
}

/** Sᵀ·J as [colors, n]: entry (c, j) sums column j of J over the rows of colour c. */
function compressRows(p: SparsityPattern, values: Float64Array, c: Coloring): Float64Array {
  const [m, n] = p.shape;
  const dense = denseOf(p, values);
  const out = new Float64Array(c.colors * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[c.groups[i] * n + j] += dense[i * n + j];
  return out;
}

/** The largest |a - b| over two equally long arrays. */
function maxError(a: Float64Array, b: Float64Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
  return worst;
}

const ORDERINGS: readonly Ordering[] = [...VERTEX_ORDERINGS, "best"];

test("property: column and row decompression of J·S and Sᵀ·J recover every nonzero of a random J", () => {
  const cases = [
    { kind: "column", compress: compressColumns, decompress: decompressColumns },
    { kind: "row", compress: compressRows, decompress: decompressRows },
  ] as const;
  for (const { kind, compress, decompress: back } of cases) {
    fc.assert(
      fc.property(arbitraryPattern(), fc.constantFrom(...ORDERINGS), fc.nat(), (p, ordering, seed) => {
        const values = randomValues(p, seed);
        const c = coloring(p, { kind, ordering });
        assert.ok(maxError(back(c, compress(p, values, c)), values) <= 1e-12, `${kind} ${ordering}`);
      }),
      { numRuns: 200 },
    );
  }
});

test("property: star decompression of H·S recovers both triangles of a random symmetric H", () => {
  fc.assert(
    fc.property(arbitrarySymmetricPattern(), fc.constantFrom(...ORDERINGS), fc.nat(), (p, ordering, seed) => {
      const values = randomSymmetricValues(p, seed);
      const c = coloring(p, { kind: "star", ordering });
      // H is symmetric, so H·S is the column compression of H.
      const recovered = decompressStar(c, compressColumns(p, values, c));
      assert.ok(maxError(recovered, values) <= 1e-12, `${ordering} on ${String(p)}`);
      // Both triangles come from one compressed value each: exactly symmetric.
      const rows = p.rowIndices();
      for (let k = 0; k < p.nnz; k++) assert.equal(recovered[k], recovered[p.indexOf(p.colIdx[k], rows[k])]);
    }),
    { numRuns: 300 },
  );
});

test("star decompression of an arrowhead Hessian needs 2 products, and of a tridiagonal one 3", () => {
  for (const [p, colors] of [
    [arrowheadPattern(40), 2],
    [bandedPattern(40, 1, 1), 3],
  ] as const) {
    const values = randomSymmetricValues(p, 3);
    const c = coloring(p, { kind: "star" });
    assert.equal(c.colors, colors);
    assert.deepEqual(c.decompress(compressColumns(p, values, c)), values);
  }
});

test("decompress reuses an output buffer and refuses wrong layouts with the expected shape", () => {
  const p = bandedPattern(5, 1, 1);
  const values = randomValues(p, 1);
  const c = coloring(p, { kind: "column", ordering: "natural" });
  const out = new Float64Array(p.nnz);
  assert.equal(decompress(c, compressColumns(p, values, c), out), out);
  assert.deepEqual(out, values);
  assert.throws(
    () => decompress(c, new Float64Array(14)),
    (e: unknown) =>
      e instanceof ShapeError &&
      /compressed J·S of a column colouring must be a Float64Array of \[colors, m\] = \[3, 5\] = 15 values, got 14 values/.test(
        e.message,
      ),
  );
  assert.throws(() => decompress(c, [1, 2] as unknown as Float64Array), /got object/);
  assert.throws(
    () => decompress(c, new Float64Array(15), new Float64Array(3)),
    /out has 3 values but the pattern has 13/,
  );
  assert.throws(
    () => decompressRows(c, new Float64Array(15)),
    (e: unknown) =>
      e instanceof ArgumentError &&
      /decompressRows: needs a row colouring, got a column colouring/.test(e.message),
  );
  assert.throws(() => decompressStar(c, new Float64Array(15)), /needs a star colouring/);
});
