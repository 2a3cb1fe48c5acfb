// The cache-blocked matmul paths for large products (GotoBLAS loops): operands copied into WebAssembly
// memory and multiplied by the SIMD kernels of ./wasm-gemm.ts (packing only what the layout needs), or
// packed into 4-wide strips and multiplied by plain JavaScript 4x4 tiles.
import { MR, NR, ZERO_BYTES, type WasmGemm } from "./wasm-gemm.js";
import { RESIDENT_KC, RESIDENT_MC, multiplyResident, panelDoubles, type Resident } from "./resident-gemm.js";
import type { Held, KeptOperands } from "./kept-operands.js";

// Cache blocking of the JavaScript path: a packed A block (MC×KC) stays in L2, a B micro-panel (KC×4) in L1.
const KC = 256;
const MC = 128;
const NC = 2048;

/**
 * One product C (+)= op(A)·op(B) of an m×k by a k×n matrix. Element (i, p) of op(A) is
 * `a[offA + i*rsA + p*csA]`, element (p, j) of op(B) is `b[offB + p*rsB + j*csB]`; C is row-major m×n
 * from `offC`. All strides and offsets count elements. Each operand is either row-major (column
 * stride 1) or transposed (row stride 1).
 */
export interface StridedGemm {
  a: Float64Array;
  b: Float64Array;
  c: Float64Array;
  m: number;
  k: number;
  n: number;
  offA: number;
  rsA: number;
  csA: number;
  offB: number;
  rsB: number;
  csB: number;
  offC: number;
  /** Add into C instead of overwriting it. */
  accumulate: boolean;
  /** k factors, or null: the product is op(A)·diag(scale)·op(B) (wasm path only). */
  scale: Float64Array | null;
}

const packedA = new Float64Array((MC + 4) * KC);
let packedB = new Float64Array(0);

// ---- the WebAssembly path ----

// The operands, packed blocks and C of one chunk stay below this many doubles (the memory never shrinks).
const WASM_CHUNK_DOUBLES = 1 << 21;
// Doubles after each region: strips read up to MR-1 rows or NR-1 columns past an operand's end.
const SLACK = 8;

const roundUp = (x: number, q: number) => Math.ceil(x / q) * q;

/**
 * Copies the r×c block of `src` whose element (i, j) is src[off + i*rs + j] (row-major, row stride rs)
 * to contiguous rows of c elements at dst[at..]: one set() per row, or one in all when rows are adjacent.
 */
function copyRows(
  dst: Float64Array,
  at: number,
  src: Float64Array,
  off: number,
  rs: number,
  r: number,
  c: number,
) {
  if (rs === c) {
    dst.set(src.subarray(off, off + r * c), at);
    return;
  }
  for (let i = 0; i < r; i++) dst.set(src.subarray(off + i * rs, off + i * rs + c), at + i * c);
}

/**
 * C (+)= op(A)·op(B) with the operands copied into WebAssembly memory and the SIMD kernels of
 * ./wasm-gemm.ts. With `keep`, a product that fits one chunk runs in the kept operands' own memory and
 * copies in only the operands not already there.
 */
export function gemmWasm(kernel: WasmGemm, g: StridedGemm, keep?: KeptOperands): void {
  const { m, k, n } = g;
  // Chunks keep the memory bounded: k first, then rows and columns.
  const kChunk = Math.min(k, 4 * RESIDENT_KC);
  const quarter = WASM_CHUNK_DOUBLES / 4;
  const mChunk = Math.min(m, Math.max(MR, roundUp(Math.floor(quarter / kChunk), MR)));
  const nChunk = Math.min(n, Math.max(NR, roundUp(Math.floor(quarter / Math.max(kChunk, mChunk)), NR)));
  const kept = (keep?.keepA ? m * k : 0) + (keep?.keepB ? k * n : 0);
  const own = m === mChunk && n === nChunk && k === kChunk ? keep?.kernelFor(kernel, kept) : null;
  if (keep !== undefined && own) {
    const layout = `${m},${k},${n},${g.offA},${g.rsA},${g.offB},${g.rsB},${g.scale !== null}`;
    chunk(own, g, 0, m, 0, k, 0, n, keep.held(layout, g.a, g.b));
    keep.record(layout, g.a, g.b);
    return;
  }
  for (let p0 = 0; p0 < k; p0 += kChunk) {
    for (let i0 = 0; i0 < m; i0 += mChunk) {
      for (let j0 = 0; j0 < n; j0 += nChunk) {
        chunk(
          kernel,
          g,
          i0,
          Math.min(mChunk, m - i0),
          p0,
          Math.min(kChunk, k - p0),
          j0,
          Math.min(nChunk, n - j0),
          NOTHING_HELD,
        );
      }
    }
  }
}

const NOTHING_HELD: Held = { a: false, b: false };

// One chunk: rows i0.., k steps p0.., columns j0.. of the product, added into C unless it is the first
// k chunk of a non-accumulating product.
function chunk(
  kernel: WasmGemm,
  g: StridedGemm,
  i0: number,
  mc: number,
  p0: number,
  kc: number,
  j0: number,
  nc: number,
  held: Held,
): void {
  const transA = g.csA !== 1;
  const transB = g.csB !== 1;
  const mPad = roundUp(mc, MR);
  const nPad = roundUp(nc, NR);
  // Layout in doubles: zero word(s), the k factors, A as stored (a row-major A padded with zero rows to a
  // whole strip), B as stored, packed A block (A^T only), packed B panel, C block.
  const rs0 = ZERO_BYTES / 8;
  const ra = rs0 + (g.scale === null ? 0 : kc);
  const rb = ra + (transA ? mc : mPad) * kc + SLACK;
  const pa = rb + kc * nc + SLACK;
  const pb = pa + (transA ? RESIDENT_MC * Math.min(kc, RESIDENT_KC) : 0);
  const rc = pb + panelDoubles(nc, kc);
  const mem = kernel.reserve((rc + mPad * nPad) * 8);
  // A as stored: mc×kc rows (row stride kc), or for op(A) = A^T the kc×mc rows of the stored matrix.
  if (g.scale !== null) mem.set(g.scale.subarray(p0, p0 + kc), rs0);
  // (Kept operands are in memory from an earlier call.)
  if (!held.a) {
    if (transA) copyRows(mem, ra, g.a, g.offA + p0 * g.csA + i0, g.csA, kc, mc);
    else {
      copyRows(mem, ra, g.a, g.offA + i0 * g.rsA + p0, g.rsA, mc, kc);
      mem.fill(0, ra + mc * kc, ra + mPad * kc);
    }
  }
  if (!held.b) {
    if (transB) copyRows(mem, rb, g.b, g.offB + j0 * g.csB + p0, g.csB, nc, kc);
    else copyRows(mem, rb, g.b, g.offB + p0 * g.rsB + j0, g.rsB, kc, nc);
  }
  const a: Resident = { at: ra * 8, ld: transA ? mc : kc, trans: transA };
  const b: Resident = { at: rb * 8, ld: transB ? kc : nc, trans: transB };
  const scratch = { pa: pa * 8, pb: pb * 8 };
  const scale = g.scale === null ? -1 : rs0 * 8;
  multiplyResident(kernel, a, b, rc * 8, nPad, mPad, kc, nc, scale, scratch);
  // Copy the block out of WebAssembly memory (the memory may have grown: use the view reserve returned).
  const { c, n } = g;
  const add = g.accumulate || p0 > 0;
  const at = g.offC + i0 * n + j0;
  if (!add && nPad === nc && nc === n) {
    c.set(mem.subarray(rc, rc + mc * nc), at);
    return;
  }
  for (let i = 0; i < mc; i++) {
    const src = rc + i * nPad;
    const dst = at + i * n;
    if (add) for (let j = 0; j < nc; j++) c[dst + j] += mem[src + j];
    else c.set(mem.subarray(src, src + nc), dst);
  }
}

// GotoBLAS-style loops: pack a KC×NC panel of B and an MC×KC block of A into 4-wide interleaved strips
// (zero-padded at the edges), then run the 4x4 micro-kernel over every pair of strips.
/** C (+)= op(A)·op(B) with the blocked loops and JavaScript 4x4 tiles. */
export function gemmBlocked(g: StridedGemm): void {
  const { a, b, c, m, k, n, offA, rsA, csA, offB, rsB, csB, offC, accumulate } = g;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      if (packedB.length < kc * (nc + 3)) packedB = new Float64Array(KC * (NC + 4));
      packStrips(packedB, 0, b, offB + p0 * rsB + j0 * csB, csB, rsB, nc, kc);
      const add = accumulate || p0 > 0;
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = Math.min(MC, m - i0);
        packStrips(packedA, 0, a, offA + i0 * rsA + p0 * csA, rsA, csA, mc, kc);
        for (let jr = 0; jr < nc; jr += 4) {
          const bStrip = (jr >> 2) * kc * 4;
          const ncols = Math.min(4, nc - jr);
          for (let ir = 0; ir < mc; ir += 4) {
            const aStrip = (ir >> 2) * kc * 4;
            const nrows = Math.min(4, mc - ir);
            microKernel4x4(kc, aStrip, bStrip, c, offC + (i0 + ir) * n + j0 + jr, n, nrows, ncols, add);
          }
        }
      }
    }
  }
}

// Packs `lines` lines of a strided operand (rows of op(A), or columns of op(B)), each `kc` long, into
// 4-wide interleaved strips: dst[d0 + strip*kc*4 + p*4 + r] = src[off + (4*strip + r)*across + p*along],
// zero past the last line.
function packStrips(
  dst: Float64Array,
  d0: number,
  src: Float64Array,
  off: number,
  across: number,
  along: number,
  lines: number,
  kc: number,
): void {
  let d = d0;
  for (let i = 0; i < lines; i += 4) {
    const count = Math.min(4, lines - i);
    const first = off + i * across;
    if (count === 4) {
      for (let p = 0; p < kc; p++) {
        const at = first + p * along;
        dst[d] = src[at];
        dst[d + 1] = src[at + across];
        dst[d + 2] = src[at + 2 * across];
        dst[d + 3] = src[at + 3 * across];
        d += 4;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < 4; r++) dst[d + r] = r < count ? src[first + r * across + p * along] : 0;
        d += 4;
      }
    }
  }
}

// The 4x4 register tile: sixteen local accumulators, k innermost, both operands read sequentially.
function microKernel4x4(
  kc: number,
  aStrip: number,
  bStrip: number,
  c: Float64Array,
  cOff: number,
  ldc: number,
  nrows: number,
  ncols: number,
  add: boolean,
): void {
  const pa = packedA;
  const pb = packedB;
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
  let ai = aStrip;
  let bi = bStrip;
  for (let p = 0; p < kc; p++) {
    const a0 = pa[ai];
    const a1 = pa[ai + 1];
    const a2 = pa[ai + 2];
    const a3 = pa[ai + 3];
    const b0 = pb[bi];
    const b1 = pb[bi + 1];
    const b2 = pb[bi + 2];
    const b3 = pb[bi + 3];
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
    ai += 4;
    bi += 4;
  }
  if (nrows === 4 && ncols === 4) {
    const r0 = cOff;
    const r1 = cOff + ldc;
    const r2 = cOff + 2 * ldc;
    const r3 = cOff + 3 * ldc;
    if (add) {
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
    return;
  }
  // Edge tile: spill the accumulators and write only the rows and columns that exist.
  const tile = edgeTile;
  tile[0] = c00;
  tile[1] = c01;
  tile[2] = c02;
  tile[3] = c03;
  tile[4] = c10;
  tile[5] = c11;
  tile[6] = c12;
  tile[7] = c13;
  tile[8] = c20;
  tile[9] = c21;
  tile[10] = c22;
  tile[11] = c23;
  tile[12] = c30;
  tile[13] = c31;
  tile[14] = c32;
  tile[15] = c33;
  for (let r = 0; r < nrows; r++) {
    for (let q = 0; q < ncols; q++) {
      const idx = cOff + r * ldc + q;
      c[idx] = add ? c[idx] + tile[r * 4 + q] : tile[r * 4 + q];
    }
  }
}

const edgeTile = new Float64Array(16);
