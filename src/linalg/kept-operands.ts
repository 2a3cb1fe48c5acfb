// Operands a caller promises not to change between calls (a jit plan's constants, fixed when it traced):
// the WebAssembly path keeps its copy of them in a memory of its own, so that a call copies in only the
// operands that vary. The tall case's 4096×32 weight matrix took 45 µs to copy in, a quarter of its call.
import { separateGemm, type WasmGemm } from "./wasm-gemm.js";

/** Which of a product's operands are already in memory from an earlier call. */
export interface Held {
  a: boolean;
  b: boolean;
}

/** Below this many kept doubles a copy (128 KiB in about 6 µs) costs less than a memory of its own. */
export const KEEP_MIN_DOUBLES = 1 << 14;
/**
 * Each memory reserves address space (a process runs out after some thousands) and holds a second copy
 * of its constants: at most this many memories, keeping at most MAX_KEPT_DOUBLES between them, are live
 * at once; further products copy their operands in as usual.
 */
export const MAX_KEPT_MEMORIES = 64;
/** The kept doubles of all live memories together (128 MiB). */
export const MAX_KEPT_DOUBLES = 1 << 24;
let liveMemories = 0;
let liveDoubles = 0;
const released = new FinalizationRegistry<number>((doubles) => {
  liveMemories--;
  liveDoubles -= doubles;
});

/** Constant operands of one product, kept in WebAssembly memory between its calls. */
export class KeptOperands {
  private own: WasmGemm | null = null;
  // What the own memory holds: the layout it was copied in for (shape, offsets, transposes), and from
  // which arrays.
  private key = "";
  private a: Float64Array | null = null;
  private b: Float64Array | null = null;

  /** Keep A, B or both; the caller must pass the same arrays, unchanged, on every call. */
  constructor(
    readonly keepA: boolean,
    readonly keepB: boolean,
  ) {}

  /**
   * Kernels like `like` (fused or not) bound to the own memory, for a product whose kept operands hold
   * `doubles`; null when keeping them is not worth it or too many memories are live (copy them in).
   */
  kernelFor(like: WasmGemm, doubles: number): WasmGemm | null {
    if (doubles < KEEP_MIN_DOUBLES) return null;
    if (this.own === null) {
      if (liveMemories >= MAX_KEPT_MEMORIES || liveDoubles + doubles > MAX_KEPT_DOUBLES) return null;
      liveMemories++;
      liveDoubles += doubles;
      released.register(this, doubles);
    }
    if (this.own === null || this.own.fused !== like.fused) {
      this.own = separateGemm(like);
      this.key = "";
    }
    return this.own;
  }

  /** Which operands the own memory already holds for a product laid out as `key`. */
  held(key: string, a: Float64Array, b: Float64Array): Held {
    const same = key === this.key;
    return { a: same && this.keepA && a === this.a, b: same && this.keepB && b === this.b };
  }

  /** Records that the own memory now holds the operands of a product laid out as `key`. */
  record(key: string, a: Float64Array, b: Float64Array): void {
    [this.key, this.a, this.b] = [key, a, b];
  }
}
