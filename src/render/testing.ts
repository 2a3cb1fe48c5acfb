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
