// The messages between the kernel and its execution process travel as JSON (Node's "json" IPC mode, which
// costs each cell's small messages less than the "advanced" structured clone). What JSON lacks is carried by
// hand: the binary buffers of comm messages as base64, and bigints (in data a cell displays) as strings,
// which is what they become on the way to the frontend anyway.

import { bigintsAsStrings } from "../wire.js";
import type { ExecEvent, ExecRequest } from "./protocol.js";

type Message = ExecRequest | ExecEvent;

/** The part of a message that holds comm buffers, if it is a comm message. */
function buffersOf(message: Message): { buffers: unknown[] } | undefined {
  if (message.type === "comm") return message as { buffers: unknown[] };
  if (message.type === "output" && message.output.kind === "comm")
    return message.output as { buffers: unknown[] };
  return undefined;
}

/** The message as JSON can carry it: buffers as base64 strings, bigints as decimal strings. */
export function toWire(message: Message): unknown {
  const holder = buffersOf(message);
  if (holder === undefined || holder.buffers.length === 0) return message;
  const encoded = (holder.buffers as Uint8Array[]).map((buffer) =>
    Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength).toString("base64"),
  );
  return message.type === "comm"
    ? { ...message, buffers: encoded }
    : { ...message, output: { ...(message as { output: object }).output, buffers: encoded } };
}

/** The message as it was sent (buffers back as bytes). */
export function fromWire<T extends Message>(wire: unknown): T {
  const message = wire as T;
  const holder = buffersOf(message);
  if (holder !== undefined)
    holder.buffers = holder.buffers.map((text) => new Uint8Array(Buffer.from(String(text), "base64")));
  return message;
}

/**
 * Sends `message` with `send` (a `process.send` in JSON mode), its bigints turned into strings if it has
 * any (JSON.stringify refuses them, and the first try is the fast one).
 */
export function sendAsJson(send: (message: unknown) => unknown, message: Message): void {
  const wire = toWire(message);
  try {
    send(wire);
  } catch (error) {
    if (!(error instanceof TypeError) || !/BigInt/i.test(error.message)) throw error;
    send(JSON.parse(JSON.stringify(wire, bigintsAsStrings)));
  }
}
