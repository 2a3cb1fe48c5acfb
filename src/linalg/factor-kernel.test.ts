// Checks LU, solves, determinants, triangular solves and Cholesky against their defining identities.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  choleskyKernel,
  detFromLu,
  luFactor,
  luSolve,
  slogdetFromLu,
  triangularSolveKernel,
} from "./factor-kernel.js";
import { matmulKernel } from "./matmul-kernel.js";
import { LinAlgError } from "./errors.js";
import { assertArrayClose, centeredLcg } from "../testing/check.js";

function randomMatrices(batch: number, n: number, k: number, rnd: () => number): Float64Array {
  return Float64Array.from({ length: batch * n * k }, rnd);
}

test("LU solve satisfies A·X = B over a batch", () => {
  const rnd = centeredLcg(5);
  for (const [batch, n, k] of [
    [1, 1, 1],
    [3, 4, 2],
    [2, 17, 5],
    [1, 40, 1],
  ] as const) {
    const a = randomMatrices(batch, n, n, rnd);
    const b = randomMatrices(batch, n, k, rnd);
    const x = luSolve(luFactor(a, n, batch), b, k);
    const ax = matmulKernel(a, x, n, n, k, { batch });
    assertArrayClose(ax, b, 1e-9, `[${batch},${n},${k}]`);
  }
});

test("LU reproduces P·A = L·U", () => {
  const rnd = centeredLcg(6);
  const n = 6;
  const a = randomMatrices(1, n, n, rnd);
  const f = luFactor(a, n, 1);
  const l = new Float64Array(n * n);
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (j < i) l[i * n + j] = f.lu[i * n + j];
      else u[i * n + j] = f.lu[i * n + j];
    }
    l[i * n + i] = 1;
  }
  const pa = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) pa[i * n + j] = a[f.piv[i] * n + j];
  assertArrayClose(matmulKernel(l, u, n, n, n), pa, 1e-12, "P·A vs L·U");
});

test("det and slogdet agree with closed forms", () => {
  // [[0, 2], [3, 4]] needs a row swap: det = -6.
  const f = luFactor(new Float64Array([0, 2, 3, 4, 2, 0, 0, 5]), 2, 2);
  assertArrayClose(detFromLu(f), [-6, 10], 1e-14, "det");
  const { sign, logAbsDet } = slogdetFromLu(f);
  assert.deepEqual([...sign], [-1, 1]);
  assertArrayClose(logAbsDet, [Math.log(6), Math.log(10)], 1e-14, "logAbsDet");
  const singular = luFactor(new Float64Array([1, 2, 2, 4]), 2, 1);
  assert.equal(detFromLu(singular)[0], 0);
  assert.equal(slogdetFromLu(singular).sign[0], 0);
  assert.equal(slogdetFromLu(singular).logAbsDet[0], -Infinity);
  assert.throws(() => luSolve(singular, new Float64Array([1, 1]), 1), {
    name: "LinAlgError",
    message: /solve: matrix is singular: U has a zero pivot at 1/,
  });
});

test("triangular solve handles lower/upper, transpose and unit diagonal", () => {
  const rnd = centeredLcg(7);
  const [batch, n, k] = [2, 7, 3];
  const raw = randomMatrices(batch, n, n, rnd);
  // Strengthen the diagonal so the triangles are well conditioned.
  for (let t = 0; t < batch; t++) for (let i = 0; i < n; i++) raw[t * n * n + i * n + i] += 3;
  const b = randomMatrices(batch, n, k, rnd);
  for (const lower of [true, false]) {
    for (const transpose of [true, false]) {
      for (const unitDiagonal of [true, false]) {
        const x = triangularSolveKernel(raw, b, n, k, batch, { lower, transpose, unitDiagonal });
        // Materialise op(A) and check op(A)·X = B.
        const op = new Float64Array(batch * n * n);
        for (let t = 0; t < batch; t++) {
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
              const inTri = lower ? j <= i : j >= i;
              let v = inTri ? raw[t * n * n + i * n + j] : 0;
              if (i === j && unitDiagonal) v = 1;
              if (transpose) op[t * n * n + j * n + i] = v;
              else op[t * n * n + i * n + j] = v;
            }
          }
        }
        const what = `lower=${lower} transpose=${transpose} unit=${unitDiagonal}`;
        assertArrayClose(matmulKernel(op, x, n, n, k, { batch }), b, 1e-10, what);
      }
    }
  }
});

test("Cholesky factor satisfies L·L^T = A and rejects an indefinite matrix", () => {
  const rnd = centeredLcg(8);
  const [batch, n] = [3, 9];
  const m = randomMatrices(batch, n, n, rnd);
  const a = matmulKernel(m, m, n, n, n, { batch, transB: true });
  for (let t = 0; t < batch; t++) for (let i = 0; i < n; i++) a[t * n * n + i * n + i] += 1;
  const l = choleskyKernel(a, n, batch);
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assert.equal(l[t * n * n + i * n + j], 0);
  }
  assertArrayClose(matmulKernel(l, l, n, n, n, { batch, transB: true }), a, 1e-12, "L·L^T");
  assert.throws(
    () => choleskyKernel(new Float64Array([1, 2, 2, 1]), 2, 1),
    (e: unknown) => {
      assert.ok(e instanceof LinAlgError);
      assert.match(e.message, /^cholesky: matrix is not positive definite \(pivot 1 is -3\)$/);
      return true;
    },
  );
});
