// The WebAssembly SIMD (f64x2) kernels of the blocked matmul, generated at load time:
//  - `tiles` multiplies MR-row strips of A by NR-column strips of B into a block of C, MR×NR at a time
//    with MR·NR/2 two-lane accumulators held in registers. Strips are addressed by a start, a stride
//    between strips and a stride per k step; A is always read as stored (`tiles` for a transposed A,
//    whose strip rows are adjacent, `tilesRowA` for a row-major one), B from packed strips.
//  - `packB` copies lines (columns of op(B)) into NR-wide interleaved strips, `packBScaled` scaling each
//    k step as it goes (op(A)·diag(s)·op(B)).
// The multiply-add is the relaxed-SIMD fused f64x2.relaxed_madd where the runtime accepts it (Node 20
// with --experimental-wasm-relaxed-simd, later runtimes by default), detected by validating a tiny module,
// else a multiply and an add. Absent WebAssembly SIMD altogether, `wasmGemm` is null.
import {
  F64,
  FunctionBuilder,
  I32,
  V128,
  compile,
  instantiateCompiled,
  moduleBytes,
  op,
  wasmApi,
} from "./wasm-encoder.js";

// The register tile: MR rows × NR columns of C in MR·NR/2 two-lane accumulators. V8 hoists every load of a
// k step ahead of its multiply-adds, so accumulators + NR/2 B vectors + MR splats of A must fit in the 15
// vector registers it allocates: 4×4 (14) runs without spills; 6×4 (20) spilled three accumulators per
// step and measured 11.5 GFLOP/s against 4×4's 16-19 at n = 64 to 256. Unrolling the k loop adds a second
// step's loads to the hoisted set, so it is not unrolled.
/** Rows of the register tile (A strip width). */
export const MR = 4;
/** Columns of the register tile (B strip width), a multiple of 2. */
export const NR = 4;

/**
 * tiles(ap, aStrip, lda, bp, bStrip, ldb, cp, ldc, mc, nc, kc, add), all byte offsets and strides:
 * for each MR-row strip i (at ap + i·aStrip, next k step +lda) and NR-column strip j (at bp + j·bStrip,
 * next k step +ldb), C[i-th MR rows, j-th NR columns] (+)= the strips' product over kc steps, where C is
 * row-major from cp with ldc bytes per row. mc and nc are multiples of MR and NR; add != 0 accumulates.
 * The rows of an A strip are adjacent doubles (a packed strip, or a row of a stored A^T); `tilesRowA`
 * takes a 13th parameter, aRow, the bytes between them, so that it reads a row-major A as stored.
 */
function tilesFunction(fused: boolean, rowA: boolean): FunctionBuilder {
  const f = new FunctionBuilder(rowA ? "tilesRowA" : "tiles", new Array(rowA ? 13 : 12).fill(I32));
  const [ap, aStrip, lda, bp, bStrip, ldb, cp, ldc, mc, nc, kc, add, aRow] = f.params.map((_, i) => i);
  const [jr, ir, p, a, b, c, t, bcol, ccol, acur, cStep] = Array.from({ length: 11 }, () => f.local(I32));
  // rowA: one pointer per row of the strip, each advancing by lda (a constant offset cannot reach them).
  const rowPtr = rowA ? Array.from({ length: MR }, () => f.local(I32)) : [];
  const nv = NR / 2;
  const acc = Array.from({ length: MR * nv }, () => f.local(V128));
  const bv = Array.from({ length: nv }, () => f.local(V128));
  const av = f.local(V128);
  const accOf = (r: number, h: number) => acc[r * nv + h];

  const step = () => {
    for (let h = 0; h < nv; h++) f.emit(op.get(b), op.v128Load(16 * h), op.set(bv[h]));
    for (let r = 0; r < MR; r++) {
      if (rowA) f.emit(op.get(rowPtr[r]), op.v128Load64Splat(0), op.set(av));
      else f.emit(op.get(a), op.v128Load64Splat(8 * r), op.set(av));
      for (let h = 0; h < nv; h++) {
        const x = accOf(r, h);
        if (fused) f.emit(op.get(av), op.get(bv[h]), op.get(x), op.f64x2RelaxedMadd, op.set(x));
        else f.emit(op.get(x), op.get(av), op.get(bv[h]), op.f64x2Mul, op.f64x2Add, op.set(x));
      }
    }
    if (rowA) for (const ptr of rowPtr) f.addTo(ptr, op.get(lda));
    else f.addTo(a, op.get(lda));
    f.addTo(b, op.get(ldb));
  };
  // Visits the tile's rows of C: t walks from c down by ldc.
  const eachRow = (visit: (r: number) => void) => {
    f.emit(op.get(c), op.set(t));
    for (let r = 0; r < MR; r++) {
      visit(r);
      if (r < MR - 1) f.addTo(t, op.get(ldc));
    }
  };

  f.emit(op.get(ldc), op.i32(MR), op.i32Mul, op.set(cStep));
  f.emit(op.i32(0), op.set(jr), op.get(bp), op.set(bcol), op.get(cp), op.set(ccol));
  f.forLoop(jr, op.get(nc), op.i32(NR), () => {
    f.emit(op.i32(0), op.set(ir), op.get(ap), op.set(acur), op.get(ccol), op.set(c));
    f.forLoop(ir, op.get(mc), op.i32(MR), () => {
      f.emit(op.get(add), op.if);
      eachRow((r) => {
        for (let h = 0; h < nv; h++) f.emit(op.get(t), op.v128Load(16 * h), op.set(accOf(r, h)));
      });
      f.emit(op.else);
      for (const x of acc) f.emit(op.v128Zero, op.set(x));
      f.emit(op.end);
      f.emit(op.get(acur), op.set(a), op.get(bcol), op.set(b), op.get(kc), op.set(p));
      if (rowA) {
        f.emit(op.get(acur), op.set(rowPtr[0]));
        for (let r = 1; r < MR; r++)
          f.emit(op.get(rowPtr[r - 1]), op.get(aRow), op.i32Add, op.set(rowPtr[r]));
      }
      f.emit(op.block, op.loop, op.get(p), op.i32Eqz, op.brIf(1));
      step();
      f.emit(op.get(p), op.i32(1), op.i32Sub, op.set(p), op.br(0), op.end, op.end);
      eachRow((r) => {
        for (let h = 0; h < nv; h++) f.emit(op.get(t), op.get(accOf(r, h)), op.v128Store(16 * h));
      });
      f.addTo(acur, op.get(aStrip));
      f.addTo(c, op.get(cStep));
    });
    f.addTo(bcol, op.get(bStrip));
    f.addTo(ccol, op.i32(NR * 8));
  });
  return f;
}

/**
 * pack(src, rs, cs, dst, lines, kc[, scale]): line l, element q is at src + l·rs + q·cs (bytes); writes
 * strips of `width` lines, dst[strip][q][w] contiguous, kc elements per line, zeros past the last line.
 * Lines past the end read the zero word at address 0 with step 0, so full and partial strips share one
 * loop. The scaled variant multiplies element q by the double at scale + 8q (op(A)·diag(scale)·op(B)
 * applied while packing B).
 */
function packFunction(exportName: string, width: number, scaled = false): FunctionBuilder {
  const f = new FunctionBuilder(exportName, new Array(scaled ? 7 : 6).fill(I32));
  const [src, rs, cs, dst, lines, kc, scale] = f.params.map((_, i) => i);
  const [line, q, d, left, sp] = Array.from({ length: 5 }, () => f.local(I32));
  const factor = scaled ? f.local(F64) : -1;
  const ptr = Array.from({ length: width }, () => f.local(I32));
  const stepOf = Array.from({ length: width }, () => f.local(I32));
  f.emit(op.get(dst), op.set(d), op.i32(0), op.set(line));
  f.forLoop(line, op.get(lines), op.i32(width), () => {
    f.emit(op.get(lines), op.get(line), op.i32Sub, op.set(left));
    for (let w = 0; w < width; w++) {
      // ptr[w] = w < left ? src + (line + w)·rs : 0;  step[w] = w < left ? cs : 0
      f.emit(op.get(left), op.i32(w + 1), op.i32GeS, op.i32Eqz, op.if);
      f.emit(op.i32(0), op.set(ptr[w]), op.i32(0), op.set(stepOf[w]), op.else);
      f.emit(op.get(src), op.get(line), op.i32(w), op.i32Add, op.get(rs), op.i32Mul, op.i32Add);
      f.emit(op.set(ptr[w]), op.get(cs), op.set(stepOf[w]), op.end);
    }
    f.emit(op.i32(0), op.set(q));
    if (scaled) f.emit(op.get(scale), op.set(sp));
    f.forLoop(q, op.get(kc), op.i32(1), () => {
      // Scaled: element q of every line times scale[q].
      if (scaled) f.emit(op.get(sp), op.f64Load(), op.set(factor));
      for (let w = 0; w < width; w++) {
        f.emit(op.get(d), op.get(ptr[w]), op.f64Load());
        if (scaled) f.emit(op.get(factor), op.f64Mul);
        f.emit(op.f64Store(8 * w));
        f.addTo(ptr[w], op.get(stepOf[w]));
      }
      f.addTo(d, op.i32(8 * width));
      if (scaled) f.addTo(sp, op.i32(8));
    });
  });
  return f;
}

/**
 * copyStrips(src, rowStride, dst, strips, kc[, scale]): strips whose k steps are already `width` adjacent
 * doubles (a row of A^T, or of a row-major B), one row `rowStride` bytes after the other, copied into
 * packed strips, dst[strip][q][w] contiguous: strip s, step q reads width doubles at src + s·width·8 +
 * q·rowStride, a vector at a time. A last partial strip reads past its row's end; those lanes land only
 * in padding. The scaled variant multiplies step q by the double at scale + 8q.
 */
function copyStripsFunction(exportName: string, width: number, scaled = false): FunctionBuilder {
  const f = new FunctionBuilder(exportName, new Array(scaled ? 6 : 5).fill(I32));
  const [src, rowStride, dst, strips, kc, scale] = f.params.map((_, i) => i);
  const [s, q, from, d, sp] = Array.from({ length: 5 }, () => f.local(I32));
  const factor = f.local(V128);
  f.emit(op.get(dst), op.set(d), op.i32(0), op.set(s));
  f.forLoop(s, op.get(strips), op.i32(1), () => {
    f.emit(op.get(src), op.get(s), op.i32(width * 8), op.i32Mul, op.i32Add, op.set(from));
    f.emit(op.i32(0), op.set(q));
    if (scaled) f.emit(op.get(scale), op.set(sp));
    f.forLoop(q, op.get(kc), op.i32(1), () => {
      if (scaled) f.emit(op.get(sp), op.v128Load64Splat(), op.set(factor));
      for (let h = 0; h < width / 2; h++) {
        f.emit(op.get(d), op.get(from), op.v128Load(16 * h));
        if (scaled) f.emit(op.get(factor), op.f64x2Mul);
        f.emit(op.v128Store(16 * h));
      }
      f.addTo(from, op.get(rowStride));
      f.addTo(d, op.i32(width * 8));
      if (scaled) f.addTo(sp, op.i32(8));
    });
  });
  return f;
}

/**
 * gemv(a, x, y, m, k): y[i] = sum_p a[i·k + p]·x[p] for a row-major m×k A (byte offsets): four rows at a
 * time, two k steps per multiply-add, the odd step and rows by themselves.
 */
function gemvFunction(fused: boolean): FunctionBuilder {
  const f = new FunctionBuilder("gemv", new Array(5).fill(I32));
  const [a, x, y, m, k] = f.params.map((_, i) => i);
  const [i, p, xp, rowBytes] = Array.from({ length: 4 }, () => f.local(I32));
  const ap = Array.from({ length: 4 }, () => f.local(I32));
  const acc = Array.from({ length: 4 }, () => f.local(V128));
  const xv = f.local(V128);
  const sum = f.local(F64);
  f.emit(op.get(k), op.i32(8), op.i32Mul, op.set(rowBytes), op.i32(0), op.set(i));
  const rows = (count: number, step: number[]) => {
    f.emit(op.block, op.loop, op.get(i), op.i32(count), op.i32Add, op.get(m), op.i32GtS, op.brIf(1));
    // ap[r] = a + (i + r)·k·8
    f.emit(op.get(a), op.get(i), op.get(rowBytes), op.i32Mul, op.i32Add, op.set(ap[0]));
    for (let r = 1; r < count; r++) f.emit(op.get(ap[r - 1]), op.get(rowBytes), op.i32Add, op.set(ap[r]));
    for (let r = 0; r < count; r++) f.emit(op.v128Zero, op.set(acc[r]));
    f.emit(op.get(x), op.set(xp), op.i32(0), op.set(p));
    f.emit(op.block, op.loop, op.get(p), op.i32(2), op.i32Add, op.get(k), op.i32GtS, op.brIf(1));
    f.emit(op.get(xp), op.v128Load(), op.set(xv));
    for (let r = 0; r < count; r++) {
      if (fused)
        f.emit(op.get(ap[r]), op.v128Load(), op.get(xv), op.get(acc[r]), op.f64x2RelaxedMadd, op.set(acc[r]));
      else
        f.emit(
          op.get(acc[r]),
          op.get(ap[r]),
          op.v128Load(),
          op.get(xv),
          op.f64x2Mul,
          op.f64x2Add,
          op.set(acc[r]),
        );
      f.addTo(ap[r], op.i32(16));
    }
    f.addTo(xp, op.i32(16));
    f.emit(op.get(p), op.i32(2), op.i32Add, op.set(p), op.br(0), op.end, op.end);
    for (let r = 0; r < count; r++) {
      f.emit(
        op.get(acc[r]),
        op.f64x2ExtractLane(0),
        op.get(acc[r]),
        op.f64x2ExtractLane(1),
        op.f64Add,
        op.set(sum),
      );
      // the odd last k step
      f.emit(op.get(p), op.get(k), op.i32LtS, op.if);
      f.emit(
        op.get(sum),
        op.get(ap[r]),
        op.f64Load(),
        op.get(xp),
        op.f64Load(),
        op.f64Mul,
        op.f64Add,
        op.set(sum),
      );
      f.emit(op.end);
      f.emit(op.get(y), op.get(i), op.i32(8), op.i32Mul, op.i32Add, op.get(sum), op.f64Store(8 * r));
    }
    f.emit(step, op.br(0), op.end, op.end);
  };
  rows(4, [...op.get(i), ...op.i32(4), ...op.i32Add, ...op.set(i)]);
  rows(1, [...op.get(i), ...op.i32(1), ...op.i32Add, ...op.set(i)]);
  return f;
}

/** The arguments of the tile kernels (byte offsets and strides, counts); see {@link tilesFunction}. */
type TileArgs = [
  ap: number,
  aStrip: number,
  lda: number,
  bp: number,
  bStrip: number,
  ldb: number,
  cp: number,
  ldc: number,
  mc: number,
  nc: number,
  kc: number,
  add: number,
];

/** The generated kernels bound to their memory; views are re-created whenever the memory grows. */
export interface WasmGemm {
  /** Whether the multiply-adds are fused (relaxed SIMD). */
  readonly fused: boolean;
  /** Makes the memory at least `bytes` long and returns a Float64Array view of all of it. */
  reserve(bytes: number): Float64Array;
  /** See {@link tilesFunction}. */
  tiles(...args: TileArgs): void;
  /** tiles with the rows of an A strip `aRow` bytes apart (a row-major A read as stored). */
  tilesRowA(...args: [...TileArgs, aRow: number]): void;
  /** Packs lines into NR-wide strips; see {@link packFunction}. */
  packB(src: number, rs: number, cs: number, dst: number, lines: number, kc: number): void;
  /** MR-wide strips of adjacent doubles copied into packed strips; see {@link copyStripsFunction}. */
  copyStripsA(src: number, rowStride: number, dst: number, strips: number, kc: number): void;
  /** NR-wide strips of adjacent doubles copied into packed strips. */
  copyStripsB(src: number, rowStride: number, dst: number, strips: number, kc: number): void;
  /** NR-wide strips copied into packed strips, step q times the double at `scale` + 8q. */
  copyStripsBScaled(
    src: number,
    rowStride: number,
    dst: number,
    strips: number,
    kc: number,
    scale: number,
  ): void;
  /** See {@link gemvFunction}. */
  gemv(a: number, x: number, y: number, m: number, k: number): void;
  /** Packs lines into NR-wide strips, element q times the double at `scale` + 8q. */
  packBScaled(
    src: number,
    rs: number,
    cs: number,
    dst: number,
    lines: number,
    kc: number,
    scale: number,
  ): void;
}

/** Bytes at the start of the memory kept zero (the padding source of `pack`). */
export const ZERO_BYTES = 64;

function probeModule(): Uint8Array {
  const probe = new FunctionBuilder("probe", []);
  const v = probe.local(V128);
  probe.emit(op.v128Zero, op.v128Zero, op.v128Zero, op.f64x2RelaxedMadd, op.set(v));
  return moduleBytes([probe]);
}

/** A tiny module using f64x2.relaxed_madd, as hex: valid exactly where relaxed SIMD is on. */
export function relaxedSimdProbe(): string {
  return Array.from(probeModule(), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Whether this runtime validates a module that uses f64x2.relaxed_madd. */
export function relaxedSimdAvailable(): boolean {
  const api = wasmApi();
  if (api === undefined) return false;
  try {
    return api.validate(probeModule());
  } catch {
    return false;
  }
}

function moduleOf(fused: boolean): object | null {
  return compile(
    moduleBytes([
      tilesFunction(fused, false),
      tilesFunction(fused, true),
      packFunction("packB", NR),
      packFunction("packBScaled", NR, true),
      copyStripsFunction("copyStripsA", MR),
      copyStripsFunction("copyStripsB", NR),
      copyStripsFunction("copyStripsBScaled", NR, true),
      gemvFunction(fused),
    ]),
  );
}

function bind(module: object, fused: boolean): WasmGemm {
  const { exports, memory } = instantiateCompiled(module);
  let view = new Float64Array(memory.buffer);
  return {
    fused,
    reserve(need: number): Float64Array {
      if (memory.buffer.byteLength < need) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
      if (view.buffer !== memory.buffer) view = new Float64Array(memory.buffer);
      return view;
    },
    tiles: exports.tiles as WasmGemm["tiles"],
    tilesRowA: exports.tilesRowA as WasmGemm["tilesRowA"],
    packB: exports.packB as WasmGemm["packB"],
    packBScaled: exports.packBScaled as WasmGemm["packBScaled"],
    copyStripsA: exports.copyStripsA as WasmGemm["copyStripsA"],
    copyStripsB: exports.copyStripsB as WasmGemm["copyStripsB"],
    copyStripsBScaled: exports.copyStripsBScaled as WasmGemm["copyStripsBScaled"],
    gemv: exports.gemv as WasmGemm["gemv"],
  };
}

const fusedModule = relaxedSimdAvailable() ? moduleOf(true) : null;
const plainModule = moduleOf(false);

/**
 * Another instance of the kernels like `like` (fused or not) with a WebAssembly memory of its own, for
 * operands kept there between calls.
 */
export function separateGemm(like: WasmGemm): WasmGemm {
  return bind((like.fused ? fusedModule : plainModule) as object, like.fused);
}

/** The kernels with fused multiply-adds, or null when the runtime lacks relaxed SIMD. */
export const wasmGemmFused: WasmGemm | null = fusedModule === null ? null : bind(fusedModule, true);
/** The kernels with a separate multiply and add (plain SIMD), or null without WebAssembly SIMD. */
export const wasmGemmPlain: WasmGemm | null = plainModule === null ? null : bind(plainModule, false);
/** The best kernels this runtime has, or null without WebAssembly SIMD. */
export const wasmGemm: WasmGemm | null = wasmGemmFused ?? wasmGemmPlain;
