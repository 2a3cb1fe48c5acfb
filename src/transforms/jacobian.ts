// Whole Jacobians in one call: jacrev (one forward pass + ONE batched backward pass), jacfwd (ONE batched
// forward pass), jacobian (picks one), hessian (forward over reverse).
import type { Tensor } from "../tensor.js";
import { ArgumentError } from "../errors.js";
import { type Flat, flattenArgs } from "../core/pytree.js";
import { FnOutputs } from "../core/fn-outputs.js";
import { boolOption, checkOptions } from "../core/options.js";
import { linearizeCore } from "../core/linear-program.js";
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
  /** f returns `[output, aux]`: differentiate the output, return `[jacobian, aux]`. */
  hasAux?: boolean;
}

interface Prepared {
  flatIn: Flat;
  single: boolean;
  run: (ins: Tensor[]) => Tensor[];
  outputs: FnOutputs;
}

function prepare(
  op: string,
  f: AnyFn,
  args: unknown[],
  argnums: JacOptions["argnums"],
  hasAux = false,
): Prepared {
  const { list, single } = normArgnums(argnums, args.length, op);
  const flatIn = flattenArgs(
    list.map((i) => args[i]),
    `${op}: argument`,
    list,
  );
  const outputs = new FnOutputs(op, hasAux);
  const run = (ins: Tensor[]): Tensor[] =>
    outputs.leaves(call(f, withArgs(args, list, flatIn.rebuild(ins) as unknown[])));
  return { flatIn, single, run, outputs };
}

/** Jacobian blocks J[j][i] (output leaf j, input leaf i) assembled into the output/input structures. */
function assemble(p: Prepared, blocks: Tensor[][]): unknown {
  const perOut = blocks.map((row) => {
    const ins = p.flatIn.rebuild(row) as unknown[];
    return p.single ? ins[0] : ins;
  });
  return p.outputs.flat.rebuild(perOut as Tensor[]);
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

/**
 * Jacobian blocks from pulling a one-hot basis of cotangents (one per output element) back with `pull`,
 * which returns one value per input leaf.
 */
function reverseJacobian(
  op: string,
  p: Prepared,
  outShapes: number[][],
  opts: JacOptions,
  pull: (cts: Tensor[]) => Tensor[],
): unknown {
  // full[i]: [total, ...inShape_i], rows ordered by output leaf.
  const full = overBasis(op, outShapes, opts, pull);
  let offset = 0;
  const blocks = outShapes.map((shape) => {
    const m = sizeOf(shape);
    const row = full.map((f, i) => reshape(narrow(f, 0, offset, m), [...shape, ...p.flatIn.leaves[i].shape]));
    offset += m;
    return row;
  });
  return assemble(p, blocks);
}

function fromRecord(op: string, p: Prepared, rec: VjpRecord, opts: JacOptions): unknown {
  const outShapes = p.outputs.outputs(rec.primalsOut).map((o) => o.shape);
  return reverseJacobian(op, p, outShapes, opts, (cts) => pullback(rec, cts));
}

/** The result of a Jacobian transform: the Jacobian, or `[jacobian, aux]` under hasAux. */
function withAux(p: Prepared, jac: unknown, auxLeaves: readonly Tensor[]): unknown {
  return p.outputs.hasAux ? [jac, p.outputs.rebuildAux(auxLeaves)] : jac;
}

const JAC_OPTIONS = ["argnums", "chunkSize", "progress", "hasAux"] as const;

/**
 * The Jacobian of f by reverse mode: one forward pass, then ONE backward pass carrying a batch of one-hot
 * cotangents (one per output element). Shape: output shape ++ input shape. With `hasAux: true`, f returns
 * `[output, aux]` and jacrev returns `[jacobian, aux]`.
 * @example
 * ```ts
 * jacrev((x: Tensor) => x.square())(tensor([1, 2])); // [[2, 0], [0, 4]]
 * ```
 */
export function jacrev<A extends unknown[], Aux>(
  f: (...args: A) => [Tensor, Aux],
  opts: JacOptions & { argnums?: number; hasAux: true },
): (...args: A) => [Tensor, Aux];
/** jacrev with an aux, for trees: `[jacobian tree, aux]`. */
export function jacrev<A extends unknown[], Aux>(
  f: (...args: A) => [unknown, Aux],
  opts: JacOptions & { hasAux: true },
): (...args: A) => [unknown, Aux];
/**
 * The Jacobian of f by reverse mode: one forward pass, then ONE backward pass carrying a batch of one-hot
 * cotangents (one per output element). Shape: output shape ++ input shape.
 */
export function jacrev<A extends unknown[]>(
  f: (...args: A) => Tensor,
  opts?: JacOptions & { argnums?: number; hasAux?: false },
): (...args: A) => Tensor;
/** jacrev for trees: the output structure with each leaf replaced by the input structure of Jacobian blocks. */
export function jacrev<A extends unknown[]>(
  f: (...args: A) => unknown,
  opts?: JacOptions & { hasAux?: false },
): (...args: A) => unknown;
export function jacrev(f: AnyFn, opts?: JacOptions): (...args: unknown[]) => unknown {
  const o = checkOptions("jacrev", opts, JAC_OPTIONS);
  const hasAux = boolOption("jacrev", "hasAux", o.hasAux);
  return (...args: unknown[]) => {
    const p = prepare("jacrev", f, args, o.argnums, hasAux);
    passCounter.forward++;
    const rec = vjpRecord(p.run, p.flatIn.leaves);
    return withAux(p, fromRecord("jacrev", p, rec, o), rec.primalsOut);
  };
}

/**
 * Jacobian blocks from pushing a one-hot basis of tangents (one per input element) forward with `push`,
 * which returns one tangent per output leaf.
 */
function forwardJacobian(
  op: string,
  p: Prepared,
  opts: JacOptions,
  push: (tans: Tensor[]) => Tensor[],
): unknown {
  const inShapes = p.flatIn.leaves.map((x) => x.shape);
  // full[j]: [total, ...outShape_j], rows ordered by input leaf; structured where the seeds stayed so.
  const full = overBasis(op, inShapes, opts, push, true);
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

/** jacfwd's push: one forward pass per chunk of tangents; the aux (primal) leaves are kept aside. */
function jvpPush(p: Prepared, auxOut: { leaves: Tensor[] }): (tans: Tensor[]) => Tensor[] {
  return (tans) => {
    passCounter.forward++;
    const r = jvpCore(p.run, p.flatIn.leaves, tans);
    auxOut.leaves = r.primals;
    return p.outputs.outputs(r.tangents).map((t, j) => t ?? zeros(r.primals[j].shape));
  };
}

/**
 * The Jacobian of f by forward mode: ONE forward pass batched over one-hot tangents (one per input
 * element). Shape: output shape ++ input shape. With `hasAux: true`, f returns `[output, aux]` and
 * jacfwd returns `[jacobian, aux]`.
 * @example
 * ```ts
 * jacfwd((x: Tensor) => x.sin())(tensor([0, 1])); // [[1, 0], [0, cos 1]]
 * ```
 */
export function jacfwd<A extends unknown[], Aux>(
  f: (...args: A) => [Tensor, Aux],
  opts: JacOptions & { argnums?: number; hasAux: true },
): (...args: A) => [Tensor, Aux];
/** jacfwd with an aux, for trees: `[jacobian tree, aux]`. */
export function jacfwd<A extends unknown[], Aux>(
  f: (...args: A) => [unknown, Aux],
  opts: JacOptions & { hasAux: true },
): (...args: A) => [unknown, Aux];
/**
 * The Jacobian of f by forward mode: ONE forward pass batched over one-hot tangents (one per input
 * element). Shape: output shape ++ input shape.
 */
export function jacfwd<A extends unknown[]>(
  f: (...args: A) => Tensor,
  opts?: JacOptions & { argnums?: number; hasAux?: false },
): (...args: A) => Tensor;
/** jacfwd for trees: the output structure with each leaf replaced by the input structure of Jacobian blocks. */
export function jacfwd<A extends unknown[]>(
  f: (...args: A) => unknown,
  opts?: JacOptions & { hasAux?: false },
): (...args: A) => unknown;
export function jacfwd(f: AnyFn, opts?: JacOptions): (...args: unknown[]) => unknown {
  const o = checkOptions("jacfwd", opts, JAC_OPTIONS);
  const hasAux = boolOption("jacfwd", "hasAux", o.hasAux);
  return (...args: unknown[]) => {
    const p = prepare("jacfwd", f, args, o.argnums, hasAux);
    const aux = { leaves: [] as Tensor[] };
    return withAux(p, forwardJacobian("jacfwd", p, o, jvpPush(p, aux)), aux.leaves);
  };
}

/** How {@link jacobian} computes: reverse mode, forward mode, or chosen after one forward pass. */
export type JacobianStrategy = "auto" | "reverse" | "forward" | "reverse-mode" | "forward-mode";

/** Options of {@link jacobian}. */
export interface JacobianOptions {
  /**
   * "reverse" (as jacrev), "forward" (as jacfwd), or "auto" (the default): ONE forward pass that records
   * f's linearisation, then the Jacobian from that record by forward mode when the input is smaller than
   * the output, else by reverse mode (the record transposed), never running f again. "reverse-mode" and
   * "forward-mode" (torch.autograd.functional's spellings) are aliases.
   */
  strategy?: JacobianStrategy;
  /** Split the batch of tangents or cotangents into chunks of at most this many (bounds memory). */
  chunkSize?: number;
  /** Show a progress bar over the chunks. */
  progress?: boolean;
}

const STRATEGIES: Record<JacobianStrategy, "auto" | "reverse" | "forward"> = {
  auto: "auto",
  reverse: "reverse",
  forward: "forward",
  "reverse-mode": "reverse",
  "forward-mode": "forward",
};

/**
 * The Jacobian of f at x (a tensor or an array/object of tensors), shaped output ++ input. With the
 * default strategy "auto" it costs exactly one forward pass of f in either mode (see
 * {@link JacobianOptions.strategy}).
 * @example
 * ```ts
 * const f = (q: Tensor) => cat([q.mul(2), q.square().mul(4)], 0);
 * jacobian(f, tensor([1, 2])); // [[2, 0], [0, 2], [8, 0], [0, 16]], forward mode (2 inputs < 4 outputs)
 * ```
 */
export function jacobian<X>(f: (x: X) => Tensor, x: X, opts?: JacobianOptions): Tensor;
/** jacobian for trees: the output structure with each leaf replaced by the input structure of blocks. */
export function jacobian<X>(f: (x: X) => unknown, x: X, opts?: JacobianOptions): unknown;
export function jacobian(f: AnyFn, x: unknown, opts?: JacobianOptions): unknown {
  const o = checkOptions("jacobian", opts, ["strategy", "chunkSize", "progress"]);
  const given = o.strategy ?? "auto";
  const strategy = Object.hasOwn(STRATEGIES, given) ? STRATEGIES[given] : undefined;
  if (strategy === undefined) {
    throw new ArgumentError(
      `jacobian: strategy must be one of ${Object.keys(STRATEGIES)
        .map((k) => `"${k}"`)
        .join(", ")}, got ${JSON.stringify(given)}`,
    );
  }
  const jacOpts: JacOptions = { chunkSize: o.chunkSize, progress: o.progress };
  const p = prepare("jacobian", f, [x], 0);
  if (strategy === "forward") {
    return forwardJacobian("jacobian", p, jacOpts, jvpPush(p, { leaves: [] }));
  }
  passCounter.forward++;
  if (strategy === "reverse") return fromRecord("jacobian", p, vjpRecord(p.run, p.flatIn.leaves), jacOpts);
  const { primalsOut, program } = linearizeCore("jacobian", p.run, p.flatIn.leaves);
  const inSize = p.flatIn.leaves.reduce((s, t) => s + t.size, 0);
  const outSize = primalsOut.reduce((s, t) => s + t.size, 0);
  if (inSize < outSize) return forwardJacobian("jacobian", p, jacOpts, (tans) => program.evaluate(tans));
  return reverseJacobian(
    "jacobian",
    p,
    primalsOut.map((t) => t.shape),
    jacOpts,
    (cts) => {
      passCounter.backward++;
      return program.transpose(cts);
    },
  );
}

/** Options of {@link hessian}. */
export interface HessianOptions {
  /** Which argument(s) to differentiate (default 0); several give the blocks H[i][j]. */
  argnums?: number | number[];
  /** f returns `[output, aux]`: hessian returns `[hessian, aux]`. */
  hasAux?: boolean;
  /** Chunks of the basis in both passes (bounds memory). */
  chunkSize?: number;
}

/**
 * The Hessian of a scalar f (forward over reverse: jacfwd(jacrev(f))), shaped input ++ input; with several
 * argnums, the blocks `H[i][j]` = d²f / (d arg_i d arg_j); with `hasAux: true`, `[hessian, aux]`.
 * @example
 * ```ts
 * hessian((x: Tensor) => x.pow(3).sum())(tensor([1, 2])); // [[6, 0], [0, 12]]
 * ```
 */
export function hessian<A extends unknown[], Aux>(
  f: (...args: A) => [Tensor, Aux],
  opts: { argnums?: number; hasAux: true; chunkSize?: number },
): (...args: A) => [Tensor, Aux];
/** hessian with several argnums and an aux: `[blocks H[i][j], aux]`. */
export function hessian<A extends unknown[], Aux>(
  f: (...args: A) => [Tensor, Aux],
  opts: { argnums: number[]; hasAux: true; chunkSize?: number },
): (...args: A) => [Tensor[][], Aux];
/** The Hessian of a scalar f with respect to argument `argnums` (default 0), shaped input ++ input. */
export function hessian<A extends unknown[]>(
  f: (...args: A) => Tensor,
  opts?: { argnums?: number; hasAux?: false; chunkSize?: number },
): (...args: A) => Tensor;
/** The Hessian blocks `H[i][j]` = d²f / (d arg_i d arg_j) for the arguments listed in `argnums`. */
export function hessian<A extends unknown[]>(
  f: (...args: A) => Tensor,
  opts: { argnums: number[]; hasAux?: false; chunkSize?: number },
): (...args: A) => Tensor[][];
export function hessian(f: AnyFn, opts?: HessianOptions): (...args: unknown[]) => unknown {
  const o = checkOptions("hessian", opts, ["argnums", "hasAux", "chunkSize"]);
  const hasAux = boolOption("hessian", "hasAux", o.hasAux);
  const inner = jacrev(f as (...a: unknown[]) => unknown, {
    argnums: o.argnums,
    chunkSize: o.chunkSize,
    hasAux: hasAux as false,
  });
  const outer = jacfwd(inner, { argnums: o.argnums, chunkSize: o.chunkSize, hasAux: hasAux as false });
  return (...args: unknown[]) => {
    // Checked here so that errors name hessian, not the jacfwd and jacrev it is made of.
    const { list } = normArgnums(o.argnums, args.length, "hessian");
    flattenArgs(
      list.map((i) => args[i]),
      "hessian: argument",
      list,
    );
    return outer(...args);
  };
}
