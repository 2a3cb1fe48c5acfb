// Finds user names for tensors among the notebook's variables: the kernel keeps each cell's top-level
// declarations as enumerable properties of the global object, so `q` and `x` can label their nodes.
import { isTensor } from "../tensor.js";

// Arrays longer than this are not searched for tensors (a long list is rarely a set of named values).
const maxArrayLength = 256;

/**
 * Scans the global object's own enumerable data properties (never getters, so nothing runs) for
 * tensors and arrays of tensors. A tensor held by a variable of its own is named after it; one only
 * found in an array `ys` is named `ys[i]`.
 */
export function globalNames(scope: object = globalThis): Map<object, string> {
  const tensors = new Map<object, string>();
  const inArrays = new Map<object, string>();
  for (const key of Object.keys(scope)) {
    const value = Object.getOwnPropertyDescriptor(scope, key)?.value as unknown;
    if (isTensor(value)) {
      if (!tensors.has(value)) tensors.set(value, key);
    } else if (
      Array.isArray(value) &&
      value.length > 0 &&
      value.length <= maxArrayLength &&
      value.every(isTensor)
    ) {
      value.forEach((t: object, i) => {
        if (!inArrays.has(t)) inArrays.set(t, `${key}[${i}]`);
      });
    }
  }
  for (const [t, name] of inArrays) if (!tensors.has(t)) tensors.set(t, name);
  return tensors;
}
