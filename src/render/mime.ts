// The one display protocol the core knows: a value may return a MIME bundle for a notebook to show.

/** A MIME bundle: MIME type to data (strings, or JSON for `application/*+json` types). */
export type MimeBundle = Record<string, unknown>;

/** The symbol under which a value offers its MIME bundle (the convention Deno's kernel uses too). */
export const displaySymbol: unique symbol = Symbol.for("Jupyter.display") as never;

/** A value that knows how to show itself in a notebook. */
export interface Displayable {
  [displaySymbol](): MimeBundle;
}

/** The read-only view of a tensor that renderers need: row-major float64 data and a shape. */
export interface TensorView {
  readonly shape: readonly number[];
  /** Contiguous row-major values; `data.length` equals the product of `shape`. */
  readonly data: Float64Array;
}
