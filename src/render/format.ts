// Number formats of the tensor renderers: PyTorch's repr format for text (one per tensor, chosen from the
// values shown), and one compact format per matrix for heatmap cells, LaTeX and captions.

/** How every element of one tensor is printed, chosen once so that columns line up. */
export interface ColumnFormat {
  /** "int": every finite value is whole ("2."); "fixed": `precision` decimals; "sci": exponent form. */
  readonly kind: "int" | "fixed" | "sci";
  readonly precision: number;
  /** The width of the longest formatted nonzero finite value; {@link ColumnFormat.pad} right-aligns to it. */
  readonly width: number;
  /** The value in this format, without padding. */
  format(value: number): string;
  /** The value in this format, left-padded to `width`. */
  pad(value: number): string;
}

/**
 * Chooses the format of a set of values exactly as PyTorch's repr does (`torch/_tensor_str.py`): from the
 * nonzero finite values, scientific notation when the largest magnitude exceeds 1e8, the smallest is below
 * 1e-4 or they span more than three decades; otherwise whole numbers as `2.` and the rest with `precision`
 * decimals. `values` are the values that will be printed (the corners of a summarised tensor), never more.
 */
export function chooseColumnFormat(values: Iterable<number>, precision = 4): ColumnFormat {
  let allWhole = true;
  let minAbs = Infinity;
  let maxAbs = 0;
  for (const v of values) {
    if (v === 0 || !Number.isFinite(v)) continue;
    if (!Number.isInteger(v)) allWhole = false;
    const a = Math.abs(v);
    if (a < minAbs) minAbs = a;
    if (a > maxAbs) maxAbs = a;
  }
  let kind: ColumnFormat["kind"] = "int";
  let width = 1;
  if (maxAbs > 0) {
    const sci = maxAbs / minAbs > 1000 || maxAbs > 1e8 || minAbs < 1e-4;
    kind = sci ? "sci" : allWhole ? "int" : "fixed";
    for (const v of values) {
      if (v !== 0 && Number.isFinite(v)) width = Math.max(width, formatIn(kind, precision, v).length);
    }
  }
  const format = (v: number): string => formatIn(kind, precision, v);
  return { kind, precision, width, format, pad: (v) => format(v).padStart(width) };
}

function formatIn(kind: ColumnFormat["kind"], precision: number, v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (kind === "int") return `${fixedDigits(v, 0)}.`;
  if (kind === "fixed") return fixedDigits(v, precision);
  return exponentDigits(v, precision);
}

/** Whether the digits after the rounding position are exactly a half ("5" and then only zeros). */
function isExactHalf(rest: string): boolean {
  return /^50*$/.test(rest);
}

/**
 * `v` with `digits` decimals, as Python's `f"{v:.{digits}f}"` writes it: correctly rounded, ties to even
 * (JavaScript's toFixed rounds ties away from zero), and a sign on negative zero.
 */
export function fixedDigits(v: number, digits: number): string {
  const sign = v < 0 || Object.is(v, -0) ? "-" : "";
  const a = Math.abs(v);
  let text = a.toFixed(digits);
  // A double carries at most 17 significant digits, so 25 more decimals show whether it is exactly a tie.
  const long = a.toFixed(Math.min(100, digits + 25));
  const cut = long.indexOf(".") + 1 + digits;
  if (isExactHalf(long.slice(cut))) {
    const truncated = long.slice(0, digits === 0 ? cut - 1 : cut);
    if (Number(truncated[truncated.length - 1]) % 2 === 0) text = truncated;
  }
  return sign + text;
}

/** `v` as Python's `f"{v:.{digits}e}"` writes it: ties to even and an exponent of at least two digits. */
export function exponentDigits(v: number, digits: number): string {
  const sign = v < 0 || Object.is(v, -0) ? "-" : "";
  const a = Math.abs(v);
  let text = a.toExponential(digits);
  const long = a.toExponential(Math.min(100, digits + 25));
  const [mantissa, exponent] = long.split("e");
  const cut = digits === 0 ? 1 : digits + 2;
  if (isExactHalf(mantissa.slice(cut))) {
    const truncated = mantissa.slice(0, cut);
    if (Number(truncated[truncated.length - 1]) % 2 === 0) text = `${truncated}e${exponent}`;
  }
  const [m, e] = text.split("e");
  const expSign = e.startsWith("-") ? "-" : "+";
  return `${sign}${m}e${expSign}${e.replace(/^[+-]/, "").padStart(2, "0")}`;
}

/** The finite extremes of some values, how many are nonzero, and what the compact format needs. */
export interface ValueStats {
  readonly min: number;
  readonly max: number;
  /** The largest finite magnitude: the colour scale runs from −maxAbs to +maxAbs. */
  readonly maxAbs: number;
  /** The smallest nonzero finite magnitude (Infinity when there is none). */
  readonly minAbs: number;
  /** Whether every finite value is a whole number. */
  readonly allWhole: boolean;
  /** The fewest decimals (up to 4) that write every finite value exactly; 5 when 4 are not enough. */
  readonly decimals: number;
  readonly nonzero: number;
  readonly count: number;
  readonly sum: number;
}

/** Accumulates {@link ValueStats} one value at a time, without keeping the values. */
export class StatsAccumulator {
  private min = Infinity;
  private max = -Infinity;
  private minAbs = Infinity;
  private allWhole = true;
  private decimals = 0;
  private nonzero = 0;
  private count = 0;
  private sum = 0;

  add(v: number): void {
    this.count++;
    if (v !== 0) this.nonzero++;
    if (!Number.isFinite(v)) return;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (v !== 0) {
      const a = v < 0 ? -v : v;
      if (a < this.minAbs) this.minAbs = a;
      if (this.allWhole && !Number.isInteger(v)) this.allWhole = false;
      if (!this.allWhole && this.decimals < 5) this.decimals = Math.max(this.decimals, decimalsOf(v));
    }
  }

  /** Adds `data[start]`, `data[start + step]`, ... below `end`. */
  addStrided(data: ArrayLike<number>, start: number, end: number, step: number): void {
    for (let k = start; k < end; k += step) this.add(data[k]);
  }

  result(): ValueStats {
    const { nonzero, count, sum, minAbs, allWhole, decimals } = this;
    if (this.min > this.max) {
      return { min: NaN, max: NaN, maxAbs: NaN, minAbs, allWhole, decimals, nonzero, count, sum: NaN };
    }
    const maxAbs = Math.max(Math.abs(this.min), Math.abs(this.max));
    return { min: this.min, max: this.max, maxAbs, minAbs, allWhole, decimals, nonzero, count, sum };
  }
}

/** The fewest decimals (0 to 4) that write `v` exactly as a decimal number, or 5 when none does. */
function decimalsOf(v: number): number {
  let scaled = v;
  for (let d = 0; d <= 4; d++, scaled *= 10) {
    if (Math.abs(scaled - Math.round(scaled)) <= 1e-9 * Math.max(1, Math.abs(scaled))) return d;
  }
  return 5;
}

/** Computes {@link ValueStats} of all of `data` in one pass. */
export function valueStats(data: ArrayLike<number>): ValueStats {
  const stats = new StatsAccumulator();
  stats.addStrided(data, 0, data.length, 1);
  return stats.result();
}

/** The one format of every number shown for a matrix: its cells, its LaTeX and its caption. */
export interface NumberFormat {
  /** "int": whole numbers; "fixed": the same decimals for all; "sci": mantissa and exponent. */
  readonly kind: "int" | "fixed" | "sci";
  /** Decimals (of the mantissa in "sci"). */
  readonly decimals: number;
  /** The value with a typographic minus, e.g. `−2.50` or `1.46e3`. */
  format(value: number): string;
  /** The mantissa and decimal exponent (0 unless "sci"), for typesetting `m × 10^e`. */
  parts(value: number): { mantissa: string; exponent: number };
}

/**
 * Chooses one compact format for the whole range of a matrix, so that a cell never reads `1.46e+3` next to
 * `12`, and the caption's min and max read like the cells: whole numbers as they are (below a million);
 * when the largest magnitude is within [1e-3, 1e5), the same decimals for every value (the fewest that
 * write them all exactly, or else `significant` digits of the largest magnitude, at most four); otherwise
 * a mantissa with `significant` digits and an exponent. Exact zeros print as `0`.
 */
export function numberFormat(stats: ValueStats, significant = 3): NumberFormat {
  const { maxAbs, allWhole } = stats;
  let kind: NumberFormat["kind"];
  let decimals = 0;
  if (!(maxAbs > 0)) kind = "int";
  else if (allWhole && maxAbs < 1e6) kind = "int";
  else if (maxAbs >= 1e-3 && maxAbs < 1e5) {
    // The scale is the largest magnitude: at most six significant digits for it, and smaller values may
    // round towards 0.00 (their colour still shows them, their exact value is on hover).
    kind = "fixed";
    const magnitude = Math.floor(Math.log10(maxAbs));
    const exact = Math.min(stats.decimals, 5 - magnitude);
    decimals = Math.max(0, stats.decimals <= 4 ? exact : Math.min(4, significant - 1 - magnitude));
  } else {
    kind = "sci";
    decimals = Math.max(0, significant - 1);
  }
  const parts = (v: number): { mantissa: string; exponent: number } => {
    if (kind !== "sci" || v === 0 || !Number.isFinite(v)) {
      return { mantissa: minusSign(kind === "int" ? String(v) : fixedDigits(v, decimals)), exponent: 0 };
    }
    const [mantissa, exponent] = exponentDigits(v, decimals).split("e");
    return { mantissa: minusSign(mantissa), exponent: Number(exponent) };
  };
  const format = (v: number): string => {
    if (Number.isNaN(v)) return "NaN";
    if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
    if (v === 0) return "0";
    const { mantissa, exponent } = parts(v);
    return kind === "sci" ? `${mantissa}e${minusSign(String(exponent))}` : mantissa;
  };
  return { kind, decimals, format, parts };
}

/**
 * One value on its own (an entry of a sparse matrix's listing, where no matrix-wide format applies): whole
 * numbers as they are, others with `significant` digits and trailing zeros trimmed, tiny or huge ones in
 * exponent form.
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
