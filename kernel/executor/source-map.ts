// Decodes a source map's `mappings` (base64 VLQ) into per-line segments, maps a generated position back, and
// gives the identity map of a cell that runs as its own text.

import type { LineMappings } from "./protocol.js";

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT_OF = new Map([...BASE64].map((character, index) => [character, index]));

/** Decodes version-3 `mappings` into, per generated line, triples `[generatedColumn, sourceLine, sourceColumn]`. */
export function decodeMappings(mappings: string): LineMappings {
  const lines: LineMappings = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  let sourceIndex = 0;
  let nameIndex = 0;
  for (const lineText of mappings.split(";")) {
    const segments: number[] = [];
    let generatedColumn = 0;
    for (const segmentText of lineText.split(",")) {
      if (segmentText === "") continue;
      const fields = decodeVlqs(segmentText);
      generatedColumn += fields[0];
      if (fields.length >= 4) {
        sourceIndex += fields[1];
        sourceLine += fields[2];
        sourceColumn += fields[3];
        if (fields.length >= 5) nameIndex += fields[4];
        segments.push(generatedColumn, sourceLine, sourceColumn);
      }
    }
    lines.push(segments);
  }
  void sourceIndex;
  void nameIndex;
  return lines;
}

function decodeVlqs(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const character of text) {
    const digit = DIGIT_OF.get(character);
    if (digit === undefined)
      throw new SyntaxError(`source map: invalid base64 digit ${JSON.stringify(character)}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/**
 * Maps a zero-based generated position to a zero-based source position: the last segment at or before the
 * column, else the line's first segment; undefined when the line has no mapping.
 */
export function originalPosition(
  mappings: LineMappings,
  line: number,
  column: number,
): { line: number; column: number } | undefined {
  const segments = mappings[line];
  if (segments === undefined || segments.length === 0) return undefined;
  let chosen = 0;
  for (let i = 0; i < segments.length; i += 3) {
    if (segments[i] <= column) chosen = i;
    else break;
  }
  return {
    line: segments[chosen + 1],
    column: segments[chosen + 2] + Math.max(0, column - segments[chosen]),
  };
}

/** Line terminators V8 counts and the identity source map does not (it counts lines at "\n" only). */
export const OTHER_LINE_TERMINATORS = /[\r\u2028\u2029]/;

/** The source map of JavaScript that is the cell's text itself: every line maps to the same line. */
export function identityMappings(code: string): LineMappings {
  const mappings: LineMappings = [[0, 0, 0]];
  for (let index = code.indexOf("\n"), line = 1; index >= 0; index = code.indexOf("\n", index + 1), line++)
    mappings.push([0, line, 0]);
  return mappings;
}
