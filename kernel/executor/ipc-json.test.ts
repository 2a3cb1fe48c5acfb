// Unit tests of the JSON form of the execution process's messages: comm buffers and bigints survive it.

import assert from "node:assert/strict";
import { test } from "node:test";
import { fromWire, sendAsJson, toWire } from "./ipc-json.js";
import type { ExecEvent, ExecRequest } from "./protocol.js";

/** What Node's JSON IPC does to a message: JSON.stringify on one side, JSON.parse on the other. */
function throughJson(message: ExecRequest | ExecEvent): unknown[] {
  const received: unknown[] = [];
  sendAsJson((wire) => received.push(JSON.parse(JSON.stringify(wire))), message);
  return received;
}

test("comm buffers cross as bytes, both ways, whatever view of a larger buffer they are", () => {
  const backing = new Uint8Array([9, 1, 2, 3, 255, 9]);
  const request: ExecRequest = {
    type: "comm",
    cellId: 3,
    msgType: "comm_msg",
    content: { comm_id: "c" },
    metadata: {},
    buffers: [backing.subarray(1, 5), new Uint8Array(0)],
    msgId: "m",
  };
  const [wire] = throughJson(request);
  const back = fromWire<ExecRequest>(wire);
  assert.equal(back.type, "comm");
  if (back.type !== "comm") return;
  assert.deepEqual(
    back.buffers.map((b) => [...b]),
    [[1, 2, 3, 255], []],
  );
  assert.ok(back.buffers[0] instanceof Uint8Array);

  const event: ExecEvent = {
    type: "output",
    cellId: 3,
    output: {
      kind: "comm",
      msgType: "comm_open",
      content: {},
      metadata: {},
      buffers: [new Uint8Array([7, 8])],
    },
  };
  const sent = fromWire<ExecEvent>(throughJson(event)[0]);
  assert.deepEqual(
    sent.type === "output" && sent.output.kind === "comm" && [...sent.output.buffers[0]],
    [7, 8],
  );
  // The message itself is left as it was (the cell may still hold its buffers).
  assert.ok(
    event.type === "output" && event.output.kind === "comm" && event.output.buffers[0] instanceof Uint8Array,
  );
});

test("bigints in displayed data become decimal strings instead of failing the send", () => {
  const event: ExecEvent = {
    type: "output",
    cellId: 1,
    output: { kind: "display", data: { "application/json": { big: 2n ** 70n } }, metadata: {} },
  };
  const [wire] = throughJson(event);
  assert.deepEqual((wire as { output: { data: unknown } }).output.data, {
    "application/json": { big: "1180591620717411303424" },
  });
});

test("messages without buffers or bigints are sent as they are", () => {
  const event: ExecEvent = { type: "interrupted", cellId: 4 };
  assert.equal(toWire(event), event);
  assert.deepEqual(throughJson(event), [{ type: "interrupted", cellId: 4 }]);
});
