// The blocked multiply of operands already in WebAssembly memory (the GotoBLAS loops around the SIMD
// tiles of ./wasm-gemm.ts): for each k block, pack the B panel (its k factors applied), then run the tiles
// over row blocks of A read as stored. ./packed-gemm.ts copies operands in and out around it.
import { MR, NR, type WasmGemm } from "./wasm-gemm.js";

// Blocking: a k block of RESIDENT_KC steps; A blocks of RESIDENT_MC rows (a multiple of MR), read as
// stored, stay in L2 while the NR-wide packed B strips, one at a time, stay in L1. Packing A as well
// measured no faster at 256³ and cost more than the multiply when B is narrow (a 4096×32 by 32×4
// product: 100 µs to pack A, 55 µs to multiply).
/** k steps per packed B panel. */
export const RESIDENT_KC = 256;
/** Rows of A per run of the tiles (and of a packed A block, for A^T). */
export const RESIDENT_MC = MR * 32;

/**
 * An operand in WebAssembly memory: element (i, j) of op(X) is the double at byte `at` + (i·ld + j)·8,
 * or, when `trans` (X stored as its transpose), at `at` + (j·ld + i)·8.
 */
export interface Resident {
  at: number;
  ld: number;
  trans: boolean;
}

/** Byte addresses of the packing scratch: an A block (RESIDENT_MC × RESIDENT_KC) and a B panel. */
export interface PackScratch {
  pa: number;
  pb: number;
}

/** Doubles of the B panel for products up to n columns. */
export const panelDoubles = (n: number, k: number): number =>
  Math.min(k, RESIDENT_KC) * Math.ceil(n / NR) * NR;

/**
 * C = op(A)·diag(s)·op(B) for an m×k op(A) and a k×n op(B) in WebAssembly memory; C is row-major at
 * byte `c` with `ldc` doubles per row. Writes whole strips: n rounded up to NR columns, and m rounded up
 * to MR rows (a row-major A must hold those rows; zeros give zero rows). `scale` is the byte address of
 * the k factors, or -1 for none.
 */
export function multiplyResident(
  kernel: WasmGemm,
  a: Resident,
  b: Resident,
  c: number,
  ldc: number,
  m: number,
  k: number,
  n: number,
  scale: number,
  scratch: PackScratch,
): void {
  const strips = Math.ceil(n / NR);
  const { pa, pb } = scratch;
  for (let q0 = 0; q0 < k; q0 += RESIDENT_KC) {
    const kq = Math.min(RESIDENT_KC, k - q0);
    // The packed B panel: a row-major B's strips are NR adjacent doubles per k step; a stored B^T's
    // columns of op(B) are its rows, interleaved.
    const factors = scale + q0 * 8;
    if (!b.trans) {
      const src = b.at + q0 * b.ld * 8;
      if (scale < 0) kernel.copyStripsB(src, b.ld * 8, pb, strips, kq);
      else kernel.copyStripsBScaled(src, b.ld * 8, pb, strips, kq, factors);
    } else if (scale < 0) kernel.packB(b.at + q0 * 8, b.ld * 8, 8, pb, n, kq);
    else kernel.packBScaled(b.at + q0 * 8, b.ld * 8, 8, pb, n, kq, factors);
    const [bStep, ldb] = [kq * NR * 8, NR * 8];
    const accumulate = q0 > 0 ? 1 : 0;
    for (let ib = 0; ib < m; ib += RESIDENT_MC) {
      const rows = Math.ceil(Math.min(RESIDENT_MC, m - ib) / MR) * MR;
      const cp = c + ib * ldc * 8;
      if (a.trans) {
        // A^T's rows hold a strip's k steps side by side: copied into contiguous strips, which the tiles
        // read at 18 GFLOP/s at 256³ against 11 when reading them in place, 2 KB apart.
        kernel.copyStripsA(a.at + (q0 * a.ld + ib) * 8, a.ld * 8, pa, rows / MR, kq);
        kernel.tiles(pa, kq * MR * 8, MR * 8, pb, bStep, ldb, cp, ldc * 8, rows, strips * NR, kq, accumulate);
      } else {
        // A row-major A is read as stored, the rows of a strip ld apart.
        const ap = a.at + (ib * a.ld + q0) * 8;
        const [aStrip, aRow] = [MR * a.ld * 8, a.ld * 8];
        kernel.tilesRowA(ap, aStrip, 8, pb, bStep, ldb, cp, ldc * 8, rows, strips * NR, kq, accumulate, aRow);
      }
    }
  }
}
