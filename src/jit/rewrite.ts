// Rewrites of a traced program before it is compiled, each replacing equations by cheaper ones that give
// the same values:
//  - a transposed matrix product, permute(op(A)·op(B)) swapping the last two dims, becomes the product
//    op(B)ᵀ·op(A)ᵀ (no transpose pass: jacfwd's Jacobians come out of the batched product transposed).
import { Primitive, type PrimitiveParams } from "../core/primitives.js";
import { batchedTranspose } from "../core/kernels.js";
import { sameShape } from "../ops/util.js";
import { Program, type Atom, type Eqn } from "./program.js";

/** The program with its rewrites applied (dead code removed). */
export function simplify(source: Program): Program {
  const program = source.live();
  const shapes = program.shapes;
  // Reshapes are aliases: the variable whose storage (and producer) a value has.
  const root = new Map<number, number>();
  const rootOf = (id: number) => root.get(id) ?? id;
  const producer = new Map<number, Eqn>();
  const reads = new Map<number, number>();
  for (const e of program.eqns) {
    if (e.prim === Primitive.Reshape && e.inputs[0].kind === "var") {
      root.set(e.out, rootOf(e.inputs[0].id));
      continue;
    }
    producer.set(e.out, e);
    for (const a of e.inputs)
      if (a.kind === "var") reads.set(rootOf(a.id), (reads.get(rootOf(a.id)) ?? 0) + 1);
  }
  for (const o of program.outputs) if (o.kind === "var") reads.set(rootOf(o.id), Infinity);

  const replaced = new Map<Eqn, Eqn | null>();
  for (const e of program.eqns) {
    if (e.prim !== Primitive.Permute || e.inputs[0].kind !== "var") continue;
    const src = rootOf(e.inputs[0].id);
    const mm = producer.get(src);
    if (mm === undefined || mm.prim !== Primitive.Matmul || reads.get(src) !== 1) continue;
    const inShape = shapes[e.inputs[0].id];
    const { perm } = e.params as PrimitiveParams[Primitive.Permute];
    if (batchedTranspose(inShape, perm) === null || !sameShape(inShape, shapes[mm.out])) continue;
    const { transA = false, transB = false } = mm.params as PrimitiveParams[Primitive.Matmul];
    // The product's batch dims broadcast the same way with the operands swapped.
    const swapped: Eqn = {
      prim: Primitive.Matmul,
      params: { transA: !transB, transB: !transA },
      inputs: [mm.inputs[1], mm.inputs[0]] as Atom[],
      out: e.out,
    };
    replaced.set(mm, swapped);
    replaced.set(e, null);
  }
  if (replaced.size === 0) return program;
  const eqns: Eqn[] = [];
  for (const e of program.eqns) {
    const r = replaced.get(e);
    if (r === undefined) eqns.push(e);
    else if (r !== null) eqns.push(r);
  }
  return new Program(program.inputs, eqns, program.outputs, shapes).live();
}
