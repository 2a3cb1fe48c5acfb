// Whole Jacobians in one call: jacrev (one forward pass + ONE batched backward pass), jacfwd (ONE batched
// forward pass), jacobian (picks one), hessian (forward over reverse).
import type { Tensor } from "../tensor.js";
import { ArgumentError, GradError } from "../errors.js";
import { type Flat, flattenArgs, flattenTree } from "../core/pytree.js";
import { type VjpRecord, vjpRecord } from "../core/vjp.js";
import { jvpCore } from "../core/jvp.js";
import { vmapCore, vmapCoreStructured } from "../core/vmap.js";
import { SparseBatch, denseColumns } from "../core/sparse-batch.js";
import { passCounter } from "../core/trace.js";
import { sizeOf } from "../core/kernels.js";
import {
  type AnyFn,
  call,
  expandToBatch,
  chunkRanges,
  moveAxis,
  normArgnums,
  oneHotRows,
  pullback,
  withArgs,
} from "../core/transform-utils.js";
import { maybeProgress } from "./progress.js";
import { cat, narrow, reshape } from "../ops/shape.js";
import { zeros } from "../ops/create.js";

/** Options of {@link jacrev} and {@link jacfwd}. */
export interface JacOptions {
  /** Which argument(s) to differentiate (default 0). */
  argnums?: number | number[];
  /** Split the batch of basis vectors into chunks of at most this many (bounds memory; one pass each). */
  chunkSize?: number;
  /** Show a progress bar over the chunks. */
  progress?: boolean;
}

interface Prepared {
  flatIn: Flat;
  single: boolean;
  run: (ins: Tensor[]) => Tensor[];
  outFlat: () => Flat;
}

function prepare(op: string, f: AnyFn, args: unknown[], argnums: JacOptions["argnums"]): Prepared {
  const { list, single } = normArgnums(argnums, args.length, op);
  const flatIn = flattenArgs(
    list.map((i) => args[i]),
    `${op}: argument`,
    list,
  );
  let flatOut: Flat | undefined;
  const run = (ins: Tensor[]): Tensor[] => {
    flatOut = flattenTree(
      call(f, withArgs(args, list, flatIn.rebuild(ins) as unknown[])),
      `${op}: the output of f`,
    );
    return flatOut.leaves;
  };
  const outFlat = (): Flat => {
    if (flatOut === undefined) throw new GradError(`${op}: f was never called`);
    return flatOut;
  };
  return { flatIn, single, run, outFlat };
}

/** Jacobian blocks J[j][i] (output leaf j, input leaf i) assembled into the output/input structures. */
function assemble(p: Prepared, blocks: Tensor[][]): unknown {
  const perOut = blocks.map((row) => {
    const ins = p.flatIn.rebuild(row) as unknown[];
    return p.single ? ins[0] : ins;
  });
  return p.outFlat().rebuild(perOut as Tensor[]);
}

/**
 * Runs `pass` batched (vmap) over the one-hot basis of the elements of `shapes`, concatenated, in chunks of
 * `opts.chunkSize`, and joins the chunks: result k is [total, ...] for the pass's output k.
 */
function overBasis(
  op: string,
  shapes: number[][],
  opts: JacOptions,
  pass: (seeds: Tensor[]) => Tensor[],
): Tensor[];
function overBasis(
  op: string,
  shapes: number[][],
  opts: JacOptions,
  pass: (seeds: Tensor[]) => Tensor[],
  keepStructure: true,
): (Tensor | SparseBatch)[];
function overBasis(
  op: string,
  shapes: number[][],
  opts: JacOptions,
  pass: (seeds: Tensor[]) => Tensor[],
  keepStructure = false,
): (Tensor | SparseBatch)[] {
  const total = shapes.reduce((s, shape) => s + sizeOf(shape), 0);
  const ranges = chunkRanges(total, opts.chunkSize, op);
  const bar = maybeProgress(opts.progress, total, op);
  const parts: (Tensor | SparseBatch)[][] = [];
  // Structured outputs are kept only for a single chunk (chunks are joined densely).
  const run = keepStructure && ranges.length === 1 ? vmapCoreStructured : vmapCore;
  for (const [start, count] of ranges) {
    const seeds = oneHotRows(shapes, start, count);
    parts.push(
      run(
        pass,
        seeds,
        seeds.map(() => true),
        count,
        expandToBatch,
      ),
    );
    bar.tick(count);
  }
  bar.done();
  return parts[0].map((_, k) =>
    parts.length === 1
      ? parts[0][k]
      : cat(
          parts.map((q) => q[k] as Tensor),
          0,
        ),
  );
}

function reverseFromRecord(op: string, p: Prepared, rec: VjpRecord, opts: JacOptions): unknown {
  const outShapes = rec.primalsOut.map((o) => o.shape);
  // full[i]: [total, ...inShape_i], rows ordered by output leaf.
  const full = overBasis(op, outShapes, opts, (cts) => pullback(rec, cts));
  let offset = 0;
  const blocks = outShapes.map((shape) => {
    const m = sizeOf(shape);
    const row = full.map((f, i) => reshape(narrow(f, 0, offset, m), [...shape, ...rec.inputs[i].shape]));
    offset += m;
    return row;
  });
  return assemble(p, blocks);
}

/**
 * The Jacobian of f by reverse mode: one forward pass, then ONE backward pass carrying a batch of one-hot
 * cotangents (one per output element). Shape: output shape ++ input shape.
 * @example
 * ```ts
 * jacrev((x: Tensor) => x.square())(tensor([1, 2])); // [[2, 0], [0, 4]]
 * ```
 */
export function jacrev<A extends unknown[]>(
  f: (...args: A) => Tensor,
  opts?: JacOptions & { argnums?: number },
): (...args: A) => Tensor;
/** jacrev for trees: the output structure with each leaf replaced by the input structure of Jacobian blocks. */
export function jacrev<A extends unknown[]>(
  f: (...args: A) => unknown,
  opts?: JacOptions,
): (...args: A) => unknown;
export function jacrev(f: AnyFn, opts: JacOptions = {}): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const p = prepare("jacrev", f, args, opts.argnums);
    passCounter.forward++;
    const rec = vjpRecord(p.run, p.flatIn.leaves);
    return reverseFromRecord("jacrev", p, rec, opts);
  };
}

function forwardJacobian(op: string, p: Prepared, opts: JacOptions): unknown {
  const inShapes = p.flatIn.leaves.map((x) => x.shape);
  // full[j]: [total, ...outShape_j], rows ordered by input leaf; one forward pass per chunk.
  const full = overBasis(
    op,
    inShapes,
    opts,
    (tans) => {
      passCounter.forward++;
      const r = jvpCore(p.run, p.flatIn.leaves, tans);
      return r.tangents.map((t, j) => t ?? zeros(r.primals[j].shape));
    },
    true,
  );
  const blocks = full.map((fj) => {
    const outShape = fj instanceof SparseBatch ? fj.shape : fj.shape.slice(1);
    let offset = 0;
    return inShapes.map((shape) => {
      const n = sizeOf(shape);
      // A structured batch is scattered straight into the transposed layout.
      const rows =
        fj instanceof SparseBatch ? denseColumns(fj, offset, n) : moveAxis(narrow(fj, 0, offset, n), 0, -1);
      offset += n;
      return reshape(rows, [...outShape, ...shape]);
    });
  });
  return assemble(p, blocks);
}

/**
 * The Jacobian of f by forward mode: ONE forward pass batched over one-hot tangents (one per input
 * element). Shape: output shape ++ input shape.
 * @example
 * ```ts
 * jacfwd((x: Tensor) => x.sin())(tensor([0, 1])); // [[1, 0], [0, cos 1]]
 * ```
 */
export function jacfwd<A extends unknown[]>(
  f: (...args: A) => Tensor,
  opts?: JacOptions & { argnums?: number },
): (...args: A) => Tensor;
/** jacfwd for trees: the output structure with each leaf replaced by the input structure of Jacobian blocks. */
export function jacfwd<A extends unknown[]>(
  f: (...args: A) => unknown,
  opts?: JacOptions,
): (...args: A) => unknown;
export function jacfwd(f: AnyFn, opts: JacOptions = {}): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => forwardJacobian("jacfwd", prepare("jacfwd", f, args, opts.argnums), opts);
}

/** Options of {@link jacobian}. */
export interface JacobianOptions {
  /** "reverse" (jacrev), "forward" (jacfwd), or "auto": forward when the input is smaller than the output. */
  strategy?: "auto" | "reverse" | "forward";
  /** Split the batch of tangents or cotangents into chunks of at most this many (bounds memory). */
  chunkSize?: number;
  /** Show a progress bar over the chunks. */
  progress?: boolean;
}

/**
 * The Jacobian of f at x (a tensor or an array/object of tensors), shaped output ++ input. "auto" runs
 * the forward pass once, then finishes in reverse mode unless the input is smaller than the output.
 * @example
 * ```ts
 * const f = (q: Tensor) => cat([q.mul(2), q.square().mul(4)], 0);
 * jacobian(f, tensor([1, 2])); // [[2, 0], [0, 2], [8, 0], [0, 16]], forward mode (2 inputs < 4 outputs)
 * ```
 */
export function jacobian<X>(f: (x: X) => Tensor, x: X, opts?: JacobianOptions): Tensor;
/** jacobian for trees: the output structure with each leaf replaced by the input structure of blocks. */
export function jacobian<X>(f: (x: X) => unknown, x: X, opts?: JacobianOptions): unknown;
export function jacobian(f: AnyFn, x: unknown, opts: JacobianOptions = {}): unknown {
  const strategy = opts.strategy ?? "auto";
  if (strategy !== "auto" && strategy !== "reverse" && strategy !== "forward") {
    throw new ArgumentError(
      `jacobian: strategy must be "auto", "reverse" or "forward", got ${String(strategy)}`,
    );
  }
  const jacOpts: JacOptions = { chunkSize: opts.chunkSize, progress: opts.progress };
  const p = prepare("jacobian", f, [x], 0);
  if (strategy === "forward") return forwardJacobian("jacobian", p, jacOpts);
  passCounter.forward++;
  const rec = vjpRecord(p.run, p.flatIn.leaves);
  const inSize = p.flatIn.leaves.reduce((s, t) => s + t.size, 0);
  const outSize = rec.primalsOut.reduce((s, t) => s + t.size, 0);
  if (strategy === "auto" && inSize < outSize) return forwardJacobian("jacobian", p, jacOpts);
  return reverseFromRecord("jacobian", p, rec, jacOpts);
}

/**
 * The Hessian of a scalar f (forward over reverse: jacfwd(jacrev(f))), shaped input ++ input.
 * @example
 * ```ts
 * hessian((x: Tensor) => x.pow(3).sum())(tensor([1, 2])); // [[6, 0], [0, 12]]
 * ```
 */
export function hessian<A extends unknown[]>(
  f: (...args: A) => Tensor,
  opts?: { argnums?: number },
): (...args: A) => Tensor;
export function hessian(
  f: AnyFn,
  opts: { argnums?: number | number[] } = {},
): (...args: unknown[]) => unknown {
  const inner = jacrev(f as (...a: unknown[]) => unknown, { argnums: opts.argnums });
  const outer = jacfwd(inner, { argnums: opts.argnums });
  return (...args: unknown[]) => {
    // Checked here so that errors name hessian, not the jacfwd and jacrev it is made of.
    const { list } = normArgnums(opts.argnums, args.length, "hessian");
    flattenArgs(
      list.map((i) => args[i]),
      "hessian: argument",
      list,
    );
    return outer(...args);
  };
}
