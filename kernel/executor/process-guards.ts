// Refusals that keep a cell from stopping the kernel through the process object: a signal sent to the
// execution process itself, to the kernel, or to their process group, unless it is harmless (0, SIGINT,
// which interrupts, and the signals whose default is to be ignored).

import { constants } from "node:os";

/** `process.kill()` aimed at the kernel would stop it, so cells may not do it. */
export class ProcessKillRefusedError extends Error {
  override readonly name = "ProcessKillRefusedError";
}

const HARMLESS = new Set(["SIGINT", "SIGCHLD", "SIGCONT", "SIGURG", "SIGWINCH"]);

function signalName(signal: string | number | undefined): string | number {
  if (typeof signal !== "number") return (signal ?? "SIGTERM").toUpperCase();
  const named = Object.entries(constants.signals).find(([, number]) => number === signal);
  return named?.[0] ?? signal;
}

/** Wraps `process.kill` in the execution process. */
export function installProcessGuards(): void {
  const kill = process.kill.bind(process);
  process.kill = ((pid: number, signal?: string | number): true => {
    const name = signalName(signal);
    const targetsKernel =
      pid === process.pid ||
      pid === process.ppid ||
      pid === 0 ||
      pid === -1 ||
      pid === -process.pid ||
      pid === -process.ppid;
    const harmless = name === 0 || (typeof name === "string" && HARMLESS.has(name));
    if (targetsKernel && !harmless) {
      throw new ProcessKillRefusedError(
        `process.kill(${pid}, ${JSON.stringify(name)}) was refused: it would stop the kernel. ` +
          "Restart or shut the kernel down from the notebook instead.",
      );
    }
    return kill(pid, signal);
  }) as typeof process.kill;
}
