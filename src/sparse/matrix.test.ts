// SparseMatrix: lookup, dense conversion, products, transpose, its display (dense heatmap when small, a PNG
// pooled from the CSR entries when large) with the nonzeros and colours in the caption, and bad input.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  IndexError,
  LinAlgError,
  ShapeError,
  SparseMatrix,
  SparsityPattern,
  Tensor,
  displaySymbol,
  matmul,
  solve,
  sparseJacobian,
  tensor,
} from "../index.js";
import { assertArrayClose, seededRandom } from "../testing/check.js";
import { brusselator, brusselatorState } from "../testing/sparse-functions.js";

// [[1, 0, 2], [0, 0, 3]]
const pattern = SparsityPattern.fromRows(3, [[0, 2], [2]]);
const A = new SparseMatrix(pattern, Float64Array.of(1, 2, 3));

test("SparseMatrix: shape, nnz, get, toDense", () => {
  assert.deepEqual(A.shape, [2, 3]);
  assert.equal(A.nnz, 3);
  assert.deepEqual([A.get(0, 0), A.get(0, 1), A.get(0, 2), A.get(1, 2), A.get(1, 0)], [1, 0, 2, 3, 0]);
  assert.deepEqual(A.toDense().toArray(), [
    [1, 0, 2],
    [0, 0, 3],
  ]);
  assert.throws(
    () => A.get(2, 0),
    (e: unknown) => e instanceof IndexError && /\(2, 0\) is outside the 2×3/.test(e.message),
  );
});

test("SparseMatrix: matvec equals the dense product, transpose moves the values", () => {
  const v = tensor([1, -2, 0.5]);
  assert.deepEqual(
    A.matvec(v).toArray(),
    (matmul(A.toDense(), v.reshape(3, 1)).flatten() as Tensor).toArray(),
  );
  assert.deepEqual(A.matvec([1, 1, 1]).toArray(), [3, 3]);
  const T = A.transpose();
  assert.deepEqual(T.shape, [3, 2]);
  assert.deepEqual(T.toDense().toArray(), A.toDense().T.toArray());
  assert.throws(
    () => A.matvec(tensor([1, 2])),
    (e: unknown) =>
      e instanceof ShapeError &&
      /matvec: the 2×3 matrix needs a vector of 3 elements, got a tensor of shape \[2\]/.test(e.message),
  );
  assert.throws(
    () => new SparseMatrix(pattern, Float64Array.of(1, 2)),
    /one value per nonzero of the 2×3 pattern \(3\), got 2/,
  );
});

test("SparseMatrix display: a heatmap whose caption gives the nonzeros and the colours", () => {
  const J = sparseJacobian(brusselator(4), brusselatorState(4), { mode: "forward" });
  const bundle = J[displaySymbol]();
  const html = String(bundle["text/html"]);
  assert.ok(html.includes("<table") && html.includes("192 nonzeros"), html.slice(0, 400));
  assert.ok(html.includes(`${J.colors} colours (column colouring, forward mode`), html.slice(0, 400));
  assert.match(String(bundle["text/plain"]), /^SparseMatrix 32×32 · 192 nonzeros \(18\.8%\) · \d+ colours/);
});

test("SparseMatrix display: a large matrix is drawn from its entries as a PNG, never densely", () => {
  const n = 3000;
  const diag = SparsityPattern.diagonal(n);
  const values = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1));
  const big = new SparseMatrix(diag, values);
  const bundle = big[displaySymbol]();
  const png = Buffer.from(String(bundle["image/png"]), "base64");
  assert.equal(png.subarray(1, 4).toString(), "PNG");
  assert.ok(String(bundle["text/html"]).includes("3000 nonzeros"));
  assert.ok(png.readUInt32BE(16) <= 1100, `width ${png.readUInt32BE(16)}: pooled to at most ~1024 cells`);
});

test("SparseMatrix.solve: sparse LU with pivoting agrees with the dense solve on random sparse systems", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
      const rand = seededRandom(seed);
      // A permuted diagonal that dominates (pivoting must find it), plus a few random entries per row.
      const perm = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      const rows = perm.map((d) => {
        const cols = new Set([d]);
        for (let k = 0; k < 3; k++) if (rand() < 0.5) cols.add(Math.floor(rand() * n));
        return [...cols];
      });
      const p = SparsityPattern.fromRows(n, rows);
      const values: number[] = [];
      for (let i = 0; i < n; i++) {
        for (let k = p.rowPtr[i]; k < p.rowPtr[i + 1]; k++) {
          values.push(p.colIdx[k] === perm[i] ? 5 + rand() : rand() - 0.5);
        }
      }
      const A = new SparseMatrix(p, Float64Array.from(values));
      const b = tensor(Array.from({ length: n }, () => rand() - 0.5));
      const x = A.solve(b);
      assertArrayClose(A.matvec(x).data, b.data, 1e-10, `n = ${n}: A·x = b`);
      assertArrayClose(x.data, solve(A.toDense(), b).data, 1e-9, `n = ${n}: same as the dense solve`, "max");
    }),
    { numRuns: 60, includeErrorInReport: true },
  );
});

test("SparseMatrix.solve: a singular or non-square matrix is refused", () => {
  const singular = new SparseMatrix(
    SparsityPattern.fromRows(2, [
      [0, 1],
      [0, 1],
    ]),
    Float64Array.of(1, 2, 2, 4),
  );
  assert.throws(
    () => singular.solve([1, 1]),
    (e: unknown) => e instanceof LinAlgError && /SparseMatrix\.solve: the matrix is singular/.test(e.message),
  );
  assert.throws(() => A.solve([1, 2]), /SparseMatrix\.solve: needs a square matrix, got 2×3/);
});
