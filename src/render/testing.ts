// Test helpers for the renderers: tensor views built from nested arrays or a formula.
import type { TensorView } from "./mime.js";

/** A view of `shape` whose element at flat index i is `f(i)`. */
export function viewOf(shape: number[], f: (i: number) => number): TensorView {
  const size = shape.reduce((n, d) => n * d, 1);
  return { shape, data: Float64Array.from({ length: size }, (_, i) => f(i)) };
}

/** A 2-D view from rows of numbers. */
export function matrix(rows: number[][]): TensorView {
  return { shape: [rows.length, rows[0].length], data: Float64Array.from(rows.flat()) };
}

/**
 * A zero-filled view of `shape` that counts how many of its elements are read, to check that a renderer
 * reads what it shows and not the whole tensor.
 */
export function countingView(shape: number[]): { view: TensorView; reads: () => number } {
  const size = shape.reduce((n, d) => n * d, 1);
  let count = 0;
  const data = new Proxy(new Float64Array(0), {
    get(target, key) {
      if (key === "length") return size;
      if (typeof key === "string" && /^\d+$/.test(key)) {
        count++;
        return 0;
      }
      const value = Reflect.get(target, key) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { view: { shape, data }, reads: () => count };
}
