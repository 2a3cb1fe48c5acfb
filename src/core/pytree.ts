// Trees of tensors (a tensor, arrays and plain objects of them) flattened to leaves and rebuilt, for the
// function transforms whose inputs and outputs may be such trees.
import { Tensor, isTensor } from "../tensor.js";
import { ArgumentError } from "../errors.js";

/** A tensor, or arrays / plain objects of trees. */
export type Tree = Tensor | readonly Tree[] | { readonly [key: string]: Tree };

/** The leaves of a tree and how to put new leaves back in the same structure. */
export interface Flat {
  leaves: Tensor[];
  rebuild: (leaves: readonly Tensor[]) => unknown;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  // Works across vm contexts: a plain object's prototype is some realm's Object.prototype.
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** A value that is not a tree, for an error message: "an array of numbers [1, 2]", "a string"... */
function describeNonTree(v: unknown): string {
  if (Array.isArray(v)) {
    const shown = v.length > 6 ? `[${v.slice(0, 6).join(", ")}, ...]` : `[${v.join(", ")}]`;
    return `an array of numbers ${shown}; make it a tensor with tensor(...)`;
  }
  if (v === null) return "null";
  if (typeof v === "number") return `the number ${v} inside a tree; make it a tensor with tensor(...)`;
  return typeof v === "object" ? `an object of class ${v.constructor?.name ?? "unknown"}` : `a ${typeof v}`;
}

function isNumberArray(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === "number");
}

/** Collects the tensor leaves of `v` into `leaves` and returns how to rebuild it; `name` heads errors. */
function build(
  v: unknown,
  name: string,
  path: string,
  leaves: Tensor[],
  numberOk: boolean,
): (ls: readonly Tensor[]) => unknown {
  if (isTensor(v)) {
    const i = leaves.length;
    leaves.push(v);
    return (ls) => ls[i];
  }
  if (typeof v === "number" && numberOk) {
    const i = leaves.length;
    leaves.push(new Tensor(Float64Array.of(v), []));
    return (ls) => ls[i];
  }
  if (Array.isArray(v) && !isNumberArray(v)) {
    const parts = v.map((e, k) => build(e, name, `${path}[${k}]`, leaves, false));
    return (ls) => parts.map((p) => p(ls));
  }
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    const parts = keys.map((k) => build(v[k], name, `${path}.${k}`, leaves, false));
    return (ls) => Object.fromEntries(keys.map((k, j) => [k, parts[j](ls)]));
  }
  throw new ArgumentError(
    `${name}${path} must be a Tensor (or a tree of tensors: arrays / plain objects of them), got ${describeNonTree(v)}`,
  );
}

/**
 * Flattens `x` into tensor leaves; a number is accepted (as a 0-d tensor) only as the whole value when
 * `numberRoot`. `what` names the value in errors, e.g. "jacrev: the output of f".
 */
export function flattenTree(x: unknown, what: string, numberRoot = false): Flat {
  const leaves: Tensor[] = [];
  const rebuild = build(x, what, "", leaves, numberRoot);
  return { leaves, rebuild };
}

/**
 * Flattens a list of arguments, each a tree of tensors or a number (a 0-d tensor), into one list of leaves;
 * rebuild gives the argument list back. Errors name `what` and the argument, e.g. "jacrev: argument 0"
 * (`positions` gives the arguments' numbers when the list is a selection).
 */
export function flattenArgs(args: readonly unknown[], what: string, positions?: readonly number[]): Flat {
  const leaves: Tensor[] = [];
  const parts = args.map((a, i) => build(a, `${what} ${positions?.[i] ?? i}`, "", leaves, true));
  return { leaves, rebuild: (ls) => parts.map((p) => p(ls)) };
}

/**
 * Flattens any value into its tensor leaves (inside arrays and plain objects) and keeps everything else
 * as it is: for values that pass through a transform undifferentiated, like `hasAux`'s aux.
 */
export function flattenLoose(x: unknown): Flat {
  const leaves: Tensor[] = [];
  const walk = (v: unknown): ((ls: readonly Tensor[]) => unknown) => {
    if (isTensor(v)) {
      const i = leaves.length;
      leaves.push(v);
      return (ls) => ls[i];
    }
    if (Array.isArray(v)) {
      const parts = v.map(walk);
      return (ls) => parts.map((p) => p(ls));
    }
    if (isPlainObject(v)) {
      const keys = Object.keys(v);
      const parts = keys.map((k) => walk(v[k]));
      return (ls) => Object.fromEntries(keys.map((k, j) => [k, parts[j](ls)]));
    }
    return () => v;
  };
  const rebuild = walk(x);
  return { leaves, rebuild };
}

/**
 * f's result under `hasAux`: f must return `[output, aux]`; the aux is any value, whose tensors pass
 * through the transform undifferentiated.
 */
export function splitAux(op: string, result: unknown): [unknown, unknown] {
  if (!Array.isArray(result) || result.length !== 2) {
    const got = Array.isArray(result)
      ? `an array of ${result.length}`
      : isTensor(result)
        ? "a single tensor"
        : describeNonTree(result).split(";")[0];
    throw new ArgumentError(
      `${op}: with hasAux: true, f must return [output, aux] (an array of two), got ${got}`,
    );
  }
  return [result[0], result[1]];
}

/**
 * The structure of a tree as text, its leaves written `*`: `[*,{a:*,b:[*,*]}]`. Two trees with the same
 * spec have the same containers, in the same order, with the same keys.
 */
export function treeSpec(v: unknown): string {
  if (isTensor(v) || typeof v === "number") return "*";
  if (Array.isArray(v)) return `[${v.map(treeSpec).join(",")}]`;
  if (isPlainObject(v))
    return `{${Object.keys(v)
      .map((k) => `${k}:${treeSpec(v[k])}`)
      .join(",")}}`;
  return "?";
}

/** Throws unless `given` has the structure of `expected` (see {@link treeSpec}); `what` names `given`. */
export function checkSameStructure(
  op: string,
  what: string,
  given: unknown,
  expected: unknown,
  of: string,
): void {
  const g = treeSpec(given);
  const e = treeSpec(expected);
  if (g !== e) {
    throw new ArgumentError(
      `${op}: the structure of ${what} is ${g}, but that of ${of} is ${e} (leaves written *); they must match`,
    );
  }
}
