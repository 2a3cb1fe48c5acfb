// vmap: a function of one example becomes a function of a batch, in one batched pass (or a few chunks).
// inDims and outDims are prefix trees of the arguments and the output (a number or null applies to a
// whole subtree), as in JAX and torch.func.
import type { Tensor } from "../tensor.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { type Flat, flattenArgs, flattenTree } from "../core/pytree.js";
import { vmapCore } from "../core/vmap.js";
import { checkOptions } from "../core/options.js";
import { checkRandomness } from "../core/randomness.js";
import { type AnyFn, expandToBatch, call, chunkRanges, moveAxis } from "../core/transform-utils.js";
import { maybeProgress } from "./progress.js";
import { cat, narrow } from "../ops/shape.js";
import { normDim } from "../ops/util.js";
import { isTensor } from "../tensor.js";

/** A batch dim per leaf: a number or null (not batched) for a whole subtree, or arrays/objects of them. */
export type DimTree = number | null | readonly DimTree[] | { readonly [key: string]: DimTree };

/** Options of {@link vmap}. */
export interface VmapOptions {
  /**
   * The batch dim of the arguments: one number (or null) for all, or one entry per argument, each a
   * number, null (not batched) or a tree matching that argument's structure (per leaf). Default 0.
   */
  inDims?: DimTree;
  /**
   * Where the batch dim goes in the output: one number for all leaves, or a tree matching the output's
   * structure; null marks an output that does not depend on the batch (checked). Default 0.
   */
  outDims?: DimTree;
  /** The batch size, needed when no argument is batched; checked against the batched arguments. */
  axisSize?: number;
  /**
   * Random numbers (rand, randn) inside f: "error" (the default, as torch.func.vmap) refuses them,
   * "different" draws independently for each example, "same" draws once for the whole batch.
   */
  randomness?: "error" | "different" | "same";
  /** Run the batch in chunks of at most this many examples (bounds memory). */
  chunkSize?: number;
  /** Show a progress bar (per chunk). */
  progress?: boolean;
}

const VMAP_OPTIONS = ["inDims", "outDims", "axisSize", "randomness", "chunkSize", "progress"] as const;

function isDimLeaf(d: unknown): d is number | null {
  return d === null || typeof d === "number";
}

/**
 * The dim of each tensor leaf of `value`, read from the prefix tree `dims` (a number or null covers a
 * subtree); `path` names the value in errors.
 */
function leafDims(
  op: string,
  what: string,
  dims: unknown,
  value: unknown,
  path: string,
  out: (number | null)[],
) {
  if (isDimLeaf(dims)) {
    const count = isTensor(value)
      ? 1
      : typeof value === "number"
        ? 1
        : flattenTree(value, `${op}: ${path}`).leaves.length;
    for (let i = 0; i < count; i++) out.push(dims);
    return;
  }
  if (Array.isArray(dims)) {
    if (!Array.isArray(value) || value.length !== dims.length) {
      throw new ArgumentError(
        `${op}: ${what} for ${path} is an array of ${dims.length}, but ${path} is ${Array.isArray(value) ? `an array of ${value.length}` : "not an array"}`,
      );
    }
    dims.forEach((d, k) => leafDims(op, what, d, value[k], `${path}[${k}]`, out));
    return;
  }
  if (typeof dims === "object" && dims !== null) {
    const keys = Object.keys(dims as object);
    const v = value as Record<string, unknown>;
    const valueKeys = typeof value === "object" && value !== null && !isTensor(value) ? Object.keys(v) : null;
    if (valueKeys === null || valueKeys.length !== keys.length || keys.some((k) => !valueKeys.includes(k))) {
      throw new ArgumentError(
        `${op}: ${what} for ${path} has keys ${keys.join(", ")}, but ${path} ${valueKeys === null ? "is not an object" : `has keys ${valueKeys.join(", ")}`}`,
      );
    }
    // Leaves in the value's key order, which is the order flattenTree visits them.
    valueKeys.forEach((k) =>
      leafDims(op, what, (dims as Record<string, unknown>)[k], v[k], `${path}.${k}`, out),
    );
    return;
  }
  throw new ArgumentError(
    `${op}: ${what} for ${path} must be a number, null, or an array/object of them, got ${typeof dims}`,
  );
}

/** Leaf paths (for errors): "argument 0", "argument 1.b[0]"... in flattening order. */
function leafPaths(args: readonly unknown[]): string[] {
  const paths: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (isTensor(v) || typeof v === "number") paths.push(path);
    else if (Array.isArray(v)) v.forEach((e, k) => walk(e, `${path}[${k}]`));
    else if (typeof v === "object" && v !== null)
      for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], `${path}.${k}`);
  };
  args.forEach((a, i) => walk(a, `argument ${i}`));
  return paths;
}

/** The batch size shared by the batched leaves, or an error listing each leaf with its size. */
function batchSize(
  leaves: readonly Tensor[],
  dims: readonly (number | null)[],
  args: readonly unknown[],
  axisSize: number | undefined,
): number {
  if (axisSize !== undefined && (!Number.isInteger(axisSize) || axisSize < 0)) {
    throw new ArgumentError(`vmap: axisSize must be a non-negative integer, got ${axisSize}`);
  }
  let size = axisSize ?? -1;
  let consistent = true;
  leaves.forEach((leaf, k) => {
    const d = dims[k];
    if (d === null) return;
    const n = leaf.shape[normDim(d, leaf.ndim, "vmap", leaf.shape)];
    if (size >= 0 && n !== size) consistent = false;
    if (size < 0) size = n;
  });
  if (!consistent) {
    // Only now are the leaves' paths worth computing: every batched leaf with its size.
    const paths = leafPaths(args);
    const parts = leaves.flatMap((leaf, k) => {
      const d = dims[k];
      if (d === null) return [];
      const n = leaf.shape[normDim(d, leaf.ndim, "vmap", leaf.shape)];
      return [`${paths[k]} (shape ${fmtShape(leaf.shape)}, inDim ${d}) has ${n}`];
    });
    if (axisSize !== undefined) parts.push(`axisSize is ${axisSize}`);
    throw new ShapeError(`vmap: inconsistent batch sizes: ${parts.join("; ")}`);
  }
  if (size < 0) {
    throw new ArgumentError(
      "vmap: no argument is batched (every inDim is null); pass axisSize to give the batch size",
    );
  }
  return size;
}

/**
 * Vectorises f over a batch dim of its arguments: `vmap(f)(X)` equals stacking `f(x)` over the rows of X,
 * computed in one batched pass. Arguments may be tensors or arrays/objects of tensors; `inDims` and
 * `outDims` choose the batch dims per argument and per output leaf (null: not batched), nested vmaps may
 * use different dims.
 * @example
 * ```ts
 * vmap((row: Tensor) => row.sum())(tensor([[1, 2], [3, 4]])); // [3, 7]
 * vmap(jacrev(f))(batch); // one Jacobian per row of batch, in one pass
 * ```
 */
export function vmap<A extends unknown[], R>(f: (...args: A) => R, opts?: VmapOptions): (...args: A) => R;
export function vmap(f: AnyFn, opts?: VmapOptions): (...args: unknown[]) => unknown {
  const o = checkOptions("vmap", opts, VMAP_OPTIONS);
  const randomness = checkRandomness("vmap", o.randomness);
  return (...args: unknown[]) => {
    const given = o.inDims === undefined ? 0 : o.inDims;
    if (!isDimLeaf(given) && (!Array.isArray(given) || given.length !== args.length)) {
      throw new ArgumentError(
        `vmap: inDims must be a number, null, or one entry per argument; got ${Array.isArray(given) ? `${given.length} entries` : "an object"} for ${args.length} argument(s)`,
      );
    }
    const flatIn = flattenArgs(args, "vmap: argument");
    const dims: (number | null)[] = [];
    args.forEach((a, i) =>
      leafDims(
        "vmap",
        "inDims",
        isDimLeaf(given) ? given : (given as DimTree[])[i],
        a,
        `argument ${i}`,
        dims,
      ),
    );
    const size = batchSize(flatIn.leaves, dims, args, o.axisSize);
    const leaves = flatIn.leaves.map((leaf, k) => {
      const d = dims[k];
      return d === null ? leaf : moveAxis(leaf, normDim(d, leaf.ndim, "vmap", leaf.shape), 0);
    });
    const batched = dims.map((d) => d !== null);
    let flatOut: Flat | undefined;
    let result: unknown;
    const run = (ins: Tensor[]): Tensor[] => {
      result = call(f, flatIn.rebuild(ins) as unknown[]);
      flatOut = flattenTree(result, "vmap: the output of f");
      return flatOut.leaves;
    };
    // Unbatched outputs come back as they are (marked), so that outDims null can keep them so.
    const unbatched = new Set<Tensor>();
    const keep = (t: Tensor): Tensor => {
      unbatched.add(t);
      return t;
    };
    const ranges = chunkRanges(size, o.chunkSize, "vmap");
    const bar = maybeProgress(o.progress && ranges.length > 1, size, "vmap");
    const parts: Tensor[][] = [];
    for (const [start, count] of ranges) {
      const ins =
        ranges.length === 1 ? leaves : leaves.map((l, k) => (batched[k] ? narrow(l, 0, start, count) : l));
      parts.push(vmapCore(run, ins, batched, count, keep, randomness));
      bar.tick(count);
    }
    bar.done();
    const outDims: (number | null)[] = [];
    leafDims("vmap", "outDims", o.outDims === undefined ? 0 : o.outDims, result, "the output", outDims);
    const outs = parts[0].map((first, j) => {
      const isUnbatched = parts.every((p) => unbatched.has(p[j]));
      const d = outDims[j];
      if (d === null) {
        if (!isUnbatched) {
          throw new ArgumentError(
            `vmap: outDims is null for output leaf ${j} (shape ${fmtShape(first.shape.slice(1))}), but it depends on the batched arguments`,
          );
        }
        return first;
      }
      const full =
        parts.length === 1
          ? isUnbatched
            ? expandToBatch(first, size)
            : first
          : cat(
              parts.map((p, c) => (unbatched.has(p[j]) ? expandToBatch(p[j], ranges[c][1]) : p[j])),
              0,
            );
      return d === 0 ? full : moveAxis(full, 0, normDim(d, full.ndim, "vmap", full.shape));
    });
    return (flatOut as Flat).rebuild(outs);
  };
}
