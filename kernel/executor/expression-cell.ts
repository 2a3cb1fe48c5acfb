// The execution process's shortcut for the simplest unchecked cells: one JavaScript expression made of
// names, numbers, member accesses, calls, indexing and arithmetic (`x.shape`, `f(3) * 2`, `a[0] + 1`). For
// those the runtime rewrite is known without a syntax tree, so the cell runs without TypeScript's parser,
// whose cold cost (a few hundred microseconds, as cells come milliseconds apart) is most of such a cell's
// time. The characters allowed leave no TypeScript syntax that JavaScript would read differently: type
// arguments and assertions need `<`, `:` or `!`, and `x as T` is not JavaScript. Whether the text really is
// one expression is left to V8, which compiles the rewritten cell; the caller falls back to TypeScript when
// it does not compile, so errors still come from TypeScript.

import { remapMappings, wrapCell } from "./cell-rewrite.js";
import type { PreparedCell } from "./protocol.js";
import { identityMappings } from "./source-map.js";

/** Leading comments and blank lines (`// @ts-nocheck` among them). */
const LEADING_TRIVIA = /^(?:[ \t\n]|\/\/[^\n]*(?:\n|$)|\/\*(?:[^*]|\*(?!\/))*\*\/)*/;
/**
 * The expression's characters: no quotes, comments, regular expressions, braces, semicolons, `<`, `:`, `!`,
 * `?`, `=`, `/`, non-ASCII or line terminators other than `\n`, so every `(` and `[` is a token.
 */
const EXPRESSION = /^[A-Za-z0-9_$ \t\n.,+\-*%()[\]]+$/;
/** Line terminators V8 counts and the identity source map does not (see plain-js.ts). */
const OTHER_LINE_TERMINATORS = /[\r\u2028\u2029]/;
/**
 * Names the full rewrite treats specially (transform.ts), names of other statements, and `in`, which
 * TypeScript's parser marks as possibly TypeScript (so its cells go through the emitter there).
 */
const SPECIAL_NAMES = /(?<![\w$])(?:await|import|export|help|yield|let|var|const|in)(?![\w$])/;

/** Where the one expression of a simple cell lies in `code`, or undefined when the cell is not that simple. */
export function simpleExpressionSpan(code: string): { start: number; end: number } | undefined {
  if (OTHER_LINE_TERMINATORS.test(code)) return undefined;
  const start = (LEADING_TRIVIA.exec(code)?.[0] ?? "").length;
  let end = code.length;
  while (end > start && (code[end - 1] === " " || code[end - 1] === "\t" || code[end - 1] === "\n")) end--;
  const text = code.slice(start, end);
  if (text === "" || !EXPRESSION.test(text) || SPECIAL_NAMES.test(text) || !balanced(text)) return undefined;
  return { start, end };
}

/**
 * The prepared form of a simple cell: exactly what the full rewrite makes of it (the expression's value
 * returned from the cell's function), or undefined when the cell is not simple. The caller compiles it and
 * uses TypeScript's way instead if V8 refuses it.
 */
export function simpleExpressionCell(code: string): PreparedCell | undefined {
  const span = simpleExpressionSpan(code);
  if (span === undefined) return undefined;
  const rewritten = wrapCell(
    code,
    [
      { start: span.start, end: span.start, text: "return { value: (" },
      { start: span.end, end: span.end, text: ") };" },
    ],
    "",
  );
  return { js: rewritten.js, mappings: remapMappings(identityMappings(code), code, rewritten) };
}

/**
 * Whether parentheses and brackets pair up: then no `)` of the cell can close the one the rewrite opens,
 * so the cell compiles inside it only if it is one expression.
 */
function balanced(text: string): boolean {
  const open: string[] = [];
  for (const character of text) {
    if (character === "(" || character === "[") open.push(character);
    else if (character === ")" && open.pop() !== "(") return false;
    else if (character === "]" && open.pop() !== "[") return false;
  }
  return open.length === 0;
}
