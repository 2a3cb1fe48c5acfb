// A plan's batched pass compiled with jit (the `jit: true` option of the sparse plans): the same one pass
// over the colour seeds as evaluate.ts, written with the public transforms so that jit traces it once and
// replays it (fused elementwise loops over [colors, ...shape], reused buffers, no per-op dispatch). The
// decompression is traced into the same program as a gather with a constant index, so the compressed
// product stays in the plan's reused buffers and the call returns the nonzero values themselves.
import { Tensor } from "../tensor.js";
import { ShapeError, fmtShape } from "../errors.js";
import { jit } from "../jit/jit.js";
import { gather } from "../ops/shape.js";
import { grad, jvp, vjp } from "../transforms/functional.js";
import { vmap } from "../transforms/vmap.js";
import type { Coloring } from "./coloring.js";
import { seedTensor } from "./evaluate.js";

/** The nonzero values at x, in the pattern's CSR order (decompressed from the one batched pass). */
export type CompiledPass = (op: string, x: Tensor) => Float64Array;

/**
 * Compiles the batched pass of a plan and its decompression: J·S (forward), Sᵀ·J (reverse; the output
 * seeds are built from the output's shape when first traced) or H·S (hessian, f scalar), gathered into
 * the pattern's nonzeros. `m` is the pattern's row count (-1: any).
 */
export function compiledPass(
  f: (x: Tensor) => Tensor,
  kind: "forward" | "reverse" | "hessian",
  coloring: Coloring,
  m: number,
  inputShape: readonly number[],
): CompiledPass {
  const seeds = kind === "reverse" ? null : seedTensor(coloring, inputShape);
  const g = kind === "hessian" ? grad(f) : f;
  const index = new Tensor(Float64Array.from(coloring.compressedIndex), [coloring.compressedIndex.length]);
  const rows = kind === "reverse" ? -1 : m;
  let op = "";
  const pass = jit((x: Tensor): Tensor => {
    let compressed: Tensor;
    if (seeds !== null) compressed = vmap((s: Tensor) => jvp(g, [x], [s])[1])(seeds);
    else {
      const [out, pull] = vjp(f, x);
      compressed = vmap((ct: Tensor) => pull(ct)[0])(seedTensor(coloring, out.shape));
    }
    // Checked when traced (shapes are fixed from then on): the pattern's rows must be f's outputs.
    if (rows >= 0 && compressed.size !== coloring.colors * rows) {
      throw new ShapeError(
        `${op}: f returned ${compressed.size / coloring.colors} elements at x of shape ` +
          `${fmtShape(x.shape)}, but the pattern has ${rows} rows`,
      );
    }
    return gather(compressed.reshape([compressed.size]), 0, index);
  });
  return (name, x) => {
    if (coloring.colors === 0) return new Float64Array(0);
    op = name;
    return pass(x).data;
  };
}
