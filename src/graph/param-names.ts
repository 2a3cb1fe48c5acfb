// Reads a function's parameter names from its source text, so traced inputs carry the user's names.

/** Splits a parameter list at top-level commas (ignoring commas inside brackets, defaults and strings). */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  let quote: string | undefined;
  for (const ch of list) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth--;
    else if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
      continue;
    }
    current += ch;
  }
  if (current.trim().length > 0) parts.push(current);
  return parts;
}

/** The text between the parentheses that open at `open`, or undefined when they do not close. */
function parenthesised(source: string, open: number): string | undefined {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === "(") depth++;
    else if (source[i] === ")" && --depth === 0) return source.slice(open + 1, i);
  }
  return undefined;
}

/**
 * The names of `f`'s parameters, in order; a destructured or otherwise unreadable parameter gets
 * undefined. Rest parameters keep their name. Works on arrows, function expressions and methods.
 */
export function parameterNames(f: (...args: never[]) => unknown): (string | undefined)[] {
  const source = Function.prototype.toString.call(f).replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, "");
  const bareArrow = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (bareArrow) return [bareArrow[1]];
  const open = source.indexOf("(");
  if (open < 0) return [];
  const list = parenthesised(source, open);
  if (list === undefined) return [];
  return splitTopLevel(list).map((param) => {
    const name = param
      .replace(/=[\s\S]*$/, "")
      .replace(/^\s*\.\.\./, "")
      .trim();
    return /^[A-Za-z_$][\w$]*$/.test(name) ? name : undefined;
  });
}
