// `jaclab kernel CONNECTION_FILE`: binds the sockets, wires the kernel to the ZeroMQ transport and the
// executor, and handles process signals. The executor (and TypeScript with it) loads after start-up.

import type { Interpreter } from "./interpreter.js";
import { readConnectionFile } from "./connection.js";
import { History } from "./history.js";
import { Kernel } from "./kernel.js";
import { kernelInfo } from "./kernel-info.js";
import { describeError, log } from "./log.js";
import { historyFilePath } from "./paths.js";
import { Signer } from "./wire.js";
import { ZmqTransport } from "./zmq-transport.js";

/** Loads the language half (kernel/executor) on demand, so start-up does not pay for it. */
async function loadExecutor(): Promise<Interpreter> {
  // A computed specifier keeps this module independent of the executor's build state.
  const specifier = "./executor/index.js";
  const module = (await import(specifier)) as { createInterpreter?: unknown };
  if (typeof module.createInterpreter !== "function") {
    throw new TypeError("kernel/executor/index.js does not export createInterpreter()");
  }
  return (module.createInterpreter as () => Interpreter)();
}

/** How often the kernel checks that the client process that launched it is still alive. */
const parentPollMs = 2000;

/**
 * Shuts the kernel down when the process named by JPY_PARENT_PID (set by jupyter_client for the kernels it
 * owns) has died, so a crashed notebook server leaves no orphaned kernels behind; ipykernel does the same.
 */
function watchParent(kernel: Kernel): void {
  const parent = Number(process.env.JPY_PARENT_PID);
  if (!Number.isInteger(parent) || parent <= 1) return;
  const timer = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") return; // alive, but not ours to signal
      clearInterval(timer);
      log.warn(`the launching process ${parent} has exited; shutting down`);
      void kernel.shutdown(false);
    }
  }, parentPollMs);
  timer.unref();
}

/** Starts a kernel on the connection file at `path`; throws before binding when the file is unusable. */
export async function runKernel(
  path: string,
  loadInterpreter: () => Promise<Interpreter> = loadExecutor,
): Promise<Kernel> {
  const connection = readConnectionFile(path);
  const signer = new Signer(connection.key, connection.signature_scheme);
  const transport = await ZmqTransport.bind(connection);
  const kernel = new Kernel({
    transport,
    signer,
    loadInterpreter,
    history: new History(historyFilePath()),
    info: kernelInfo(),
    exit: (code) => process.exit(code),
  });
  kernel.start();
  watchParent(kernel);

  // Clients in signal interrupt mode send SIGINT; it stops the running cell, never the kernel.
  process.on("SIGINT", () => {
    void kernel.interrupt("SIGINT").catch((error: unknown) => log.warn(`SIGINT: ${describeError(error)}`));
  });
  process.on("SIGTERM", () => {
    log.warn("SIGTERM received: the kernel is shutting down");
    void kernel.shutdown(false, "SIGTERM");
  });
  // The protocol side must outlive any single failure: log and keep serving.
  process.on("uncaughtException", (error) =>
    log.error(`internal: uncaught exception: ${describeError(error)}`),
  );
  process.on("unhandledRejection", (reason) =>
    log.error(`internal: unhandled rejection: ${describeError(reason)}`),
  );
  return kernel;
}
