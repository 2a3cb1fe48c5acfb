// Products with few k steps and few columns (m×k by k×n, k < 8, n <= 8: the arm's [1000, 5]·[5, 5]):
// generated per (k, n, accumulate) with B's k·n entries held in locals, so each row of C costs k loads of
// A and n stores, and no packing or tile edges. The sums run in the same order as the tiled paths'
// (from 0, p = 0, 1, ...), so results match theirs.
import type { StridedGemm } from "./packed-gemm.js";

/** Largest k served here (from 8 on, the WebAssembly tiles win). */
export const SKINNY_MAX_K = 7;
/** Largest n served here (B's k·n entries must stay in registers). */
export const SKINNY_MAX_N = 8;

type SkinnyKernel = (
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  m: number,
  offA: number,
  rsA: number,
  csA: number,
  offB: number,
  rsB: number,
  csB: number,
  offC: number,
) => void;

const kernels = new Map<string, SkinnyKernel>();

function generate(k: number, n: number, accumulate: boolean): SkinnyKernel {
  const lines: string[] = [];
  for (let p = 0; p < k; p++)
    for (let j = 0; j < n; j++) lines.push(`const b${p}_${j} = b[offB + ${p} * rsB + ${j} * csB];`);
  lines.push("for (let i = 0, ra = offA, rc = offC; i < m; i++, ra += rsA, rc += " + n + ") {");
  for (let p = 0; p < k; p++) lines.push(`const a${p} = a[ra + ${p} * csA];`);
  for (let j = 0; j < n; j++) {
    const sum = Array.from({ length: k }, (_, p) => `a${p} * b${p}_${j}`).join(" + ");
    lines.push(`const s${j} = 0 + ${sum};`);
    lines.push(accumulate ? `c[rc + ${j}] += s${j};` : `c[rc + ${j}] = s${j};`);
  }
  lines.push("}");
  const params = "a, b, c, m, offA, rsA, csA, offB, rsB, csB, offC";
  return new Function(
    `"use strict"; return function (${params}) {\n${lines.join("\n")}\n};`,
  )() as SkinnyKernel;
}

/** C (+)= op(A)·op(B) for k <= SKINNY_MAX_K, n <= SKINNY_MAX_N (g.scale must be null: scaled A is formed first). */
export function gemmSkinny(g: StridedGemm): void {
  const key = `${g.k},${g.n},${g.accumulate}`;
  let kernel = kernels.get(key);
  if (kernel === undefined) kernels.set(key, (kernel = generate(g.k, g.n, g.accumulate)));
  kernel(g.a, g.b, g.c, g.m, g.offA, g.rsA, g.csA, g.offB, g.rsB, g.csB, g.offC);
}
