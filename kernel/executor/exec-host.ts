// The kernel's handle on the execution process, the child Node process that runs the cells. A process of its
// own, so that whatever a cell does to its heap (a V8 fatal error, an out-of-memory abort) ends that process
// and never the kernel; the kernel then answers the cell and starts a fresh one.

import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { EventEmitter } from "node:events";
import { fileURLToPath } from "node:url";
import type { Readable, Writable } from "node:stream";
import { descendantsInGroup, signalAll } from "./child-processes.js";
import { EXEC_DATA_VARIABLE, WATCHDOG_FD } from "./exec-channel.js";
import { fromWire, sendAsJson } from "./ipc-json.js";
import type { ExecEvent, ExecRequest } from "./protocol.js";
import { trace, tracing } from "../trace.js";

/** Sets the execution process's V8 heap limit in MB (tests use it to run out of memory quickly). */
export const HEAP_LIMIT_VARIABLE = "JACLAB_EXEC_HEAP_MB";

/**
 * The launcher's NODE_EXTRA_CA_CERTS, which the kernelspec moves here (jupyter_client fills in
 * `${NODE_EXTRA_CA_CERTS}`): Node reads and parses those certificates at start-up, which costs the kernel
 * about 100 ms before it can answer, and the kernel makes no TLS connection. Cells get the value back.
 */
export const SAVED_CA_CERTS_VARIABLE = "JACLAB_NODE_EXTRA_CA_CERTS";

/** The environment of the execution process: the kernel's, with NODE_EXTRA_CA_CERTS as the launcher set it. */
export function cellEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { [SAVED_CA_CERTS_VARIABLE]: saved, ...cells } = env;
  if (saved === undefined) return cells;
  // Left as the template wrote it: the launcher had no such variable (or does not fill templates in).
  if (saved === "" || saved.startsWith("${")) delete cells.NODE_EXTRA_CA_CERTS;
  else cells.NODE_EXTRA_CA_CERTS = saved;
  return cells;
}

/**
 * The kernel's Node flags that the execution process gets too: all but the kernel's cap on its main thread's
 * young generation (install.ts), since cells allocate a lot and V8's default suits them.
 */
export function cellNodeFlags(kernelFlags: readonly string[]): string[] {
  return kernelFlags.filter((flag) => !flag.startsWith("--max-semi-space-size"));
}

/** How the execution process ended. */
export interface ExecExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What its stderr said last (Node's fatal-error report, for one). */
  stderrTail: string;
}

/** What the watchdog answered to a request to stop the running cell. */
export type StopAnswer = "busy" | "idle" | "failed";

const STDERR_TAIL = 4096;

/** util-linux's setpriv, which sets the parent-death signal (Linux's PR_SET_PDEATHSIG) and execs the command. */
const SETPRIV = "/usr/bin/setpriv";
let pdeathsigPrefix: string[] | undefined;

/**
 * The command prefix that makes the execution process receive SIGKILL when the kernel dies, however it dies
 * and whatever the execution process is doing: the kernel runs on the thread that spawns it, and the signal
 * comes from the operating system, so it needs no thread of the execution process to run (the watchdog
 * thread's check of its pipe is the same guarantee where there is no setpriv). Empty where it is missing.
 */
function diesWithParent(): string[] {
  if (pdeathsigPrefix === undefined) {
    let supported = false;
    if (process.platform === "linux" && existsSync(SETPRIV)) {
      try {
        supported = execFileSync(SETPRIV, ["--help"], { encoding: "utf8" }).includes("--pdeathsig");
      } catch {
        supported = false;
      }
    }
    pdeathsigPrefix = supported ? [SETPRIV, "--pdeathsig", "KILL", "--"] : [];
  }
  return pdeathsigPrefix;
}

/** Whether an execution process that ended like this ran out of memory. */
export function diedOfMemory(exit: ExecExit): boolean {
  // "FATAL ERROR: <why> Allocation failed - JavaScript heap out of memory", whatever the why.
  return /heap out of memory|Allocation failed/i.test(exit.stderrTail);
}

/** One execution process: messages both ways, a watchdog to stop busy cells, and its exit. */
export class ExecHost extends EventEmitter<{ message: [ExecEvent]; exit: [ExecExit] }> {
  private readonly child: ChildProcess;
  private readonly watchdog: Readable & Writable;
  private stderrTail = "";
  private pendingStops = new Map<number, (answer: StopAnswer) => void>();
  private exited = false;

  constructor(script: URL, data: unknown, options: { cwd: string; execArgv?: string[] }) {
    super();
    const heap = Number(process.env[HEAP_LIMIT_VARIABLE]);
    const execArgv = [
      ...cellNodeFlags(options.execArgv ?? process.execArgv),
      // With no async hooks on (see the watchdog), an unbalanced async-id stack must not abort the process.
      "--no-force-async-hooks-checks",
      ...(Number.isFinite(heap) && heap > 0 ? [`--max-old-space-size=${heap}`] : []),
    ];
    const [command, ...args] = [...diesWithParent(), process.execPath, ...execArgv, fileURLToPath(script)];
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...cellEnvironment(process.env), [EXEC_DATA_VARIABLE]: JSON.stringify(data) },
      stdio: ["ignore", "pipe", "pipe", "ipc", "pipe"],
      serialization: "json",
    });
    this.watchdog = this.child.stdio[WATCHDOG_FD] as Readable & Writable;
    this.listen();
  }

  /** The execution process's pid. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  postMessage(request: ExecRequest): void {
    if (tracing) trace(`exec> ${describeExec(request)} sent=${!this.exited && this.child.connected}`);
    if (!this.exited && this.child.connected)
      sendAsJson((message) => this.child.send(message as never), request);
  }

  /**
   * Asks the watchdog to terminate the cell running on the execution process's main thread; resolves
   * "busy" once one was terminated, "idle" when none was running, or undefined after `timeoutMs` (the main
   * thread is blocked outside JavaScript, in a system call).
   */
  stopBusyCell(cellId: number, timeoutMs: number): Promise<StopAnswer | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pendingStops.delete(cellId);
        resolve(undefined);
      }, timeoutMs);
      this.pendingStops.set(cellId, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      if (!this.exited) this.watchdog.write(`stop ${cellId}\n`);
    });
  }

  /** Sends `signal` to the processes the cells started (those still in the kernel's process group). */
  signalCellProcesses(signal: NodeJS.Signals): number {
    const pid = this.child.pid;
    if (pid === undefined || this.exited) return 0;
    try {
      return signalAll(descendantsInGroup(pid), signal);
    } catch (error) {
      process.stderr.write(`jaclab: could not signal the cell's processes: ${String(error)}\n`);
      return 0;
    }
  }

  /** Ends the execution process at once; resolves when it has exited. */
  kill(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.kill("SIGKILL");
    });
  }

  private listen(): void {
    const child = this.child;
    child.on("message", (wire: unknown) => {
      const event = fromWire<ExecEvent>(wire);
      if (tracing) trace(`exec< ${describeExec(event)}`);
      this.emit("message", event);
    });
    child.stdout?.on("data", (chunk: Buffer) => process.stdout.write(chunk));
    child.stderr?.on("data", (chunk: Buffer) => {
      process.stderr.write(chunk);
      this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    let answers = "";
    this.watchdog.setEncoding("utf8");
    this.watchdog.on("data", (chunk: string) => {
      answers += chunk;
      for (let newline = answers.indexOf("\n"); newline >= 0; newline = answers.indexOf("\n")) {
        const [answer, cellId] = answers.slice(0, newline).split(" ");
        answers = answers.slice(newline + 1);
        // A terminated cell leaves Node's async bookkeeping to repair, even when the answer comes late.
        if (answer === "busy") this.postMessage({ type: "recover" });
        const pending = this.pendingStops.get(Number(cellId));
        this.pendingStops.delete(Number(cellId));
        pending?.(answer === "busy" || answer === "idle" ? answer : "failed");
      }
    });
    this.watchdog.on("error", () => undefined); // the process died; its exit is reported below
    child.on("error", (error) => process.stderr.write(`jaclab: execution process error: ${String(error)}\n`));
    child.on("exit", (code, signal) => {
      this.exited = true;
      for (const pending of this.pendingStops.values()) pending("failed");
      this.pendingStops.clear();
      // Wait for the last stderr chunks (they say why the process died), but not for a grandchild that
      // inherited the pipe and keeps it open.
      let reported = false;
      const report = (): void => {
        clearTimeout(timer);
        if (!reported) this.emit("exit", { code, signal, stderrTail: this.stderrTail });
        reported = true;
      };
      const timer = setTimeout(report, 200);
      if (child.stderr === null || child.stderr.readableEnded) report();
      else child.stderr.once("end", report);
    });
  }
}

function describeExec(message: ExecRequest | ExecEvent): string {
  const fields = message as Record<string, unknown>;
  const output = fields.output as Record<string, unknown> | undefined;
  const parts = [message.type, `cell=${String(fields.cellId)}`];
  if (typeof fields.msgType === "string") parts.push(fields.msgType);
  if (typeof fields.msgId === "string") parts.push(`msg=${fields.msgId}`);
  if (output !== undefined)
    parts.push(`${String(output.kind)}${output.msgType === undefined ? "" : `:${String(output.msgType)}`}`);
  return parts.join(" ");
}
