// Completion, inspection and is_complete through createInterpreter(), with cursors counted in code points.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Interpreter } from "../interpreter.js";
import { createInterpreter } from "./index.js";
import { run } from "./test-support.js";

let interpreter: Interpreter;

before(async () => {
  interpreter = createInterpreter();
  await interpreter.start();
  await run(
    interpreter,
    "/** A point in the plane. */\nconst origin = { xCoord: 0, yCoord: 0 };\nlet greeting = 'hi';",
  );
});

after(async () => {
  await interpreter.shutdown();
});

test("completes members of a variable from an earlier cell, with the cursor range of the prefix", async () => {
  const code = "origin.xC";
  const result = await interpreter.complete(code, code.length);
  assert.deepEqual(result.matches, ["xCoord"]);
  assert.equal(result.cursorStart, "origin.".length);
  assert.equal(result.cursorEnd, code.length);
});

test("completes globals, earlier cells' names and the kernel's display functions", async () => {
  const result = await interpreter.complete("gree", 4);
  assert.ok(result.matches.includes("greeting"), result.matches.join(","));
  const display = await interpreter.complete("updateDis", 9);
  assert.deepEqual(display.matches, ["updateDisplay"]);
  const math = await interpreter.complete("Math.fl", 7);
  assert.ok(math.matches.includes("floor"));
});

test("a tensor completes its public API; private members only once the user types the underscore", async () => {
  const members = await interpreter.complete("tensor([1, 2]).", 15);
  assert.ok(members.matches.includes("abs") && members.matches.includes("add"), members.matches.join(","));
  assert.deepEqual(
    members.matches.filter((name) => name.startsWith("_")),
    [],
  );
  const typed = await interpreter.complete("tensor([1, 2])._da", 18);
  assert.deepEqual(typed.matches, ["_data"]);
});

test("completion metadata carries each match's kind and signature, as ipykernel sends them", async () => {
  const result = await interpreter.complete("tensor([1, 2]).ad", 17);
  const items = result.metadata._jupyter_types_experimental as Record<string, unknown>[];
  const add = items.find((item) => item.text === "add");
  assert.deepEqual(add, {
    start: 15,
    end: 17,
    text: "add",
    type: "function",
    signature: "(u: TensorLike): Tensor",
  });
  const globals = await interpreter.complete("jacre", 5);
  const jacrev = (globals.metadata._jupyter_types_experimental as Record<string, unknown>[])[0];
  assert.equal(jacrev.type, "function");
  // The first of jacrev's overloads (hasAux ones among them), and how many more there are.
  assert.match(
    String(jacrev.signature),
    /\(f: \(\.\.\.args: A\) => .*\): \(\.\.\.args: A\) => .*\(\+\d+ overloads\)$/,
  );
  const value = (await interpreter.complete("greet", 5)).metadata._jupyter_types_experimental as {
    signature: string;
  }[];
  assert.equal(value[0].signature, "");
});

test("cursor positions count code points, not UTF-16 units", async () => {
  const code = 'const emoji = "😀😀"; greeting.toUpp';
  const cursor = [...code].length;
  const result = await interpreter.complete(code, cursor);
  assert.deepEqual(result.matches, ["toUpperCase"]);
  assert.equal(result.cursorStart, cursor - "toUpp".length);
  assert.equal(result.cursorEnd, cursor);
});

test("inspect shows the signature and doc comment, and found:false where there is nothing", async () => {
  const found = await interpreter.inspect("origin", 3, 0);
  assert.equal(found.found, true);
  assert.match(String(found.data["text/plain"]), /const origin: \{/);
  assert.match(String(found.data["text/plain"]), /A point in the plane\./);
  assert.match(String(found.data["text/markdown"]), /```typescript/);
  const display = await interpreter.inspect("display(", 8, 0);
  assert.match(String(display.data["text/plain"]), /rich output/);
  const nothing = await interpreter.inspect("   ", 1, 0);
  assert.equal(nothing.found, false);
});

test("is_complete says complete, incomplete with an indent, or invalid", async () => {
  assert.deepEqual(await interpreter.isComplete("const a = 1;"), { status: "complete" });
  assert.deepEqual(await interpreter.isComplete("function f() {"), { status: "incomplete", indent: "  " });
  assert.equal((await interpreter.isComplete("foo(1,")).status, "incomplete");
  assert.equal((await interpreter.isComplete("const s = `abc ${1}")).status, "incomplete");
  assert.equal((await interpreter.isComplete("/* open comment")).status, "incomplete");
  assert.deepEqual(await interpreter.isComplete("1 +* 2"), { status: "invalid" });
  assert.deepEqual(await interpreter.isComplete(")"), { status: "invalid" });
});
