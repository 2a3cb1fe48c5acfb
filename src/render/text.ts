// text/plain for tensors: PyTorch-style aligned columns, summarised with an ellipsis when long.
import type { TensorView } from "./mime.js";
import { chooseColumnFormat, edgeIndices, type ColumnFormat } from "./format.js";
import { checkView, shapeString, sizeOf, stridesOf } from "./view.js";

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
  /** Extra `key=value` fields printed after the shape, such as `requiresGrad=true`. */
  fields?: readonly string[];
}

/**
 * Formats a tensor like PyTorch's repr, plus its shape:
 * `tensor([[ 1.0000, -2.5000],\n        [ 3.0000,  4.0000]], shape=[2, 2])`.
 */
export function tensorText(t: TensorView, opts: TensorTextOptions = {}): string {
  checkView(t, "tensorText");
  const prefix = `${opts.prefix ?? "tensor"}(`;
  const fields = [...(t.shape.length > 0 ? [`shape=${shapeString(t.shape)}`] : []), ...(opts.fields ?? [])];
  const body = tensorBody(t, opts, prefix.length);
  return closeWith(prefix + body, fields, prefix.length, opts.lineWidth ?? 80);
}

/** The bracketed values of a tensor as they appear after `prefix(`, lines indented to `indent`. */
function tensorBody(t: TensorView, opts: TensorTextOptions, indent: number): string {
  const { shape, data } = t;
  if (sizeOf(shape) === 0) return "[]";
  const summarise = data.length > (opts.threshold ?? 1000);
  const edge = opts.edgeItems ?? 3;
  const kept = shape.map((n) => (summarise ? edgeIndices(n, edge) : edgeIndices(n, Infinity)));
  const strides = stridesOf(shape);
  const format = chooseColumnFormat(shownValues(data, kept, strides), opts.precision ?? 4);
  if (shape.length === 0) return format.format(data[0]);
  const lineWidth = opts.lineWidth ?? 80;

  const nest = (depth: number, offset: number, column: number): string => {
    if (depth === shape.length - 1) {
      const items = kept[depth].map((i) => (i === null ? "..." : format.pad(data[offset + i])));
      return `[${wrapItems(items, column + 1, lineWidth, format)}]`;
    }
    const blankLines = "\n".repeat(shape.length - depth - 1);
    const parts = kept[depth].map((i) =>
      i === null ? "..." : nest(depth + 1, offset + i * strides[depth], column + 1),
    );
    return `[${parts.join(`,${blankLines}${" ".repeat(column + 1)}`)}]`;
  };
  return nest(0, 0, indent);
}

/** The values that will be printed (the corners of a summarised tensor), to size the columns. */
function* shownValues(data: Float64Array, kept: (number | null)[][], strides: number[]): Generator<number> {
  const walk = function* (depth: number, offset: number): Generator<number> {
    if (depth === kept.length) {
      yield data[offset];
      return;
    }
    for (const i of kept[depth]) if (i !== null) yield* walk(depth + 1, offset + i * strides[depth]);
  };
  yield* walk(0, 0);
}

/** Joins one row's items, breaking into several lines when it would pass `lineWidth`. */
function wrapItems(items: string[], column: number, lineWidth: number, format: ColumnFormat): string {
  const perLine = Math.max(1, Math.floor((lineWidth - column) / (format.width + 2)));
  if (items.length <= perLine) return items.join(", ");
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(", "));
  return lines.join(`,\n${" ".repeat(column)}`);
}

/** Appends `, field=...)`, moving the fields to their own line when the last line would be too long. */
function closeWith(text: string, fields: string[], indent: number, lineWidth: number): string {
  if (fields.length === 0) return `${text})`;
  const tail = fields.join(", ");
  const lastLine = text.slice(text.lastIndexOf("\n") + 1);
  if (lastLine.length + tail.length + 3 <= lineWidth) return `${text}, ${tail})`;
  return `${text},\n${" ".repeat(indent)}${tail})`;
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
