// Float64 matrix multiply on row-major Float64Arrays: the entry point `gemm`, which picks a path by size
// (direct loops for tiny and matrix-vector shapes, unpacked 4x4 tiles for small ones, the packed blocked
// path of ./packed-gemm.ts for large ones), with transposed operands and a batch loop so autodiff rules
// can form A^T·B and A·B^T without materialising a transpose.
import { ZERO_BYTES, wasmGemm, wasmGemmFused, wasmGemmPlain, type WasmGemm } from "./wasm-gemm.js";
import { gemmBlocked, gemmWasm, type StridedGemm } from "./packed-gemm.js";
import { SKINNY_MAX_K, SKINNY_MAX_N, gemmSkinny } from "./skinny-gemm.js";
import type { KeptOperands } from "./kept-operands.js";

/** Layout and batching options of {@link gemm}. All strides and offsets count elements, not bytes. */
export interface GemmOptions {
  /** A is stored as its transpose (k×m row-major) and read as A^T. */
  transA?: boolean;
  /** B is stored as its transpose (n×k row-major) and read as B^T. */
  transB?: boolean;
  /** Add the product into C instead of overwriting it (C += A·B). */
  accumulate?: boolean;
  /** Number of independent products (default 1). */
  batch?: number;
  /** Elements between consecutive batch items of A; 0 broadcasts one A over the batch (default m·k). */
  strideA?: number;
  /** Elements between consecutive batch items of B; 0 broadcasts one B (default k·n). */
  strideB?: number;
  /** Elements between consecutive batch items of C (default m·n). */
  strideC?: number;
  offsetA?: number;
  offsetB?: number;
  offsetC?: number;
  /** k factors: computes op(A)·diag(scaleK)·op(B) (the scaling happens while B is packed). */
  scaleK?: Float64Array;
  /**
   * Operands that are the same, unchanged arrays on every call (a jit plan's constants): the WebAssembly
   * path keeps its copy of them between calls. Single products only (ignored with a batch).
   */
  keep?: KeptOperands;
}

// Below this many multiply-adds packing costs more than it saves: tiles read the operands in place.
const UNPACKED_FLOPS = 16 * 16 * 16;
// WebAssembly tiles pay for loading and storing their accumulators once per tile: with fewer k steps
// than this, plain JavaScript tiles are faster (the arm's 5-joint products measured 2.4x faster).
const WASM_MIN_K = 8;
// From this many elements of A on, a matrix-vector product copies A into WebAssembly memory and runs
// there (JavaScript's typed-array loop re-checks each array on every access: 64×64 measured 9 µs in
// JavaScript against 3 µs copy included).
const GEMV_WASM_ELEMENTS = 1024;

// Tall products with few k steps and columns go to generated kernels from this many rows on (below it,
// the one-off cost of a first call per shape is not worth it and the tiles are as fast).
const SKINNY_MIN_M = 32;

let kernel: WasmGemm | null = wasmGemm;

// The description of the current product, shared by all calls (gemm is synchronous and never re-entered):
// a fresh object per call measured about 3% slower on 8×8 products.
const NO_DATA = new Float64Array(0);
const layout: StridedGemm = {
  a: NO_DATA,
  b: NO_DATA,
  c: NO_DATA,
  m: 0,
  k: 0,
  n: 0,
  offA: 0,
  rsA: 0,
  csA: 0,
  offB: 0,
  rsB: 0,
  csB: 0,
  offC: 0,
  accumulate: false,
  scale: null,
};

/** The large-size paths: WebAssembly SIMD with fused multiply-adds, with separate ones, or JavaScript. */
export type MatmulPath = "fused" | "simd" | "js";

/**
 * Chooses the large-size path (default: the best the runtime has). Returns whether that path is
 * available (when not, JavaScript tiles are used). Tests and benchmarks use this.
 */
export function setMatmulPath(path: MatmulPath): boolean {
  kernel = path === "fused" ? wasmGemmFused : path === "simd" ? wasmGemmPlain : null;
  return path === "js" || kernel !== null;
}

/** The large-size path in use. */
export function matmulPath(): MatmulPath {
  return kernel === null ? "js" : kernel.fused ? "fused" : "simd";
}

/**
 * Chooses between the best WebAssembly SIMD path (the default where the runtime supports it) and plain
 * JavaScript tiles. Returns whether a SIMD path is now in use.
 */
export function setMatmulSimd(enabled: boolean): boolean {
  kernel = enabled ? wasmGemm : null;
  return kernel !== null;
}

/**
 * C = op(A)·op(B) (or C += ... with `accumulate`) for `batch` products of an m×k by a k×n matrix, all
 * row-major Float64Arrays. op(X) is X or, with `transA`/`transB`, the transpose of the stored matrix.
 */
export function gemm(
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  m: number,
  k: number,
  n: number,
  opts: GemmOptions = {},
): void {
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  const batch = opts.batch ?? 1;
  const strideA = opts.strideA ?? m * k;
  const strideB = opts.strideB ?? k * n;
  const strideC = opts.strideC ?? m * n;
  const g = layout;
  g.a = a;
  g.b = b;
  g.c = c;
  g.m = m;
  g.k = k;
  g.n = n;
  g.rsA = transA ? 1 : k;
  g.csA = transA ? m : 1;
  g.rsB = transB ? 1 : n;
  g.csB = transB ? k : 1;
  g.accumulate = opts.accumulate ?? false;
  const scale = opts.scaleK;
  const keep = batch === 1 ? opts.keep : undefined;
  for (let t = 0; t < batch; t++) {
    // (Reset for every item: scaleRows replaces A's description.)
    g.a = a;
    g.rsA = transA ? 1 : k;
    g.csA = transA ? m : 1;
    g.offA = (opts.offsetA ?? 0) + t * strideA;
    g.offB = (opts.offsetB ?? 0) + t * strideB;
    g.offC = (opts.offsetC ?? 0) + t * strideC;
    g.scale = scale ?? null;
    const wasm = kernel !== null && k >= WASM_MIN_K && m >= 4 && n >= 4 && m * n * k > UNPACKED_FLOPS;
    if (scale !== undefined && !wasm) scaleRows(g, scale);
    if (k === 0) {
      if (!g.accumulate) c.fill(0, g.offC, g.offC + m * n);
    } else if (n === 1 && !transA) {
      if (kernel !== null && m * k >= GEMV_WASM_ELEMENTS && g.rsB === 1) gemvWasm(kernel, g, keep);
      else gemvRows(g);
    } else if (k <= SKINNY_MAX_K && n <= SKINNY_MAX_N && m >= SKINNY_MIN_M && n >= 2) {
      gemmSkinny(g);
    } else if (m < 4 || n < 4) {
      gemmDirect(g);
    } else if (m * n * k <= UNPACKED_FLOPS) {
      gemmUnpacked(g, g.a, b, c, m, k, n, g.offA, g.rsA, g.csA, g.offB, g.rsB, g.csB, g.offC, g.accumulate);
    } else if (wasm) {
      gemmWasm(kernel as WasmGemm, g, keep);
    } else {
      gemmBlocked(g);
    }
  }
  // Drop the operands so that the shared description does not keep them alive.
  g.a = g.b = g.c = NO_DATA;
  g.scale = null;
}

// For the JavaScript paths: op(A)·diag(s) formed as a new row-major A (its description updated).
function scaleRows(g: StridedGemm, s: Float64Array): void {
  const { a, m, k, offA, rsA, csA } = g;
  const scaled = new Float64Array(m * k);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) scaled[i * k + p] = a[offA + i * rsA + p * csA] * s[p];
  g.a = scaled;
  g.offA = 0;
  g.rsA = k;
  g.csA = 1;
  g.scale = null;
}

/** Returns a new Float64Array holding op(A)·op(B) for (batched) row-major operands; see {@link gemm}. */
export function matmulKernel(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  opts: GemmOptions = {},
): Float64Array {
  const c = new Float64Array((opts.batch ?? 1) * m * n);
  gemm(a, b, c, m, k, n, { ...opts, accumulate: false, offsetC: 0, strideC: m * n });
  return c;
}

// y = A·x for a row-major m×k A and a strided vector x (B's column, step rsB): four rows at a time, so each
// x element loaded serves four rows (measured 2-3x faster than one row with two accumulators).
function gemvRows(g: StridedGemm): void {
  const { a, b: x, c: y, m, k, offA, offB: offX, rsB: incX, offC: offY, accumulate } = g;
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const r0 = offA + i * k;
    const r1 = r0 + k;
    const r2 = r1 + k;
    const r3 = r2 + k;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let p = 0, xi = offX; p < k; p++, xi += incX) {
      const xp = x[xi];
      s0 += a[r0 + p] * xp;
      s1 += a[r1 + p] * xp;
      s2 += a[r2 + p] * xp;
      s3 += a[r3 + p] * xp;
    }
    const o = offY + i;
    if (accumulate) {
      y[o] += s0;
      y[o + 1] += s1;
      y[o + 2] += s2;
      y[o + 3] += s3;
    } else {
      y[o] = s0;
      y[o + 1] = s1;
      y[o + 2] = s2;
      y[o + 3] = s3;
    }
  }
  for (; i < m; i++) {
    const row = offA + i * k;
    let s = 0;
    for (let p = 0, xi = offX; p < k; p++, xi += incX) s += a[row + p] * x[xi];
    y[offY + i] = accumulate ? y[offY + i] + s : s;
  }
}

// y = A·x in WebAssembly memory: A (unless kept there from an earlier call) and x copied in, y copied
// (or added) out.
function gemvWasm(shared: WasmGemm, g: StridedGemm, keep: KeptOperands | undefined): void {
  const { a, b: x, c: y, m, k, offA, offB, offC, accumulate } = g;
  const own = keep?.keepA ? keep.kernelFor(shared, m * k) : null;
  const kernel = own ?? shared;
  const ra = ZERO_BYTES / 8;
  const rx = ra + m * k;
  const ry = rx + k + 2;
  const mem = kernel.reserve((ry + m + 2) * 8);
  // Only a kept A needs the layout it was copied in for; other calls build nothing extra.
  const layout = own ? `gemv,${m},${k},${offA}` : "";
  if (!own || !keep?.held(layout, a, x).a) mem.set(a.subarray(offA, offA + m * k), ra);
  if (own) keep?.record(layout, a, x);
  mem.set(x.subarray(offB, offB + k), rx);
  kernel.gemv(ra * 8, rx * 8, ry * 8, m, k);
  if (!accumulate) y.set(mem.subarray(ry, ry + m), offC);
  else for (let i = 0; i < m; i++) y[offC + i] += mem[ry + i];
}

// Small products: one pass over C; for plain row-major B the i-p-j order streams rows of B and C.
function gemmDirect(g: StridedGemm): void {
  const { a, b, c, m, k, n, offA, rsA, csA, offB, rsB, csB, offC, accumulate } = g;
  if (csB === 1) {
    for (let i = 0; i < m; i++) {
      const rowC = offC + i * n;
      if (!accumulate) c.fill(0, rowC, rowC + n);
      const rowA = offA + i * rsA;
      for (let p = 0; p < k; p++) {
        const aip = a[rowA + p * csA];
        const rowB = offB + p * rsB;
        for (let j = 0; j < n; j++) c[rowC + j] += aip * b[rowB + j];
      }
    }
    return;
  }
  gemmDirectBlock(g, 0, m, 0, n);
}

// 4x4 register tiles read straight from the operands (no packing); the ragged edge goes to gemmDirectBlock.
// The fields of g come as parameters too: read from g (or through a helper call), the tile loop measured
// 3-5% slower on 8×8 to 16×16 products. The tile is written out here rather than shared with
// packed-gemm.ts's micro-kernel: one strided tile function serving both measured 6% slower here (a call
// per tile) and 12% slower on packed strips.
function gemmUnpacked(
  g: StridedGemm,
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  m: number,
  k: number,
  n: number,
  offA: number,
  rsA: number,
  csA: number,
  offB: number,
  rsB: number,
  csB: number,
  offC: number,
  accumulate: boolean,
): void {
  const m4 = m & ~3;
  const n4 = n & ~3;
  for (let i = 0; i < m4; i += 4) {
    const a0Row = offA + i * rsA;
    for (let j = 0; j < n4; j += 4) {
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0;
      let c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0;
      let c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      let ai = a0Row;
      let bi = offB + j * csB;
      for (let p = 0; p < k; p++) {
        const a0 = a[ai];
        const a1 = a[ai + rsA];
        const a2 = a[ai + 2 * rsA];
        const a3 = a[ai + 3 * rsA];
        const b0 = b[bi];
        const b1 = b[bi + csB];
        const b2 = b[bi + 2 * csB];
        const b3 = b[bi + 3 * csB];
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
        ai += csA;
        bi += rsB;
      }
      const r0 = offC + i * n + j;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      if (accumulate) {
        c[r0] += c00;
        c[r0 + 1] += c01;
        c[r0 + 2] += c02;
        c[r0 + 3] += c03;
        c[r1] += c10;
        c[r1 + 1] += c11;
        c[r1 + 2] += c12;
        c[r1 + 3] += c13;
        c[r2] += c20;
        c[r2 + 1] += c21;
        c[r2 + 2] += c22;
        c[r2 + 3] += c23;
        c[r3] += c30;
        c[r3 + 1] += c31;
        c[r3 + 2] += c32;
        c[r3 + 3] += c33;
      } else {
        c[r0] = c00;
        c[r0 + 1] = c01;
        c[r0 + 2] = c02;
        c[r0 + 3] = c03;
        c[r1] = c10;
        c[r1 + 1] = c11;
        c[r1 + 2] = c12;
        c[r1 + 3] = c13;
        c[r2] = c20;
        c[r2 + 1] = c21;
        c[r2 + 2] = c22;
        c[r2 + 3] = c23;
        c[r3] = c30;
        c[r3 + 1] = c31;
        c[r3 + 2] = c32;
        c[r3 + 3] = c33;
      }
    }
  }
  // Right edge (all rows of the first m4, columns n4..n) and bottom edge (rows m4..m, all columns).
  if (n4 < n) gemmDirectBlock(g, 0, m4, n4, n);
  if (m4 < m) gemmDirectBlock(g, m4, m, 0, n);
}

// C[i0:i1, j0:j1] (+)= op(A)[i0:i1, :]·op(B)[:, j0:j1] with one dot product per entry.
function gemmDirectBlock(g: StridedGemm, i0: number, i1: number, j0: number, j1: number): void {
  const { a, b, c, k, n, offA, rsA, csA, offB, rsB, csB, offC, accumulate } = g;
  for (let i = i0; i < i1; i++) {
    const rowA = offA + i * rsA;
    for (let j = j0; j < j1; j++) {
      const colB = offB + j * csB;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[rowA + p * csA] * b[colB + p * rsB];
      const idx = offC + i * n + j;
      c[idx] = accumulate ? c[idx] + s : s;
    }
  }
}
