// The WebAssembly multiply-add peak that bench:core prints next to the GEMM rates.
import { test } from "node:test";
import assert from "node:assert/strict";
import { wasmPeakGflops } from "./wasm-peak.js";

test("the multiply-add loop compiles and runs, unfused always and fused where relaxed SIMD is on", () => {
  const unfused = wasmPeakGflops(false, 20, "wall", 20);
  assert.ok(unfused !== null && unfused > 0.1, `unfused peak ${unfused}`);
  const fused = wasmPeakGflops(true, 20, "wall", 20);
  const relaxed = process.execArgv.includes("--experimental-wasm-relaxed-simd");
  if (relaxed) assert.ok(fused !== null && fused > 0.1, `fused peak ${fused}`);
});
