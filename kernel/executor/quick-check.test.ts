// The quick check (a cell that declares nothing, checked with the current program's checker) against the
// full check of the same cells in a service without it: the same verdicts and the same error text.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import ts from "typescript";
import { CellLanguageService } from "./language-service.js";
import { isQuickCheckable } from "./quick-check.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const typings = [`${root}dist/src/index.d.ts`, `${root}src/index.ts`].find((file) => existsSync(file));

function service(quickChecks: boolean): CellLanguageService {
  const languageService = new CellLanguageService({
    cwd: process.cwd(),
    jaclabRoot: root,
    coreTypings: typings,
    quickChecks,
  });
  languageService.warm();
  return languageService;
}

const parse = (code: string): ts.SourceFile =>
  ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);

// Cells of the kind the quick check takes, each after the declarations cell below, good and bad.
const cells = [
  "scale * 2",
  "scale.toFixed(2)",
  "scale.nope",
  "1 + 'a' * 2",
  "undefinedName + 1",
  "Math.floor(points.length / 2)",
  "points.map((p) => p.x + p.y)",
  "points.map((p) => p.z)",
  "for (const p of points) p.x.toFixed()",
  "for (const p of points) { p.x = 'left'; }",
  "if (scale > 1) { throw new Error('big'); }",
  "try { JSON.parse('1'); } catch (e) { e.message; }",
  "display(tensor([1, 2, 3]))",
  "display()",
  "jacobian((x) => x.sin(), tensor([1, 2]))",
  "jacobian(42)",
  "process.env.HOME?.length",
  "Buffer.from('hi').toString('base64')",
  "await Promise.resolve(scale)",
  "(() => { const local: number = 'no'; return local; })()",
  "[1, 2].map(String).join()",
  "let",
  "",
];

test("cells that declare nothing get the quick check's verdict and the full check's, the same", () => {
  const quick = service(true);
  const full = service(false);
  const setup = "const scale = 3;\nconst points = [{ x: 1, y: 2 }];";
  for (const languageService of [quick, full]) assert.equal(languageService.prepare(setup).ok, true);
  const before = quick.quickChecks;
  for (const code of cells) {
    const a = quick.prepare(code);
    const b = full.prepare(code);
    assert.deepEqual(a, b, code);
  }
  const taken = cells.filter((code) => isQuickCheckable(parse(code))).length;
  assert.ok(taken >= cells.length - 4, `only ${taken} of ${cells.length} cells were quick-checkable`);
  assert.equal(quick.quickChecks - before, taken);
  assert.equal(full.quickChecks, 0);
  // A later declaration is seen by the quick check of the cell after it.
  assert.equal(quick.prepare("const later = 'text';").ok, true);
  const after = quick.prepare("later.toUpperCase()");
  assert.equal(after.ok, true);
  assert.equal(quick.prepare("later * 2").ok, false);
});

test("declarations, imports, var, directives and TypeScript syntax take the full check", () => {
  for (const code of [
    "const x = 1",
    "var y = 2",
    "import fs from 'node:fs'",
    "await import('node:fs')",
    "require('node:fs')",
    "// @ts-expect-error\nconst z: number = 'a'",
    '/// <reference lib="dom" />\n1',
    "declare global { var q: number }",
    "1 as number",
    "function f() {}",
    "class C {}",
    "export {}",
  ])
    assert.equal(isQuickCheckable(parse(code)), false, code);
  for (const code of ["1 + 1", "display(1)", "for (const i of [1]) i", "if (true) {}"])
    assert.equal(isQuickCheckable(parse(code)), true, code);
});

test("a checker takes a bounded number of quick checks before a fresh program", () => {
  const quick = service(true);
  for (let i = 0; i < 600; i++) assert.equal(quick.prepare(`${i} + 1`).ok, true);
  assert.ok(quick.quickChecks >= 500 && quick.quickChecks < 600, String(quick.quickChecks));
});
