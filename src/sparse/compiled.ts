// A plan's batched pass compiled with jit (the `jit: true` option of the sparse plans): the same one pass
// over the colour seeds as evaluate.ts, written with the public transforms so that jit traces it once and
// replays it (fused elementwise loops over [colors, ...shape], reused buffers, no per-op dispatch).
import type { Tensor } from "../tensor.js";
import { ShapeError, fmtShape } from "../errors.js";
import { jit } from "../jit/jit.js";
import { grad, jvp, vjp } from "../transforms/functional.js";
import { vmap } from "../transforms/vmap.js";
import type { Coloring } from "./coloring.js";
import { seedTensor } from "./evaluate.js";

/** The compressed product at x, [colors, m] (forward, Hessian) or [colors, n] (reverse), row-major. */
export type CompiledPass = (op: string, x: Tensor) => Float64Array;

/**
 * Compiles the batched pass of a plan: J·S (forward), Sᵀ·J (reverse; the output seeds are built from the
 * output's shape when first traced) or H·S (hessian, f scalar). `m` is the pattern's row count (-1: any).
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
  const pass = jit((x: Tensor): Tensor => {
    if (seeds !== null) return vmap((s: Tensor) => jvp(g, [x], [s])[1])(seeds);
    const [out, pull] = vjp(f, x);
    return vmap((ct: Tensor) => pull(ct)[0])(seedTensor(coloring, out.shape));
  });
  return (op, x) => {
    if (coloring.colors === 0) return new Float64Array(0);
    const out = pass(x);
    const rows = kind === "reverse" ? -1 : m;
    if (rows >= 0 && out.size !== coloring.colors * rows) {
      throw new ShapeError(
        `${op}: f returned ${out.size / coloring.colors} elements at x of shape ${fmtShape(x.shape)}, ` +
          `but the pattern has ${rows} rows`,
      );
    }
    return out.data;
  };
}
