// Tests of the shortcut for simple unchecked cells: which cells take it, and that for every one that does
// (and compiles) the prepared cell is exactly what TypeScript's way makes of it, random cells included.

import assert from "node:assert/strict";
import { test } from "node:test";
import { Script } from "node:vm";
import { simpleExpressionCell, simpleExpressionSpan } from "./expression-cell.js";
import { parseCell, prepareUncheckedCell } from "./unchecked-cell.js";

/** The shortcut's cell if V8 compiles it, as the execution process uses it. */
function shortcut(code: string): ReturnType<typeof simpleExpressionCell> {
  const cell = simpleExpressionCell(code);
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

test("one expression of names, numbers and operators takes the shortcut", () => {
  for (const code of [
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
    "// @ts-nocheck\ndelete x",
    "// @ts-nocheck\na\n++b",
    "// @ts-nocheck\nnaïve + 1",
  ])
    assert.equal(shortcut(code), undefined, code);
});

test("the span is the expression without the leading comments and the trailing blank", () => {
  const code = "// @ts-nocheck\n/* c */  a + b \n\n";
  const span = simpleExpressionSpan(code);
  assert.deepEqual(span && code.slice(span.start, span.end), "a + b");
});

test("a cell that takes the shortcut is prepared exactly as TypeScript's way prepares it", () => {
  for (const code of [
    "// @ts-nocheck\n1 + 1",
    "// @ts-nocheck\n\n  f(\n1,\n2)[0]\n",
    "/* x */ // @ts-nocheck\nnew.target",
    "// @ts-nocheck\na\n(b)",
  ]) {
    const fast = shortcut(code);
    const slow = typescriptWay(code);
    assert.ok(slow.ok, code);
    assert.deepEqual(fast, slow.ok ? slow.cell : undefined, code);
  }
});

/** A small deterministic generator (the test must fail the same way every time it fails). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

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
];

test("random cells: whenever the shortcut compiles, TypeScript's way gives the same prepared cell", () => {
  const next = random(20261201);
  let taken = 0;
  for (let i = 0; i < 20_000; i++) {
    const length = 1 + Math.floor(next() * 9);
    let body = "";
    for (let t = 0; t < length; t++)
      body += TOKENS[Math.floor(next() * TOKENS.length)] + (next() < 0.5 ? " " : "");
    const code = `// @ts-nocheck\n${body}`;
    const fast = shortcut(code);
    if (fast === undefined) continue;
    taken++;
    const slow = typescriptWay(code);
    assert.ok(slow.ok, `TypeScript refused ${JSON.stringify(code)}`);
    assert.deepEqual(fast, slow.ok ? slow.cell : undefined, JSON.stringify(code));
  }
  // The generator must reach the shortcut often enough for the comparison to mean something.
  assert.ok(taken > 1_000, `only ${taken} random cells took the shortcut`);
});
