// removeBuffers / putBuffers: binary values anywhere in a state travel as buffers at their paths.

import assert from "node:assert/strict";
import { test } from "node:test";
import { BufferPathError, putBuffers, removeBuffers } from "./buffers.js";

test("binary values leave the state (null in lists, absent in objects) and come back at their paths", () => {
  const x = new Float64Array([1, 2]);
  const y = new Uint8Array([7]);
  const split = removeBuffers({ a: 1, x, nested: { list: [0, y], keep: "k" } });
  assert.deepEqual(split.state, { a: 1, nested: { list: [0, null], keep: "k" } });
  assert.deepEqual(split.bufferPaths, [["x"], ["nested", "list", 1]]);
  assert.deepEqual(Array.from(new Float64Array(split.buffers[0]!.slice().buffer)), [1, 2]);
  const state: Record<string, unknown> = structuredClone(split.state);
  putBuffers(state, split.bufferPaths, split.buffers);
  assert.ok(state.x instanceof DataView);
  assert.equal((state.x as DataView).getFloat64(8, true), 2);
  assert.equal(((state.nested as { list: unknown[] }).list[1] as DataView).getUint8(0), 7);
});

test("paths that do not fit the buffers or the state are refused with a BufferPathError", () => {
  const one = [new Uint8Array([1])];
  assert.throws(() => putBuffers({}, [["a"], ["b"]], one), BufferPathError);
  assert.throws(() => putBuffers({}, "a", one), BufferPathError);
  assert.throws(() => putBuffers({}, [[]], one), BufferPathError);
  assert.throws(() => putBuffers({ a: 1 }, [["a", "b"]], one), /leads nowhere/);
});
