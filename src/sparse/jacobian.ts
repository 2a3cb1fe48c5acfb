// sparseJacobian / sparseHessian and their prepared plans: detect the pattern and colour it once, then get
// every nonzero from ONE batched pass over the colour seeds (forward: a jvp per colour; reverse: a vjp per
// row colour; Hessian: a Hessian-vector product per star colour), decompressed into a SparseMatrix.
import type { Tensor } from "../tensor.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { maybeProgress } from "../transforms/progress.js";
import { displaySymbol, type Displayable, type MimeBundle } from "../render/mime.js";
import { sameShape } from "../ops/util.js";
import { coloring as colorPattern, type Coloring, type Ordering } from "./coloring.js";
import { SparsityPattern } from "./pattern.js";
import { SparseMatrix } from "./matrix.js";
import {
  checkFunctionAndInput,
  checkOptions,
  detectHessianPattern,
  detectWithProgress,
  patternOf,
  scalarOnly,
} from "./sparsity.js";
import { forwardCompressed, hessianCompressed, reverseCompressed, seedTensor } from "./evaluate.js";
import { compiledPass, type CompiledPass } from "./compiled.js";

/** Options of {@link sparseJacobian} and {@link prepareSparseJacobian}. */
export interface SparseJacobianOptions {
  /**
   * "forward": colour the columns, one batched jvp (a tangent per colour); "reverse": colour the rows,
   * one batched vjp (a cotangent per colour); "auto" (default): whichever needs fewer colours
   * (forward on a tie, as it needs no backward pass).
   */
  mode?: "forward" | "reverse" | "auto";
  /** The colouring's vertex ordering (default smallest-last); "best" tries them all and keeps the fewest colours. */
  ordering?: Ordering;
  /** A known m × n pattern to use instead of detecting one (it must contain every nonzero). */
  pattern?: SparsityPattern;
  /** Detect the pattern at this x only (see {@link sparsity}); the plan is then valid near x. */
  local?: boolean;
  /**
   * Compile the plan's batched pass and its decompression with {@link jit} (traced at the first
   * evaluation, then replayed: fused loops, reused buffers, no per-op dispatch; over 10× faster on the
   * Brusselator at N = 32, under 0.2 ms for its 12288 nonzeros). As with jit, f is
   * then traced once: it must not read values of its input (use `local` detection's branches only if
   * they hold at every x you evaluate), and what it closes over is fixed at that first evaluation.
   */
  jit?: boolean;
  /** Progress bars over detection (a tick per primitive traced) and evaluation. */
  progress?: boolean;
}

/** Options of {@link sparseHessian} and {@link prepareSparseHessian}. */
export interface SparseHessianOptions {
  /** The star colouring's vertex ordering (default smallest-last); "best" tries them all. */
  ordering?: Ordering;
  /** A known symmetric n × n pattern to use instead of detecting one. */
  pattern?: SparsityPattern;
  /** Detect the pattern at this x only (see {@link hessianSparsity}). */
  local?: boolean;
  /** Compile the batched Hessian-vector products with {@link jit} (see {@link SparseJacobianOptions.jit}). */
  jit?: boolean;
  /** Progress bars over detection and evaluation. */
  progress?: boolean;
}

/** A prepared sparse Jacobian: pattern and colouring found once, re-evaluated at any x of the same shape. */
export interface SparseJacobianPlan extends Displayable {
  /** The m × n pattern (m = output size, n = input size). */
  readonly pattern: SparsityPattern;
  /** The colouring of columns (forward) or rows (reverse). */
  readonly coloring: Coloring;
  /** The mode the plan evaluates in. */
  readonly mode: "forward" | "reverse";
  /** The number of colours: the batch size of the one pass per evaluation. */
  readonly colors: number;
  /** The shape of x the plan was prepared for. */
  readonly inputShape: readonly number[];
  /** The Jacobian at x (same shape as the x the plan was prepared at) from one batched pass. */
  jacobian(x: Tensor): SparseMatrix;
}

/** A prepared sparse Hessian: pattern and star colouring found once, re-evaluated at any x of the same shape. */
export interface SparseHessianPlan extends Displayable {
  /** The symmetric n × n pattern. */
  readonly pattern: SparsityPattern;
  /** The star colouring of the Hessian's columns. */
  readonly coloring: Coloring;
  /** The number of colours: Hessian-vector products in the one batched pass. */
  readonly colors: number;
  /** The shape of x the plan was prepared for. */
  readonly inputShape: readonly number[];
  /** The Hessian of f at x (same shape as at preparation) from one batched Hessian-vector product. */
  hessian(x: Tensor): SparseMatrix;
}

const JACOBIAN_OPTIONS = ["mode", "ordering", "pattern", "local", "progress", "jit"] as const;
const HESSIAN_OPTIONS = ["ordering", "pattern", "local", "progress", "jit"] as const;

function checkGivenPattern(op: string, pattern: unknown, n: number, square: boolean): SparsityPattern {
  if (!(pattern instanceof SparsityPattern)) {
    throw new ArgumentError(`${op}: pattern must be a SparsityPattern (from sparsity or hessianSparsity)`);
  }
  const [pm, pn] = pattern.shape;
  if (pn !== n || (square && pm !== n)) {
    const want = square ? `${n}×${n}` : `m×${n}`;
    throw new ShapeError(`${op}: the pattern is ${pm}×${pn} but x has ${n} elements (expected ${want})`);
  }
  return pattern;
}

/** Refuses an x of another shape than the plan's, naming the plan and both shapes. */
function checkPlanInput(op: string, x: unknown, shape: readonly number[]): asserts x is Tensor {
  checkFunctionAndInput(op, () => undefined, x);
  if (!sameShape(x.shape, shape)) {
    throw new ShapeError(
      `${op}: this plan was prepared for x of shape ${fmtShape(shape)}, got ${fmtShape(x.shape)}; ` +
        `prepare a new plan for the new shape`,
    );
  }
}

function planText(kind: string, p: SparsityPattern, c: Coloring, extra: string): string {
  return (
    `${kind}: ${p.shape[0]}×${p.shape[1]} pattern, ${p.nnz} nonzeros, ${c.colors} colour` +
    `${c.colors === 1 ? "" : "s"} (${extra}${c.ordering})`
  );
}

class JacobianPlan implements SparseJacobianPlan {
  readonly colors: number;
  private readonly seeds: Tensor | null;
  private readonly compiled: CompiledPass | null;

  constructor(
    private readonly f: (x: Tensor) => Tensor,
    readonly inputShape: readonly number[],
    readonly pattern: SparsityPattern,
    readonly coloring: Coloring,
    readonly mode: "forward" | "reverse",
    private readonly progress: boolean,
    compile: boolean,
  ) {
    this.colors = coloring.colors;
    this.seeds = mode === "forward" ? seedTensor(coloring, inputShape) : null;
    this.compiled = compile ? compiledPass(f, mode, coloring, pattern.shape[0], inputShape) : null;
  }

  jacobian(x: Tensor): SparseMatrix {
    const op = "SparseJacobianPlan.jacobian";
    checkPlanInput(op, x, this.inputShape);
    const bar = maybeProgress(
      this.progress,
      2,
      `sparseJacobian: one batched ${this.mode} pass, decompression`,
    );
    const m = this.pattern.shape[0];
    let values: Float64Array;
    if (this.compiled !== null) {
      // The compiled program decompresses too: it returns the nonzeros.
      values = this.compiled(op, x);
      bar.tick();
    } else {
      const compressed =
        this.seeds !== null
          ? forwardCompressed(op, this.f, x, this.seeds, m)
          : reverseCompressed(op, this.f, x, this.coloring, m);
      bar.tick();
      values = this.coloring.decompress(compressed);
    }
    bar.tick();
    bar.done();
    return new SparseMatrix(this.pattern, values, { coloring: this.coloring, mode: this.mode });
  }

  toString(): string {
    return planText("SparseJacobianPlan", this.pattern, this.coloring, `${this.mode} mode, `);
  }

  /** Shows the colouring (its spy plot coloured by group) under the plan's summary. */
  [displaySymbol](): MimeBundle {
    return { ...this.coloring[displaySymbol](), "text/plain": this.toString() };
  }
}

class HessianPlan implements SparseHessianPlan {
  readonly colors: number;
  private readonly seeds: Tensor;
  private readonly scalarF: (x: Tensor) => Tensor;
  private readonly compiled: CompiledPass | null;

  constructor(
    f: (x: Tensor) => Tensor,
    readonly inputShape: readonly number[],
    readonly pattern: SparsityPattern,
    readonly coloring: Coloring,
    private readonly progress: boolean,
    compile: boolean,
  ) {
    this.colors = coloring.colors;
    this.seeds = seedTensor(coloring, inputShape);
    this.scalarF = scalarOnly("SparseHessianPlan.hessian", f, inputShape);
    this.compiled = compile ? compiledPass(this.scalarF, "hessian", coloring, -1, inputShape) : null;
  }

  hessian(x: Tensor): SparseMatrix {
    checkPlanInput("SparseHessianPlan.hessian", x, this.inputShape);
    const bar = maybeProgress(
      this.progress,
      2,
      "sparseHessian: one batched Hessian-vector product, decompression",
    );
    let values: Float64Array;
    if (this.compiled !== null) {
      values = this.compiled("SparseHessianPlan.hessian", x);
      bar.tick();
    } else {
      const compressed = hessianCompressed(this.scalarF, x, this.seeds);
      bar.tick();
      values = this.coloring.decompress(compressed);
    }
    bar.tick();
    bar.done();
    return new SparseMatrix(this.pattern, values, { coloring: this.coloring, mode: "hessian" });
  }

  toString(): string {
    return planText("SparseHessianPlan", this.pattern, this.coloring, "star, ");
  }

  /** Shows the star colouring under the plan's summary. */
  [displaySymbol](): MimeBundle {
    return { ...this.coloring[displaySymbol](), "text/plain": this.toString() };
  }
}

/** The colouring for a mode: column (forward), row (reverse), or the one with fewer colours (auto). */
function chooseColoring(
  pattern: SparsityPattern,
  mode: "forward" | "reverse" | "auto",
  ordering: Ordering | undefined,
): { coloring: Coloring; mode: "forward" | "reverse" } {
  if (mode === "forward") return { coloring: colorPattern(pattern, { kind: "column", ordering }), mode };
  if (mode === "reverse") return { coloring: colorPattern(pattern, { kind: "row", ordering }), mode };
  const columns = colorPattern(pattern, { kind: "column", ordering });
  const rows = colorPattern(pattern, { kind: "row", ordering });
  return rows.colors < columns.colors
    ? { coloring: rows, mode: "reverse" }
    : { coloring: columns, mode: "forward" };
}

/**
 * Prepares the sparse Jacobian of f around x: detects the pattern (or takes `opts.pattern`), colours it
 * for the chosen mode, and returns a plan whose `jacobian(x)` evaluates the Jacobian at any x of the same
 * shape with ONE batched pass over the colours: the Newton-step case, where the pattern is found once.
 *
 * @example
 * const plan = prepareSparseJacobian(f, x0);   // plan.colors: passes per Jacobian
 * const J = plan.jacobian(x1);                 // a SparseMatrix
 */
export function prepareSparseJacobian(
  f: (x: Tensor) => Tensor,
  x: Tensor,
  opts: SparseJacobianOptions = {},
): SparseJacobianPlan {
  return prepareJacobian("prepareSparseJacobian", f, x, opts);
}

function prepareJacobian(
  op: string,
  f: (x: Tensor) => Tensor,
  x: Tensor,
  opts: SparseJacobianOptions,
): SparseJacobianPlan {
  checkFunctionAndInput(op, f, x);
  checkOptions(op, opts, JACOBIAN_OPTIONS);
  const mode = opts.mode ?? "auto";
  if (mode !== "forward" && mode !== "reverse" && mode !== "auto") {
    throw new ArgumentError(`${op}: mode must be "forward", "reverse" or "auto", got ${String(mode)}`);
  }
  const pattern =
    opts.pattern !== undefined
      ? checkGivenPattern(op, opts.pattern, x.size, false)
      : patternOf(detectWithProgress(op, f, x, opts), x.size);
  const chosen = chooseColoring(pattern, mode, opts.ordering);
  return new JacobianPlan(
    f,
    [...x.shape],
    pattern,
    chosen.coloring,
    chosen.mode,
    opts.progress === true,
    opts.jit === true,
  );
}

/**
 * The Jacobian of f at x as a {@link SparseMatrix} (m × n over the flattened output and input): the
 * pattern is detected, coloured so that columns (forward) or rows (reverse) of one colour never share an
 * entry, and every nonzero comes from ONE batched pass with one seed per colour, so the cost is that of
 * `colors` directional derivatives, not n (or m). Use {@link prepareSparseJacobian} to reuse the pattern
 * and colouring at many x.
 *
 * @example sparseJacobian((q: Tensor) => cat([q.mul(2), q.square().mul(4)], 0), tensor([1, 2])).toDense()
 */
export function sparseJacobian(
  f: (x: Tensor) => Tensor,
  x: Tensor,
  opts: SparseJacobianOptions = {},
): SparseMatrix {
  return prepareJacobian("sparseJacobian", f, x, opts).jacobian(x);
}

/**
 * Prepares the sparse Hessian of a scalar f around x: detects the symmetric pattern (or takes
 * `opts.pattern`), star-colours it, and returns a plan whose `hessian(x)` evaluates the Hessian at any x of
 * the same shape with ONE batched Hessian-vector product over the colours.
 */
export function prepareSparseHessian(
  f: (x: Tensor) => Tensor,
  x: Tensor,
  opts: SparseHessianOptions = {},
): SparseHessianPlan {
  return prepareHessian("prepareSparseHessian", f, x, opts);
}

function prepareHessian(
  op: string,
  f: (x: Tensor) => Tensor,
  x: Tensor,
  opts: SparseHessianOptions,
): SparseHessianPlan {
  checkFunctionAndInput(op, f, x);
  checkOptions(op, opts, HESSIAN_OPTIONS);
  const pattern =
    opts.pattern !== undefined
      ? checkGivenPattern(op, opts.pattern, x.size, true)
      : detectHessianPattern(op, f, x, opts);
  const c = colorPattern(pattern, { kind: "star", ordering: opts.ordering });
  return new HessianPlan(f, [...x.shape], pattern, c, opts.progress === true, opts.jit === true);
}

/**
 * The Hessian of a scalar f at x as a symmetric {@link SparseMatrix} (n × n over the flattened input):
 * the pattern is detected, star-coloured, and every nonzero comes from ONE batched Hessian-vector product
 * (forward over reverse) with one seed per colour. A tridiagonal Hessian needs 3 colours at any n.
 *
 * @example sparseHessian(rosenbrock, zeros([100])).colors // 3
 */
export function sparseHessian(
  f: (x: Tensor) => Tensor,
  x: Tensor,
  opts: SparseHessianOptions = {},
): SparseMatrix {
  return prepareHessian("sparseHessian", f, x, opts).hessian(x);
}
