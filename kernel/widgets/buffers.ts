// Binary buffers in widget state (widgets protocol 2): typed arrays anywhere in a state object travel as
// separate message buffers, and `buffer_paths` says where each one belongs in the state.

/** A path into a state object: keys of objects and indices of arrays. */
export type BufferPath = (string | number)[];

/** A state split for the wire: JSON-able state, the paths of the removed buffers, and the buffers. */
export interface SplitState {
  state: Record<string, unknown>;
  bufferPaths: BufferPath[];
  buffers: Uint8Array[];
}

function isBinary(value: unknown): value is ArrayBufferView | ArrayBuffer {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

function bytes(value: ArrayBufferView | ArrayBuffer): Uint8Array {
  return value instanceof ArrayBuffer
    ? new Uint8Array(value)
    : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * Takes the binary values out of `state` (without changing it): an object key holding one is left out, an
 * array element holding one becomes null, as the protocol says.
 */
export function removeBuffers(state: Record<string, unknown>): SplitState {
  const bufferPaths: BufferPath[] = [];
  const buffers: Uint8Array[] = [];
  const walk = (value: unknown, path: BufferPath): unknown => {
    if (Array.isArray(value)) {
      return value.map((item, index) => {
        if (!isBinary(item)) return walk(item, [...path, index]);
        bufferPaths.push([...path, index]);
        buffers.push(bytes(item));
        return null;
      });
    }
    if (value === null || typeof value !== "object" || isBinary(value)) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (isBinary(item)) {
        bufferPaths.push([...path, key]);
        buffers.push(bytes(item));
      } else {
        copy[key] = walk(item, [...path, key]);
      }
    }
    return copy;
  };
  return { state: walk(state, []) as Record<string, unknown>, bufferPaths, buffers };
}

/** A problem with `buffer_paths` or the buffers of a message. */
export class BufferPathError extends TypeError {
  override readonly name = "BufferPathError";
}

/**
 * Puts received buffers back into `state` (in place) at `bufferPaths`. Each buffer arrives as a DataView
 * over its bytes, as ipywidgets' frontend hands them; widgets convert them to the typed array they want.
 */
export function putBuffers(
  state: Record<string, unknown>,
  bufferPaths: unknown,
  buffers: Uint8Array[],
): void {
  if (bufferPaths === undefined) return;
  if (!Array.isArray(bufferPaths)) throw new BufferPathError("buffer_paths must be a list of paths");
  if (bufferPaths.length !== buffers.length) {
    throw new BufferPathError(
      `buffer_paths has ${bufferPaths.length} paths but the message has ${buffers.length} buffers`,
    );
  }
  bufferPaths.forEach((path: unknown, index) => {
    if (
      !Array.isArray(path) ||
      path.length === 0 ||
      !path.every((key) => typeof key === "string" || Number.isInteger(key))
    ) {
      throw new BufferPathError(`buffer_paths[${index}] must be a non-empty list of keys and indices`);
    }
    let target: unknown = state;
    for (const key of path.slice(0, -1)) {
      target = (target as Record<string | number, unknown>)[key as string | number];
      if (target === null || typeof target !== "object") {
        throw new BufferPathError(
          `buffer_paths[${index}] ${JSON.stringify(path)} leads nowhere in the state`,
        );
      }
    }
    const buffer = buffers[index] as Uint8Array;
    (target as Record<string | number, unknown>)[path[path.length - 1] as string | number] = new DataView(
      buffer.buffer,
      buffer.byteOffset,
      buffer.byteLength,
    );
  });
}
