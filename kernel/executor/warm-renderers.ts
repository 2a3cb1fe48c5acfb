// Shows a few small tensors once as the execution process starts (while the language service warms up
// anyway), so that the first tensor a notebook shows does not pay for compiling the renderers: a heatmap
// with its PNG, a summarised vector, a batch of matrices, and a matrix large enough to be sampled (whose
// loops run long enough for V8 to optimise them, as they must for a huge tensor).

import { toMimeBundle } from "./bundle.js";

type Creator = (shape: number[], options?: { seed?: number }) => unknown;

/** Renders sample tensors made with the core's `rand` and `zeros`; a core without them is left alone. */
export async function warmRenderers(core: Record<string, unknown>): Promise<void> {
  const rand = core.rand as Creator | undefined;
  const zeros = core.zeros as Creator | undefined;
  if (typeof rand !== "function" || typeof zeros !== "function") return;
  try {
    const samples = [
      rand([64, 64], { seed: 1 }),
      zeros([2000]),
      rand([3, 4, 4], { seed: 2 }),
      zeros([1500, 1500]),
    ];
    for (const value of samples) {
      await toMimeBundle(value);
    }
  } catch (error) {
    process.stderr.write(`jaclab: warming the renderers failed: ${String(error)}\n`);
  }
}
