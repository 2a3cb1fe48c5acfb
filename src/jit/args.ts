// Arguments and results of a jitted function: tensors are traced leaves, everything else (numbers,
// strings, booleans, null, functions...) is static, part of the cache key and passed through unchanged.
import { type Tensor, isTensor } from "../tensor.js";
import { fmtShape } from "../errors.js";

/** Tensor leaves of a value, a key for its structure and static parts, and how to rebuild it. */
export interface JitFlat {
  leaves: Tensor[];
  key: string;
  rebuild: (leaves: readonly Tensor[]) => unknown;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

const identities = new WeakMap<object, number>();
let nextIdentity = 0;

/** A key part naming an object by identity (functions and other non-plain objects are static). */
function identityKey(x: object): string {
  let id = identities.get(x);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(x, id);
  }
  return `#${id}`;
}

/** The key part of a static value: strings quoted, numbers exact (NaN, -0), objects by identity. */
function staticKey(v: unknown): string {
  if ((typeof v === "object" && v !== null) || typeof v === "function") return identityKey(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (typeof v === "symbol") return `sym:${String(v)}`;
  return `${typeof v}:${String(v)}`;
}

/** Flattens a jitted function's arguments (or results). */
export function flattenForJit(value: unknown): JitFlat {
  const leaves: Tensor[] = [];
  const key: string[] = [];
  const build = (v: unknown): ((ls: readonly Tensor[]) => unknown) => {
    if (isTensor(v)) {
      const i = leaves.length;
      leaves.push(v);
      key.push(`T${fmtShape(v.shape)}`);
      return (ls) => ls[i];
    }
    if (Array.isArray(v)) {
      key.push("[");
      const parts = v.map((e) => build(e));
      key.push("]");
      return (ls) => parts.map((p) => p(ls));
    }
    if (isPlainObject(v)) {
      const keys = Object.keys(v);
      key.push("{");
      const parts = keys.map((k) => {
        key.push(JSON.stringify(k));
        return build(v[k]);
      });
      key.push("}");
      return (ls) => Object.fromEntries(keys.map((k, j) => [k, parts[j](ls)]));
    }
    key.push(staticKey(v));
    return () => v;
  };
  const rebuild = build(value);
  return { leaves, key: key.join(","), rebuild };
}
