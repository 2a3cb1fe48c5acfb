// The one display protocol the core knows: a value may return a MIME bundle for a notebook to show.

/** A MIME bundle: MIME type to data (strings, or JSON for `application/*+json` types). */
export type MimeBundle = Record<string, unknown>;

/** The symbol under which a value offers its MIME bundle (the convention Deno's kernel uses too). */
export const displaySymbol: unique symbol = Symbol.for("Jupyter.display") as never;

/** A value that knows how to show itself in a notebook. */
export interface Displayable {
  /** Returns the MIME bundle the notebook shows for this value. */
  [displaySymbol](): MaybePromise<MimeBundle>;
}

/** The read-only view of a tensor that renderers need: row-major float64 data and a shape. */
export interface TensorView {
  /** The size of each dimension. */
  readonly shape: readonly number[];
  /** Contiguous row-major values; `data.length` equals the product of `shape`. */
  readonly data: Float64Array;
}

/**
 * What `[displaySymbol]()` may return: a bundle, or a promise of one for renderers that load lazily
 * (Graphviz as WebAssembly). The kernel awaits it.
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * A notebook's display surface, which the kernel installs on `globalThis[displayHostSymbol]` in the
 * worker that runs cells. Core code that shows live output (progress bars) uses it when present and
 * falls back to stderr text when it runs as a plain library.
 */
export interface DisplayHost {
  /** Shows a bundle as display_data; with an id, later updates replace it in place. */
  display(bundle: MimeBundle, displayId?: string): void;
  /** Replaces the output shown under `displayId` (update_display_data). */
  update(bundle: MimeBundle, displayId: string): void;
}

/** The global under which the kernel installs its {@link DisplayHost}. */
export const displayHostSymbol: unique symbol = Symbol.for("jaclab.displayHost") as never;

/** The kernel's display surface, or undefined when the core runs outside a notebook. */
export function currentDisplayHost(): DisplayHost | undefined {
  return (globalThis as { [displayHostSymbol]?: DisplayHost })[displayHostSymbol];
}
