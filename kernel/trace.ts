// A message trace for diagnosing ordering and stalls: with JACLAB_TRACE_FILE set, every message the kernel
// receives and sends (channel, msg_type, msg_id, parent msg_id) and every message crossing to and from the
// execution process is appended to that file, one line each with a millisecond timestamp. Off by default.

import { appendFileSync } from "node:fs";

/** The environment variable naming the trace file. */
export const TRACE_FILE_VARIABLE = "JACLAB_TRACE_FILE";

const traceFile = process.env[TRACE_FILE_VARIABLE] || undefined;

/** Whether tracing is on (so callers can skip building a line nobody reads). */
export const tracing = traceFile !== undefined;

/** Appends one line to the trace (synchronously, so lines keep their order even if the process dies next). */
export function trace(line: string): void {
  if (traceFile === undefined) return;
  try {
    appendFileSync(
      traceFile,
      `${(performance.timeOrigin + performance.now()).toFixed(1)} ${process.pid} ${line}\n`,
    );
  } catch {
    // A trace that cannot be written must never disturb the kernel.
  }
}
