// Sparsity rules of the shape and indexing primitives: each output element reads at most one operand
// element (scatter-add: several), found by applying the primitive itself to element indices. A gather or
// scatter whose index is traced without values may read any position along its axis.
import { Tensor } from "../../../tensor.js";
import { Primitive } from "../../../core/primitives.js";
import { checkIndices, type shapeRules } from "../../../core/rules/shape.js";
import { sizeOf } from "../../../core/kernels.js";
import { ShapeError, fmtShape } from "../../../errors.js";
import { IndexSets, gatherRows, scatterUnion, type Workspace } from "../index-sets.js";
import { mapThrough } from "../index-maps.js";
import type { SparsityOperand, SparsityResult, SparsityRule, SparsityRules } from "../types.js";

/** The primitives of the core's shape family. */
type ShapePrim = keyof typeof shapeRules.impl;

/** A primitive that moves elements of its one operand: out[k] = x[map[k]] (map[k] < 0: a zero). */
function moving<P extends Primitive.Permute | Primitive.BroadcastTo | Primitive.Slice>(
  p: P,
): SparsityRule<P> {
  return ([x], params) => {
    const { shape, map } = mapThrough(p, [x.shape], params);
    return { shape, sets: x.sets === null ? null : gatherRows(x.sets, map) };
  };
}

/** The operands' sets one after another (a constant operand contributes empty rows). */
function concatSets(ops: SparsityOperand[]): IndexSets {
  const total = ops.reduce((s, o) => s + sizeOf(o.shape), 0);
  const ptr = new Int32Array(total + 1);
  let row = 0;
  let entries = 0;
  for (const o of ops) {
    const n = sizeOf(o.shape);
    for (let k = 0; k < n; k++) {
      entries += o.sets === null ? 0 : o.sets.ptr[k + 1] - o.sets.ptr[k];
      ptr[++row] = entries;
    }
  }
  const idx = new Int32Array(entries);
  let first = 0;
  for (const o of ops) {
    if (o.sets !== null) idx.set(o.sets.idx.subarray(0, o.sets.entries), ptr[first]);
    first += sizeOf(o.shape);
  }
  return new IndexSets(ptr, idx);
}

/** The concrete index tensor of a gather/scatter, or null when its values are unknown. */
function knownIndex(index: SparsityOperand): Tensor | null {
  return index.values === null ? null : new Tensor(index.values, [...index.shape]);
}

/** For each element of `index`'s shape, the flat position of `shape` that it names along `axis`. */
function positions(shape: readonly number[], index: Tensor, axis: number): Int32Array {
  return mapThrough(Primitive.Gather, [shape, index], { axis }).map;
}

/** The same positions for every possible index value (an unknown index may name any of them). */
function everyPosition(shape: readonly number[], indexShape: readonly number[], axis: number): Int32Array[] {
  const count = sizeOf(indexShape);
  return Array.from({ length: shape[axis] }, (_, a) =>
    positions(shape, new Tensor(new Float64Array(count).fill(a), [...indexShape]), axis),
  );
}

/** out[t] = ∪ src[k] over every (k, t) pair of the given target maps (one map per possible position). */
function scatterAll(ws: Workspace, src: IndexSets, targets: Int32Array[], outSize: number): IndexSets {
  if (targets.length === 1) return scatterUnion(ws, src, targets[0], outSize);
  const n = src.size;
  const rows = new Int32Array(n * targets.length);
  const target = new Int32Array(n * targets.length);
  targets.forEach((t, a) => {
    for (let k = 0; k < n; k++) {
      rows[a * n + k] = k;
      target[a * n + k] = t[k];
    }
  });
  return scatterUnion(ws, gatherRows(src, rows), target, outSize);
}

function gatherRule(
  [x, index]: SparsityOperand[],
  { axis }: { axis: number },
  ws: Workspace,
): SparsityResult {
  const shape = [...index.shape];
  if (x.sets === null) return { shape, sets: null };
  const idx = knownIndex(index);
  if (idx !== null) return { shape, sets: gatherRows(x.sets, positions(x.shape, idx, axis)) };
  // out[k] may read any position along the axis: the union of all of them, each position's map inverted.
  const out = sizeOf(shape);
  const maps = everyPosition(x.shape, index.shape, axis);
  const rows = new Int32Array(out * maps.length);
  const target = new Int32Array(out * maps.length);
  maps.forEach((m, a) => {
    for (let k = 0; k < out; k++) {
      rows[a * out + k] = m[k];
      target[a * out + k] = k;
    }
  });
  return { shape, sets: scatterUnion(ws, gatherRows(x.sets, rows), target, out) };
}

/** Sparsity rules of the shape and indexing family. */
export const shapeSparsity: SparsityRules<ShapePrim> = {
  // same elements in the same order: the sets are shared
  [Primitive.Reshape]: ([x], { shape }) => {
    if (sizeOf(shape) !== sizeOf(x.shape)) {
      throw new ShapeError(`reshape: cannot reshape ${fmtShape(x.shape)} into ${fmtShape(shape)}`);
    }
    return { shape: [...shape], sets: x.sets };
  },
  [Primitive.Permute]: moving(Primitive.Permute),
  [Primitive.BroadcastTo]: moving(Primitive.BroadcastTo),
  [Primitive.Slice]: moving(Primitive.Slice),
  // zeros around the placed elements: number them from 1 so that 0 marks "none"
  [Primitive.PadSlice]: ([x], params) => {
    const placed = mapThrough(Primitive.PadSlice, [x.shape], params, [1]);
    const map = placed.map.map((v) => v - 1);
    return { shape: placed.shape, sets: x.sets === null ? null : gatherRows(x.sets, map) };
  },
  [Primitive.Concat]: (xs, params) => {
    const offsets: number[] = [];
    let at = 0;
    for (const x of xs) {
      offsets.push(at);
      at += sizeOf(x.shape);
    }
    const { shape, map } = mapThrough(
      Primitive.Concat,
      xs.map((x) => x.shape),
      params,
      offsets,
    );
    if (xs.every((x) => x.sets === null)) return { shape, sets: null };
    return { shape, sets: gatherRows(concatSets(xs), map) };
  },
  // out[..i..] = x[..index[..i..]..] along the axis; the index itself has no derivative
  [Primitive.Gather]: (args, params, ctx) => gatherRule(args, params, ctx.ws),
  // out[..index[..i..]..] += src[..i..]: each target unions the sources scattered into it
  [Primitive.ScatterAdd]: ([src, index], { axis, shape }, ctx) => {
    const out = [...shape];
    const idx = knownIndex(index);
    if (idx !== null) checkIndices(idx, shape[axis], "scatterAdd", axis);
    if (src.sets === null) return { shape: out, sets: null };
    const targets = idx !== null ? [positions(shape, idx, axis)] : everyPosition(shape, index.shape, axis);
    return { shape: out, sets: scatterAll(ctx.ws, src.sets, targets, sizeOf(shape)) };
  },
};
