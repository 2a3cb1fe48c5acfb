// Sparsity rule of CustomCall (customVjp, customJvp, autograd.Function, checkpoint): a custom function's
// derivative rules describe the same Jacobian as its own code, so its pattern is the pattern of that code,
// found by a nested detection over its traced operands (flattened into one input) and composed with what
// those operands depend on.
import { Tensor } from "../../../tensor.js";
import { Primitive } from "../../../core/primitives.js";
import { sizeOf } from "../../../core/kernels.js";
import { narrow, reshape } from "../../../ops/shape.js";
import { SetBuilder } from "../index-sets.js";
import { detect } from "../trace.js";
import type { SparsityRules } from "../types.js";

/** Sparsity rules of the custom-derivative family. */
export const customSparsity: SparsityRules<Primitive.CustomCall> = {
  // out[k] = ∪ over the operand elements e the code's output k depends on of what e depends on
  [Primitive.CustomCall]: (args, { rule }, ctx) => {
    // Traced: what depends on an input, and what has no known values (a constant only by its pattern).
    const traced = args.flatMap((a, i) => (a.sets === null && a.values !== null ? [] : [i]));
    const sizes = traced.map((i) => sizeOf(args[i].shape));
    const total = sizes.reduce((s, n) => s + n, 0);
    const local = traced.every((i) => args[i].values !== null);
    const flatValues = new Float64Array(total);
    if (local) {
      let at = 0;
      traced.forEach((i, q) => {
        flatValues.set(args[i].values as Float64Array, at);
        at += sizes[q];
      });
    }
    const inner = detect(
      `sparsity of ${rule.name}`,
      (flat: Tensor) => {
        let offset = 0;
        const inputs = args.map((a, i) => {
          const q = traced.indexOf(i);
          if (q < 0) return new Tensor(a.values as Float64Array, [...a.shape]);
          const part = reshape(narrow(flat, 0, offset, sizes[q]), [...a.shape]);
          offset += sizes[q];
          return part;
        });
        return rule.call(inputs);
      },
      new Tensor(flatValues, [total]),
      local,
    );
    if (inner.sets === null) return { shape: inner.outShape, sets: null };
    // The traced operands' sets stacked: row e is what element e of the flattened operands depends on.
    const stacked = new SetBuilder(ctx.ws, total);
    traced.forEach((i, q) => {
      const sets = args[i].sets;
      for (let e = 0; e < sizes[q]; e++) {
        if (sets !== null) stacked.add(sets, e);
        stacked.end();
      }
    });
    const through = stacked.finish();
    const rows = inner.sets.size;
    const out = new SetBuilder(ctx.ws, rows);
    for (let k = 0; k < rows; k++) {
      for (const e of inner.sets.row(k)) out.add(through, e);
      out.end();
    }
    return { shape: inner.outShape, sets: out.finish() };
  },
};
