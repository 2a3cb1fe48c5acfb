// Sparsity rules of the elementwise primitives. An output element depends on what the operand elements it
// reads depend on; a term is dropped where its partial derivative is known to be zero: a factor that is a
// constant 0, the side of where/maximum/minimum that was not taken, relu and abs at or below their kink.
import { Primitive, type BinaryPrim, type UnaryPrim } from "../../../core/primitives.js";
import { sizeOf } from "../../../core/kernels.js";
import { gatherRows, keepRows, unionRows, type IndexSets } from "../index-sets.js";
import { broadcastMap, broadcastOrThrow } from "../index-maps.js";
import type {
  SparsityContext,
  SparsityOperand,
  SparsityResult,
  SparsityRule,
  SparsityRules,
} from "../types.js";

/** A predicate on output element k (with k's operand values already looked up by the caller). */
type Keep = ((k: number) => boolean) | null;

/** The value operand `o` has at output element k (through the broadcast map), or NaN when unknown. */
function valueAt(o: SparsityOperand, map: Int32Array | null): (k: number) => number {
  const v = o.values;
  if (v === null) return () => NaN;
  return map === null ? (k) => v[k] : (k) => v[map[k]];
}

/** True at k when `o` is a constant whose value there is exactly zero (a structurally zero factor). */
function constantZero(o: SparsityOperand, map: Int32Array | null): Keep {
  if (o.sets !== null || o.values === null) return null;
  const at = valueAt(o, map);
  return (k) => at(k) === 0;
}

function negate(p: Keep): Keep {
  return p === null ? null : (k) => !p(k);
}

/** Broadcasts one operand's sets to the output (the same object when shapes match). */
function spread(sets: IndexSets, map: Int32Array | null): IndexSets {
  return map === null ? sets : gatherRows(sets, map);
}

/**
 * The output sets of a broadcasting map of several operands: element k unions operand i's sets at k
 * wherever keep[i](k) holds (null: always). Shares the operand's sets when only one contributes as is.
 */
function combine(
  ctx: SparsityContext,
  shape: number[],
  ops: SparsityOperand[],
  keeps: Keep[],
): SparsityResult {
  const maps = ops.map((o) => broadcastMap(o.shape, shape));
  const live = ops.map((o, i) => (o.sets === null ? -1 : i)).filter((i) => i >= 0);
  if (live.length === 0) return { shape, sets: null };
  // x + x, x * x and friends: one set object read at the same positions.
  const first = live[0];
  const same = live.every((i) => ops[i].sets === ops[first].sets && sameMap(maps[i], maps[first]));
  if (same && live.every((i) => keeps[i] === null)) {
    return { shape, sets: spread(ops[first].sets as IndexSets, maps[first]) };
  }
  if (live.length === 1) {
    const sets = spread(ops[first].sets as IndexSets, maps[first]);
    const keep = keeps[first];
    return { shape, sets: keep === null ? sets : keepRows(sets, keep) };
  }
  return {
    shape,
    sets: unionRows(
      ctx.ws,
      sizeOf(shape),
      live.map((i) => ops[i].sets as IndexSets),
      live.map((i) => maps[i]),
      live.map((i) => keeps[i]),
    ),
  };
}

function sameMap(a: Int32Array | null, b: Int32Array | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** A unary map whose derivative is nonzero wherever `keep(value)` may hold (null: everywhere). */
function unary<P extends UnaryPrim>(keep: ((x: number) => boolean) | null = null): SparsityRule<P> {
  return ([x]) => {
    const shape = [...x.shape];
    if (x.sets === null) return { shape, sets: null };
    const v = x.values;
    if (keep === null || v === null) return { shape, sets: x.sets };
    return { shape, sets: keepRows(x.sets, (k) => keep(v[k])) };
  };
}

/** A binary broadcasting map; `keeps(a, b, ma, mb)` gives the per-element predicates of each side. */
function binary<P extends BinaryPrim>(
  op: string,
  keeps: (a: SparsityOperand, b: SparsityOperand, ma: Int32Array | null, mb: Int32Array | null) => Keep[],
): SparsityRule<P> {
  return ([a, b], _params, ctx) => {
    const shape = broadcastOrThrow(op, a.shape, b.shape);
    const ma = broadcastMap(a.shape, shape);
    const mb = broadcastMap(b.shape, shape);
    return combine(ctx, shape, [a, b], keeps(a, b, ma, mb));
  };
}

const linear = (): Keep[] => [null, null];

/**
 * maximum/minimum: with both values known, the gradient goes to the winner (`wins(a, b)`: a is chosen),
 * half to each side on a tie, to b when a is NaN; otherwise both sides may contribute.
 */
function extremum<P extends Primitive.Maximum | Primitive.Minimum>(
  op: string,
  wins: (a: number, b: number) => boolean,
): SparsityRule<P> {
  return binary(op, (a, b, ma, mb) => {
    if (a.values === null || b.values === null) return [null, null];
    const va = valueAt(a, ma);
    const vb = valueAt(b, mb);
    return [(k) => wins(va(k), vb(k)) || va(k) === vb(k), (k) => !wins(va(k), vb(k))];
  });
}

/** Sparsity rules of the elementwise family. */
export const elementwiseSparsity: SparsityRules<
  UnaryPrim | BinaryPrim | Primitive.Compare | Primitive.Where
> = {
  [Primitive.Neg]: unary(),
  [Primitive.Exp]: unary(),
  [Primitive.Log]: unary(),
  [Primitive.Log1p]: unary(),
  [Primitive.Sin]: unary(),
  [Primitive.Cos]: unary(),
  [Primitive.Tan]: unary(),
  [Primitive.Tanh]: unary(),
  [Primitive.Sigmoid]: unary(),
  // d relu = [x > 0]: the branch x <= 0 has no derivative
  [Primitive.Relu]: unary((x) => !(x <= 0)),
  [Primitive.Softplus]: unary(),
  // d|x| = sign(x): zero at the kink
  [Primitive.Abs]: unary((x) => x !== 0),
  [Primitive.Sqrt]: unary(),
  // piecewise constant
  [Primitive.Sign]: ([x]) => ({ shape: [...x.shape], sets: null }),
  [Primitive.Add]: binary("add", linear),
  [Primitive.Sub]: binary("sub", linear),
  // d(ab) = b da + a db: a constant zero factor removes the other side
  [Primitive.Mul]: binary("mul", (a, b, ma, mb) => [
    negate(constantZero(b, mb)),
    negate(constantZero(a, ma)),
  ]),
  // d(a/b) = da / b - a db / b²: a constant zero numerator removes b
  [Primitive.Div]: binary("div", (a, _b, ma) => [null, negate(constantZero(a, ma))]),
  // d(a^b) = b a^(b-1) da + a^b log(a) db: a constant exponent 0 removes a, a constant base 1 removes b
  [Primitive.Pow]: binary("pow", (a, b, ma, mb) => {
    const vb = valueAt(b, mb);
    const va = valueAt(a, ma);
    return [
      b.sets === null && b.values !== null ? (k) => vb(k) !== 0 : null,
      a.sets === null && a.values !== null ? (k) => va(k) !== 1 : null,
    ];
  }),
  [Primitive.Maximum]: extremum("maximum", (a, b) => a > b),
  [Primitive.Minimum]: extremum("minimum", (a, b) => a < b),
  // 0/1 results: no derivative
  [Primitive.Compare]: ([a, b], { op }) => ({ shape: broadcastOrThrow(op, a.shape, b.shape), sets: null }),
  // d where(c, a, b) = where(c, da, db): with c known only the side taken contributes
  [Primitive.Where]: ([c, a, b], _params, ctx) => {
    const shape = broadcastOrThrow("where", broadcastOrThrow("where", c.shape, a.shape), b.shape);
    const noCond = { ...c, sets: null };
    if (c.values === null) return combine(ctx, shape, [noCond, a, b], [null, null, null]);
    const vc = valueAt(c, broadcastMap(c.shape, shape));
    return combine(ctx, shape, [noCond, a, b], [null, (k) => vc(k) !== 0, (k) => vc(k) === 0]);
  },
};
