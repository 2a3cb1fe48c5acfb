// Shared pieces of the rule families: splitting per-primitive rule sets into the four tables, null-aware
// tangent sums, and the batching rules shared by many primitives.
import type { Tensor } from "../../tensor.js";
import type { BatchRule, FamilyRules, ImplRule, JvpRule, Primitive, VjpRule } from "../primitives.js";
import { bind } from "../trace.js";
import { add } from "../../ops/elementwise.js";
import { broadcastTo, reshape } from "../../ops/shape.js";
import { sameShape } from "../../ops/util.js";

/** The four rules of one primitive, written side by side. */
export interface RuleSet<P extends Primitive> {
  impl: ImplRule<P>;
  jvp: JvpRule<P>;
  vjp: VjpRule<P>;
  batch: BatchRule<P>;
}

/** Splits per-primitive rule sets into the four per-interpretation tables of a family. */
export function family<F extends Primitive>(defs: { [P in F]: RuleSet<P> }): FamilyRules<F> {
  const impl: Record<string, unknown> = {};
  const jvp: Record<string, unknown> = {};
  const vjp: Record<string, unknown> = {};
  const batch: Record<string, unknown> = {};
  for (const [name, set] of Object.entries(defs) as [string, RuleSet<F>][]) {
    impl[name] = set.impl;
    jvp[name] = set.jvp;
    vjp[name] = set.vjp;
    batch[name] = set.batch;
  }
  return { impl, jvp, vjp, batch } as unknown as FamilyRules<F>;
}

/** Sum of the non-null tangent terms, broadcast to `shape`; null when all terms are null (zero). */
export function sumTangents(shape: readonly number[], ...terms: (Tensor | null)[]): Tensor | null {
  let acc: Tensor | null = null;
  for (const t of terms) if (t !== null) acc = acc === null ? t : add(acc, t);
  if (acc !== null && !sameShape(acc.shape, shape)) acc = broadcastTo(acc, [...shape]);
  return acc;
}

/**
 * Batched values padded with size-1 dims after the batch dim so that every batched operand has the
 * largest per-example rank; unbatched operands broadcast against them unchanged (NumPy aligns right).
 */
export function alignBatched(vals: Tensor[], batched: boolean[], size: number): Tensor[] {
  let rank = 0;
  for (let i = 0; i < vals.length; i++) rank = Math.max(rank, vals[i].ndim - (batched[i] ? 1 : 0));
  return vals.map((v, i) => {
    if (!batched[i] || v.ndim - 1 === rank) return v;
    return reshape(v, [size, ...new Array<number>(rank - (v.ndim - 1)).fill(1), ...v.shape.slice(1)]);
  });
}

/** Materialises every operand with a batch dim (unbatched ones broadcast to [size, ...shape]). */
export function allBatched(vals: Tensor[], batched: boolean[], size: number): Tensor[] {
  return vals.map((v, i) => (batched[i] ? v : broadcastTo(v, [size, ...v.shape])));
}

/** Batching rule of broadcasting elementwise primitives: align ranks, then apply the primitive. */
export function broadcastingBatchRule<P extends Primitive>(p: P): BatchRule<P> {
  return (vals, batched, size, params) => [bind(p, alignBatched(vals, batched, size), params), true];
}

/** Batching rule of one-operand elementwise primitives: apply as is. */
export function unaryBatchRule<P extends Primitive>(p: P): BatchRule<P> {
  return (vals, batched, _size, params) => [bind(p, vals, params), batched[0]];
}
