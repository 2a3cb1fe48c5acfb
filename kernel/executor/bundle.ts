// The one function that turns any value into a MIME bundle: the value's own `[Symbol.for("Jupyter.display")]()`
// bundle when it has one (awaited), otherwise text/plain from util.inspect.

import { inspect } from "node:util";
import type { MimeBundle } from "../../src/render/mime.js";

const DISPLAY = Symbol.for("Jupyter.display");

/** The bundle a notebook shows for `value`. */
export async function toMimeBundle(value: unknown): Promise<MimeBundle> {
  const method = (value as { [DISPLAY]?: unknown } | null | undefined)?.[DISPLAY];
  if (typeof method === "function" && (typeof value === "object" || typeof value === "function")) {
    const bundle: unknown = await (method as () => unknown).call(value);
    if (bundle !== null && typeof bundle === "object" && Object.keys(bundle).length > 0) {
      return bundle as MimeBundle;
    }
  }
  return { "text/plain": plainText(value) };
}

/** The text/plain form of a value, as a REPL prints it (strings unquoted only at the top level of display). */
export function plainText(value: unknown): string {
  return inspect(value, { depth: 4, colors: false, maxArrayLength: 100, breakLength: 100 });
}
