// The TypeScript-free half of the runtime rewrite (transform.ts has the half that reads the syntax tree):
// edits applied to a cell's JavaScript inside the async function every cell runs as, and the source map
// moved through them. The execution process rewrites simple cells with it without loading TypeScript.

import type { LineMappings } from "./protocol.js";

/** A cell rewritten to run as one async function. */
export interface RewrittenCell {
  /** An expression evaluating to a promise of `{ value }` or undefined. */
  js: string;
  /** Moves an offset in the input JavaScript to where that text ended up in `js`. */
  toRewrittenOffset(offset: number): number;
}

/** A run of the rewritten text: copied from the input (`copy`) or inserted in place of `originalStart..`. */
interface Piece {
  resultStart: number;
  originalStart: number;
  length: number;
  copy: boolean;
}

/** Text put in place of `start..end` of the input. */
export interface Edit {
  start: number;
  end: number;
  text: string;
  /** Among insertions at one place: an await's opening goes after others (1), its closing before (-1). */
  order?: number;
}

/**
 * Applies `edits` to a cell's JavaScript and wraps it in the async function it runs as; `prelude` (the
 * declarations of its globals) goes at the top of that function, on the first line, so lines keep their numbers.
 */
export function wrapCell(js: string, edits: Edit[], prelude: string): RewrittenCell {
  const header = `(async function () { "use strict"; ${prelude} `;
  const body = applyEdits(js, edits);
  return {
    js: header + body.text + "\n})()",
    toRewrittenOffset: (offset) => header.length + rewrittenOffset(body.pieces, offset),
  };
}

function applyEdits(text: string, edits: Edit[]): { text: string; pieces: Piece[] } {
  const sorted = [...edits].sort(
    (a, b) => a.start - b.start || a.end - b.end || (a.order ?? 0) - (b.order ?? 0),
  );
  let result = "";
  let position = 0;
  const pieces: Piece[] = [];
  const append = (piece: string, originalStart: number, copy: boolean): void => {
    if (piece === "") return;
    pieces.push({ resultStart: result.length, originalStart, length: piece.length, copy });
    result += piece;
  };
  for (const edit of sorted) {
    if (edit.start < position) continue; // an edit inside a replaced statement is already covered
    append(text.slice(position, edit.start), position, true);
    append(edit.text, edit.start, false);
    position = edit.end;
  }
  append(text.slice(position), position, true);
  return { text: result, pieces };
}

function rewrittenOffset(pieces: Piece[], offset: number): number {
  let best = 0;
  for (const piece of pieces) {
    if (piece.originalStart > offset) break;
    if (piece.copy && offset < piece.originalStart + piece.length)
      return piece.resultStart + offset - piece.originalStart;
    best = piece.copy ? piece.resultStart + piece.length : piece.resultStart;
  }
  return best;
}

/** Moves source-map segments from the emitted JavaScript to where the rewrite put that code. */
export function remapMappings(
  emitted: LineMappings,
  emittedJs: string,
  rewritten: RewrittenCell,
): LineMappings {
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
