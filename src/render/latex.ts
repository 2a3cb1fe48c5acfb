// text/latex for small matrices and vectors: a bmatrix, or a labelled array for named rows and columns.
import { compactNumber } from "./format.js";
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
 * `$$\begin{bmatrix} 1 & -2.5 \\ 3 & 4 \end{bmatrix}$$` for a matrix (a vector is one row), or
 * undefined when it has more than `maxSize` rows or columns. With labels, an array with a header row
 * and column instead.
 */
export function matrixLatex(m: MatrixView, opts: MatrixLatexOptions = {}): string | undefined {
  const maxSize = opts.maxSize ?? 10;
  if (m.rows === 0 || m.cols === 0 || m.rows > maxSize || m.cols > maxSize) return undefined;
  const rows = Array.from({ length: m.rows }, (_, i) =>
    Array.from({ length: m.cols }, (_, j) => latexNumber(m.data[m.offset + i * m.cols + j])),
  );
  const prefix = opts.title ? `${latexLabel(opts.title)} = ` : "";
  if (!opts.rowLabels && !opts.colLabels) {
    return `$$${prefix}\\begin{bmatrix} ${rows.map((r) => r.join(" & ")).join(" \\\\ ")} \\end{bmatrix}$$`;
  }
  const label = (text: string | undefined, fallback: number): string => latexLabel(text ?? String(fallback));
  const header = ["", ...rows[0].map((_, j) => label(opts.colLabels?.[j], j))].join(" & ");
  const body = rows.map((r, i) => [label(opts.rowLabels?.[i], i), ...r].join(" & "));
  const columns = `r|${"r".repeat(m.cols)}`;
  return `$$${prefix}\\left[\\begin{array}{${columns}} ${header} \\\\ \\hline ${body.join(" \\\\ ")} \\end{array}\\right]$$`;
}

/** A number as LaTeX: `-2.5`, `1.23 \times 10^{-5}`, `\infty`, `\text{NaN}`. */
export function latexNumber(v: number): string {
  if (Number.isNaN(v)) return "\\text{NaN}";
  if (!Number.isFinite(v)) return v > 0 ? "\\infty" : "-\\infty";
  const text = compactNumber(v, 4).replace("−", "-");
  const match = /^(-?[\d.]+)e(-?\d+)$/.exec(text);
  return match ? `${match[1]} \\times 10^{${match[2]}}` : text;
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
