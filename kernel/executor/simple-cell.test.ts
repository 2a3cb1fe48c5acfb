// Tests of the shortcut for simple unchecked cells: which cells take it, and that for every one that does
// (and compiles) the prepared cell is exactly what TypeScript's way makes of it, random cells included.

import assert from "node:assert/strict";
import { test } from "node:test";
import { Script } from "node:vm";
import { seededRandom } from "../../src/core/random.js";
import { simpleCell } from "./simple-cell.js";
import { parseCell, prepareUncheckedCell } from "./unchecked-cell.js";

/** The shortcut's cell if V8 compiles it, as the execution process uses it. */
function shortcut(code: string): ReturnType<typeof simpleCell> {
  const cell = simpleCell(code);
  if (cell === undefined) return undefined;
  try {
    new Script(cell.js);
    return cell;
  } catch {
    return undefined;
  }
}

function typescriptWay(code: string): ReturnType<typeof prepareUncheckedCell> {
  return prepareUncheckedCell(code, parseCell(code, "cell.ts"));
}

/** Whether `code` takes the shortcut; when it does, asserts that TypeScript's way prepares it the same. */
function takenAndSame(code: string): boolean {
  const fast = shortcut(code);
  if (fast === undefined) return false;
  const slow = typescriptWay(code);
  assert.ok(slow.ok, `TypeScript refused ${JSON.stringify(code)}`);
  assert.deepEqual(fast, slow.ok ? slow.cell : undefined, JSON.stringify(code));
  return true;
}

test("declarations and one expression of names, numbers and operators take the shortcut", () => {
  for (const code of [
    "// @ts-nocheck\nconst a = 1;",
    "// @ts-nocheck\nconst c = 1;\nlet   d=c * 2;  var e = f(c, d);\n\ne + 1;",
    "// @ts-nocheck\nconst v = [1, 2][0];\nv",
    "// @ts-nocheck\n1 + 1",
    "// @ts-nocheck\nx.shape",
    "  // @ts-nocheck\n\n/* a note */ f(3) * 2 % 5\n\n",
    "// @ts-nocheck\nzeros([2, 3]).data[0] ** 2",
    "// @ts-nocheck\nf(\n  1,\n  2,\n)",
    "// @ts-nocheck\nnew Map().size - -1",
    "// @ts-nocheck\ntypeof $x, _y, 0x1f + 1_000 + 1e3 + .5 + 2n",
  ])
    assert.notEqual(shortcut(code), undefined, code);
});

test("anything else goes TypeScript's way", () => {
  for (const code of [
    "// @ts-nocheck",
    "// @ts-nocheck\n'text'",
    "// @ts-nocheck\na; b",
    "// @ts-nocheck\na\nb",
    "// @ts-nocheck\nx as number",
    "// @ts-nocheck\nx satisfies number",
    "// @ts-nocheck\nf<number>(1)",
    "// @ts-nocheck\na) + (b",
    "// @ts-nocheck\n(a]",
    "// @ts-nocheck\nx!",
    "// @ts-nocheck\nawait f()",
    "// @ts-nocheck\nimport(m)",
    "// @ts-nocheck\nhelp(grad)",
    "// @ts-nocheck\nlet",
    "// @ts-nocheck\na / b",
    "// @ts-nocheck\na // trailing comment",
    "// @ts-nocheck\r\n1 + 1",
    "// @ts-nocheck\nconst a = 1",
    "// @ts-nocheck\nconst a = 1, b = 2;",
    "// @ts-nocheck\nconst a = 1\n+ 2;",
    "// @ts-nocheck\nconst c = f(\n  1);",
    "// @ts-nocheck\nconst a = 1\nb;",
    "// @ts-nocheck\nconst a = b = 1;",
    "// @ts-nocheck\nconst await = 1;",
    "// @ts-nocheck\nconst a: number = 1;",
    "// @ts-nocheck\nconst { a } = b;",
    "// @ts-nocheck\nconst a = 1;;",
    "// @ts-nocheck\nconst a = 1; a;;",
    "// @ts-nocheck\ndelete x",
    "// @ts-nocheck\na\n++b",
    "// @ts-nocheck\nnaïve + 1",
  ])
    assert.equal(shortcut(code), undefined, code);
});

test("a cell that takes the shortcut is prepared exactly as TypeScript's way prepares it", () => {
  for (const code of [
    "// @ts-nocheck\n1 + 1",
    "// @ts-nocheck\n\n  f(\n1,\n2)[0]\n",
    "/* x */ // @ts-nocheck\nnew.target",
    "// @ts-nocheck\na\n(b)",
    "// @ts-nocheck\nconst c = 1;\nlet   d=c * 2;  var e = f(c, d);\n\ne + 1 ;  \n",
    "// @ts-nocheck\nvar c = 1; var c = 2;",
  ])
    assert.ok(takenAndSame(code), `no shortcut for ${JSON.stringify(code)}`);
});

const TOKENS = [
  ..."abfx".split(""),
  "$y",
  "_z",
  "x1",
  "new",
  "typeof",
  "void",
  "in",
  "instanceof",
  "delete",
  "this",
  "null",
  "true",
  "arguments",
  "as",
  "satisfies",
  "return",
  "target",
  "async",
  "of",
  "super",
  "1",
  "2.5",
  "0x1f",
  "1_000",
  "1n",
  ".5",
  "1e3",
  "1.",
  ..."+-*%.,()[]".split(""),
  "**",
  "++",
  "--",
  " ",
  "\n",
  "const a =",
  "let c=",
  "var $v =",
  "const x1 =",
  "=",
  ";",
  ";\n",
];

test("random cells: whenever the shortcut compiles, TypeScript's way gives the same prepared cell", () => {
  const next = seededRandom(20261201);
  let taken = 0;
  for (let i = 0; i < 20_000; i++) {
    const length = 1 + Math.floor(next() * 12);
    let body = "";
    for (let t = 0; t < length; t++)
      body += TOKENS[Math.floor(next() * TOKENS.length)] + (next() < 0.5 ? " " : "");
    const code = `// @ts-nocheck\n${body}`;
    if (takenAndSame(code)) taken++;
  }
  // The generator must reach the shortcut often enough for the comparison to mean something.
  assert.ok(taken > 1_000, `only ${taken} random cells took the shortcut`);
});

test("random declaring cells: whenever the shortcut compiles, TypeScript's way gives the same prepared cell", () => {
  const next = seededRandom(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const expressionTokens = TOKENS.filter((token) => !/[=;]/.test(token));
  // Mostly well-formed expressions (a small grammar), sometimes token soup.
  const expression = (depth = 0): string => {
    if (next() < 0.2) {
      let text = "";
      for (let t = 0, length = 1 + Math.floor(next() * 5); t < length; t++)
        text += pick(expressionTokens) + pick(["", " "]);
      return text;
    }
    const atom = (): string =>
      depth > 2 || next() < 0.5
        ? pick(["a", "x1", "$v", "1", "2.5", "0x1f", "1n", "this", "null", "arguments"])
        : pick([
            () => `f(${expression(depth + 1)})`,
            () => `a[${expression(depth + 1)}]`,
            () => `(${expression(depth + 1)})`,
            () => `[${expression(depth + 1)}, 2]`,
            () => `new Map(${expression(depth + 1)})`,
            () => `typeof ${expression(depth + 1)}`,
          ])();
    let text = atom();
    while (next() < 0.4) text += `${pick([" + ", "-", " * ", " % ", " ** ", ".b", "\n+ "])}${atom()}`;
    return text;
  };
  let taken = 0;
  for (let i = 0; i < 20_000; i++) {
    const statements: string[] = [];
    for (let k = 0, count = 1 + Math.floor(next() * 3); k < count; k++) {
      const keyword = pick(["const", "let", "var"]);
      const name = pick(["a", "b", "c", "x1", "$v", "new", "in", "let", "help"]);
      statements.push(
        `${keyword}${pick([" ", "  ", "\t"])}${name}${pick(["", " "])}=${pick(["", " "])}${expression()}` +
          pick([";", ";", " ;", "", ","]),
      );
    }
    if (next() < 0.6) statements.push(expression() + pick(["", ";", " ;"]));
    const code = `// @ts-nocheck\n${statements.join(pick(["\n", " ", "\n\n", ""]))}${pick(["", "\n", " \n"])}`;
    if (takenAndSame(code)) taken++;
  }
  assert.ok(taken > 1_000, `only ${taken} random declaring cells took the shortcut`);
});
