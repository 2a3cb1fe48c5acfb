// Named error classes of the autodiff core: each message names the operation, the shapes and the argument.

/** A shape mismatch: operands whose shapes cannot be combined (broadcast, multiplied, concatenated...). */
export class ShapeError extends RangeError {
  /** The class name, shown in tracebacks and error messages. */
  override name = "ShapeError";
}

/** A dimension or index out of range for the tensor it applies to. */
export class IndexError extends RangeError {
  /** The class name, shown in tracebacks and error messages. */
  override name = "IndexError";
}

/** An argument of the wrong kind (not a tensor, not an integer, an unknown option...). */
export class ArgumentError extends TypeError {
  /** The class name, shown in tracebacks and error messages. */
  override name = "ArgumentError";
}

/** A misuse of differentiation: no grad path, an unused input, a graph already freed, a non-scalar output. */
export class GradError extends Error {
  /** The class name, shown in tracebacks and error messages. */
  override name = "GradError";
}

/** A tracer used outside the transformation that created it, or its values read inside one. */
export class TracerError extends Error {
  /** The class name, shown in tracebacks and error messages. */
  override name = "TracerError";
}

/** A broken invariant of the core itself (a bug in jaclab, not in the caller's code). */
export class InternalError extends Error {
  /** The class name, shown in tracebacks and error messages. */
  override name = "InternalError";
  constructor(message: string) {
    super(`internal: ${message}`);
  }
}

/** Formats a shape the way error messages show it: `[3,4]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}
