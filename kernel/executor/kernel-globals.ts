// The declarations of the kernel's own cell globals (display, updateDisplay, clearOutput, help, input, and the
// widgets and comms of kernel/widgets/cell-api.ts), as the type checker, completion and hover see them. The
// execution worker implements them (see cell-globals.ts and widgets/worker-globals.ts).

import { fileURLToPath } from "node:url";
import { WIDGET_GLOBAL_NAMES as WIDGET_NAMES } from "../widgets/names.js";

/** The widget and comm globals are declared by re-exporting cell-api's own typings, doc comments included. */
const widgetTypings = fileURLToPath(new URL("../widgets/cell-api.js", import.meta.url));

/** The names the kernel defines in every cell, in the order they are declared below. */
export const KERNEL_GLOBAL_NAMES = [
  "display",
  "updateDisplay",
  "clearOutput",
  "help",
  "input",
  ...WIDGET_NAMES,
] as const;

/** A module of ambient declarations, aliased into the global scope by the language service. */
export const KERNEL_GLOBALS_DTS = `
/** A MIME bundle: MIME type to data (a string, or JSON for application/*+json types). */
export type MimeBundle = Record<string, unknown>;

/** Options of display calls. */
export interface DisplayOptions {
  /** Names this output so that \`updateDisplay(id, value)\` can replace it in place later. */
  id?: string;
}

/** Shows values as rich output in the notebook; see its members for raw HTML, Markdown, LaTeX, SVG, PNG and JSON. */
export interface Display {
  /**
   * Shows \`value\` below the cell as rich output: its own MIME bundle when it has a
   * \`[Symbol.for("Jupyter.display")]()\` method (tensors, Jacobians, graphs), otherwise plain text.
   * @param value any value
   * @param options \`{ id }\` to update the output later with \`updateDisplay(id, value)\`
   * @example display(tensor([[1, 2], [3, 4]]))
   */
  (value: unknown, options?: DisplayOptions): void;
  /** Shows an HTML fragment. */
  html(html: string, options?: DisplayOptions): void;
  /** Shows Markdown text. */
  markdown(markdown: string, options?: DisplayOptions): void;
  /** Shows LaTeX (for example \`$$\\\\nabla f$$\`). */
  latex(latex: string, options?: DisplayOptions): void;
  /** Shows an SVG image given as markup. */
  svg(svg: string, options?: DisplayOptions): void;
  /** Shows a PNG image given as bytes or as base64 text. */
  png(png: Uint8Array | string, options?: DisplayOptions): void;
  /** Shows a JSON value as an expandable tree (application/json). */
  json(value: unknown, options?: DisplayOptions): void;
}

/**
 * Shows a value as rich output below the cell; \`display.html\`, \`display.markdown\`, \`display.latex\`,
 * \`display.svg\`, \`display.png\` and \`display.json\` show raw content of that type.
 */
export declare const display: Display;

/**
 * Replaces the output shown earlier with \`display(value, { id })\`.
 * @param id the id given to display
 * @param value the new value (shown through its MIME bundle like display)
 */
export declare function updateDisplay(id: string, value: unknown): void;

/**
 * Clears the output of the current cell.
 * @param options \`{ wait: true }\` keeps the old output until new output arrives (no flicker in loops)
 */
export declare function clearOutput(options?: { wait?: boolean }): void;

/**
 * Shows the documentation of a value (its signature and doc comment) in the notebook's pager.
 * @example help(jacobian)
 */
export declare function help(value: unknown): void;

/**
 * Asks the notebook user for a line of text.
 * @param prompt the text shown before the input box
 * @param options \`{ password: true }\` hides what the user types
 * @returns the text the user entered
 * @example const name = await input("Your name? ")
 */
export declare function input(prompt?: string, options?: { password?: boolean }): Promise<string>;

export { ${WIDGET_NAMES.join(", ")} } from ${JSON.stringify(widgetTypings)};
`;
