// sparsity and hessianSparsity: the Jacobian and Hessian patterns of f at x, from one run of f on sparsity
// tracers. The Hessian pattern is the Jacobian pattern of the gradient: the backward pass's rules are
// written with primitives, so the same tracers carry second-order dependencies through it (x0*x1 has
// gradient (x1, x0), linking 0 and 1; x0+x1 has a constant gradient, linking nothing).
import { Tensor, isTensor } from "../tensor.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { grad } from "../transforms/functional.js";
import { maybeProgress } from "../transforms/progress.js";
import { detect, type Detected } from "./detect/trace.js";
import { SparsityPattern } from "./pattern.js";

/** Options of {@link sparsity} and {@link hessianSparsity}. */
export interface SparsityOptions {
  /**
   * Detect the pattern at this x only (default false): follow the branches f takes here (values may be
   * read, `if (x.item() > 0)` works) and drop derivatives that are zero by branch (relu below 0, the side
   * of `where`/`maximum`/`max` not taken). The global pattern holds for every x.
   */
  local?: boolean;
  /** Show a progress bar while f is traced (a tick per primitive). */
  progress?: boolean;
}

/** Checks the common arguments of the sparse functions: f a function, x a Tensor. */
export function checkFunctionAndInput(op: string, f: unknown, x: unknown): asserts x is Tensor {
  if (typeof f !== "function") throw new ArgumentError(`${op}: f must be a function, got ${typeof f}`);
  if (!isTensor(x)) {
    throw new ArgumentError(
      `${op}: x must be a Tensor, got ${x === null ? "null" : Array.isArray(x) ? "an array" : typeof x}`,
    );
  }
}

/** Checks an options object: an object (or undefined) whose keys are all known. */
export function checkOptions(op: string, opts: unknown, known: readonly string[]): void {
  if (opts === undefined) return;
  if (opts === null || typeof opts !== "object") {
    throw new ArgumentError(`${op}: options must be an object, got ${opts === null ? "null" : typeof opts}`);
  }
  for (const key of Object.keys(opts)) {
    if (!known.includes(key)) {
      throw new ArgumentError(`${op}: unknown option "${key}" (known: ${known.join(", ")})`);
    }
  }
}

/** The m × n pattern of what detection found (m = output size, n = input size). */
export function patternOf(found: Detected, n: number): SparsityPattern {
  let m = 1;
  for (const d of found.outShape) m *= d;
  if (found.sets === null) return SparsityPattern.empty(m, n);
  return SparsityPattern.fromCsr(m, n, found.sets.ptr, found.sets.idx.subarray(0, found.sets.entries));
}

/** Runs detection with an optional progress bar that ticks once per primitive traced. */
export function detectWithProgress(
  op: string,
  f: (x: Tensor) => unknown,
  x: Tensor,
  opts: SparsityOptions,
): Detected {
  const bar = maybeProgress(opts.progress, NaN, `${op}: tracing f (primitives)`);
  try {
    return detect(op, f, x, opts.local === true, () => bar.tick());
  } finally {
    bar.done();
  }
}

/**
 * The sparsity pattern of the Jacobian of f at x: an m × n {@link SparsityPattern} (m = f(x).size,
 * n = x.size, both flattened row-major) with an entry (i, j) wherever output i may depend on input j.
 * f runs once on tracers that carry, per element, the set of inputs it depends on; no derivative is
 * computed. By default the pattern is global (valid for every x; reading a value inside f is an error
 * that suggests `{ local: true }`); never smaller than the true pattern, and exact for most functions.
 *
 * @example sparsity((x: Tensor) => x.square().add(x.narrow(0, 0, 1)), zeros([4])) // diagonal + column 0
 */
export function sparsity(f: (x: Tensor) => Tensor, x: Tensor, opts: SparsityOptions = {}): SparsityPattern {
  checkFunctionAndInput("sparsity", f, x);
  checkOptions("sparsity", opts, ["local", "progress"]);
  return patternOf(detectWithProgress("sparsity", f, x, opts), x.size);
}

/** f wrapped so that a non-scalar output is refused with a message naming `op` and the shapes. */
export function scalarOnly(
  op: string,
  f: (x: Tensor) => Tensor,
  inputShape: readonly number[],
): (y: Tensor) => Tensor {
  return (y: Tensor) => {
    const out: unknown = f(y);
    if (!isTensor(out) || out.size !== 1) {
      const got = isTensor(out) ? `shape ${fmtShape(out.shape)}` : typeof out;
      throw new ShapeError(
        `${op}: f must return a scalar (a one-element tensor) to have a Hessian, but at x of shape ` +
          `${fmtShape(inputShape)} it returned ${got}; use sparsity / sparseJacobian for a vector function`,
      );
    }
    return out;
  };
}

/**
 * The sparsity pattern of the Hessian of a scalar f at x: a symmetric n × n {@link SparsityPattern}
 * (n = x.size) with (i, j) wherever ∂²f/∂x_i∂x_j may be nonzero. Nonlinear interactions are tracked:
 * `x0 * x1` links 0 and 1, `x0 + x1` does not, `sin(x0 + x1)` links all pairs, linear maps add nothing.
 * Like {@link sparsity}, global unless `{ local: true }`.
 *
 * @example hessianSparsity((x: Tensor) => x.square().sum(), zeros([5])) // diagonal
 */
export function hessianSparsity(
  f: (x: Tensor) => Tensor,
  x: Tensor,
  opts: SparsityOptions = {},
): SparsityPattern {
  checkFunctionAndInput("hessianSparsity", f, x);
  checkOptions("hessianSparsity", opts, ["local", "progress"]);
  return detectHessianPattern("hessianSparsity", f, x, opts);
}

/** The symmetric Hessian pattern of scalar f at x: the Jacobian pattern of its gradient; `op` names the caller. */
export function detectHessianPattern(
  op: string,
  f: (x: Tensor) => Tensor,
  x: Tensor,
  opts: SparsityOptions,
): SparsityPattern {
  const gradient = grad(scalarOnly(op, f, x.shape));
  const found = detectWithProgress(op, gradient, x, opts);
  const p = patternOf({ outShape: [x.size], sets: found.sets }, x.size);
  // The gradient's Jacobian is symmetric; a conservative rule may have found only one side of an entry.
  return p.isSymmetric() ? p : p.union(p.transpose());
}
