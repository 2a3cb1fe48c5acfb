// Unit tests of the pure pieces: the runtime rewrite of cells, source-map decoding, code-point offsets,
// and package resolution through "exports".

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { runInNewContext } from "node:vm";
import { resolveForImport } from "./resolve.js";
import { decodeMappings, originalPosition } from "./source-map.js";
import { rewriteForRuntime } from "./transform.js";
import { codePointsToOffset, offsetToCodePoints } from "./unicode.js";

/** Runs rewritten code in a fresh context whose globals stand in for the worker's. */
async function evaluate(js: string, context: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const sandbox: Record<string, unknown> = {
    ...context,
    resumed: 0,
    __jaclab: {
      resume: <T>(value: T): T => {
        (sandbox.resumed as number)++;
        return value;
      },
      declare: (names: string[]) => {
        for (const name of names) if (!(name in sandbox)) sandbox[name] = undefined;
      },
    },
  };
  const completion = (await runInNewContext(rewriteForRuntime(js).js, sandbox)) as
    { value: unknown } | undefined;
  return { ...sandbox, completion };
}

test("top-level declarations become globals and the last expression is returned", async () => {
  const result = await evaluate(
    "const a = 1, { b, c: [d] } = { b: 2, c: [3] };\nlet e;\nclass K {}\nfunction f() { return a + b + d; }\nf()",
  );
  assert.equal(result.a, 1);
  assert.equal(result.b, 2);
  assert.equal(result.d, 3);
  assert.equal(result.e, undefined);
  assert.equal(typeof result.K, "function");
  assert.equal(typeof result.f, "function");
  assert.equal((result.completion as { value: unknown }).value, 6);
});

test("functions are hoisted and usable before their declaration", async () => {
  const result = await evaluate("const early = later();\nfunction later() { return 'hoisted'; }");
  assert.equal(result.early, "hoisted");
  assert.equal(result.completion, undefined);
});

test("the rewrite keeps every line on its line number", () => {
  const js = "const a = {\n  x: 1,\n};\nfunction f() {\n  return a;\n}\nf()\n";
  const rewritten = rewriteForRuntime(js).js;
  const originalLines = js.split("\n");
  const rewrittenLines = rewritten.split("\n");
  assert.match(rewrittenLines[4], /return a;/);
  assert.match(rewrittenLines[6], /return \{ value: \(f\(\)\) \}/);
  assert.equal(rewrittenLines.length, originalLines.length + 1);
});

test("static and dynamic imports go through the runtime's import", () => {
  const rewritten = rewriteForRuntime('import x, { y as z } from "m";\nconst w = await import("n");').js;
  assert.match(rewritten, /await __jaclab\.import\("m"\)/);
  assert.match(rewritten, /z = __jaclab\.member\(__jaclab_m0, "y"\)/);
  assert.match(rewritten, /__jaclab\.import\("n"\)/);
  assert.doesNotMatch(rewritten, /^import /m);
});

test("help calls receive their documentation as a second argument", () => {
  const rewritten = rewriteForRuntime("help(f);", ["the docs"]).js;
  assert.match(rewritten, /help\(f, "the docs"\)/);
});

test("source-map VLQ decoding maps generated positions back", () => {
  // "AAAA" = [0,0,0,0]; "IAAI" = [+4,0,0,+4]; ";AACE" = next line, source line +1, source column +2
  // (source fields are relative to the previous segment, across lines; the generated column restarts).
  const mappings = decodeMappings("AAAA,IAAI;AACE");
  assert.deepEqual(mappings, [
    [0, 0, 0, 4, 0, 4],
    [0, 1, 6],
  ]);
  assert.deepEqual(originalPosition(mappings, 0, 6), { line: 0, column: 6 });
  assert.deepEqual(originalPosition(mappings, 1, 3), { line: 1, column: 9 });
  assert.equal(originalPosition(mappings, 5, 0), undefined);
});

test("code points and UTF-16 offsets convert both ways", () => {
  const text = "a😀b";
  assert.equal(codePointsToOffset(text, 2), 3);
  assert.equal(offsetToCodePoints(text, 3), 2);
  assert.equal(codePointsToOffset(text, 10), text.length);
});

test("packages resolve through their exports map with import conditions", () => {
  const base = mkdtempSync(path.join(tmpdir(), "jaclab-resolve-"));
  try {
    const directory = path.join(base, "node_modules", "@scope", "dual");
    mkdirSync(path.join(directory, "esm"), { recursive: true });
    const exports = { ".": { require: "./cjs.js", import: "./esm/index.js" }, "./feature/*": "./esm/*.js" };
    writeFileSync(path.join(directory, "package.json"), JSON.stringify({ exports }));
    const url = resolveForImport("@scope/dual", [base], "file:///core.js");
    assert.ok(url.endsWith("/node_modules/@scope/dual/esm/index.js"), url);
    assert.ok(resolveForImport("@scope/dual/feature/x", [base], "").endsWith("/esm/x.js"));
    assert.equal(resolveForImport("jaclab", [base], "file:///core.js"), "file:///core.js");
    assert.equal(resolveForImport("node:fs", [base], ""), "node:fs");
    assert.throws(
      () => resolveForImport("missing-package", [base], ""),
      /Cannot find module 'missing-package'/,
    );
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test("every await resumes through the runtime, keeping its value, in any position", async () => {
  const cases: [string, unknown, number][] = [
    ["await Promise.resolve(1)", 1, 1],
    ["const a = await Promise.resolve(2);\na + 1;", 3, 1],
    ["await (await Promise.resolve(Promise.resolve(4)))", 4, 2],
    ["await await Promise.resolve(5)", 5, 2],
    ["const f = async () => (await Promise.resolve(3)) * 2;\nawait f()", 6, 2],
    ["[await Promise.resolve(1), 2 ** await Promise.resolve(3)]", [1, 8], 2],
    ["let total = 0;\nfor await (const v of [Promise.resolve(1), 2]) { total += v; }\ntotal", 3, 2],
    ["let sum = 0;\nfor await (const v of [1, 2, 3]) sum += v;\nsum", 6, 3],
  ];
  for (const [cell, value, resumes] of cases) {
    const result = await evaluate(cell);
    // JSON: an array made in the sandbox's realm is not deep-equal to one of this realm.
    assert.equal(
      JSON.stringify((result.completion as { value: unknown }).value),
      JSON.stringify(value),
      cell,
    );
    assert.equal(result.resumed, resumes, `${cell}: resumes`);
  }
});
