// What the matmul paths share: the strided description of one product, the 4x4 register tile (run on the
// operands in place by the unpacked path and on packed strips by the blocked path) and the dot-product loop
// for ragged edges.

/**
 * One product C (+)= op(A)·op(B) of an m×k by a k×n matrix. Element (i, p) of op(A) is
 * `a[offA + i*rsA + p*csA]`, element (p, j) of op(B) is `b[offB + p*rsB + j*csB]`; C is row-major m×n
 * from `offC`. All strides and offsets count elements.
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
}

/**
 * The 4x4 register tile: C[cOff + r*ldc + q] (+)= sum over p < kc of A(r, p)·B(p, q) for r < nrows and
 * q < ncols, where A(r, p) = a[ai + r*aRow + p*aStep] and B(p, q) = b[bi + q*bCol + p*bStep]. Sixteen
 * local accumulators, k innermost; rows and columns past nrows/ncols must be readable (zero padding).
 */
export function tile4x4(
  a: Float64Array,
  ai: number,
  aRow: number,
  aStep: number,
  b: Float64Array,
  bi: number,
  bCol: number,
  bStep: number,
  kc: number,
  c: Float64Array,
  cOff: number,
  ldc: number,
  nrows: number,
  ncols: number,
  add: boolean,
): void {
  const aRow2 = 2 * aRow;
  const aRow3 = 3 * aRow;
  const bCol2 = 2 * bCol;
  const bCol3 = 3 * bCol;
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
  for (let p = 0; p < kc; p++) {
    const a0 = a[ai];
    const a1 = a[ai + aRow];
    const a2 = a[ai + aRow2];
    const a3 = a[ai + aRow3];
    const b0 = b[bi];
    const b1 = b[bi + bCol];
    const b2 = b[bi + bCol2];
    const b3 = b[bi + bCol3];
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
    ai += aStep;
    bi += bStep;
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

/** C[i0:i1, j0:j1] (+)= op(A)[i0:i1, :]·op(B)[:, j0:j1] with one dot product per entry. */
export function gemmDirectBlock(g: StridedGemm, i0: number, i1: number, j0: number, j1: number): void {
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
