// Concatenations written in place: when every part of a concatenation is a result of one fused loop, and
// nothing else reads those parts, the loop stores each part straight into the concatenation's storage at
// its offset and strides, and the concatenation step goes away (no intermediate parts, no copy pass). A
// stack of elementwise results, e.g. the two species of a reaction-diffusion right-hand side, is such a
// concatenation along a new last axis.
import { Primitive, type PrimitiveParams } from "../core/primitives.js";
import { stridesOf } from "../core/kernels.js";
import { sameShape } from "../ops/util.js";
import type { OutputPlacement } from "./fuse.js";
import type { Atom, Eqn } from "./program.js";

/** A step of a plan: a fused elementwise loop, or one equation run by its kernel. */
export type Group = { kind: "fused"; members: Eqn[] } | { kind: "prim"; eqn: Eqn };

/** A loop output stored into a concatenation (the variable `into`) instead of storage of its own. */
export interface Placed extends OutputPlacement {
  into: number;
}

/**
 * The steps without the concatenations that their parts' loops can write, and for each part (by variable)
 * where it is stored. `resolve` maps an operand to the variable whose storage it shares (reshapes are
 * aliases); `outputRoots` are the program's outputs, which keep storage of their own.
 */
export function placeConcatenations(
  groups: readonly Group[],
  shapes: readonly (readonly number[])[],
  resolve: (a: Atom) => Atom,
  outputRoots: ReadonlySet<number>,
): { groups: Group[]; placed: Map<number, Placed> } {
  const loopOf = new Map<number, number>();
  groups.forEach((g, i) => {
    if (g.kind === "fused") for (const e of g.members) loopOf.set(e.out, i);
  });
  // Reads of each variable's storage from outside the loop that computes it.
  const outsideReads = new Map<number, number>();
  groups.forEach((g, i) => {
    for (const a of g.kind === "prim" ? g.eqn.inputs : g.members.flatMap((e) => e.inputs)) {
      const r = resolve(a);
      if (r.kind === "var" && loopOf.get(r.id) !== i)
        outsideReads.set(r.id, (outsideReads.get(r.id) ?? 0) + 1);
    }
  });
  const placed = new Map<number, Placed>();
  const dropped = new Set<number>();
  groups.forEach((g, i) => {
    if (g.kind !== "prim" || g.eqn.prim !== Primitive.Concat) return;
    const e = g.eqn;
    const roots = e.inputs.map(resolve);
    const loop = roots[0].kind === "var" ? loopOf.get(roots[0].id) : undefined;
    const ok = roots.every(
      (r, p) =>
        r.kind === "var" &&
        loopOf.get(r.id) === loop &&
        outsideReads.get(r.id) === 1 &&
        !outputRoots.has(r.id) &&
        roots.indexOf(r) === p &&
        sameShape(squeezed(shapes[r.id]), squeezed(shapeOfAtom(e.inputs[p], shapes))),
    );
    if (!ok || loop === undefined) return;
    const { axis } = e.params as PrimitiveParams[Primitive.Concat];
    const outStrides = stridesOf(shapes[e.out]);
    let offset = 0;
    e.inputs.forEach((a, p) => {
      const id = (roots[p] as { id: number }).id;
      const partShape = shapeOfAtom(a, shapes);
      placed.set(id, {
        into: e.out,
        base: offset * outStrides[axis],
        strides: loopStrides(shapes[id], partShape, outStrides),
      });
      offset += partShape[axis];
    });
    dropped.add(i);
  });
  return { groups: groups.filter((_, i) => !dropped.has(i)), placed };
}

function shapeOfAtom(a: Atom, shapes: readonly (readonly number[])[]): readonly number[] {
  return a.kind === "var" ? shapes[a.id] : a.value.shape;
}

function squeezed(shape: readonly number[]): number[] {
  return shape.filter((s) => s !== 1);
}

/**
 * Strides over the loop's shape of a part of `partShape` (the same dims but for size-1 ones) stored with
 * the concatenation's strides: the loop's non-1 dims are the part's non-1 dims, in order.
 */
function loopStrides(
  loopShape: readonly number[],
  partShape: readonly number[],
  outStrides: readonly number[],
): number[] {
  const partDims = partShape.map((_, d) => d).filter((d) => partShape[d] !== 1);
  let next = 0;
  return loopShape.map((s) => (s === 1 ? 0 : outStrides[partDims[next++]]));
}
