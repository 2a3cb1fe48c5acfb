// Unit tests of history: tail, range, search (glob, unique, n) and persistence across kernel sessions.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { globToRegExp, History } from "./history.js";

test("glob patterns match whole sources like SQLite GLOB", () => {
  assert.ok(globToRegExp("1 + *").test("1 + 2"));
  assert.ok(!globToRegExp("1 + *").test("x = 1 + 2"));
  assert.ok(globToRegExp("a?c").test("abc"));
  assert.ok(globToRegExp("[ab]x").test("bx"));
  assert.ok(!globToRegExp("[^ab]x").test("ax"));
  assert.ok(globToRegExp("f(x).y*").test("f(x).y\nmore"));
  assert.ok(!globToRegExp("f(x).y").test("fxxy"));
});

test("tail, range and search in one session", async () => {
  const history = new History(undefined);
  await history.record(1, "a = 1");
  await history.record(2, "b = 2");
  await history.record(3, "a = 1");
  await history.recordOutput(3, "1");
  const s = history.session;
  assert.deepEqual(await history.tail(2, false), [
    [s, 2, "b = 2"],
    [s, 3, "a = 1"],
  ]);
  assert.deepEqual(await history.tail(1, true), [[s, 3, ["a = 1", "1"]]]);
  assert.deepEqual(await history.range(s, 2, 3, false), [[s, 2, "b = 2"]]);
  assert.deepEqual(await history.range(0, 2, null, false), [
    [s, 2, "b = 2"],
    [s, 3, "a = 1"],
  ]);
  assert.deepEqual(await history.search("a*", null, false, false), [
    [s, 1, "a = 1"],
    [s, 3, "a = 1"],
  ]);
  assert.deepEqual(await history.search("a*", null, true, false), [[s, 3, "a = 1"]]);
  assert.deepEqual(await history.search("*", 2, false, false), [
    [s, 2, "b = 2"],
    [s, 3, "a = 1"],
  ]);
});

test("history persists across sessions in a JSON-lines file", async (t) => {
  const directory = mkdtempSync(join(tmpdir(), "jaclab-history-"));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const path = join(directory, "sub", "history.jsonl");
  const first = new History(path);
  await first.record(1, "let x = 1");
  await first.recordOutput(1, "undefined");
  await first.flush();
  assert.equal(readFileSync(path, "utf8").trim().split("\n").length, 2);
  const second = new History(path);
  await second.ready();
  assert.equal(second.session, first.session + 1);
  await second.record(1, "x + 1");
  assert.deepEqual(await second.tail(5, true), [
    [first.session, 1, ["let x = 1", "undefined"]],
    [second.session, 1, ["x + 1", null]],
  ]);
  assert.deepEqual(await second.range(-1, 0, null, false), [[first.session, 1, "let x = 1"]]);
  // Let the pending append finish before the directory is removed.
  await second.flush();
});

test("history reaches the file a moment after a burst of cells, without a flush", async (t) => {
  const directory = mkdtempSync(join(tmpdir(), "jaclab-history-"));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const path = join(directory, "history.jsonl");
  const history = new History(path);
  for (let line = 1; line <= 3; line++) await history.record(line, `${line} + 1`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const lines = readFileSync(path, "utf8").trim().split("\n");
  assert.deepEqual(
    lines.map((line) => (JSON.parse(line) as { source: string }).source),
    ["1 + 1", "2 + 1", "3 + 1"],
  );
  await history.flush();
});

test("a long history file is read from its end: the newest sessions, and the session number after them", async (t) => {
  const directory = mkdtempSync(join(tmpdir(), "jaclab-history-"));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const path = join(directory, "history.jsonl");
  // 400 sessions of 20 cells, about 4 MB: more than a kernel reads.
  const lines: string[] = [];
  for (let session = 1; session <= 400; session++)
    for (let line = 1; line <= 20; line++)
      lines.push(JSON.stringify({ session, line, source: `cell ${session}.${line} ${"x".repeat(480)}` }));
  writeFileSync(path, `${lines.join("\n")}\n`);
  const history = new History(path);
  await history.ready();
  assert.equal(history.session, 401);
  const newest = await history.range(400, 1, null, false);
  assert.equal(newest.length, 20);
  assert.match(String(newest[19][2]), /^cell 400\.20 /);
  assert.deepEqual(await history.range(1, 1, null, false), []);
  await history.flush();
});
