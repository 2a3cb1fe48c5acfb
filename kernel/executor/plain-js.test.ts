// Tests of the emitter bypass: which cells run as their own text, and the identity source map they get.

import assert from "node:assert/strict";
import { test } from "node:test";
import ts from "typescript";
import { emitsUnchanged } from "./plain-js.js";
import { identityMappings } from "./source-map.js";

const parse = (code: string): ts.SourceFile =>
  ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);

test("plain JavaScript within ES2022 skips the emitter", () => {
  for (const code of [
    "1 + 1",
    "// @ts-nocheck\nconst a = [1, 2];\na.map((x) => x * 2)",
    "class A { #p = 1; static { } }\nnew A()",
    "for await (const x of y) {}",
    "a ??= b?.c",
  ]) {
    assert.equal(emitsUnchanged(parse(code)), true, code);
  }
});

test("TypeScript syntax, newer syntax, modules and parse errors go through the emitter", () => {
  for (const code of [
    "let a: number = 1",
    "x!",
    "enum E { A }",
    "a as unknown",
    "const f = <T,>(x: T) => x",
    "declare const z: number",
    "using x = f()",
    "@d class B {}",
    'import x from "y"',
    "export const q = 1",
    "export {}",
    "1 +",
    "a\r\nb",
    "a\u2028b",
  ]) {
    assert.equal(emitsUnchanged(parse(code)), false, JSON.stringify(code));
  }
});

test("identity mappings map every line to itself", () => {
  assert.deepEqual(identityMappings("a\nb\n\nc"), [
    [0, 0, 0],
    [0, 1, 0],
    [0, 2, 0],
    [0, 3, 0],
  ]);
  assert.deepEqual(identityMappings(""), [[0, 0, 0]]);
});
