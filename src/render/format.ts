// Number formatting shared by the tensor renderers: PyTorch-style column formats and compact cell labels.

/** How every element of one tensor is printed, chosen once so that columns line up. */
export interface ColumnFormat {
  /** "int": every finite value is whole ("2."); "fixed": `precision` decimals; "sci": exponent form. */
  readonly kind: "int" | "fixed" | "sci";
  readonly precision: number;
  /** The width of the longest formatted value; {@link ColumnFormat.pad} right-aligns to it. */
  readonly width: number;
  /** The value in this format, without padding. */
  format(value: number): string;
  /** The value in this format, left-padded to `width`. */
  pad(value: number): string;
}

/**
 * Chooses a format for a set of values the way PyTorch's repr does: whole numbers print as `2.`,
 * values spanning more than three decades (or beyond 1e8, or below 1e-4) print in scientific notation,
 * everything else with `precision` decimals.
 */
export function chooseColumnFormat(values: Iterable<number>, precision = 4): ColumnFormat {
  let allWhole = true;
  let minAbs = Infinity;
  let maxAbs = 0;
  const seen: number[] = [];
  for (const v of values) {
    seen.push(v);
    if (!Number.isFinite(v)) continue;
    if (!Number.isInteger(v)) allWhole = false;
    const a = Math.abs(v);
    if (a === 0) continue;
    minAbs = Math.min(minAbs, a);
    maxAbs = Math.max(maxAbs, a);
  }
  const spread = maxAbs > 0 ? maxAbs / minAbs : 1;
  let kind: ColumnFormat["kind"];
  if (allWhole) kind = spread > 1000 && maxAbs > 1e8 ? "sci" : "int";
  else kind = spread > 1000 || maxAbs > 1e8 || minAbs < 1e-4 ? "sci" : "fixed";
  const format = (v: number): string => formatIn(kind, precision, v);
  const width = seen.reduce((w, v) => Math.max(w, format(v).length), 0);
  return { kind, precision, width, format, pad: (v) => format(v).padStart(width) };
}

function formatIn(kind: ColumnFormat["kind"], precision: number, v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (kind === "int") return `${v.toFixed(0)}.`;
  if (kind === "fixed") return v.toFixed(precision);
  return exponential(v, precision);
}

/** `toExponential` with a two-digit exponent, as C's printf writes it: `1.2500e-05`. */
function exponential(v: number, digits: number): string {
  const [mantissa, exponent] = v.toExponential(digits).split("e");
  const sign = exponent.startsWith("-") ? "-" : "+";
  return `${mantissa}e${sign}${exponent.replace(/^[+-]/, "").padStart(2, "0")}`;
}

/**
 * A short label for one value in a heatmap cell or a LaTeX matrix: whole numbers as they are,
 * others with `significant` digits and trailing zeros trimmed, tiny or huge ones in exponent form.
 */
export function compactNumber(v: number, significant = 3): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return minusSign(String(v));
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return minusSign(trimZeros(v.toPrecision(significant)));
  const [mantissa, exponent] = v.toExponential(significant - 1).split("e");
  return minusSign(`${trimZeros(mantissa)}e${exponent.replace("+", "")}`);
}

function trimZeros(s: string): string {
  return s.includes(".") && !s.includes("e") ? s.replace(/\.?0+$/, "") : s;
}

/** A typographic minus, which lines up with digits and reads better than a hyphen. */
function minusSign(s: string): string {
  return s.replace(/^-/, "−");
}

/** The finite extremes of some values and how many are nonzero; NaN when none is finite. */
export interface ValueStats {
  readonly min: number;
  readonly max: number;
  /** The largest finite magnitude: the colour scale runs from −maxAbs to +maxAbs. */
  readonly maxAbs: number;
  readonly nonzero: number;
  readonly count: number;
}

/** Computes {@link ValueStats} in one pass. */
export function valueStats(data: ArrayLike<number>): ValueStats {
  let min = Infinity;
  let max = -Infinity;
  let nonzero = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== 0) nonzero++;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return { min: NaN, max: NaN, maxAbs: NaN, nonzero, count: data.length };
  return { min, max, maxAbs: Math.max(Math.abs(min), Math.abs(max)), nonzero, count: data.length };
}

/**
 * The indices to show along an axis of length `n`: all of them, or the first and last `edge` with
 * `null` marking the elided middle (never eliding a single item).
 */
export function edgeIndices(n: number, edge: number): (number | null)[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= 2 * edge + 1) return all;
  return [...all.slice(0, edge), null, ...all.slice(n - edge)];
}
