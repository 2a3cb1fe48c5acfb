// Text rendering of tensor values in PyTorch's style, with summarisation of large tensors.

const SUMMARY_THRESHOLD = 1000;
const EDGE_ITEMS = 3;

/** Formats one number: integers as `2.`, others with 4 decimals (scientific when very large or small). */
function formatNumber(v: number, allIntegers: boolean, scientific: boolean): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (scientific) return v.toExponential(4);
  if (allIntegers) return `${v}.`;
  return v.toFixed(4);
}

/** The nested-bracket body of a tensor's text form, e.g. `[[1., 2.],\n [3., 4.]]`. */
export function formatTensor(data: Float64Array, shape: readonly number[]): string {
  let allIntegers = true;
  let maxAbs = 0;
  let minAbs = Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) continue;
    if (!Number.isInteger(v)) allIntegers = false;
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    if (a > 0 && a < minAbs) minAbs = a;
  }
  const scientific = !allIntegers && (maxAbs >= 1e8 || (minAbs < 1e-4 && maxAbs / minAbs > 1e3));
  const summarise = data.length > SUMMARY_THRESHOLD;
  const strs = Array.from(data, (v) => formatNumber(v, allIntegers, scientific));
  const width = strs.reduce((w, s) => Math.max(w, s.length), 0);
  if (shape.length === 0) return strs[0];
  const strides: number[] = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  const render = (dim: number, offset: number, indent: string): string => {
    const n = shape[dim];
    const picks: (number | null)[] = [];
    if (summarise && n > 2 * EDGE_ITEMS) {
      for (let i = 0; i < EDGE_ITEMS; i++) picks.push(i);
      picks.push(null);
      for (let i = n - EDGE_ITEMS; i < n; i++) picks.push(i);
    } else {
      for (let i = 0; i < n; i++) picks.push(i);
    }
    if (dim === shape.length - 1) {
      const items = picks.map((i) => (i === null ? "..." : strs[offset + i].padStart(width)));
      return `[${items.join(", ")}]`;
    }
    const sep = "," + "\n".repeat(shape.length - 1 - dim) + indent + " ";
    const items = picks.map((i) =>
      i === null ? "..." : render(dim + 1, offset + i * strides[dim], indent + " "),
    );
    return `[${items.join(sep)}]`;
  };
  return render(0, 0, "       ");
}
