// vmap: a function of one example becomes a function of a batch, in one batched pass (or a few chunks).
import type { Tensor } from "../tensor.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { type Flat, flattenArgs, flattenTree } from "../core/pytree.js";
import { vmapCore } from "../core/vmap.js";
import { type AnyFn, expandToBatch, call, chunkRanges, moveAxis } from "../core/transform-utils.js";
import { maybeProgress } from "./progress.js";
import { cat, narrow } from "../ops/shape.js";
import { normDim } from "../ops/util.js";

/** Options of {@link vmap}. */
export interface VmapOptions {
  /** The batch dim of each argument (null: not batched); one number applies to all. Default 0. */
  inDims?: number | null | (number | null)[];
  /** Where the batch dim goes in each output (one number applies to all). Default 0. */
  outDims?: number | number[];
  /** Run the batch in chunks of at most this many examples (bounds memory). */
  chunkSize?: number;
  /** Show a progress bar (per chunk). */
  progress?: boolean;
}

/**
 * Vectorises f over a batch dim of its arguments: `vmap(f)(X)` equals stacking `f(x)` over the rows of X,
 * computed in one batched pass. Arguments may be tensors or arrays/objects of tensors.
 * @example
 * ```ts
 * vmap((row: Tensor) => row.sum())(tensor([[1, 2], [3, 4]])); // [3, 7]
 * vmap(jacrev(f))(batch); // one Jacobian per row of batch, in one pass
 * ```
 */
export function vmap<A extends unknown[], R>(f: (...args: A) => R, opts?: VmapOptions): (...args: A) => R;
export function vmap(f: AnyFn, opts: VmapOptions = {}): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const given = opts.inDims;
    const inDims: (number | null)[] = Array.isArray(given)
      ? given
      : args.map(() => (given === undefined ? 0 : given));
    if (inDims.length !== args.length) {
      throw new ArgumentError(`vmap: inDims has ${inDims.length} entries for ${args.length} arguments`);
    }
    const flatIn = flattenArgs(args, "vmap: argument");
    // The in-dim of each leaf is its argument's.
    const leafDims: (number | null)[] = [];
    args.forEach((a, i) =>
      flattenArgs([a], "vmap: argument", [i]).leaves.forEach(() => leafDims.push(inDims[i] ?? null)),
    );
    let size = -1;
    const leaves = flatIn.leaves.map((leaf, k) => {
      const d = leafDims[k];
      if (d === null) return leaf;
      const axis = normDim(d, leaf.ndim, "vmap", leaf.shape);
      if (size >= 0 && leaf.shape[axis] !== size) {
        throw new ShapeError(
          `vmap: inconsistent batch sizes: ${size} and ${leaf.shape[axis]} (an argument of shape ${fmtShape(leaf.shape)}, in-dim ${d})`,
        );
      }
      size = leaf.shape[axis];
      return moveAxis(leaf, axis, 0);
    });
    if (size < 0) throw new ArgumentError("vmap: no argument is batched (every in-dim is null)");
    const batched = leafDims.map((d) => d !== null);
    let flatOut: Flat | undefined;
    const run = (ins: Tensor[]): Tensor[] => {
      flatOut = flattenTree(call(f, flatIn.rebuild(ins) as unknown[]), "vmap: the output of f");
      return flatOut.leaves;
    };
    const ranges = chunkRanges(size, opts.chunkSize, "vmap");
    const bar = maybeProgress(opts.progress && ranges.length > 1, size, "vmap");
    const parts: Tensor[][] = [];
    for (const [start, count] of ranges) {
      const ins =
        ranges.length === 1 ? leaves : leaves.map((l, k) => (batched[k] ? narrow(l, 0, start, count) : l));
      parts.push(vmapCore(run, ins, batched, count, expandToBatch));
      bar.tick(count);
    }
    bar.done();
    const outs = parts[0].map((_, j) =>
      parts.length === 1
        ? parts[0][j]
        : cat(
            parts.map((p) => p[j]),
            0,
          ),
    );
    const givenOut = opts.outDims;
    const outDims: number[] = Array.isArray(givenOut) ? givenOut : outs.map(() => givenOut ?? 0);
    const moved = outs.map((o, j) =>
      outDims[j] === 0 ? o : moveAxis(o, 0, normDim(outDims[j] ?? 0, o.ndim, "vmap", o.shape)),
    );
    return (flatOut as Flat).rebuild(moved);
  };
}
