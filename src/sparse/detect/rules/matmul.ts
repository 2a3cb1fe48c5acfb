// Sparsity rule of Matmul: C[i, j] = Σ_k op(A)[i, k] op(B)[k, j] depends on row i of op(A) and column j of
// op(B); where one factor is a constant, only the k with a nonzero constant entry count (so x ↦ W·x with a
// sparse constant W has exactly W's pattern).
import { Primitive } from "../../../core/primitives.js";
import { broadcastShapes, sizeOf } from "../../../core/kernels.js";
import { ShapeError, fmtShape } from "../../../errors.js";
import { SetBuilder, gatherRows, scatterUnion, unionRows, type IndexSets } from "../index-sets.js";
import { broadcastMap } from "../index-maps.js";
import type { SparsityContext, SparsityOperand, SparsityRules } from "../types.js";

/** One operand seen as a batch of op(X) matrices of `rows` × `cols`. */
interface Side {
  op: SparsityOperand;
  rows: number;
  cols: number;
  /** Elements per stored matrix. */
  stride: number;
  /** For each output batch index, the operand's batch index (null: the same). */
  batchMap: Int32Array | null;
  /** Flat element of op(X)[r, c] inside one stored matrix. */
  at: (r: number, c: number) => number;
}

function side(op: SparsityOperand, trans: boolean | undefined, batch: number[]): Side {
  const r = op.shape[op.shape.length - 2];
  const c = op.shape[op.shape.length - 1];
  const at = trans ? (i: number, k: number) => k * c + i : (i: number, k: number) => i * c + k;
  const [rows, cols] = trans ? [c, r] : [r, c];
  return { op, rows, cols, stride: r * c, batchMap: broadcastMap(op.shape.slice(0, -2), batch), at };
}

/** The stored batch index of side s for output batch t. */
function batchOf(s: Side, t: number): number {
  return s.batchMap === null ? t : s.batchMap[t];
}

/**
 * The term of C that comes through `own` (op(A) when `rowSide`, else op(B)), given the other factor:
 * C[t, i, j] ∪= own's elements along k, keeping only the k where a constant `other` is nonzero.
 */
function term(
  ctx: SparsityContext,
  own: Side,
  other: Side,
  rowSide: boolean,
  count: number,
  n: number,
  m: number,
): IndexSets {
  const sets = own.op.sets as IndexSets;
  const k = rowSide ? own.cols : own.rows;
  const free = rowSide ? own.rows : own.cols;
  const known = other.op.sets === null ? other.op.values : null;
  if (known === null) {
    // Every k may count: own's row (or column) unions, spread over the other output dim.
    const stored = sets.size / own.stride;
    const target = new Int32Array(sets.size);
    for (let s = 0; s < stored; s++) {
      for (let f = 0; f < free; f++) {
        for (let q = 0; q < k; q++) {
          target[s * own.stride + (rowSide ? own.at(f, q) : own.at(q, f))] = s * free + f;
        }
      }
    }
    const lines = scatterUnion(ctx.ws, sets, target, stored * free);
    const map = new Int32Array(count * n * m);
    for (let t = 0; t < count; t++) {
      const base = batchOf(own, t) * free;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < m; j++) map[(t * n + i) * m + j] = base + (rowSide ? i : j);
      }
    }
    return gatherRows(lines, map);
  }
  const b = new SetBuilder(ctx.ws, count * n * m);
  for (let t = 0; t < count; t++) {
    const ownBase = batchOf(own, t) * own.stride;
    const otherBase = batchOf(other, t) * other.stride;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        for (let q = 0; q < k; q++) {
          const o = rowSide ? other.at(q, j) : other.at(i, q);
          if (known[otherBase + o] === 0) continue;
          b.add(sets, ownBase + (rowSide ? own.at(i, q) : own.at(q, j)));
        }
        b.end();
      }
    }
  }
  return b.finish();
}

/** Sparsity rule of the matrix product. */
export const matmulSparsity: SparsityRules<Primitive.Matmul> = {
  [Primitive.Matmul]: ([a, b], { transA, transB }, ctx) => {
    const [ra, rb] = [a.shape.length, b.shape.length];
    if (ra < 2 || rb < 2) {
      throw new ShapeError(`matmul: cannot multiply ${fmtShape(a.shape)} by ${fmtShape(b.shape)}`);
    }
    const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
    if (batch === null) {
      throw new ShapeError(
        `matmul: batch dims of ${fmtShape(a.shape)} and ${fmtShape(b.shape)} do not broadcast`,
      );
    }
    const A = side(a, transA, batch);
    const B = side(b, transB, batch);
    if (A.cols !== B.rows) {
      throw new ShapeError(
        `matmul: cannot multiply ${fmtShape(a.shape)} by ${fmtShape(b.shape)}: inner dimensions ${A.cols} and ${B.rows} differ`,
      );
    }
    const [n, m, count] = [A.rows, B.cols, sizeOf(batch)];
    const shape = [...batch, n, m];
    const ta = a.sets === null ? null : term(ctx, A, B, true, count, n, m);
    const tb = b.sets === null ? null : term(ctx, B, A, false, count, n, m);
    if (ta === null || tb === null) return { shape, sets: ta ?? tb };
    return { shape, sets: unionRows(ctx.ws, count * n * m, [ta, tb], [null, null]) };
  },
};
