// The execution process's shortcut for the simplest unchecked cells: declarations `const|let|var name = x;`
// and a last expression, made of names, numbers, member accesses, calls, indexing and arithmetic
// (`const y = f(3) * 2;`, `x.shape`, `a[0] + 1`). For those the runtime rewrite (transform.ts) is known
// without a syntax tree, so the cell runs without TypeScript's parser, whose cold cost (a few hundred
// microseconds, as cells come milliseconds apart) is most of such a cell's time. The characters allowed
// leave no TypeScript syntax that JavaScript would read differently: type arguments and assertions need
// `<`, `:` or `!`, and `x as T` is not JavaScript. Whether the text really is such a cell is left to V8,
// which compiles the rewritten cell; the caller falls back to TypeScript when it does not compile, so
// errors still come from TypeScript.

import { remapMappings, wrapCell, type Edit } from "./cell-rewrite.js";
import { RUNTIME_NAME, type PreparedCell } from "./protocol.js";
import { OTHER_LINE_TERMINATORS, identityMappings } from "./source-map.js";

/** Leading comments and blank lines (`// @ts-nocheck` among them). */
const LEADING_TRIVIA = /^(?:[ \t\n]|\/\/[^\n]*(?:\n|$)|\/\*(?:[^*]|\*(?!\/))*\*\/)*/;
/**
 * An expression's characters: no quotes, comments, regular expressions, braces, semicolons, `<`, `:`, `!`,
 * `?`, `=`, `/`, non-ASCII or line terminators other than `\n`, so every `(` and `[` is a token.
 */
const EXPRESSION = /^[A-Za-z0-9_$ \t\n.,+\-*%()[\]]+$/;
/** A declaration up to its initializer, which runs to the next `;` on the same line. */
const DECLARATION = /(const|let|var)[ \t]+([A-Za-z_$][\w$]*)[ \t]*=/y;
/**
 * Names the full rewrite treats specially (transform.ts), names of other statements, and `in`, which
 * TypeScript's parser marks as possibly TypeScript (so its cells go through the emitter there).
 */
const SPECIAL_NAMES = /(?<![\w$])(?:await|import|export|help|yield|let|var|const|in)(?![\w$])/;

/**
 * The prepared form of a simple cell: exactly what the full rewrite makes of it (declarations become
 * assignments to globals, the last expression's value is returned from the cell's function), or undefined
 * when the cell is not simple. The caller compiles it and uses TypeScript's way instead if V8 refuses it.
 */
export function simpleCell(code: string): PreparedCell | undefined {
  if (OTHER_LINE_TERMINATORS.test(code)) return undefined;
  let position = (LEADING_TRIVIA.exec(code)?.[0] ?? "").length;
  let end = code.length;
  while (end > position && isBlank(code[end - 1])) end--;
  if (position === end) return undefined;
  const edits: Edit[] = [];
  const declared = new Set<string>();
  for (;;) {
    while (position < end && isBlank(code[position])) position++;
    if (position === end) break;
    DECLARATION.lastIndex = position;
    const declaration = DECLARATION.exec(code);
    if (declaration === null) {
      // The last statement: one expression, and the `;` the rewrite replaces.
      let last = code[end - 1] === ";" ? end - 1 : end;
      while (last > position && isBlank(code[last - 1])) last--;
      if (!isSimpleExpression(code.slice(position, last))) return undefined;
      edits.push({ start: position, end: position, text: "return { value: (" });
      edits.push({ start: last, end, text: ") };" });
      break;
    }
    const name = declaration[2];
    const semicolon = code.indexOf(";", DECLARATION.lastIndex);
    const initializer = code.slice(DECLARATION.lastIndex, semicolon);
    // On one line (no semicolon inserted inside it) and one declarator (no comma outside brackets).
    if (semicolon < 0 || semicolon >= end || initializer.includes("\n") || hasTopLevelComma(initializer))
      return undefined;
    if (SPECIAL_NAMES.test(name) || !isSimpleExpression(initializer)) return undefined;
    declared.add(name);
    // The keyword and the blank after it go; the name is the first match after the keyword.
    edits.push({
      start: position,
      end: position + declaration[0].indexOf(name, declaration[1].length),
      text: "",
    });
    position = semicolon + 1;
  }
  const prelude = declared.size > 0 ? `${RUNTIME_NAME}.declare(${JSON.stringify([...declared])}); ` : "";
  const rewritten = wrapCell(code, edits, prelude);
  return { js: rewritten.js, mappings: remapMappings(identityMappings(code), code, rewritten) };
}

function isBlank(character: string): boolean {
  return character === " " || character === "\t" || character === "\n";
}

/** Made of the allowed characters and names, with parentheses and brackets paired. */
function isSimpleExpression(text: string): boolean {
  return text.trim() !== "" && EXPRESSION.test(text) && !SPECIAL_NAMES.test(text) && balanced(text);
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

function hasTopLevelComma(text: string): boolean {
  let depth = 0;
  for (const character of text) {
    if (character === "(" || character === "[") depth++;
    else if (character === ")" || character === "]") depth--;
    else if (character === "," && depth === 0) return true;
  }
  return false;
}
