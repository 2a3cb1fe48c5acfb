// Kept operands: the WebAssembly path copies a kept operand in once and reuses it, and copies again
// whenever the layout or the array changes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gemm, matmulPath, setMatmulPath } from "./matmul-kernel.js";
import { KEEP_MIN_DOUBLES, KeptOperands, MAX_KEPT_MEMORIES } from "./kept-operands.js";
import { assertArrayClose, centeredLcg } from "../testing/check.js";

function product(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  return c;
}

const random = (len: number, rnd: () => number) => Float64Array.from({ length: len }, rnd);

// Products on the WebAssembly paths with enough kept doubles: blocked, tall, matrix-vector.
const shapes: [number, number, number][] = [
  [160, 96, 72],
  [300, 64, 4],
  [140, 120, 1],
];

test("a kept operand is copied in once: later calls use the copy, even if the caller broke the promise", () => {
  const before = matmulPath();
  try {
    for (const path of ["fused", "simd"] as const) {
      if (!setMatmulPath(path)) continue;
      const rnd = centeredLcg(7);
      for (const [m, k, n] of shapes) {
        const [a, b] = [random(m * k, rnd), random(k * n, rnd)];
        const keep = new KeptOperands(true, n > 1);
        const c = new Float64Array(m * n);
        gemm(a, b, c, m, k, n, { keep });
        const expected = product(a, b, m, k, n);
        assertArrayClose(c, expected, 1e-12, `first call [${m},${k},${n}] ${path}`);
        // Changed in place against the promise: the kept copy, not the new values, is multiplied.
        const original = a.slice();
        a.fill(5);
        gemm(a, b, c, m, k, n, { keep });
        assertArrayClose(c, expected, 1e-12, `kept A [${m},${k},${n}] ${path}`);
        // Another array is copied in.
        const other = random(m * k, rnd);
        gemm(other, b, c, m, k, n, { keep });
        assertArrayClose(c, product(other, b, m, k, n), 1e-12, `other A [${m},${k},${n}] ${path}`);
        // A new varying operand (x of a matrix-vector product, or an unkept B) is always read.
        const b2 = random(k * n, rnd);
        a.set(original);
        gemm(a, b2, c, m, k, n, { keep: new KeptOperands(true, false) });
        assertArrayClose(c, product(a, b2, m, k, n), 1e-12, `fresh B [${m},${k},${n}] ${path}`);
      }
    }
  } finally {
    setMatmulPath(before);
  }
});

test("kept operands follow a change of layout: offsets, transposes and k factors", () => {
  const rnd = centeredLcg(8);
  const [m, k, n] = [160, 100, 48];
  const a = random(m * k + 3, rnd);
  const b = random(k * n, rnd);
  const s = random(k, rnd);
  const keep = new KeptOperands(true, true);
  const c = new Float64Array(m * n);
  gemm(a, b, c, m, k, n, { keep });
  assertArrayClose(c, product(a, b, m, k, n), 1e-12, "plain");
  gemm(a, b, c, m, k, n, { keep, offsetA: 3 });
  assertArrayClose(c, product(a.subarray(3), b, m, k, n), 1e-12, "offset A");
  gemm(a, b, c, m, k, n, { keep, scaleK: s });
  const scaled = a.map((v, i) => v * s[i % k]);
  assertArrayClose(c, product(scaled, b, m, k, n), 1e-12, "k factors");
  const bt = new Float64Array(k * n);
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) bt[j * k + p] = b[p * n + j];
  gemm(a, bt, c, m, k, n, { keep, transB: true });
  assertArrayClose(c, product(a, b, m, k, n), 1e-12, "B read transposed");
});

// Multiplies with a fresh A, changes A in place and multiplies again: whether the second call still used
// the first A's copy (the operand was kept).
function keptAcrossCalls(keep: KeptOperands, m: number, k: number, n: number, seed: number): boolean {
  const rnd = centeredLcg(seed);
  const [a, b] = [random(m * k, rnd), random(k * n, rnd)];
  const c = new Float64Array(m * n);
  gemm(a, b, c, m, k, n, { keep });
  const first = c.slice();
  a.fill(1);
  gemm(a, b, c, m, k, n, { keep });
  return c.every((v, i) => v === first[i]);
}

test("small operands are not kept, and at most MAX_KEPT_MEMORIES memories are live", () => {
  assert.ok(40 * 36 + 36 * 24 < KEEP_MIN_DOUBLES);
  assert.equal(keptAcrossCalls(new KeptOperands(true, true), 40, 36, 24, 1), false, "small product kept");
  const alive: KeptOperands[] = [];
  let kept = 0;
  for (let i = 0; i < MAX_KEPT_MEMORIES + 6; i++) {
    const keep = new KeptOperands(true, false);
    alive.push(keep);
    if (keptAcrossCalls(keep, 130, 128, 8, i)) kept++;
  }
  assert.ok(kept <= MAX_KEPT_MEMORIES, `${kept} products kept`);
  assert.ok(kept > 0, "no product kept");
  assert.equal(alive.length, MAX_KEPT_MEMORIES + 6);
});
