// Sparsity rules of the reductions: each output element depends on the union of the elements reduced into
// it; with the values known, max keeps only the positions that attain the maximum (ties share it).
import { Primitive, type ReduceParams } from "../../../core/primitives.js";
import { keptShape, sizeOf } from "../../../core/kernels.js";
import { scatterUnion } from "../index-sets.js";
import { reductionTargets } from "../index-maps.js";
import type { SparsityRule, SparsityRules } from "../types.js";

type ReducePrim = Primitive.Sum | Primitive.Max | Primitive.Prod;

function outShape(shape: readonly number[], { axes, keepdim }: ReduceParams): number[] {
  return keepdim ? keptShape(shape, axes) : shape.filter((_, i) => !axes.includes(i));
}

/** out[t] = ∪ x[k] over the elements k reduced into t (all of them: sum and prod). */
const reduceAll: SparsityRule<ReducePrim> = ([x], params, ctx) => {
  const shape = outShape(x.shape, params);
  if (x.sets === null) return { shape, sets: null };
  const targets = reductionTargets(x.shape, params.axes);
  return { shape, sets: scatterUnion(ctx.ws, x.sets, targets, sizeOf(shape)) };
};

/** Sparsity rules of the reduction family. */
export const reduceSparsity: SparsityRules<ReducePrim> = {
  [Primitive.Sum]: reduceAll,
  // d max = Σ w_i dx_i with w_i = [x_i = max] / #ties: only the maximising positions (when known)
  [Primitive.Max]: ([x], params, ctx) => {
    const out = ctx.outValues;
    const v = x.values;
    if (x.sets === null || out === null || v === null) return reduceAll([x], params, ctx);
    const shape = outShape(x.shape, params);
    const targets = reductionTargets(x.shape, params.axes);
    for (let k = 0; k < targets.length; k++) {
      const m = out[targets[k]];
      // A NaN maximum spreads NaN to every weight: keep them all.
      if (v[k] !== m && m === m) targets[k] = -1;
    }
    return { shape, sets: scatterUnion(ctx.ws, x.sets, targets, sizeOf(shape)) };
  },
  [Primitive.Prod]: reduceAll,
};
