// linearize (one forward pass, then tangents pushed through the recorded linear map) and linearTranspose
// (the transpose of a linear function), as JAX's jax.linearize and jax.linear_transpose.
import { Tensor } from "../tensor.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { type Flat, checkSameStructure, flattenArgs, flattenTree } from "../core/pytree.js";
import { type LinearProgram, linearizeCore, stageLinear } from "../core/linear-program.js";
import { passCounter } from "../core/trace.js";
import { type AnyFn, call } from "../core/transform-utils.js";
import { sameShape } from "../ops/util.js";

function checkShapes(op: string, what: string, given: Flat, shapes: readonly number[][]): Tensor[] {
  if (given.leaves.length !== shapes.length) {
    throw new ArgumentError(`${op}: ${what} has ${given.leaves.length} tensors, expected ${shapes.length}`);
  }
  given.leaves.forEach((t, i) => {
    if (!sameShape(t.shape, shapes[i])) {
      throw new ShapeError(
        `${op}: ${what} leaf ${i} has shape ${fmtShape(t.shape)}, expected ${fmtShape(shapes[i])}`,
      );
    }
  });
  return given.leaves;
}

/**
 * Evaluates f once at `primals` and records its linearisation: returns `[out, jvpFn]`, where
 * `jvpFn(...tangents)` gives the directional derivative of f at the primals along the tangents (shaped
 * like the primals) by pushing them through the recorded linear map, without running f again. jvpFn may
 * be called many times, and under vmap (a batch of tangents in one call).
 *
 * @example
 * ```ts
 * const [y, push] = linearize((x: Tensor) => x.sin().mul(x), tensor([1, 2]));
 * push(tensor([1, 0])); // the first column of the Jacobian
 * ```
 */
export function linearize<A extends unknown[], R>(
  f: (...args: A) => R,
  ...primals: A
): [R, (...tangents: A) => R];
export function linearize(f: AnyFn, ...primals: unknown[]): [unknown, (...tangents: unknown[]) => unknown] {
  const flatIn = flattenArgs(primals, "linearize: primal");
  let flatOut: Flat | undefined;
  passCounter.forward++;
  const { primalsOut, program } = linearizeCore(
    "linearize",
    (ins) => {
      flatOut = flattenTree(call(f, flatIn.rebuild(ins) as unknown[]), "linearize: the output of f");
      return flatOut.leaves;
    },
    flatIn.leaves,
  );
  const out = flatOut as Flat;
  const jvpFn = (...tangents: unknown[]): unknown => {
    const given = flattenArgs(tangents, "linearize: tangent");
    checkSameStructure("linearize", "the tangents", tangents, primals, "the primals");
    return out.rebuild(program.evaluate(checkShapes("linearize", "the tangents", given, program.inShapes)));
  };
  return [out.rebuild(primalsOut), jvpFn];
}

/**
 * The transpose of a linear function f (JAX's linear_transpose): `primals` only give the shapes and
 * structure of f's arguments. The result maps a cotangent shaped like f's output to one cotangent per
 * argument (an array), in one reverse sweep; f is recorded once, and an error names the first operation
 * that is not linear in f's arguments.
 *
 * @example
 * ```ts
 * const A = tensor([[1, 2], [3, 4]]);
 * const t = linearTranspose((x: Tensor) => A.matmul(x), zeros([2]));
 * t(tensor([1, 0]))[0]; // the first row of A
 * ```
 */
export function linearTranspose<A extends unknown[], R>(f: (...args: A) => R, ...primals: A): (ct: R) => A;
export function linearTranspose(f: AnyFn, ...primals: unknown[]): (ct: unknown) => unknown[] {
  const flatIn = flattenArgs(primals, "linearTranspose: primal");
  let flatOut: Flat | undefined;
  const program: LinearProgram = stageLinear(
    "linearTranspose",
    flatIn.leaves.map((t) => t.shape),
    (ins) => {
      flatOut = flattenTree(call(f, flatIn.rebuild(ins) as unknown[]), "linearTranspose: the output of f");
      return { values: flatOut.leaves, shapes: flatOut.leaves.map((t) => t.shape) };
    },
  );
  const outTree = (flatOut as Flat).rebuild(program.outShapes.map((s) => new Tensor(null, [...s])));
  return (ct: unknown): unknown[] => {
    const given = flattenTree(ct, "linearTranspose: the cotangent", true);
    checkSameStructure("linearTranspose", "the cotangent", ct, outTree, "the output of f");
    const cts = checkShapes("linearTranspose", "the cotangent", given, program.outShapes);
    passCounter.backward++;
    return flatIn.rebuild(program.transpose(cts)) as unknown[];
  };
}
