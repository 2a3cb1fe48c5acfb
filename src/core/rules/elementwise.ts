// Rules of the elementwise primitives: unary maps, broadcasting binary maps, comparisons and where.
import { Tensor } from "../../tensor.js";
import { Primitive, type BinaryPrim, type CompareOp, type ImplRule, type UnaryPrim } from "../primitives.js";
import { alloc, binaryMap, broadcastShapes, expandData, sizeOf } from "../kernels.js";
import { ShapeError, fmtShape } from "../../errors.js";
import { sameShape } from "../../ops/util.js";
import {
  add,
  div,
  eq,
  ge,
  gt,
  log,
  lt,
  mul,
  neg,
  pow,
  sigmoid,
  sign,
  sin,
  cos,
  sub,
  where,
} from "../../ops/elementwise.js";
import { sumToShape } from "../../ops/shape.js";
import { type ArithOp, arith } from "../arith-kernels.js";
import {
  type ScalarExpr,
  binaryExpr,
  binaryFunction,
  compareExpr,
  unaryExpr,
  unaryLoop,
} from "../scalar-ops.js";
import { type RuleSet, broadcastingBatchRule, family, sumTangents, unaryBatchRule } from "./common.js";

/** Impl of a unary primitive: its own loop, compiled from its scalar template (see scalar-ops.ts). */
function unaryImpl<P extends UnaryPrim>(p: P): ImplRule<P> {
  const loop = unaryLoop(unaryExpr[p]);
  return ([x]) => {
    const d = x.data;
    const out = alloc(d.length);
    loop(d, out, d.length);
    return new Tensor(out, x.shape);
  };
}

/**
 * A unary primitive whose derivative is the elementwise factor `deriv(x, out)` (null: zero derivative):
 * jvp = t * deriv, vjp = ct * deriv (the Jacobian is diagonal, so it is its own transpose).
 */
function unary<P extends UnaryPrim>(p: P, deriv: ((x: Tensor, out: Tensor) => Tensor) | null): RuleSet<P> {
  return {
    impl: unaryImpl(p),
    jvp: ([x], [t], out) => (t === null || deriv === null ? null : mul(t, deriv(x, out))),
    vjp: (ct, [x], out) => [deriv === null ? null : mul(ct, deriv(x, out))],
    batch: unaryBatchRule(p),
  };
}

function broadcastOrThrow(op: string, a: readonly number[], b: readonly number[]): number[] {
  if (sameShape(a, b)) return a as number[];
  const s = broadcastShapes(a, b);
  if (s === null) throw new ShapeError(`${op}: cannot broadcast shapes ${fmtShape(a)} and ${fmtShape(b)}`);
  return s;
}

function binaryImpl<P extends Primitive>(op: string, expr: ScalarExpr): ImplRule<P> {
  const f = binaryFunction(expr);
  return ([a, b]) => {
    const shape = broadcastOrThrow(op, a.shape, b.shape);
    return new Tensor(binaryMap(a.data, a.shape, b.data, b.shape, shape, f), shape);
  };
}

/** Impl of an arithmetic op: dedicated loops for the common patterns, else the strided map. */
function arithImpl<P extends Primitive>(op: ArithOp): ImplRule<P> {
  const general = binaryImpl<P>(op, binaryExpr[op]);
  return ([a, b], params) => {
    const shape = broadcastOrThrow(op, a.shape, b.shape);
    const data = arith(op, a.data, a.shape, b.data, b.shape, shape);
    return data === null ? general([a, b], params) : new Tensor(data, shape);
  };
}

/** Gradient share of a in max(a, b): 1 where a wins, 1/2 on ties, 0 elsewhere (min: `lt` for `gt`). */
function winnerMask(a: Tensor, b: Tensor, wins: (a: Tensor, b: Tensor) => Tensor): Tensor {
  return add(wins(a, b), mul(eq(a, b), 0.5));
}

/**
 * Maximum or minimum: `pick` chooses the value (NaN wins), `wins` is the comparison under which a is the
 * one chosen; the gradient goes to the winner, split equally on ties (see {@link winnerMask}).
 */
function extremum<P extends Primitive.Maximum | Primitive.Minimum>(
  p: P,
  wins: (a: Tensor, b: Tensor) => Tensor,
): RuleSet<P> {
  return {
    impl: binaryImpl(p, binaryExpr[p]),
    jvp: ([a, b], [ta, tb], out) => {
      const m = winnerMask(a, b, wins);
      return sumTangents(out.shape, ta && mul(ta, m), tb && mul(tb, sub(1, m)));
    },
    vjp: (ct, [a, b], _o, _p, needs) => {
      const m = winnerMask(a, b, wins);
      return [
        needs[0] ? sumToShape(mul(ct, m), a.shape) : null,
        needs[1] ? sumToShape(mul(ct, sub(1, m)), b.shape) : null,
      ];
    },
    batch: broadcastingBatchRule(p),
  };
}

/** True when t has values and none equals 0 (so a mask of zeros would select nothing and can be skipped). */
function concreteNonZero(t: Tensor): boolean {
  const d = t._data;
  if (d === null) return false;
  for (let i = 0; i < d.length; i++) if (d[i] === 0) return false;
  return true;
}

// d(a^b)/da = b a^(b-1), taken as 0 where b = 0 (a^0 is constant; at a = 0 the formula is 0 * inf), as torch.
function powGradA(a: Tensor, b: Tensor): Tensor {
  const d = mul(b, pow(a, sub(b, 1)));
  return concreteNonZero(b) ? d : where(eq(b, 0), 0, d);
}

// d(a^b)/db = a^b log(a): NaN for a < 0, where the derivative does not exist (torch gives NaN too), and
// taken as 0 at a = 0 with b >= 0 (where the formula gives 0 * -inf or 1 * -inf), as torch does.
function powGradB(a: Tensor, b: Tensor, out: Tensor): Tensor {
  const d = mul(out, log(a));
  return concreteNonZero(a) ? d : where(mul(eq(a, 0), ge(b, 0)), 0, d);
}

const compareImpls = Object.fromEntries(
  (Object.keys(compareExpr) as CompareOp[]).map((op) => [op, binaryImpl(op, compareExpr[op])]),
) as Record<CompareOp, ImplRule<Primitive.Compare>>;

/** Rules of the elementwise family (unary, binary, comparisons, where). */
export const elementwiseRules = family<UnaryPrim | BinaryPrim | Primitive.Compare | Primitive.Where>({
  // d(-x) = -dx (linear)
  [Primitive.Neg]: {
    impl: unaryImpl(Primitive.Neg),
    jvp: (_p, [t]) => (t === null ? null : neg(t)),
    vjp: (ct) => [neg(ct)],
    batch: unaryBatchRule(Primitive.Neg),
  },
  // d(e^x) = e^x dx
  [Primitive.Exp]: unary(Primitive.Exp, (_x, out) => out),
  // d(log x) = dx / x
  [Primitive.Log]: unary(Primitive.Log, (x) => div(1, x)),
  // d(log(1 + x)) = dx / (1 + x)
  [Primitive.Log1p]: unary(Primitive.Log1p, (x) => div(1, add(x, 1))),
  // d(sin x) = cos x dx
  [Primitive.Sin]: unary(Primitive.Sin, (x) => cos(x)),
  // d(cos x) = -sin x dx
  [Primitive.Cos]: unary(Primitive.Cos, (x) => neg(sin(x))),
  // d(tan x) = (1 + tan^2 x) dx
  [Primitive.Tan]: unary(Primitive.Tan, (_x, out) => add(mul(out, out), 1)),
  // d(tanh x) = (1 - tanh^2 x) dx
  [Primitive.Tanh]: unary(Primitive.Tanh, (_x, out) => sub(1, mul(out, out))),
  // d(sigmoid x) = sigmoid x (1 - sigmoid x) dx
  [Primitive.Sigmoid]: unary(Primitive.Sigmoid, (_x, out) => mul(out, sub(1, out))),
  // d(relu x) = [x > 0] dx (a 0/1 mask, so no NaN away from 0)
  [Primitive.Relu]: unary(Primitive.Relu, (x) => gt(x, 0)),
  // d(softplus x) = sigmoid x dx; softplus x = max(x, 0) + log1p(e^-|x|) for stability
  [Primitive.Softplus]: unary(Primitive.Softplus, (x) => sigmoid(x)),
  // d|x| = sign(x) dx (0 at 0)
  [Primitive.Abs]: unary(Primitive.Abs, (x) => sign(x)),
  // d(sqrt x) = dx / (2 sqrt x)
  [Primitive.Sqrt]: unary(Primitive.Sqrt, (_x, out) => div(0.5, out)),
  // d(sign x) = 0 almost everywhere
  [Primitive.Sign]: unary(Primitive.Sign, null),

  // d(a + b) = da + db; the cotangent is summed back over broadcast dims
  [Primitive.Add]: {
    impl: arithImpl("add"),
    jvp: (_p, [ta, tb], out) => sumTangents(out.shape, ta, tb),
    vjp: (ct, [a, b], _o, _p, needs) => [
      needs[0] ? sumToShape(ct, a.shape) : null,
      needs[1] ? sumToShape(ct, b.shape) : null,
    ],
    batch: broadcastingBatchRule(Primitive.Add),
  },
  // d(a - b) = da - db
  [Primitive.Sub]: {
    impl: arithImpl("sub"),
    jvp: (_p, [ta, tb], out) => sumTangents(out.shape, ta, tb === null ? null : neg(tb)),
    vjp: (ct, [a, b], _o, _p, needs) => [
      needs[0] ? sumToShape(ct, a.shape) : null,
      needs[1] ? sumToShape(neg(ct), b.shape) : null,
    ],
    batch: broadcastingBatchRule(Primitive.Sub),
  },
  // d(a b) = da b + a db
  [Primitive.Mul]: {
    impl: arithImpl("mul"),
    jvp: ([a, b], [ta, tb], out) => sumTangents(out.shape, ta && mul(ta, b), tb && mul(a, tb)),
    vjp: (ct, [a, b], _o, _p, needs) => [
      needs[0] ? sumToShape(mul(ct, b), a.shape) : null,
      needs[1] ? sumToShape(mul(ct, a), b.shape) : null,
    ],
    batch: broadcastingBatchRule(Primitive.Mul),
  },
  // d(a / b) = da / b - (a / b) db / b
  [Primitive.Div]: {
    impl: arithImpl("div"),
    jvp: ([, b], [ta, tb], out) => sumTangents(out.shape, ta && div(ta, b), tb && neg(div(mul(tb, out), b))),
    vjp: (ct, [a, b], out, _p, needs) => [
      needs[0] ? sumToShape(div(ct, b), a.shape) : null,
      needs[1] ? sumToShape(neg(div(mul(ct, out), b)), b.shape) : null,
    ],
    batch: broadcastingBatchRule(Primitive.Div),
  },
  // d(a^b) = b a^(b-1) da + a^b log(a) db   (see powGradA, powGradB for the points torch special-cases)
  [Primitive.Pow]: {
    impl: binaryImpl("pow", binaryExpr.pow),
    jvp: ([a, b], [ta, tb], out) =>
      sumTangents(out.shape, ta && mul(ta, powGradA(a, b)), tb && mul(tb, powGradB(a, b, out))),
    vjp: (ct, [a, b], out, _p, needs) => [
      needs[0] ? sumToShape(mul(ct, powGradA(a, b)), a.shape) : null,
      needs[1] ? sumToShape(mul(ct, powGradB(a, b, out)), b.shape) : null,
    ],
    batch: broadcastingBatchRule(Primitive.Pow),
  },
  // d max(a, b) = m da + (1 - m) db, m = [a > b] + [a = b] / 2
  [Primitive.Maximum]: extremum(Primitive.Maximum, gt),
  // d min(a, b) = m da + (1 - m) db, m = [a < b] + [a = b] / 2
  [Primitive.Minimum]: extremum(Primitive.Minimum, lt),
  // comparisons are piecewise constant: zero derivative
  [Primitive.Compare]: {
    impl: ([a, b], params) => compareImpls[params.op]([a, b], params),
    jvp: () => null,
    vjp: () => [null, null],
    batch: broadcastingBatchRule(Primitive.Compare),
  },
  // d where(c, a, b) = where(c, da, db); no derivative for the condition
  [Primitive.Where]: {
    impl: ([c, a, b]) => {
      const shape = broadcastOrThrow("where", broadcastOrThrow("where", c.shape, a.shape), b.shape);
      const n = sizeOf(shape);
      const cd = expandData(c.data, c.shape, shape);
      const ad = expandData(a.data, a.shape, shape);
      const bd = expandData(b.data, b.shape, shape);
      const out = alloc(n);
      for (let i = 0; i < n; i++) out[i] = cd[i] !== 0 ? ad[i] : bd[i];
      return new Tensor(out, shape);
    },
    jvp: ([c], [, ta, tb], out) =>
      ta === null && tb === null ? null : sumTangents(out.shape, where(c, ta ?? 0, tb ?? 0)),
    vjp: (ct, [c, a, b], _o, _p, needs) => [
      null,
      needs[1] ? sumToShape(where(c, ct, 0), a.shape) : null,
      needs[2] ? sumToShape(where(c, 0, ct), b.shape) : null,
    ],
    batch: broadcastingBatchRule(Primitive.Where),
  },
});
