// Scalings folded into matrix products for the plan: op(A)·op(B) where an operand is X ⊙ s, with s varying
// only along the product's inner (k) dim, is op(X)·diag(s)·op(B): the GEMM multiplies by s while it packs
// B's panel, so the scaled matrix is never written out. Derivatives make this pattern everywhere:
// the VJP of tanh between two layers scales the cotangent by 1 - tanh² just before the next product.
// The plan runs the rewritten equations; the program it reports (and graph() draws) keeps the Mul.
import { Primitive, type PrimitiveParams } from "../core/primitives.js";
import { sizeOf } from "../core/kernels.js";
import { sameShape } from "../ops/util.js";
import type { Atom, Eqn } from "./program.js";

/** Params of a product with k factors: its own params and which operand was scaled (the third input). */
export type ScaledMatmulParams = PrimitiveParams[Primitive.Matmul] & { scaledSide: 0 | 1 };

/** Whether an equation is a product with k factors (a third operand) made by {@link absorbScalings}. */
export function isScaledMatmul(e: Eqn): boolean {
  return e.prim === Primitive.Matmul && e.inputs.length === 3;
}

/**
 * The equations with scalings folded into the products that alone read them. `resolve` maps an operand
 * to the variable whose storage it shares (reshapes are aliases); `shapeOf` gives an atom's shape.
 */
export function absorbScalings(
  eqns: readonly Eqn[],
  outputs: readonly Atom[],
  resolve: (a: Atom) => Atom,
  shapeOf: (a: Atom) => readonly number[],
): Eqn[] {
  const producer = new Map<number, Eqn>();
  const readers = new Map<number, number>();
  const count = (a: Atom, n = 1) => {
    const r = resolve(a);
    if (r.kind === "var") readers.set(r.id, (readers.get(r.id) ?? 0) + n);
  };
  for (const e of eqns) {
    if (e.prim === Primitive.Reshape) continue;
    producer.set(e.out, e);
    for (const a of e.inputs) count(a);
  }
  for (const o of outputs) count(o, Infinity);
  const absorbed = new Set<Eqn>();
  const replaced = new Map<Eqn, Eqn>();
  for (const mm of eqns) {
    if (mm.prim !== Primitive.Matmul || mm.inputs.length !== 2) continue;
    const params = mm.params as PrimitiveParams[Primitive.Matmul];
    for (const side of [0, 1] as const) {
      const operand = mm.inputs[side];
      const root = resolve(operand);
      if (root.kind !== "var" || readers.get(root.id) !== 1) continue;
      const mul = producer.get(root.id);
      if (mul === undefined || mul.prim !== Primitive.Mul || absorbed.has(mul)) continue;
      const shape = shapeOf(operand);
      if (!sameShape(shapeOf({ kind: "var", id: mul.out }), shape) || shape.length < 2) continue;
      // The stored operand's k dim: A's columns (rows when transposed), B's rows (columns when transposed).
      const trans = side === 0 ? params.transA === true : params.transB === true;
      const kDim =
        side === 0
          ? trans
            ? shape.length - 2
            : shape.length - 1
          : trans
            ? shape.length - 1
            : shape.length - 2;
      const [p, q] = mul.inputs;
      for (const [x, s] of [
        [p, q],
        [q, p],
      ] as const) {
        if (!sameShape(shapeOf(x), shape) || !alongOnly(shapeOf(s), shape, kDim)) continue;
        absorbed.add(mul);
        const inputs = [...mm.inputs];
        inputs[side] = x;
        replaced.set(mm, { ...mm, inputs: [...inputs, s], params: { ...params, scaledSide: side } });
        break;
      }
      if (replaced.has(mm)) break;
    }
  }
  return eqns.filter((e) => !absorbed.has(e)).map((e) => replaced.get(e) ?? e);
}

/** True when `s`, broadcast against `shape`, varies along `dim` only and holds all of it (k values). */
function alongOnly(s: readonly number[], shape: readonly number[], dim: number): boolean {
  const off = shape.length - s.length;
  if (off < 0 || sizeOf(s) !== shape[dim]) return false;
  for (let i = 0; i < s.length; i++) {
    const d = i + off;
    if (d !== dim && s[i] !== 1) return false;
  }
  return dim >= off;
}
