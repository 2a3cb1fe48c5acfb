// Checks the matmul kernels against a naive triple loop over every path: tiny, unpacked, blocked, GEMV.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gemm, matmulKernel, setMatmulPath, setMatmulSimd } from "./matmul-kernel.js";
import { assertArrayClose, centeredLcg } from "../testing/check.js";

function randomArray(len: number, rnd: () => number): Float64Array {
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) out[i] = rnd();
  return out;
}

// Element (i, p) of op(A) for A stored m×k (or k×m when transposed).
function naive(a: Float64Array, b: Float64Array, m: number, k: number, n: number, tA: boolean, tB: boolean) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += (tA ? a[p * m + i] : a[i * k + p]) * (tB ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s;
    }
  }
  return c;
}

const shapes: [number, number, number][] = [
  [1, 1, 1],
  [1, 5, 7],
  [3, 2, 1],
  [7, 1, 3],
  [8, 8, 8],
  [4, 9, 4],
  [13, 17, 11],
  [33, 29, 35],
  [64, 64, 64],
  [70, 300, 66],
  [130, 37, 9],
  [5, 260, 131],
  [9, 2, 2100],
  // more than one k chunk (1024 steps), rows and columns off the 4-wide strips
  [6, 1100, 9],
  // tall with few k steps and columns (the generated skinny kernels), the arm's [1000, 5]·[5, 5] among them
  [1000, 5, 5],
  [40, 1, 2],
  [37, 7, 8],
  [64, 3, 6],
  // matrix-vector products large enough for the WebAssembly path, odd k and rows included
  [40, 50, 1],
  [33, 65, 1],
  [5, 301, 1],
];

// The large-size paths this runtime has: fused multiply-adds need relaxed SIMD (scripts/test.sh runs the
// unit tests with --experimental-wasm-relaxed-simd, as the kernelspec runs the kernel), plain SIMD, JavaScript.
const paths = (["fused", "simd", "js"] as const).filter((path) => setMatmulPath(path));
setMatmulSimd(true);

/** Calls `check` for every path, shape in the table and transpose combination, on fresh random operands. */
function forEveryPath(
  seed: number,
  check: (path: string, m: number, k: number, n: number, tA: boolean, tB: boolean, rnd: () => number) => void,
): void {
  const rnd = centeredLcg(seed);
  try {
    for (const path of paths) {
      setMatmulPath(path);
      for (const [m, k, n] of shapes)
        for (const tA of [false, true]) for (const tB of [false, true]) check(path, m, k, n, tA, tB, rnd);
    }
  } finally {
    setMatmulSimd(true);
  }
}

test("gemm matches the naive product for every path and transpose combination", () => {
  forEveryPath(1, (path, m, k, n, tA, tB, rnd) => {
    const a = randomArray(m * k, rnd);
    const b = randomArray(k * n, rnd);
    const c = matmulKernel(a, b, m, k, n, { transA: tA, transB: tB });
    assertArrayClose(c, naive(a, b, m, k, n, tA, tB), 64e-12, `[${m},${k},${n}] tA=${tA} tB=${tB} ${path}`);
  });
});

test("gemm with k factors computes op(A)·diag(s)·op(B) on every path", () => {
  forEveryPath(4, (path, m, k, n, tA, tB, rnd) => {
    const a = randomArray(m * k, rnd);
    const b = randomArray(k * n, rnd);
    const s = randomArray(k, rnd);
    // A·diag(s) as a plain matrix, stored like A.
    const scaled = a.map((v, idx) => v * s[tA ? Math.floor(idx / m) : idx % k]);
    const c = matmulKernel(a, b, m, k, n, { transA: tA, transB: tB, scaleK: s });
    assertArrayClose(
      c,
      naive(scaled, b, m, k, n, tA, tB),
      64e-12,
      `scaled [${m},${k},${n}] ${tA} ${tB} ${path}`,
    );
  });
});

test("the WebAssembly SIMD path is available on this runtime, and relaxed SIMD where the flag turns it on", () => {
  assert.equal(setMatmulSimd(true), true);
  const flagged = process.execArgv.includes("--experimental-wasm-relaxed-simd");
  if (flagged) assert.ok(paths.includes("fused"), "relaxed SIMD was asked for but the fused path is missing");
});

test("gemm accumulates into C when asked", () => {
  const rnd = centeredLcg(2);
  for (const [m, k, n] of [
    [6, 5, 4],
    [40, 40, 40],
    [100, 300, 90],
    [33, 65, 1],
    [50, 5, 5],
  ] as const) {
    const a = randomArray(m * k, rnd);
    const b = randomArray(k * n, rnd);
    const c0 = randomArray(m * n, rnd);
    const c = c0.slice();
    gemm(a, b, c, m, k, n, { accumulate: true });
    const expected = naive(a, b, m, k, n, false, false).map((v, i) => v + c0[i]);
    assertArrayClose(c, expected, 64e-12, `accumulate [${m},${k},${n}]`);
  }
});

test("gemm loops over a batch with broadcast (stride 0) operands and offsets", () => {
  const rnd = centeredLcg(3);
  const [batch, m, k, n] = [3, 9, 6, 10];
  const a = randomArray(2 + m * k, rnd);
  const b = randomArray(batch * k * n, rnd);
  const c = new Float64Array(1 + batch * m * n);
  gemm(a, b, c, m, k, n, { batch, strideA: 0, offsetA: 2, offsetC: 1 });
  for (let t = 0; t < batch; t++) {
    const expected = naive(a.subarray(2), b.subarray(t * k * n), m, k, n, false, false);
    assertArrayClose(c.subarray(1 + t * m * n, 1 + (t + 1) * m * n), expected, 64e-12, `batch item ${t}`);
  }
});

test("gemm with k = 0 writes zeros", () => {
  const c = new Float64Array([1, 2, 3, 4]);
  gemm(new Float64Array(0), new Float64Array(0), c, 2, 0, 2);
  assert.deepEqual([...c], [0, 0, 0, 0]);
});

test("gemm propagates NaN and Infinity like the naive product", () => {
  const a = new Float64Array([0, 1, 2, 3]);
  const b = new Float64Array([Infinity, 1, 1, 1]);
  const c = matmulKernel(a, b, 2, 2, 2);
  assert.ok(Number.isNaN(c[0]), "0 * Infinity must give NaN");
  assert.equal(c[2], Infinity);
});
