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

/**
 * Flattens `x` into tensor leaves (numbers become 0-d tensors when `numbersOk`). `what` names the value
 * in errors, e.g. "jacrev: the output of f".
 */
export function flattenTree(x: unknown, what: string, numbersOk = false): Flat {
  const leaves: Tensor[] = [];
  const build = (v: unknown, path: string): ((ls: readonly Tensor[]) => unknown) => {
    if (isTensor(v)) {
      const i = leaves.length;
      leaves.push(v);
      return (ls) => ls[i];
    }
    if (typeof v === "number" && numbersOk) {
      const i = leaves.length;
      leaves.push(new Tensor(Float64Array.of(v), []));
      return (ls) => ls[i];
    }
    if (Array.isArray(v)) {
      const parts = v.map((e, k) => build(e, `${path}[${k}]`));
      return (ls) => parts.map((p) => p(ls));
    }
    if (isPlainObject(v)) {
      const keys = Object.keys(v);
      const parts = keys.map((k) => build(v[k], `${path}.${k}`));
      return (ls) => Object.fromEntries(keys.map((k, j) => [k, parts[j](ls)]));
    }
    throw new ArgumentError(
      `${what}${path} must be a Tensor or an array/object of tensors, got ${v === null ? "null" : typeof v}`,
    );
  };
  const rebuild = build(x, "");
  return { leaves, rebuild };
}
