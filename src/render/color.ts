// The diverging colour scale shared by the HTML and PNG heatmaps: blue below zero, red above, zero blank.

/** An sRGB colour with 0-255 channels. */
export type Rgb = readonly [number, number, number];

/** The colour of an exact zero: the page's white, so that the sparsity pattern shows. */
export const ZERO_COLOR: Rgb = [255, 255, 255];
/** The colour of NaN: a neutral grey that is on neither side of the scale. */
export const NAN_COLOR: Rgb = [150, 150, 150];

// ColorBrewer's 9-class RdBu, from the most negative (blue) to the most positive (red).
const STOPS: Rgb[] = [
  [33, 102, 172],
  [67, 147, 195],
  [146, 197, 222],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [244, 165, 130],
  [214, 96, 77],
  [178, 24, 43],
];

// A nonzero value never gets lighter than this fraction of the scale, or it would look like a zero.
export const MIN_NONZERO_INTENSITY = 0.12;

/**
 * The colour of `value` on a scale symmetric about zero that saturates at ±`maxAbs`.
 * Zero is white and NaN grey; infinities saturate.
 */
export function divergingColor(value: number, maxAbs: number): Rgb {
  if (Number.isNaN(value)) return NAN_COLOR;
  if (value === 0) return ZERO_COLOR;
  const magnitude = Number.isFinite(value) && maxAbs > 0 ? Math.min(Math.abs(value) / maxAbs, 1) : 1;
  const intensity = MIN_NONZERO_INTENSITY + (1 - MIN_NONZERO_INTENSITY) * magnitude;
  return scaleColor(Math.sign(value) * intensity);
}

/** The colour at position `t` in [-1, 1] of the scale, interpolated between its stops. */
export function scaleColor(t: number): Rgb {
  const position = ((Math.max(-1, Math.min(1, t)) + 1) / 2) * (STOPS.length - 1);
  const lower = Math.min(Math.floor(position), STOPS.length - 2);
  const f = position - lower;
  const [a, b] = [STOPS[lower], STOPS[lower + 1]];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as unknown as Rgb;
}

/** `rgb(r, g, b)`, the colour syntax JupyterLab's HTML sanitiser keeps. */
export function cssColor([r, g, b]: Rgb): string {
  return `rgb(${r}, ${g}, ${b})`;
}

/** Black or white, whichever reads better on `background` (by relative luminance). */
export function textColorOn([r, g, b]: Rgb): Rgb {
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance < 140 ? [255, 255, 255] : [20, 20, 20];
}

/** A CSS gradient across the whole scale, for legends. */
export function scaleGradient(): string {
  return `linear-gradient(to right, ${STOPS.map(cssColor).join(", ")})`;
}
