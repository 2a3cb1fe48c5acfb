// The pieces the custom-derivative front ends share: the output layout of a custom function (its tree,
// packed into CustomCall's one output and unpacked again), argument cotangents flattened to input leaves,
// and the derived rules (a JVP from transposing a VJP, a VJP from transposing a JVP).
import type { Tensor } from "../tensor.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { type Flat, flattenTree } from "./pytree.js";
import { packOutputs, unpackOutputs } from "./custom-call.js";
import { stageLinear } from "./linear-program.js";
import { sizeOf } from "./kernels.js";
import { sameShape } from "../ops/util.js";

/** The output structure of a custom function, learnt when it first runs and checked on later runs. */
export class OutputLayout {
  private flat: Flat | undefined;
  private shapes: number[][] = [];

  constructor(private readonly name: string) {}

  /** Flattens an output tree (of f, fwd or a JVP rule) into the packed 1-D output. */
  pack(tree: unknown, what = "the output of f"): Tensor {
    const flat = flattenTree(tree, `${this.name}: ${what}`);
    const shapes = flat.leaves.map((t) => [...t.shape]);
    if (this.flat === undefined) {
      if (shapes.length === 0) throw new ArgumentError(`${this.name}: ${what} holds no tensor`);
      this.flat = flat;
      this.shapes = shapes;
    } else if (shapes.length !== this.shapes.length || shapes.some((s, i) => !sameShape(s, this.shapes[i]))) {
      throw new ShapeError(
        `${this.name}: ${what} has leaves of shapes ${shapes.map(fmtShape).join(", ")}, but f's output has ${this.shapes.map(fmtShape).join(", ")}`,
      );
    }
    return packOutputs(flat.leaves);
  }

  /** The packed size (elements of all output leaves). */
  get total(): number {
    return this.shapes.reduce((s, shape) => s + sizeOf(shape), 0);
  }

  /** The output tree back from a packed value (an output, a tangent or a cotangent). */
  unpack(packed: Tensor): unknown {
    if (this.flat === undefined) throw new ArgumentError(`${this.name}: f has not run yet`);
    return this.flat.rebuild(unpackOutputs(packed, this.shapes));
  }
}

/**
 * Flattens per-argument cotangents (one entry per argument: a tree like it, or null for zero) into one
 * cotangent (or null) per input leaf; `leafCounts[i]` is argument i's number of leaves.
 */
export function argCotangents(
  name: string,
  what: string,
  cts: unknown,
  leafCounts: readonly number[],
): (Tensor | null)[] {
  const list = leafCounts.length === 1 && !Array.isArray(cts) ? [cts] : cts;
  if (!Array.isArray(list) || list.length !== leafCounts.length) {
    throw new ArgumentError(
      `${name}: ${what} must return one cotangent per argument (${leafCounts.length}; null for a zero one), got ${Array.isArray(list) ? list.length : typeof list}`,
    );
  }
  return list.flatMap((ct: unknown, i) => {
    if (ct === null || ct === undefined) return new Array<null>(leafCounts[i]).fill(null);
    const leaves = flattenTree(ct, `${name}: ${what}'s cotangent for argument ${i}`, true).leaves;
    if (leaves.length !== leafCounts[i]) {
      throw new ArgumentError(
        `${name}: ${what}'s cotangent for argument ${i} has ${leaves.length} tensors, the argument has ${leafCounts[i]}`,
      );
    }
    return leaves;
  });
}

/**
 * A JVP derived from a VJP: `vjp(ct)` is linear in the packed output cotangent ct, so its transpose maps
 * input tangents to the output tangent. `vjp` is recorded once on a stand-in and transposed.
 */
export function jvpFromVjp(
  name: string,
  total: number,
  inputs: readonly Tensor[],
  tangents: readonly Tensor[],
  vjp: (ct: Tensor) => (Tensor | null)[],
): Tensor {
  const program = stageLinear(
    `${name}: the JVP derived from the backward rule`,
    [[total]],
    ([ct]) => ({ values: vjp(ct), shapes: inputs.map((x) => x.shape) }),
    "the backward rule is not linear in its cotangent",
  );
  return program.transpose(tangents)[0];
}

/**
 * A VJP derived from a JVP: `jvp(tangents)` is linear in the tangents, so its transpose maps the packed
 * output cotangent to one cotangent per input. `jvp` is recorded once on stand-ins and transposed.
 */
export function vjpFromJvp(
  name: string,
  inputs: readonly Tensor[],
  ct: Tensor,
  jvp: (tangents: Tensor[]) => Tensor,
): Tensor[] {
  const program = stageLinear(
    `${name}: the VJP derived from the JVP rule`,
    inputs.map((x) => x.shape),
    (tangents) => ({ values: [jvp(tangents)], shapes: [ct.shape] }),
    "the JVP rule is not linear in its tangents",
  );
  return program.transpose([ct]);
}
