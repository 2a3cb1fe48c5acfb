// Refusals that keep a cell from stopping the kernel through the process object: a signal sent to the
// execution process itself, to the kernel, or to their process group, unless it is harmless (0, SIGINT,
// which interrupts, and the signals whose default is to be ignored).

import { constants } from "node:os";

/** `process.kill()` aimed at the kernel would stop it, so cells may not do it. */
export class ProcessKillRefusedError extends Error {
  override readonly name = "ProcessKillRefusedError";
}

/** Signals whose default action is to be ignored (SIGCONT's is to continue, which it does anyway). */
const IGNORED_BY_DEFAULT = ["SIGCHLD", "SIGCONT", "SIGURG", "SIGWINCH"] as const;
const HARMLESS = new Set<string>(["SIGINT", ...IGNORED_BY_DEFAULT]);

function signalName(signal: string | number | undefined): string | number {
  if (typeof signal !== "number") return (signal ?? "SIGTERM").toUpperCase();
  const named = Object.entries(constants.signals).find(([, number]) => number === signal);
  return named?.[0] ?? signal;
}

/**
 * Wraps `process.kill` in the execution process, and gives the harmless signals a listener. Node's
 * `process.kill` of its own process (or group) with a signal that has no JavaScript listener runs the
 * process's at-exit hooks first, expecting the signal to end it; one of those hooks tells the inspector
 * that the main context is gone. For a signal that is ignored by default the process lives on, but the
 * watchdog's inspector session could never evaluate there again ("Cannot find context with specified id"),
 * so no busy cell could be stopped without replacing the process. A no-op listener changes nothing else:
 * these signals do nothing by default.
 */
export function installProcessGuards(): void {
  for (const signal of IGNORED_BY_DEFAULT) process.on(signal, () => undefined);
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
