// text/latex for small matrices and vectors: a bmatrix, or, for named rows and columns, the bmatrix with the
// names outside its brackets (column names above, row names to the left), as a labelled matrix is printed.
import { numberFormat, valueStats, type NumberFormat } from "./format.js";
import type { MatrixView } from "./view.js";

/** Options for {@link matrixLatex}. */
export interface MatrixLatexOptions {
  /** Written before the matrix as `\text{title} =`. */
  title?: string;
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  /** Larger matrices get no LaTeX (default 10 rows or columns). */
  maxSize?: number;
}

/**
 * `$$\begin{bmatrix} 1.0 & -2.5 \\ 3.0 & 4.0 \end{bmatrix}$$` for a matrix (a vector is one row), every
 * entry in one number format chosen for the whole matrix, or undefined when it has more than `maxSize`
 * rows or columns. With labels, the names stand outside the brackets.
 */
export function matrixLatex(m: MatrixView, opts: MatrixLatexOptions = {}): string | undefined {
  const maxSize = opts.maxSize ?? 10;
  if (m.rows === 0 || m.cols === 0 || m.rows > maxSize || m.cols > maxSize) return undefined;
  const values = m.data.subarray(m.offset, m.offset + m.rows * m.cols);
  // Typeset matrices are small and read closely: four significant digits (heatmap cells have three).
  const format = numberFormat(valueStats(values), 4);
  const rows = Array.from({ length: m.rows }, (_, i) =>
    Array.from({ length: m.cols }, (_, j) => latexNumber(values[i * m.cols + j], format)),
  );
  const prefix = opts.title ? `${latexLabel(opts.title)} = ` : "";
  if (!opts.rowLabels && !opts.colLabels) {
    return `$$${prefix}\\begin{bmatrix} ${rows.map((r) => r.join(" & ")).join(" \\\\ ")} \\end{bmatrix}$$`;
  }
  const label = (text: string | undefined, fallback: number): string => latexLabel(text ?? String(fallback));
  const colNames = rows[0].map((_, j) => label(opts.colLabels?.[j], j));
  const rowNames = rows.map((_, i) => label(opts.rowLabels?.[i], i));
  return `$$${prefix}${labelledMatrix(rows, rowNames, colNames)}$$`;
}

/**
 * The bracketed matrix with column names above and row names to the left, from three arrays: the column
 * names, the row names, and the bracketed values. Column j of the names and of the values is exactly as
 * wide as a phantom of all of that column's entries (its name included), so names and values line up;
 * centred over the brackets (equally wide on both sides), the names sit right above their columns. A strut
 * in every row keeps the row names level with the rows of values.
 */
function labelledMatrix(rows: string[][], rowNames: string[], colNames: string[]): string {
  const widths = colNames.map((name, j) => {
    const column = [name, ...rows.map((r) => r[j])].join(" \\\\ ");
    return `\\hphantom{\\begin{matrix} ${column} \\end{matrix}}`;
  });
  const spec = "r".repeat(colNames.length);
  const header = colNames.map((name, j) => `${widths[j]}\\llap{${name}}`).join(" & ");
  const body = rows
    .map((r, i) => `\\strut ${r.map((v, j) => (i === 0 ? `${widths[j]}\\llap{${v}}` : v)).join(" & ")}`)
    .join(" \\\\ ");
  const names = rowNames.map((name) => `\\strut ${name}`).join(" \\\\ ");
  return (
    `\\begin{array}{rc} & \\begin{array}{${spec}} ${header} \\end{array} \\\\ ` +
    `\\begin{array}{r} ${names} \\end{array} & ` +
    `\\left[\\begin{array}{${spec}} ${body} \\end{array}\\right] \\end{array}`
  );
}

/**
 * A number as LaTeX in `format` (by default one chosen for this value alone): `-2.5`,
 * `1.23 \times 10^{-5}`, `\infty`, `\text{NaN}`.
 */
export function latexNumber(v: number, format: NumberFormat = numberFormat(valueStats([v]), 4)): string {
  if (Number.isNaN(v)) return "\\text{NaN}";
  if (!Number.isFinite(v)) return v > 0 ? "\\infty" : "-\\infty";
  if (v === 0) return "0";
  const { mantissa, exponent } = format.parts(v);
  const plain = mantissa.replace("−", "-");
  return format.kind === "sci" ? `${plain} \\times 10^{${exponent}}` : plain;
}

/**
 * A label as upright math, `\mathrm{x[0]}`, with TeX's special characters escaped so that it reads the
 * same in MathJax and in LaTeX.
 */
export function latexLabel(text: string): string {
  const escaped = text.replace(/[\\{}$&#^_%~ ]/g, (c) => {
    if (c === "\\") return "\\backslash ";
    if (c === " ") return "\\ ";
    if (c === "^") return "\\hat{}";
    if (c === "~") return "\\sim ";
    return `\\${c}`;
  });
  return `\\mathrm{${escaped}}`;
}
