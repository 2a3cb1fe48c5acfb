// From a cell's JavaScript (the cell itself, or what TypeScript emitted for it) to the prepared cell the
// execution worker runs: the runtime rewrite (transform.ts) and the source map carried through it.

import type ts from "typescript";
import type { LineMappings, PreparedCell } from "./protocol.js";
import { decodeMappings } from "./source-map.js";
import { remapMappings } from "./cell-rewrite.js";
import { rewriteForRuntime } from "./transform.js";

/** Rewrites a cell's JavaScript (parsed already when it is the cell itself); `emitted` maps it to the cell. */
export function toPreparedCell(
  js: string,
  emitted: LineMappings,
  helpDocs: string[],
  parsed?: ts.SourceFile,
): PreparedCell {
  const rewritten = rewriteForRuntime(js, helpDocs, parsed);
  return { js: rewritten.js, mappings: remapMappings(emitted, js, rewritten) };
}

/** Emitted JavaScript without its trailing source-map comment. */
export function withoutMapComment(js: string): string {
  return js.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
}

/** The decoded segments of an emitted source map (none without one). */
export function emittedMappings(map: string | undefined): LineMappings {
  return map ? decodeMappings((JSON.parse(map) as { mappings: string }).mappings) : [];
}
