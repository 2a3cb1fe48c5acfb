// showJacobian: a Jacobian matrix rendered with its outputs and inputs named.
import { displaySymbol, type Displayable, type MimeBundle, type TensorView } from "./mime.js";
import { tensorBundle, type TensorFormat } from "./tensor.js";
import { checkView, shapeString } from "./view.js";

/** Options for {@link showJacobian}. */
export interface ShowJacobianOptions {
  /** Names of the outputs (the rows), e.g. `["x[0]", "x[1]"]`. */
  rowLabels?: readonly string[];
  /** Names of the inputs (the columns), e.g. `["q[0]", "q[1]"]`. */
  colLabels?: readonly string[];
  /** A heading, e.g. `"∂x/∂q"`. */
  title?: string;
  /** Only these MIME types, e.g. `["text/latex"]` to see the matrix typeset (text/plain is always kept). */
  formats?: readonly TensorFormat[];
}

/** Raised when labels do not match the Jacobian's rows or columns. */
export class LabelError extends RangeError {
  /** The class name, shown in tracebacks and error messages. */
  override name = "LabelError";
}

/**
 * Shows a Jacobian (or any matrix) as a heatmap whose rows are named after the outputs and whose
 * columns are named after the inputs; hovering a cell shows `∂output/∂input = value`. A 3-D tensor
 * (a batch of Jacobians) shows one heatmap per sample with the same names.
 *
 * @example showJacobian(jacobian(f, q), { rowLabels: ["x0", "x1", "x2", "x3"], colLabels: ["q0", "q1"] })
 */
export function showJacobian(J: TensorView, opts: ShowJacobianOptions = {}): Displayable {
  checkView(J, "showJacobian");
  const [rows, cols] = J.shape.length === 1 ? [1, J.shape[0]] : J.shape.slice(-2);
  checkLabels(opts.rowLabels, rows, "rowLabels", J.shape);
  checkLabels(opts.colLabels, cols, "colLabels", J.shape);
  const name = (labels: readonly string[] | undefined, k: number): string => labels?.[k] ?? String(k);
  const cellName = (i: number, j: number): string =>
    `∂${name(opts.rowLabels, i)}/∂${name(opts.colLabels, j)}`;
  return new LabelledMatrix(() => tensorBundle(J, { ...opts, cellName }));
}

/** What {@link showJacobian} returns: shown as rich output in a notebook, as text in a script. */
class LabelledMatrix implements Displayable {
  readonly #render: () => MimeBundle;

  constructor(render: () => MimeBundle) {
    this.#render = render;
  }

  [displaySymbol](): MimeBundle {
    return this.#render();
  }

  /** The labelled text table. */
  toString(): string {
    return String(this.#render()["text/plain"]);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function checkLabels(
  labels: readonly string[] | undefined,
  n: number,
  what: string,
  shape: readonly number[],
): void {
  if (labels && labels.length !== n) {
    throw new LabelError(
      `showJacobian: ${what} has ${labels.length} names but the Jacobian of shape ${shapeString(shape)} has ${n}`,
    );
  }
}
