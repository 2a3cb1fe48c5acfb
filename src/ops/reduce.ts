// Reductions over any set of dims (sum, mean, prod, max, min, logsumexp, norm) and softmax/logSoftmax.
import type { Tensor, Dims } from "../tensor.js";
import { bind } from "../core/trace.js";
import { Primitive } from "../core/primitives.js";
import { ArgumentError } from "../errors.js";
import { asTensor, normAxes, normDim } from "./util.js";
import { abs, add, div, eq, exp, log, mul, neg, pow, sqrt, sub, where } from "./elementwise.js";
import { arange } from "./create.js";
import { reshape } from "./shape.js";

function reduce(
  p: Primitive.Sum | Primitive.Max | Primitive.Prod,
  x: Tensor,
  dim: Dims | undefined,
  keepdim: boolean,
): Tensor {
  x = asTensor(x, p, "x");
  const axes = normAxes(dim, x.shape, p);
  if (axes.length === 0) return x;
  return bind(p, [x], { axes, keepdim });
}

/** Sum over `dim` (a dim, a list, or all when omitted); `keepdim` keeps reduced dims with size 1. */
export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return reduce(Primitive.Sum, x, dim, keepdim);
}

/** Mean over `dim` (all dims when omitted). */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  x = asTensor(x, "mean", "x");
  const axes = normAxes(dim, x.shape, "mean");
  let count = 1;
  for (const a of axes) count *= x.shape[a];
  return div(sum(x, axes, keepdim), count);
}

/** Product over `dim` (all dims when omitted). */
export function prod(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return reduce(Primitive.Prod, x, dim, keepdim);
}

/**
 * Maximum over `dim` (one dim, several, or all when omitted). It returns the values only (torch's
 * max(x, dim) also returns indices: use {@link argmax}), and its gradient is shared equally among tied
 * maxima, as torch.amax (and torch.max without dim) do; torch.max(x, dim) instead sends it all to the one
 * index it returns, which `gather(x, dim, argmax(x, dim, true))` reproduces.
 */
export function max(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return reduce(Primitive.Max, x, dim, keepdim);
}

/** Minimum over `dim` (all dims when omitted): values only, ties share the gradient (see {@link max}). */
export function min(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return neg(max(neg(x), dim, keepdim));
}

/** torch.amax: the maximum over `dim` (all dims when omitted), the gradient shared equally among ties. */
export function amax(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return max(x, dim, keepdim);
}

/** torch.amin: the minimum over `dim` (all dims when omitted), the gradient shared equally among ties. */
export function amin(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return min(x, dim, keepdim);
}

/** log(sum(exp(x))) over `dim`, shifted by the (constant) maximum for stability. */
export function logsumexp(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  x = asTensor(x, "logsumexp", "x");
  const axes = normAxes(dim, x.shape, "logsumexp");
  const m = max(x, axes, true).detach();
  const out = add(log(sum(exp(sub(x, m)), axes, true)), m);
  return keepdim
    ? out
    : reshape(
        out,
        x.shape.filter((_, i) => !axes.includes(i)),
      );
}

/**
 * p-norm over `dim` (all elements by default): p = 2 (Euclidean), 1, Infinity, or any p > 0. Its gradient
 * where the norm is 0 is the subgradient 0, as in torch.
 */
export function norm(x: Tensor, p = 2, dim?: Dims, keepdim = false): Tensor {
  x = asTensor(x, "norm", "x");
  if (typeof p !== "number" || !(p > 0))
    throw new ArgumentError(`norm: p must be a positive number, got ${p}`);
  if (p === 1) return sum(abs(x), dim, keepdim);
  if (p === Infinity) return max(abs(x), dim, keepdim);
  // At 0 the p-th root (and |x|^p for p < 1) has an infinite slope; torch takes the subgradient 0 there.
  // Each such input is kept away from 0 on both sides of a where, so no 0 * inf reaches the gradient.
  const s = p === 2 ? sum(mul(x, x), dim, keepdim) : sum(powAwayFromZero(abs(x), p), dim, keepdim);
  const zero = eq(s, 0);
  const safe = where(zero, 1, s);
  return where(zero, 0, p === 2 ? sqrt(safe) : pow(safe, 1 / p));
}

/** a^p for a >= 0, with derivative 0 (not p * 0^(p-1)) at a = 0. */
function powAwayFromZero(a: Tensor, p: number): Tensor {
  if (p >= 1) return pow(a, p);
  const zero = eq(a, 0);
  return where(zero, 0, pow(where(zero, 1, a), p));
}

/** Softmax along `dim`: exp(x) / sum(exp(x)), shifted by the maximum for stability. */
export function softmax(x: Tensor, dim: number): Tensor {
  x = asTensor(x, "softmax", "x");
  const d = normDim(dim, x.ndim, "softmax", x.shape);
  const e = exp(sub(x, max(x, d, true).detach()));
  return div(e, sum(e, d, true));
}

/** log(softmax(x)) along `dim`, computed as x - logsumexp(x). */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  x = asTensor(x, "logSoftmax", "x");
  const d = normDim(dim, x.ndim, "logSoftmax", x.shape);
  return sub(x, logsumexp(x, d, true));
}

/** Index of the largest entry along `dim` (the first on ties); all elements flattened when omitted. */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtreme(x, dim, keepdim, "argmax", max);
}

/** Index of the smallest entry along `dim` (the first on ties); all elements flattened when omitted. */
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtreme(x, dim, keepdim, "argmin", min);
}

function argExtreme(
  x: Tensor,
  dim: number | undefined,
  keepdim: boolean,
  op: string,
  extreme: (x: Tensor, dim?: Dims, keepdim?: boolean) => Tensor,
): Tensor {
  x = asTensor(x, op, "x");
  if (dim === undefined) return argExtreme(reshape(x, [x.size]), 0, false, op, extreme);
  const d = normDim(dim, x.ndim, op, x.shape);
  const n = x.shape[d];
  const positions = reshape(
    arange(n),
    x.shape.map((s, i) => (i === d ? s : 1)),
  );
  const hits = eq(x.detach(), extreme(x.detach(), d, true));
  return min(where(hits, positions, Infinity), d, keepdim);
}
