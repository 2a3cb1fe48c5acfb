// Tests of unchecked cells (`// @ts-nocheck`), which the execution process prepares itself: TypeScript
// syntax is stripped there, syntax errors are reported as before, their names reach later checked cells,
// help() still gets its documentation, and interrupts work the same.

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ExecuteOutcome } from "../interpreter.js";
import { run, sharedInterpreter } from "./test-support.js";
import { preparedByExecution } from "./unchecked.js";

const interpreter = sharedInterpreter();

function errorOf(outcome: ExecuteOutcome): { ename: string; evalue: string; traceback: string[] } {
  assert.equal(outcome.status, "error", JSON.stringify(outcome));
  return outcome.status === "error" ? outcome : { ename: "", evalue: "", traceback: [] };
}

test("only unchecked cells without help() skip the language worker", () => {
  assert.equal(preparedByExecution("// @ts-nocheck\n1 + 1"), true);
  assert.equal(preparedByExecution("  //   @ts-nocheck\nconst a = 1;"), true);
  assert.equal(preparedByExecution("1 + 1"), false);
  assert.equal(preparedByExecution("const a = 1; // @ts-nocheck"), false);
  assert.equal(preparedByExecution("// @ts-nocheck\nhelp(grad)"), false);
});

test("a simple unchecked cell (declarations, one expression) runs without TypeScript, like any other", async () => {
  // Defined by a checked cell, which the language worker prepares: the execution process has not needed
  // TypeScript yet (this test runs first in this file's interpreter).
  await run(
    interpreter,
    "function typescriptLoaded(): boolean {\n" +
      '  return Object.keys(require.cache).some((file) => file.includes("/typescript/"));\n}',
  );
  const declared = await run(
    interpreter,
    "// @ts-nocheck\nvar shortcutBase = 40;\nconst half = shortcutBase * 0.5;",
  );
  assert.equal(declared.outcome.status, "ok", JSON.stringify(declared.outcome));
  const value = await run(interpreter, "// @ts-nocheck\n\nshortcutBase +\n  2");
  assert.equal(value.sink.result(), "42");
  const thrown = await run(interpreter, "// @ts-nocheck\n\n1 + notDefinedAnywhere");
  const error = errorOf(thrown.outcome);
  assert.equal(error.ename, "ReferenceError");
  assert.match(error.traceback.join("\n"), /Cell In\[\d+\], line 3, column 5/);
  assert.equal((await run(interpreter, "// @ts-nocheck\ntypescriptLoaded()")).sink.result(), "false");
  // Their names reach later checked cells, with their types.
  assert.equal((await run(interpreter, "half.toFixed(1)")).sink.result(), "'20.0'");
  // Looks simple, is TypeScript: V8 refuses it, so TypeScript strips it.
  const stripped = await run(interpreter, "// @ts-nocheck\nshortcutBase as number");
  assert.equal(stripped.sink.result(), "40");
  // Pairs up wrongly: TypeScript's syntax error, not a value.
  const broken = await run(interpreter, "// @ts-nocheck\nshortcutBase) + (1");
  assert.equal(errorOf(broken.outcome).ename, "SyntaxError");
  assert.equal((await run(interpreter, "// @ts-nocheck\ntypescriptLoaded()")).sink.result(), "true");
});

test("an unchecked cell's TypeScript syntax is stripped, and its errors point at cell lines", async () => {
  const { outcome, sink } = await run(
    interpreter,
    "// @ts-nocheck\nenum Level { Low = 1, High = 3 }\ninterface Shape { size: number }\n" +
      "const shape: Shape = { size: Level.High };\nshape.size as number",
  );
  assert.equal(outcome.status, "ok", JSON.stringify(outcome));
  assert.equal(sink.result(), "3");
  const thrown = await run(
    interpreter,
    "// @ts-nocheck\ntype Unused = string;\n\nthrow new RangeError('line 4');",
  );
  const error = errorOf(thrown.outcome);
  assert.equal(error.ename, "RangeError");
  assert.match(error.traceback.join("\n"), /Cell In\[\d+\], line 4, column 7/);
});

test("a syntax error in an unchecked cell is a SyntaxError with a caret, and the cell declares nothing", async () => {
  const { outcome } = await run(interpreter, "// @ts-nocheck\nconst neverDeclared = ;");
  const error = errorOf(outcome);
  assert.equal(error.ename, "SyntaxError");
  assert.match(error.traceback.join("\n"), /Cell line 2, column \d+/);
  assert.match(error.traceback.join("\n"), /\^/);
  const later = await run(interpreter, "neverDeclared");
  assert.equal(errorOf(later.outcome).ename, "TSError");
  assert.match(errorOf(later.outcome).evalue, /Cannot find name 'neverDeclared'/);
});

test("the names an unchecked cell declares reach later checked cells with their types", async () => {
  const declared = await run(
    interpreter,
    "// @ts-nocheck\nconst fromUnchecked: number = 20;\nlet label = 'x';",
  );
  assert.equal(declared.outcome.status, "ok", JSON.stringify(declared.outcome));
  const used = await run(interpreter, "fromUnchecked.toFixed(1) + label.toUpperCase()");
  assert.equal(used.sink.result(), "'20.0X'");
  const misused = await run(interpreter, "fromUnchecked.toUpperCase()");
  assert.match(errorOf(misused.outcome).evalue, /toUpperCase' does not exist on type 'number'/);
});

test("help() in an unchecked cell still shows the documentation", async () => {
  const { outcome } = await run(
    interpreter,
    "// @ts-nocheck\n/** Halves a number. */\nfunction halve(n: number) { return n / 2; }\nhelp(halve);",
  );
  assert.equal(outcome.status, "ok", JSON.stringify(outcome));
  if (outcome.status !== "ok") return;
  const page = outcome.payload[0] as { data: Record<string, string> };
  assert.match(page.data["text/plain"], /Halves a number\./);
});

test("an interrupted unchecked cell ends with KeyboardInterrupt, its names and earlier variables kept", async () => {
  await run(interpreter, "// @ts-nocheck\nconst keptBefore = 'kept';");
  const busy = run(interpreter, "// @ts-nocheck\nvar spunUnchecked = 0;\nwhile (true) { spunUnchecked++; }");
  await new Promise((resolve) => setTimeout(resolve, 300));
  await interpreter.interrupt();
  assert.equal(errorOf((await busy).outcome).ename, "KeyboardInterrupt");
  const after = await run(interpreter, "keptBefore + (spunUnchecked > 0)");
  assert.equal(after.sink.result(), "'kepttrue'");
});
