// Rewrites of a traced program before it is compiled, each replacing equations by cheaper ones that give
// the same values:
//  - common subexpressions: an equation repeating an earlier one (same primitive, params and operands)
//    reuses its result (derivative rules make such pairs: the VJP of x·x yields ct·x twice);
//  - a product with a constant of ones that does not widen the other operand is that operand, reshaped;
//  - a transposed matrix product, permute(op(A)·op(B)) swapping the last two dims, becomes the product
//    op(B)ᵀ·op(A)ᵀ (no transpose pass: jacfwd's Jacobians come out of the batched product transposed).
import { Primitive, type PrimitiveParams } from "../core/primitives.js";
import type { Tensor } from "../tensor.js";
import { batchedTranspose, sizeOf } from "../core/kernels.js";
import { sameShape } from "../ops/util.js";
import { Program, type Atom, type Eqn } from "./program.js";

/** The program with its rewrites applied (dead code removed). */
export function simplify(source: Program): Program {
  return transposedProducts(commonSubexpressions(source.live()));
}

const constIds = new WeakMap<Tensor, number>();
let nextConstId = 0;

function atomKey(a: Atom): string {
  if (a.kind === "var") return `v${a.id}`;
  let id = constIds.get(a.value);
  if (id === undefined) constIds.set(a.value, (id = nextConstId++));
  return `c${id}`;
}

function allOnes(t: Tensor): boolean {
  for (const v of t.data) if (v !== 1) return false;
  return true;
}

/** Repeated equations reuse the first result; products with (non-widening) ones become reshapes. */
function commonSubexpressions(program: Program): Program {
  const shapes = program.shapes;
  const same = new Map<number, Atom>();
  const rename = (a: Atom): Atom => (a.kind === "var" ? (same.get(a.id) ?? a) : a);
  const seen = new Map<string, number>();
  const eqns: Eqn[] = [];
  for (const source of program.eqns) {
    let e: Eqn = { ...source, inputs: source.inputs.map(rename) };
    if (e.prim === Primitive.Mul) {
      const [a, b] = e.inputs;
      for (const [one, other] of [
        [a, b],
        [b, a],
      ] as const) {
        if (one.kind !== "const" || !allOnes(one.value)) continue;
        const otherShape = other.kind === "var" ? shapes[other.id] : other.value.shape;
        if (sizeOf(otherShape) !== sizeOf(shapes[e.out])) continue;
        e = { prim: Primitive.Reshape, params: { shape: shapes[e.out] }, inputs: [other], out: e.out };
        if (sameShape(otherShape, shapes[e.out])) {
          same.set(e.out, other);
          e = null as unknown as Eqn;
        }
        break;
      }
      if (e === null) continue;
    }
    const key = `${e.prim}|${JSON.stringify(e.params)}|${e.inputs.map(atomKey).join(",")}`;
    const earlier = seen.get(key);
    if (earlier !== undefined && sameShape(shapes[earlier], shapes[e.out])) {
      same.set(e.out, { kind: "var", id: earlier });
      continue;
    }
    seen.set(key, e.out);
    eqns.push(e);
  }
  return new Program(program.inputs, eqns, program.outputs.map(rename), shapes).live();
}

/** permute(op(A)·op(B)) swapping the last two dims → op(B)ᵀ·op(A)ᵀ. */
function transposedProducts(program: Program): Program {
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
