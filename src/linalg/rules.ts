// Rules of the linear-algebra primitives (Solve, TriangularSolve, Cholesky, Det, LogAbsDet, Adjugate): forward
// kernels on the factorisations of ./factor-kernel.ts, JVP and VJP rules written with primitives (so they
// differentiate again and batch), and batching rules that keep the batch dim in front.
import { Tensor } from "../tensor.js";
import { Primitive, type NoParams, type PrimitiveParams } from "../core/primitives.js";
import { bind } from "../core/trace.js";
import { family, type RuleSet } from "../core/rules/common.js";
import { InternalError, fmtShape } from "../errors.js";
import { add, mul, neg, sub } from "../ops/elementwise.js";
import { matmul, mT } from "../ops/matmul.js";
import { sum } from "../ops/reduce.js";
import { broadcastTo, permute, reshape } from "../ops/shape.js";
import {
  adjugateKernel,
  choleskyKernel,
  detFromLu,
  luFactor,
  luSolve,
  slogdetFromLu,
  triangularSolveKernel,
} from "./factor-kernel.js";

type LinalgPrim =
  | Primitive.Solve
  | Primitive.TriangularSolve
  | Primitive.Cholesky
  | Primitive.Det
  | Primitive.LogAbsDet
  | Primitive.Adjugate;

type TriParams = PrimitiveParams[Primitive.TriangularSolve];

const NONE: NoParams = {};

// ---- primitive wrappers used by the rules (operands already have matching batch dims) ----

function solveP(a: Tensor, b: Tensor): Tensor {
  return bind(Primitive.Solve, [a, b], NONE);
}

function triP(a: Tensor, b: Tensor, params: TriParams): Tensor {
  return bind(Primitive.TriangularSolve, [a, b], params);
}

function adjP(a: Tensor): Tensor {
  return bind(Primitive.Adjugate, [a], NONE);
}

// ---- constants ----

function constMatrix(n: number, entry: (i: number, j: number) => number): Tensor {
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = entry(i, j);
  return new Tensor(d, [n, n]);
}

function eyeConst(n: number): Tensor {
  return constMatrix(n, (i, j) => (i === j ? 1 : 0));
}

// The entries of A that a triangular solve reads: one triangle, without the diagonal when it is implied.
function triangleMask(n: number, lower: boolean, unitDiagonal: boolean): Tensor {
  return constMatrix(n, (i, j) => ((lower ? j <= i : j >= i) && !(unitDiagonal && i === j) ? 1 : 0));
}

// Φ of the Cholesky derivative: the lower triangle with the diagonal halved.
function phiMask(n: number): Tensor {
  return constMatrix(n, (i, j) => (j < i ? 1 : j === i ? 0.5 : 0));
}

// ---- shape helpers for the kernels ----

function matrixCount(shape: readonly number[]): number {
  let c = 1;
  for (let i = 0; i < shape.length - 2; i++) c *= shape[i];
  return c;
}

// The kernels need square matrices and identical batch dims; the public ops guarantee both.
function checkSolveOperands(op: string, a: Tensor, b: Tensor): void {
  const n = a.shape[a.ndim - 1];
  const same = a.ndim === b.ndim && a.shape.slice(0, -1).every((d, i) => d === b.shape[i]);
  if (a.ndim < 2 || a.shape[a.ndim - 2] !== n || !same) {
    throw new InternalError(`${op}: operands ${fmtShape(a.shape)} and ${fmtShape(b.shape)} do not match`);
  }
}

// ---- batching ----

// Binary solves: with A unbatched, fold the batch into B's columns ([S,..,n,k] -> [..,n,S*k]) so that A
// is factored once; with B unbatched, broadcast it.
function solveBatch<P extends Primitive.Solve | Primitive.TriangularSolve>(p: P) {
  return (
    vals: Tensor[],
    batched: boolean[],
    size: number,
    params: PrimitiveParams[P],
  ): [Tensor, boolean] => {
    const [a, b] = vals;
    if (batched[0] && batched[1]) return [bind(p, [a, b], params), true];
    if (batched[0]) return [bind(p, [a, broadcastTo(b, [size, ...b.shape])], params), true];
    const r = b.ndim;
    const perm = [...Array.from({ length: r - 2 }, (_, i) => i + 1), 0, r - 1];
    const inverse = new Array<number>(r);
    perm.forEach((src, dst) => (inverse[src] = dst));
    const moved = permute(b, perm);
    const k = b.shape[r - 1];
    const folded = reshape(moved, [...moved.shape.slice(0, -2), size * k]);
    const x = bind(p, [a, folded], params);
    return [permute(reshape(x, moved.shape), inverse), true];
  };
}

// One-operand primitives act on the trailing matrix dims, so a leading batch dim is just another batch dim.
function leadingBatch<P extends Primitive>(p: P) {
  return (vals: Tensor[], _b: boolean[], _s: number, params: PrimitiveParams[P]): [Tensor, boolean] => [
    bind(p, vals, params),
    true,
  ];
}

// ---- the rules ----

const solveRules: RuleSet<Primitive.Solve> = {
  impl: ([a, b]) => {
    checkSolveOperands("solve", a, b);
    const n = a.shape[a.ndim - 1];
    const k = b.shape[b.ndim - 1];
    const x = luSolve(luFactor(a.data, n, matrixCount(a.shape)), b.data, k, "solve");
    return new Tensor(x, [...b.shape]);
  },
  // A X = B  =>  A dX = dB - dA X
  jvp: ([a], [ta, tb], x) => {
    let rhs = tb;
    if (ta !== null) rhs = rhs === null ? neg(matmul(ta, x)) : sub(rhs, matmul(ta, x));
    return rhs === null ? null : solveP(a, rhs);
  },
  // gB = A^{-T} g,  gA = -gB X^T
  vjp: (g, [a], x, _p, needs) => {
    const gb = solveP(mT(a), g);
    return [needs[0] ? neg(matmul(gb, mT(x))) : null, needs[1] ? gb : null];
  },
  batch: solveBatch(Primitive.Solve),
};

const triangularSolveRules: RuleSet<Primitive.TriangularSolve> = {
  impl: ([a, b], params) => {
    checkSolveOperands("solveTriangular", a, b);
    const n = a.shape[a.ndim - 1];
    const k = b.shape[b.ndim - 1];
    const x = triangularSolveKernel(a.data, b.data, n, k, matrixCount(a.shape), params);
    return new Tensor(x, [...b.shape]);
  },
  // op(A) X = B  =>  op(A) dX = dB - op(tri(dA)) X, where tri keeps the entries the solve reads
  jvp: ([a], [ta, tb], x, params) => {
    let rhs = tb;
    if (ta !== null) {
      const n = a.shape[a.ndim - 1];
      const masked = mul(ta, triangleMask(n, params.lower, params.unitDiagonal));
      const term = matmul(params.transpose ? mT(masked) : masked, x);
      rhs = rhs === null ? neg(term) : sub(rhs, term);
    }
    return rhs === null ? null : triP(a, rhs, params);
  },
  // gB = op(A)^{-T} g,  g_op(A) = -gB X^T,  gA = tri(g_op(A) or its transpose)
  vjp: (g, [a], x, params, needs) => {
    const gb = triP(a, g, { ...params, transpose: !params.transpose });
    let ga: Tensor | null = null;
    if (needs[0]) {
      const n = a.shape[a.ndim - 1];
      const gOp = neg(matmul(gb, mT(x)));
      ga = mul(params.transpose ? mT(gOp) : gOp, triangleMask(n, params.lower, params.unitDiagonal));
    }
    return [ga, needs[1] ? gb : null];
  },
  batch: solveBatch(Primitive.TriangularSolve),
};

const lowerNoTranspose: TriParams = { lower: true, transpose: false, unitDiagonal: false };
const lowerTranspose: TriParams = { lower: true, transpose: true, unitDiagonal: false };

const choleskyRules: RuleSet<Primitive.Cholesky> = {
  // The factor of sym(A) = (A + A^T)/2, as JAX does, so that the derivative matches every perturbation.
  impl: ([a]) => {
    const n = a.shape[a.ndim - 1];
    const count = matrixCount(a.shape);
    const src = a.data;
    const s = new Float64Array(count * n * n);
    for (let t = 0; t < count; t++) {
      const off = t * n * n;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) s[off + i * n + j] = 0.5 * (src[off + i * n + j] + src[off + j * n + i]);
      }
    }
    return new Tensor(choleskyKernel(s, n, count, "cholesky"), [...a.shape]);
  },
  // dL = L Φ(L^{-1} dS L^{-T}),  dS = (dA + dA^T)/2
  jvp: ([a], [ta], l) => {
    if (ta === null) return null;
    const n = a.shape[a.ndim - 1];
    const ds = mul(add(ta, mT(ta)), 0.5);
    const z = triP(l, ds, lowerNoTranspose);
    const m = mT(triP(l, mT(z), lowerNoTranspose));
    return matmul(l, mul(m, phiMask(n)));
  },
  // Ḡ = L^{-T} Φ(L^T gL) L^{-1},  gA = (Ḡ + Ḡ^T)/2
  vjp: (g, [a], l) => {
    const n = a.shape[a.ndim - 1];
    const p = mul(matmul(mT(l), g), phiMask(n));
    const y = triP(l, p, lowerTranspose);
    const gT = triP(l, mT(y), lowerTranspose);
    return [mul(add(gT, mT(gT)), 0.5)];
  },
  batch: leadingBatch(Primitive.Cholesky),
};

// [..., n, n] -> [...]: the sum over the two matrix dims.
function sumMatrix(x: Tensor): Tensor {
  return sum(x, [-2, -1]);
}

// [...] -> [..., 1, 1], to scale matrices by per-matrix scalars.
function asMatrixScale(g: Tensor): Tensor {
  return reshape(g, [...g.shape, 1, 1]);
}

function inverseT(a: Tensor): Tensor {
  const n = a.shape[a.ndim - 1];
  return solveP(mT(a), broadcastTo(eyeConst(n), [...a.shape]));
}

const detRules: RuleSet<Primitive.Det> = {
  impl: ([a]) => {
    const n = a.shape[a.ndim - 1];
    return new Tensor(detFromLu(luFactor(a.data, n, matrixCount(a.shape))), a.shape.slice(0, -2));
  },
  // d det A = tr(adj(A) dA); the adjugate keeps this defined for singular A
  jvp: ([a], [ta]) => (ta === null ? null : sumMatrix(mul(mT(adjP(a)), ta))),
  vjp: (g, [a]) => [mul(asMatrixScale(g), mT(adjP(a)))],
  batch: leadingBatch(Primitive.Det),
};

const logAbsDetRules: RuleSet<Primitive.LogAbsDet> = {
  impl: ([a]) => {
    const n = a.shape[a.ndim - 1];
    const { logAbsDet } = slogdetFromLu(luFactor(a.data, n, matrixCount(a.shape)));
    return new Tensor(logAbsDet, a.shape.slice(0, -2));
  },
  // d log|det A| = tr(A^{-1} dA) = sum(A^{-T} ∘ dA)
  jvp: ([a], [ta]) => (ta === null ? null : sumMatrix(mul(inverseT(a), ta))),
  vjp: (g, [a]) => [mul(asMatrixScale(g), inverseT(a))],
  batch: leadingBatch(Primitive.LogAbsDet),
};

const adjugateRules: RuleSet<Primitive.Adjugate> = {
  impl: ([a]) => {
    const n = a.shape[a.ndim - 1];
    return new Tensor(adjugateKernel(a.data, n, matrixCount(a.shape)), [...a.shape]);
  },
  // adj A = det(A) A^{-1}  =>  d adj = tr(Z) adj - Z adj with Z = A^{-1} dA (needs A nonsingular)
  jvp: ([a], [ta], adj) => {
    if (ta === null) return null;
    const z = solveP(a, ta);
    const n = a.shape[a.ndim - 1];
    const trace = sum(mul(z, eyeConst(n)), [-2, -1], true);
    return sub(mul(trace, adj), matmul(z, adj));
  },
  // gA = A^{-T} (<W, adj> I - W adj^T)
  vjp: (w, [a], adj) => {
    const n = a.shape[a.ndim - 1];
    const s = sum(mul(w, adj), [-2, -1], true);
    return [solveP(mT(a), sub(mul(s, eyeConst(n)), matmul(w, mT(adj))))];
  },
  batch: leadingBatch(Primitive.Adjugate),
};

/** The linear-algebra family's four rule tables, spread into the total tables in src/setup.ts. */
export const linalgRules = family<LinalgPrim>({
  [Primitive.Solve]: solveRules,
  [Primitive.TriangularSolve]: triangularSolveRules,
  [Primitive.Cholesky]: choleskyRules,
  [Primitive.Det]: detRules,
  [Primitive.LogAbsDet]: logAbsDetRules,
  [Primitive.Adjugate]: adjugateRules,
});
