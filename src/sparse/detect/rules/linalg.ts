// Sparsity rules of the linear-algebra primitives. A solve, determinant or adjugate mixes a whole matrix, so
// each output element depends on every element of its operand matrix (and on its own column of B for a
// solve); Cholesky's factor L is lower triangular and L[i, j] reads only the leading (i+1)×(i+1) block.
import { Primitive } from "../../../core/primitives.js";
import type { linalgRules } from "../../../linalg/rules.js";
import { sizeOf } from "../../../core/kernels.js";
import { ShapeError, fmtShape } from "../../../errors.js";
import { SetBuilder, gatherRows, scatterUnion, unionRows, type IndexSets } from "../index-sets.js";
import type {
  SparsityContext,
  SparsityOperand,
  SparsityResult,
  SparsityRule,
  SparsityRules,
} from "../types.js";

/** The linear-algebra primitives (their derivative rules live in src/linalg/rules.ts). */
type LinalgPrim = keyof typeof linalgRules.impl;

/** The matrix size n of a batch of square matrices [..., n, n], or a ShapeError naming op. */
function squareSize(op: string, a: SparsityOperand): number {
  const n = a.shape[a.shape.length - 1];
  if (a.shape.length < 2 || a.shape[a.shape.length - 2] !== n) {
    throw new ShapeError(`${op}: A must be a square matrix or a batch of them, got ${fmtShape(a.shape)}`);
  }
  return n;
}

/** One set per matrix of the batch: everything that matrix depends on. */
function perMatrix(ctx: SparsityContext, sets: IndexSets, elementsPerMatrix: number): IndexSets {
  const target = new Int32Array(sets.size);
  for (let e = 0; e < sets.size; e++) target[e] = Math.floor(e / elementsPerMatrix);
  return scatterUnion(ctx.ws, sets, target, sets.size / elementsPerMatrix);
}

/** Spreads per-matrix sets over `perOut` output elements for each matrix. */
function spreadMatrices(sets: IndexSets, perOut: number): IndexSets {
  const map = new Int32Array(sets.size * perOut);
  for (let e = 0; e < map.length; e++) map[e] = Math.floor(e / perOut);
  return gatherRows(sets, map);
}

/** X = A⁻¹B (or a triangular solve): X[.., i, j] depends on all of A and on column j of B. */
function solveRule<P extends Primitive.Solve | Primitive.TriangularSolve>(op: string): SparsityRule<P> {
  return ([a, b], _params, ctx) => {
    const n = squareSize(op, a);
    const sameBatch =
      a.shape.length === b.shape.length && a.shape.slice(0, -1).every((d, i) => d === b.shape[i]);
    if (!sameBatch) {
      throw new ShapeError(`${op}: cannot solve with A ${fmtShape(a.shape)} and B ${fmtShape(b.shape)}`);
    }
    const shape = [...b.shape];
    const k = b.shape[b.shape.length - 1];
    const size = sizeOf(shape);
    const fromA = a.sets === null ? null : spreadMatrices(perMatrix(ctx, a.sets, n * n), n * k);
    let fromB: IndexSets | null = null;
    if (b.sets !== null) {
      // Column j of each right-hand side: target (matrix, j).
      const target = new Int32Array(size);
      for (let e = 0; e < size; e++) target[e] = Math.floor(e / (n * k)) * k + (e % k);
      const columns = scatterUnion(ctx.ws, b.sets, target, (size / (n * k)) * k);
      fromB = gatherRows(columns, target);
    }
    if (fromA === null || fromB === null) return { shape, sets: fromA ?? fromB };
    return { shape, sets: unionRows(ctx.ws, size, [fromA, fromB], [null, null]) };
  };
}

/** One value per matrix (det, log|det|), depending on the whole matrix. */
function scalarPerMatrix<P extends Primitive.Det | Primitive.LogAbsDet>(op: string): SparsityRule<P> {
  return ([a], _params, ctx): SparsityResult => {
    const n = squareSize(op, a);
    const shape = a.shape.slice(0, -2);
    return { shape, sets: a.sets === null ? null : perMatrix(ctx, a.sets, n * n) };
  };
}

/** Sparsity rules of the linear-algebra family. */
export const linalgSparsity: SparsityRules<LinalgPrim> = {
  [Primitive.Solve]: solveRule("solve"),
  [Primitive.TriangularSolve]: solveRule("solveTriangular"),
  // L[i, j] (j <= i) is computed from sym(A)'s leading (i+1)×(i+1) block; above the diagonal L is 0
  [Primitive.Cholesky]: ([a], _params, ctx) => {
    const n = squareSize("cholesky", a);
    const shape = [...a.shape];
    if (a.sets === null) return { shape, sets: null };
    const count = sizeOf(shape) / (n * n);
    // The elements first read at step i (max(p, q) = i), then their running unions over i.
    const level = new Int32Array(sizeOf(shape));
    for (let e = 0; e < level.length; e++) {
      const [t, p, q] = [Math.floor(e / (n * n)), Math.floor(e / n) % n, e % n];
      level[e] = t * n + Math.max(p, q);
    }
    const fresh = scatterUnion(ctx.ws, a.sets, level, count * n);
    const running = new SetBuilder(ctx.ws, count * n);
    for (let t = 0; t < count; t++) {
      for (let i = 0; i < n; i++) {
        for (let l = 0; l <= i; l++) running.add(fresh, t * n + l);
        running.end();
      }
    }
    const prefix = running.finish();
    const map = new Int32Array(sizeOf(shape));
    for (let e = 0; e < map.length; e++) {
      const [t, i, j] = [Math.floor(e / (n * n)), Math.floor(e / n) % n, e % n];
      map[e] = j <= i ? t * n + i : -1;
    }
    return { shape, sets: gatherRows(prefix, map) };
  },
  [Primitive.Det]: scalarPerMatrix("det"),
  [Primitive.LogAbsDet]: scalarPerMatrix("slogdet"),
  // adj(A) = det(A) A⁻¹: every entry may depend on all of A
  [Primitive.Adjugate]: ([a], _params, ctx) => {
    const n = squareSize("adjugate", a);
    const shape = [...a.shape];
    return { shape, sets: a.sets === null ? null : spreadMatrices(perMatrix(ctx, a.sets, n * n), n * n) };
  },
};
