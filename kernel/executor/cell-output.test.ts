// Tests of the execution worker's batched postMessage: bursts of stream text merge, order never changes.

import assert from "node:assert/strict";
import { test } from "node:test";
import { setImmediate as nextTurn } from "node:timers/promises";
import { BatchedPost } from "./cell-output.js";
import type { ExecEvent } from "./protocol.js";

const stream = (cellId: number, text: string, name: "stdout" | "stderr" = "stdout"): ExecEvent => ({
  type: "output",
  cellId,
  output: { kind: "stream", name, text },
});

test("the first write goes at once; the rest of its burst merges into one message", async () => {
  const sent: ExecEvent[] = [];
  const batcher = new BatchedPost((event) => sent.push(event));
  batcher.post(stream(1, "a\n"));
  assert.deepEqual(sent, [stream(1, "a\n")]);
  for (const text of ["b\n", "c\n", "d\n"]) batcher.post(stream(1, text));
  assert.equal(sent.length, 1);
  await nextTurn();
  assert.deepEqual(sent, [stream(1, "a\n"), stream(1, "b\nc\nd\n")]);
  batcher.post(stream(1, "e\n"));
  assert.deepEqual(sent.at(-1), stream(1, "e\n"));
});

test("other events, other streams and other cells send merged text first", async () => {
  const sent: ExecEvent[] = [];
  const batcher = new BatchedPost((event) => sent.push(event));
  batcher.post(stream(1, "a"));
  batcher.post(stream(1, "b"));
  batcher.post(stream(1, "c"));
  batcher.post(stream(1, "x", "stderr"));
  batcher.post(stream(2, "y"));
  batcher.post(stream(2, "z"));
  batcher.post({ type: "done", cellId: 2, outcome: { status: "ok", userExpressions: {}, payload: [] } });
  assert.deepEqual(
    sent.map((event) =>
      event.type === "output" && event.output.kind === "stream" ? event.output.text : event.type,
    ),
    ["a", "bc", "x", "yz", "done"],
  );
  await nextTurn();
  assert.equal(sent.length, 5);
});
