// From a cell's JavaScript (the cell itself, or what TypeScript emitted for it) to the prepared cell the
// execution worker runs: the runtime rewrite (transform.ts) and the source map carried through it.

import type ts from "typescript";
import type { LineMappings, PreparedCell } from "./protocol.js";
import { decodeMappings } from "./source-map.js";
import { rewriteForRuntime, type RewrittenCell } from "./transform.js";

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

/** Moves source-map segments from the emitted JavaScript to where the rewrite put that code. */
function remapMappings(emitted: LineMappings, emittedJs: string, rewritten: RewrittenCell): LineMappings {
  const emittedStarts = lineStarts(emittedJs);
  const rewrittenStarts = lineStarts(rewritten.js);
  const result: LineMappings = rewrittenStarts.map(() => []);
  emitted.forEach((segments, line) => {
    for (let i = 0; i < segments.length; i += 3) {
      const offset = rewritten.toRewrittenOffset((emittedStarts[line] ?? 0) + segments[i]);
      let target = rewrittenStarts.length - 1;
      while (target > 0 && rewrittenStarts[target] > offset) target--;
      result[target].push(offset - rewrittenStarts[target], segments[i + 1], segments[i + 2]);
    }
  });
  return result;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf("\n"); index >= 0; index = text.indexOf("\n", index + 1))
    starts.push(index + 1);
  return starts;
}
