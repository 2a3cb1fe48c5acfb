// Converts between Jupyter's cursor positions (Unicode code points) and JavaScript string offsets (UTF-16).

/** The UTF-16 offset of the `codePoints`-th code point of `text` (clamped to the text's end). */
export function codePointsToOffset(text: string, codePoints: number): number {
  let offset = 0;
  for (let count = 0; count < codePoints && offset < text.length; count++) {
    const code = text.codePointAt(offset) ?? 0;
    offset += code > 0xffff ? 2 : 1;
  }
  return offset;
}

/** The number of code points in the first `offset` UTF-16 units of `text`. */
export function offsetToCodePoints(text: string, offset: number): number {
  let count = 0;
  for (let index = 0; index < offset && index < text.length; count++) {
    const code = text.codePointAt(index) ?? 0;
    index += code > 0xffff ? 2 : 1;
  }
  return count;
}
