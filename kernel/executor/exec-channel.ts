// The execution process's side of its link to the kernel: messages over the IPC channel the kernel opened,
// the start-up data from the environment, the watchdog thread, and the guards that keep a cell from taking
// the process (or the kernel) down with a signal.

import { Session } from "node:inspector";
import { Worker } from "node:worker_threads";
import { fromWire, sendAsJson } from "./ipc-json.js";
import type { ExecEvent, ExecRequest } from "./protocol.js";
import type { WatchdogData } from "./exec-watchdog.js";
import { installProcessGuards } from "./process-guards.js";

/** The environment variable that carries the execution process's start-up data (JSON). */
export const EXEC_DATA_VARIABLE = "JACLAB_EXEC_DATA";
/** The file descriptor of the watchdog's pipe, as the kernel spawns the process. */
export const WATCHDOG_FD = 4;

/** The message port the execution code talks to the kernel through. */
export interface KernelPort {
  postMessage(event: ExecEvent): void;
  on(event: "message", listener: (request: ExecRequest) => void): void;
}

/** Connects the execution process to the kernel that spawned it and returns the port and start-up data. */
export function connectToKernel<T>(): { port: KernelPort; data: T } {
  const send = process.send?.bind(process);
  const text = process.env[EXEC_DATA_VARIABLE];
  if (send === undefined || text === undefined) {
    throw new Error("internal: exec-worker.js must be started by the kernel, with an IPC channel");
  }
  delete process.env[EXEC_DATA_VARIABLE];
  // Kept before the cell globals refuse process.exit to cells.
  const exit = process.exit.bind(process);
  // Jupyter's signal-mode interrupt sends SIGINT to the whole process group: the kernel handles it.
  process.on("SIGINT", () => undefined);
  installProcessGuards();
  const watchdog = new Worker(new URL("./exec-watchdog.js", import.meta.url), {
    workerData: { fd: WATCHDOG_FD } satisfies WatchdogData,
  });
  watchdog.unref();
  // When the kernel goes away, so does this process. Its stdio pipes lead to the kernel, so a write error on
  // them (EPIPE) means the same; unheard, each one became an uncaught error whose report wrote to stderr
  // again, a loop that starved the event loop (the disconnect was never seen) and spun an orphan forever.
  process.on("disconnect", () => exit(0));
  process.stdout.on("error", () => exit(0));
  process.stderr.on("error", () => exit(0));
  const port: KernelPort = {
    postMessage: (event) => sendAsJson(send, event),
    on: (_event, listener) =>
      void process.on("message", (message) => listener(fromWire<ExecRequest>(message))),
  };
  return { port, data: JSON.parse(text) as T };
}

let self: Session | undefined;

/**
 * Terminates the JavaScript running on this thread as soon as it next checks for interrupts (V8's
 * TerminateExecution through a same-thread inspector session). Only the watchdog's evaluation calls it.
 */
export function terminateHere(): void {
  if (self === undefined) {
    self = new Session();
    self.connect();
  }
  self.post("Runtime.terminateExecution");
}
