// text/plain for tensors, laid out exactly as PyTorch's repr (`torch/_tensor_str.py`) lays them out, plus
// jaclab's fields (shape, autograd state). The one tensor formatter: `Tensor.toString()` uses it too.
import type { TensorView } from "./mime.js";
import { chooseColumnFormat, type ColumnFormat } from "./format.js";
import { checkView, edgeIndices, shapeString, sizeOf, stridesOf } from "./view.js";

/** Options for {@link tensorText}. */
export interface TensorTextOptions {
  /** Decimals in fixed and scientific notation (default 4, as PyTorch). */
  precision?: number;
  /** Summarise tensors with more elements than this (default 1000, as PyTorch). */
  threshold?: number;
  /** Items kept at each end of a summarised dimension (default 3). */
  edgeItems?: number;
  /** Wrap rows longer than this many characters (default 80). */
  lineWidth?: number;
  /** The word before the parenthesis (default "tensor"). */
  prefix?: string;
  /** Whether to end with `shape=[...]` (default true; an empty tensor other than 1-D always shows it). */
  shape?: boolean;
  /** Extra `key=value` fields printed after the shape, such as `requiresGrad=true`. */
  fields?: readonly string[];
}

/**
 * Formats a tensor like PyTorch's repr, plus its shape:
 * `tensor([[ 1.0000, -2.5000],\n        [ 3.0000,  4.0000]], shape=[2, 2])`. Only the values shown are read
 * (the corners of a summarised tensor), so printing costs the same for any size.
 */
export function tensorText(t: TensorView, opts: TensorTextOptions = {}): string {
  checkView(t, "tensorText");
  const prefix = `${opts.prefix ?? "tensor"}(`;
  const empty = sizeOf(t.shape) === 0 && t.shape.length !== 1;
  const withShape = t.shape.length > 0 && (opts.shape !== false || empty);
  const fields = [...(withShape ? [`shape=${shapeString(t.shape)}`] : []), ...(opts.fields ?? [])];
  const lineWidth = opts.lineWidth ?? 80;
  const body = tensorBody(t, opts, prefix.length, lineWidth);
  return withFields(prefix + body, fields, prefix.length, lineWidth);
}

/** The bracketed values of a tensor as they appear after `prefix(`, lines indented to `indent`. */
function tensorBody(t: TensorView, opts: TensorTextOptions, indent: number, lineWidth: number): string {
  const { shape, data } = t;
  if (sizeOf(shape) === 0) return "[]";
  const summarise = data.length > (opts.threshold ?? 1000);
  const edge = opts.edgeItems ?? 3;
  const kept = shape.map((n) => edgeIndices(n, summarise ? edge : Infinity, 1));
  const strides = stridesOf(shape);
  const format = chooseColumnFormat(shownValues(data, kept, strides), opts.precision ?? 4);
  if (shape.length === 0) return format.format(data[0]);

  const nest = (depth: number, offset: number, column: number): string => {
    if (depth === shape.length - 1) {
      const items = kept[depth].map((i) => (i === null ? " ..." : format.pad(data[offset + i])));
      return `[${wrapItems(items, column, lineWidth, format)}]`;
    }
    const separator = `,${"\n".repeat(shape.length - depth - 1)}${" ".repeat(column + 1)}`;
    const parts = kept[depth].map((i) =>
      i === null ? "..." : nest(depth + 1, offset + i * strides[depth], column + 1),
    );
    return `[${parts.join(separator)}]`;
  };
  return nest(0, 0, indent);
}

/** The values that will be printed (the corners of a summarised tensor), in order, to choose the format. */
function shownValues(data: Float64Array, kept: (number | null)[][], strides: number[]): number[] {
  const picked = kept.map((indices) => indices.filter((i): i is number => i !== null));
  const values: number[] = [];
  if (picked.some((indices) => indices.length === 0)) return values;
  const rank = picked.length;
  const position = new Array<number>(rank).fill(0);
  for (;;) {
    let offset = 0;
    for (let d = 0; d < rank; d++) offset += picked[d][position[d]] * strides[d];
    values.push(data[offset]);
    let d = rank - 1;
    while (d >= 0 && ++position[d] === picked[d].length) position[d--] = 0;
    if (d < 0) return values;
  }
}

/** Joins one row's items, as many per line as fit after `column` (PyTorch's rule). */
function wrapItems(items: string[], column: number, lineWidth: number, format: ColumnFormat): string {
  const perLine = Math.max(1, Math.floor((lineWidth - column) / (format.width + 2)));
  if (items.length <= perLine) return items.join(", ");
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(", "));
  return lines.join(`,\n${" ".repeat(column + 1)}`);
}

/** Appends `, field` for each field, starting a new line for one that would pass `lineWidth` (PyTorch's rule). */
function withFields(text: string, fields: string[], indent: number, lineWidth: number): string {
  // PyTorch counts two more than the last line's length (its "+ 1" after rfind).
  let lastLine = text.length - text.lastIndexOf("\n") + 1;
  let out = text;
  for (const field of fields) {
    if (lastLine + field.length + 2 > lineWidth) {
      out += `,\n${" ".repeat(indent)}${field}`;
      lastLine = indent + field.length;
    } else {
      out += `, ${field}`;
      lastLine += field.length + 2;
    }
  }
  return `${out})`;
}

/** Options for {@link labelledText}. */
export interface LabelledTextOptions {
  title?: string;
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  precision?: number;
}

/**
 * A matrix as a text table with named rows and columns (for `showJacobian`), or undefined when the
 * view is not a matrix small enough to print in full (40×20).
 */
export function labelledText(t: TensorView, opts: LabelledTextOptions): string | undefined {
  const [rows, cols] = t.shape.length === 2 ? t.shape : t.shape.length === 1 ? [1, t.shape[0]] : [0, 0];
  if (rows === 0 || cols === 0 || rows > 40 || cols > 20) return undefined;
  const format = chooseColumnFormat(t.data, opts.precision ?? 4);
  const rowNames = Array.from({ length: rows }, (_, i) => opts.rowLabels?.[i] ?? String(i));
  const colNames = Array.from({ length: cols }, (_, j) => opts.colLabels?.[j] ?? String(j));
  const labelWidth = Math.max(...rowNames.map((s) => s.length));
  const widths = colNames.map((name) => Math.max(name.length, format.width));
  const line = (head: string, cells: string[]): string =>
    [head.padEnd(labelWidth), ...cells.map((c, j) => c.padStart(widths[j]))].join("  ").trimEnd();
  const lines = [line("", colNames)];
  for (let i = 0; i < rows; i++) {
    lines.push(
      line(
        rowNames[i],
        colNames.map((_, j) => format.format(t.data[i * cols + j])),
      ),
    );
  }
  const heading = `${opts.title ? `${opts.title} ` : ""}shape=${shapeString(t.shape)}`;
  return [heading, ...lines].join("\n");
}
