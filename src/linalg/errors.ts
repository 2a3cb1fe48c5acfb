// Errors of the linear-algebra family: a matrix that the requested factorisation cannot handle.

/**
 * A matrix that is singular where an inverse is needed, or not positive definite where a Cholesky
 * factor is; the message names the op and the pivot that failed (like torch.linalg.LinAlgError).
 */
export class LinAlgError extends RangeError {
  /** The class name, shown in tracebacks and error messages. */
  override name = "LinAlgError";
}
