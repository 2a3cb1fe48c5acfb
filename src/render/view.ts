// Checks and index arithmetic over the read-only TensorView that every renderer takes.
import type { TensorView } from "./mime.js";

/** Raised when a renderer is given a view whose data does not match its shape. */
export class TensorViewError extends RangeError {
  /** The class name, shown in tracebacks and error messages. */
  override name = "TensorViewError";
}

/** The number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** Row-major strides of a contiguous shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = step;
    step *= shape[d];
  }
  return strides;
}

/** Throws a {@link TensorViewError} naming `op` unless `t.data` holds exactly the elements of `t.shape`. */
export function checkView(t: TensorView, op: string): void {
  const bad = t.shape.find((d) => !Number.isInteger(d) || d < 0);
  if (bad !== undefined) {
    throw new TensorViewError(`${op}: shape [${t.shape.join(", ")}] has an invalid dimension ${bad}`);
  }
  const size = sizeOf(t.shape);
  if (t.data.length !== size) {
    throw new TensorViewError(
      `${op}: shape [${t.shape.join(", ")}] needs ${size} values but data has ${t.data.length}`,
    );
  }
}

/**
 * The indices to show along an axis of length `n`: all of them, or the first and last `edge` with `null`
 * marking the elided middle, when at least `minHidden` items would be hidden (PyTorch elides even one; the
 * heatmap tables never elide a single row). Costs O(what is shown), never O(n).
 */
export function edgeIndices(n: number, edge: number, minHidden = 2): (number | null)[] {
  const keep = Math.max(0, Math.floor(edge));
  if (n - 2 * keep < minHidden) return Array.from({ length: n }, (_, i) => i);
  const head = Array.from({ length: keep }, (_, i) => i);
  const tail = Array.from({ length: keep }, (_, i) => n - keep + i);
  return [...head, null, ...tail];
}

/** `[3, 4]` for a shape, as captions and text print it. */
export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** One matrix inside a tensor's data: a 1-D tensor is one row, a 3-D tensor holds one per sample. */
export interface MatrixView {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
  /** Where element (0, 0) sits in `data`; element (i, j) is at `offset + i * cols + j`. */
  readonly offset: number;
}

/** The matrices of a 1-D, 2-D or 3-D view (one for 1-D and 2-D, `shape[0]` for 3-D). */
export function matricesOf(t: TensorView): MatrixView[] {
  const { shape, data } = t;
  if (shape.length === 1) return [{ rows: 1, cols: shape[0], data, offset: 0 }];
  if (shape.length === 2) return [{ rows: shape[0], cols: shape[1], data, offset: 0 }];
  if (shape.length === 3) {
    const [batch, rows, cols] = shape;
    return Array.from({ length: batch }, (_, b) => ({ rows, cols, data, offset: b * rows * cols }));
  }
  throw new TensorViewError(`matricesOf: expected 1 to 3 dimensions, got shape ${shapeString(shape)}`);
}
