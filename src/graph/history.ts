// The read-only view of tensors and their autograd history that the diagrams need, checked structurally.

/** One recorded operation in a tensor's history (torch's `grad_fn`). */
export interface HistoryNodeLike {
  /** The primitive's name, e.g. "mul" or "narrow". */
  readonly name: string;
  /** Named metadata of the application (dims, starts...). */
  readonly params?: unknown;
  /** The tensors the operation consumed, in argument order. */
  readonly inputs: readonly unknown[];
}

/** A tensor as the diagrams see it: a shape, whether it requires grad, and its history if any. */
export interface HistoryTensor {
  readonly shape: readonly number[];
  readonly requiresGrad?: boolean;
  /** The operation that produced this tensor; null or undefined for a leaf. */
  readonly gradFn?: HistoryNodeLike | null;
}

/** True for values that look like jaclab tensors (an array shape and a numeric size or data). */
export function isHistoryTensor(value: unknown): value is HistoryTensor {
  if (typeof value !== "object" || value === null) return false;
  const shape = (value as { shape?: unknown }).shape;
  return Array.isArray(shape) && shape.every((d) => typeof d === "number");
}

/** The history node of a tensor, or undefined for a leaf (reads `gradFn`, or torch-style `grad_fn`). */
export function historyOf(t: HistoryTensor): HistoryNodeLike | undefined {
  const fn = t.gradFn ?? (t as { grad_fn?: HistoryNodeLike | null }).grad_fn;
  return fn ?? undefined;
}

/** The number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Short text for a small constant tensor (its values), or "const" when it is large or unreadable. */
export function constantLabel(t: HistoryTensor): string {
  const toArray = (t as { toArray?: () => unknown }).toArray;
  if (sizeOf(t.shape) > 4 || typeof toArray !== "function") return "const";
  const values = toArray.call(t);
  return JSON.stringify(values, (_k, v: unknown) => (typeof v === "number" ? Number(v.toPrecision(4)) : v));
}

/** Formats params as `k=v, ...`, keeping only short scalar and number-array values. */
export function formatParams(params: unknown): string {
  if (typeof params !== "object" || params === null) return "";
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === "number" || typeof value === "boolean" || typeof value === "string") {
      parts.push(`${key}=${String(value)}`);
    } else if (Array.isArray(value) && value.length <= 6 && value.every((v) => typeof v === "number")) {
      parts.push(`${key}=[${value.join(",")}]`);
    }
  }
  return parts.join(", ");
}

interface SliceParams {
  starts: number[];
  steps: number[];
  sizes: number[];
}

function isSliceParams(params: unknown): params is SliceParams {
  const p = params as Partial<SliceParams> | null;
  return Array.isArray(p?.starts) && Array.isArray(p?.steps) && Array.isArray(p?.sizes);
}

/** A slice as Python-style indexing, `[:, 0:1]`, with `:` for axes taken whole. */
function sliceText(p: SliceParams, inputShape: readonly number[] | undefined): string {
  const axes = p.starts.map((start, axis) => {
    const step = p.steps[axis];
    const stop = start + (p.sizes[axis] - 1) * step + 1;
    if (start === 0 && step === 1 && inputShape !== undefined && p.sizes[axis] === inputShape[axis])
      return ":";
    return step === 1 ? `${start}:${stop}` : `${start}:${stop}:${step}`;
  });
  return `[${axes.join(", ")}]`;
}

/**
 * The detail line of an op node: its params, written the way a reader knows them where that helps
 * (slices as `[0:1]`, reductions without `keepdim=false`).
 */
export function describeParams(
  name: string,
  params: unknown,
  inputShapes: readonly (readonly number[])[] = [],
): string {
  if (name === "slice" && isSliceParams(params)) return sliceText(params, inputShapes[0]);
  if (typeof params === "object" && params !== null && (params as { keepdim?: unknown }).keepdim === false) {
    const { keepdim: _keepdim, ...rest } = params as Record<string, unknown>;
    return formatParams(rest);
  }
  return formatParams(params);
}
