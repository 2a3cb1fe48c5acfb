// Elementwise operations (unary, binary with broadcasting), comparisons and where: thin wrappers over bind.
import type { Tensor, TensorLike } from "../tensor.js";
import { bind } from "../core/trace.js";
import { Primitive, type BinaryPrim, type CompareOp, type UnaryPrim } from "../core/primitives.js";
import { NO_PARAMS, asTensor } from "./util.js";
import { ArgumentError } from "../errors.js";

function unary(p: UnaryPrim, x: TensorLike): Tensor {
  return bind(p, [asTensor(x, p, "x")], NO_PARAMS);
}

function binary(p: BinaryPrim, a: TensorLike, b: TensorLike): Tensor {
  return bind(p, [asTensor(a, p, "a"), asTensor(b, p, "b")], NO_PARAMS);
}

function compare(op: CompareOp, a: TensorLike, b: TensorLike): Tensor {
  return bind(Primitive.Compare, [asTensor(a, op, "a"), asTensor(b, op, "b")], { op });
}

/** a + b, broadcasting. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return binary(Primitive.Add, a, b);
}
/** a - b, broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return binary(Primitive.Sub, a, b);
}
/** a * b elementwise, broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binary(Primitive.Mul, a, b);
}
/** a / b elementwise, broadcasting. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return binary(Primitive.Div, a, b);
}
/** a ** b elementwise, broadcasting. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return binary(Primitive.Pow, a, b);
}
/** Elementwise maximum (ties split the gradient equally). */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binary(Primitive.Maximum, a, b);
}
/** Elementwise minimum (ties split the gradient equally). */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binary(Primitive.Minimum, a, b);
}
/** -x. */
export function neg(x: TensorLike): Tensor {
  return unary(Primitive.Neg, x);
}
/** e^x. */
export function exp(x: TensorLike): Tensor {
  return unary(Primitive.Exp, x);
}
/** Natural logarithm. */
export function log(x: TensorLike): Tensor {
  return unary(Primitive.Log, x);
}
/** log(1 + x), accurate for small x. */
export function log1p(x: TensorLike): Tensor {
  return unary(Primitive.Log1p, x);
}
/** Sine. */
export function sin(x: TensorLike): Tensor {
  return unary(Primitive.Sin, x);
}
/** Cosine. */
export function cos(x: TensorLike): Tensor {
  return unary(Primitive.Cos, x);
}
/** Tangent. */
export function tan(x: TensorLike): Tensor {
  return unary(Primitive.Tan, x);
}
/** Hyperbolic tangent. */
export function tanh(x: TensorLike): Tensor {
  return unary(Primitive.Tanh, x);
}
/** Logistic sigmoid 1 / (1 + e^-x), computed stably. */
export function sigmoid(x: TensorLike): Tensor {
  return unary(Primitive.Sigmoid, x);
}
/** max(x, 0); its derivative is 1 for x > 0 and 0 otherwise. */
export function relu(x: TensorLike): Tensor {
  return unary(Primitive.Relu, x);
}
/** log(1 + e^x), computed stably. */
export function softplus(x: TensorLike): Tensor {
  return unary(Primitive.Softplus, x);
}
/** |x| (derivative sign(x), 0 at 0). */
export function abs(x: TensorLike): Tensor {
  return unary(Primitive.Abs, x);
}
/** Square root. */
export function sqrt(x: TensorLike): Tensor {
  return unary(Primitive.Sqrt, x);
}
/** -1, 0 or 1 by sign (zero derivative). */
export function sign(x: TensorLike): Tensor {
  return unary(Primitive.Sign, x);
}
/** x * x. */
export function square(x: TensorLike): Tensor {
  const t = asTensor(x, "square", "x");
  return mul(t, t);
}
/** 1 where a < b else 0 (broadcasting). */
export function lt(a: TensorLike, b: TensorLike): Tensor {
  return compare("lt", a, b);
}
/** 1 where a <= b else 0 (broadcasting). */
export function le(a: TensorLike, b: TensorLike): Tensor {
  return compare("le", a, b);
}
/** 1 where a > b else 0 (broadcasting). */
export function gt(a: TensorLike, b: TensorLike): Tensor {
  return compare("gt", a, b);
}
/** 1 where a >= b else 0 (broadcasting). */
export function ge(a: TensorLike, b: TensorLike): Tensor {
  return compare("ge", a, b);
}
/** 1 where a == b else 0 (broadcasting). */
export function eq(a: TensorLike, b: TensorLike): Tensor {
  return compare("eq", a, b);
}
/** 1 where a != b else 0 (broadcasting). */
export function ne(a: TensorLike, b: TensorLike): Tensor {
  return compare("ne", a, b);
}
/** Elementwise choice: a where cond is non-zero, else b (all three broadcast together). */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  return bind(
    Primitive.Where,
    [asTensor(cond, "where", "cond"), asTensor(a, "where", "a"), asTensor(b, "where", "b")],
    NO_PARAMS,
  );
}

/**
 * x limited to [min, max] (either bound may be null or omitted; torch.clamp): min(max(x, min), max), so
 * max wins when min > max, as in torch. The gradient reaches x where min <= x <= max (bounds included)
 * and a tensor bound where it is the value taken.
 */
export function clamp(x: TensorLike, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  let out = asTensor(x, "clamp", "x");
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new ArgumentError("clamp: give at least one of min and max");
  }
  if (min !== undefined && min !== null) out = where(lt(out, min), min, out);
  if (max !== undefined && max !== null) out = where(gt(out, max), max, out);
  return out;
}
