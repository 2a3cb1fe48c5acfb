// The ceiling jaclab's GEMM works under: the f64x2 multiply-add rate this CPU reaches from WebAssembly on
// one thread, measured in the same run as the GEMM so that both see the host at the same speed. The loop
// does nothing but independent multiply-adds into registers (no loads, no stores), 12 chains: fewer leave
// the FMA units waiting on latency, more spill in V8's 15 vector registers (measured: 8 chains ~10% lower,
// 14 a third lower).
import {
  FunctionBuilder,
  I32,
  V128,
  compile,
  instantiateCompiled,
  moduleBytes,
  op,
} from "../src/linalg/wasm-encoder.js";
import { timeCase, type Clock } from "./core-timing.js";

const CHAINS = 12;
const STEPS = 200_000;

function peakLoop(fused: boolean): FunctionBuilder {
  const f = new FunctionBuilder("peak", [I32, I32]);
  const [steps, out] = [0, 1];
  const i = f.local(I32);
  const acc = Array.from({ length: CHAINS }, () => f.local(V128));
  const [x, y] = [f.local(V128), f.local(V128)];
  // x and y from memory, so that V8 cannot fold the arithmetic away.
  f.emit(op.i32(0), op.v128Load64Splat(0), op.set(x), op.i32(0), op.v128Load64Splat(8), op.set(y));
  f.emit(op.i32(0), op.set(i));
  f.forLoop(i, op.get(steps), op.i32(1), () => {
    for (const a of acc) {
      if (fused) f.emit(op.get(x), op.get(y), op.get(a), op.f64x2RelaxedMadd, op.set(a));
      else f.emit(op.get(a), op.get(x), op.get(y), op.f64x2Mul, op.f64x2Add, op.set(a));
    }
  });
  acc.forEach((a, k) => f.emit(op.get(out), op.get(a), op.v128Store(16 * k)));
  return f;
}

/**
 * GFLOP/s of the multiply-add loop (4 flops per f64x2 multiply-add), fused where `fused`, or null when the
 * runtime has no WebAssembly SIMD (or, for `fused`, no relaxed SIMD).
 */
export function wasmPeakGflops(
  fused: boolean,
  budgetMs: number,
  clock: Clock,
  warmMs: number,
): number | null {
  const module = compile(moduleBytes([peakLoop(fused)]));
  if (module === null) return null;
  const { exports, memory } = instantiateCompiled(module);
  new Float64Array(memory.buffer).set([1, 0.5]);
  const peak = exports.peak as (steps: number, out: number) => void;
  const t = timeCase(() => peak(STEPS, 64), budgetMs, clock, warmMs);
  return (STEPS * CHAINS * 4) / (t.us * 1e3);
}
