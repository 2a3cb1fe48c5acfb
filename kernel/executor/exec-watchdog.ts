// The execution process's watchdog thread: the one thread there that never runs user code. The kernel asks
// it, over a pipe of its own, to stop a busy cell; through an inspector session on the process's main thread
// it asks whether a cell is running and, if one is, terminates it (Runtime.terminateExecution), which
// reaches a synchronous `while (true) {}` that no message on the main thread's event loop could.

import { Session } from "node:inspector";
import { Socket } from "node:net";
import { workerData } from "node:worker_threads";
import { RUNTIME_NAME } from "./protocol.js";

/** What the execution process tells its watchdog when it starts it. */
export interface WatchdogData {
  /** The file descriptor of the pipe to the kernel. */
  fd: number;
}

const { fd } = workerData as WatchdogData;
const session = new Session();
session.connectToMainThread();
const pipe = new Socket({ fd, readable: true, writable: true });

function post(method: string, params?: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * Stops the running cell, if one is running: "busy" when it was terminated, "idle" when none was running,
 * "failed" when the inspector refused to evaluate at all ("Cannot find context with specified id": Node's
 * at-exit hooks ran without the process exiting; the process guards keep a cell's harmless signals from
 * doing that, and the kernel replaces a process this happens to anyway). The evaluation runs
 * inside the busy code (the inspector interrupts it) or, when nothing runs, on the event loop; it
 * terminates a busy cell itself, so its own answer is cut off by that termination (read as "busy").
 */
async function stop(): Promise<"busy" | "idle" | "failed"> {
  let refused = false;
  const evaluated = (await post("Runtime.evaluate", {
    expression: `globalThis.${RUNTIME_NAME}.stopIfBusy()`,
    returnByValue: true,
  }).catch((error: unknown) => {
    refused = String(error).includes("Cannot find context");
    return undefined;
  })) as { result?: { value?: unknown } } | undefined;
  if (refused) return "failed";
  return evaluated?.result?.value === "idle" ? "idle" : "busy";
}

let buffered = "";
pipe.setEncoding("utf8");
pipe.on("data", (chunk: string) => {
  buffered += chunk;
  for (let newline = buffered.indexOf("\n"); newline >= 0; newline = buffered.indexOf("\n")) {
    const [command, cellId] = buffered.slice(0, newline).split(" ");
    buffered = buffered.slice(newline + 1);
    if (command !== "stop") continue;
    stop().then(
      (answer) => pipe.write(`${answer} ${cellId}\n`),
      (error: unknown) => pipe.write(`failed ${cellId} ${String(error).replace(/\n/g, " ")}\n`),
    );
  }
});
// The pipe closes when the kernel exits or is killed. The IPC channel's "disconnect" ends this process only
// if its event loop gets a turn, and a cell in a busy loop never gives it one: orphans kept burning CPU
// after a kernel was killed. This thread is never busy, so it ends the process itself.
const orphaned = (): void => {
  pipe.destroy();
  process.kill(process.pid, "SIGKILL");
};
pipe.on("end", orphaned);
pipe.on("error", orphaned);
