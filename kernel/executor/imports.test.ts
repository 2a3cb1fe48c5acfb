// Imports in cells: node builtins, an ESM-only and a CommonJS package installed in the notebook's directory,
// relative files, dynamic import(), and imported names staying defined in later cells.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Interpreter } from "../interpreter.js";
import { createInterpreter } from "./index.js";
import { run } from "./test-support.js";

let interpreter: Interpreter;
let notebookDir: string;

function writePackage(name: string, files: Record<string, string>): void {
  const directory = path.join(notebookDir, "node_modules", name);
  mkdirSync(directory, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(directory, file), text);
}

before(async () => {
  notebookDir = mkdtempSync(path.join(tmpdir(), "jaclab-imports-"));
  writePackage("esm-only", {
    "package.json": JSON.stringify({
      name: "esm-only",
      type: "module",
      exports: { ".": { import: "./main.js" } },
    }),
    "main.js": "export const greet = (name) => `hello ${name}`;\nexport default 'esm default';\n",
    "main.d.ts":
      "export declare const greet: (name: string) => string;\ndeclare const value: string;\nexport default value;\n",
  });
  writePackage("common", {
    "package.json": JSON.stringify({ name: "common", main: "index.js" }),
    "index.js": "exports.triple = (x) => 3 * x;\nexports.label = 'cjs';\n",
  });
  writeFileSync(path.join(notebookDir, "local.mjs"), "export const local = 'from a file';\n");
  interpreter = createInterpreter({ cwd: notebookDir });
  await interpreter.start();
});

after(async () => {
  await interpreter.shutdown();
  rmSync(notebookDir, { recursive: true, force: true });
});

test("node builtins import with default, named and namespace bindings", async () => {
  const { outcome, sink } = await run(
    interpreter,
    'import path from "node:path";\nimport { join } from "path";\nimport * as os from "node:os";\n[path.basename("/a/b.txt"), join("x", "y"), typeof os.cpus].join(" ")',
  );
  assert.equal(outcome.status, "ok", JSON.stringify(outcome));
  assert.equal(sink.result(), "'b.txt x/y function'");
});

test("an ESM-only package with types is imported and checked against its types", async () => {
  const { sink } = await run(
    interpreter,
    'import label, { greet } from "esm-only";\ngreet("cell") + " / " + label',
  );
  assert.equal(sink.result(), "'hello cell / esm default'");
  const wrong = await run(interpreter, 'import { greet as g2 } from "esm-only";\ng2(42)');
  assert.equal(wrong.outcome.status, "error");
});

test("a CommonJS package without types imports with default and named bindings", async () => {
  const { outcome, sink } = await run(
    interpreter,
    'import common, { triple } from "common";\ntriple(2) + common.label',
  );
  assert.equal(outcome.status, "ok", JSON.stringify(outcome));
  assert.equal(sink.result(), "'6cjs'");
});

test("imported names stay defined in later cells", async () => {
  await run(interpreter, 'import { greet as hello } from "esm-only";');
  const { sink } = await run(interpreter, 'hello("again")');
  assert.equal(sink.result(), "'hello again'");
});

test("relative files and dynamic import() resolve from the notebook's directory", async () => {
  const { outcome, sink } = await run(
    interpreter,
    '// @ts-nocheck\nconst mod = await import("./local.mjs");\nmod.local',
  );
  assert.equal(outcome.status, "ok", JSON.stringify(outcome));
  assert.equal(sink.result(), "'from a file'");
});

test("a missing package is a type error, and at run time a clear module error", async () => {
  const checked = await run(interpreter, 'import { nothing } from "no-such-package";\nnothing');
  assert.equal(checked.outcome.status, "error");
  const unchecked = await run(
    interpreter,
    '// @ts-nocheck\nimport { nothing } from "no-such-package";\nnothing',
  );
  assert.equal(unchecked.outcome.status === "error" && unchecked.outcome.ename, "ModuleNotFoundError");
});

test("a package installed after a cell failed to find it is found when the cell runs again", async () => {
  const cell = 'import { late } from "installed-later";\nlate.toUpperCase()';
  const missing = await run(interpreter, cell);
  assert.equal(missing.outcome.status, "error");
  assert.match(missing.outcome.status === "error" ? missing.outcome.evalue : "", /installed-later/);
  writePackage("installed-later", {
    "package.json": JSON.stringify({ name: "installed-later", type: "module", main: "index.js" }),
    "index.js": "export const late = 'found';\n",
    "index.d.ts": "export declare const late: string;\n",
  });
  const found = await run(interpreter, cell);
  assert.equal(found.outcome.status, "ok", JSON.stringify(found.outcome));
  assert.equal(found.sink.result(), "'FOUND'");
});
