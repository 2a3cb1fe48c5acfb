// The executor: the Interpreter the protocol side drives. It runs on the main thread but does no language
// work there: TypeScript lives in a language worker thread, user code in an execution process (a child of
// the kernel, see exec-host.ts), so a busy cell never stalls heartbeat or control, a V8 fatal error in a cell
// ends only that process, and its watchdog thread can stop a busy cell (Runtime.terminateExecution).

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type {
  CompleteResult,
  ExecuteOutcome,
  ExecuteRequest,
  InspectResult,
  Interpreter,
  IsCompleteResult,
  OutputSink,
} from "../interpreter.js";
import type { CommOutcome, CommRequest } from "../comms/protocol.js";
import { diedOfMemory, ExecHost, type ExecExit } from "./exec-host.js";
import type { ExecWorkerData } from "./exec-worker.js";
import { LanguageClient } from "./language-client.js";
import type { CellOutput, ExecEvent, ExecRequest, LanguageMethods, PreparedCell } from "./protocol.js";
import { preparedByExecution } from "./unchecked.js";

/** Where the notebook runs and where jaclab is installed; tests may point them elsewhere. */
export interface InterpreterOptions {
  /** The notebook's working directory (imports resolve from it first). Defaults to `process.cwd()`. */
  cwd?: string;
}

/** How long an interrupt waits for an idle cell to acknowledge before it terminates a busy one. */
const INTERRUPT_GRACE_MS = 150;
/** How long the watchdog has to stop a busy cell before the cell's processes get SIGKILL. */
const STOP_GRACE_MS = 350;
/** How long a stopped cell has to answer before the execution process is replaced. */
const TERMINATE_GRACE_MS = 350;
/** Late output of this many of the latest cells still goes to the cell that wrote it. */
const REMEMBERED_SINKS = 64;

const KEYBOARD_INTERRUPT: ExecuteOutcome = {
  status: "error",
  ename: "KeyboardInterrupt",
  evalue: "the cell was interrupted",
  traceback: ["KeyboardInterrupt: the cell was interrupted"],
};

/** How many comm messages keep their sink for output their callbacks' timers write later. */
const COMM_SINKS_KEPT = 256;

/** Whether `promise` settles within `ms` milliseconds. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Creates the TypeScript interpreter of jaclab cells. */
export function createInterpreter(options: InterpreterOptions = {}): Interpreter {
  return new WorkerInterpreter(options.cwd ?? process.cwd());
}

interface CurrentCell {
  cellId: number;
  phase: "preparing" | "running";
  /** Set once an interrupt began: an error the cell ends with now is the interrupt's doing. */
  interrupting?: boolean;
  finish: (outcome: ExecuteOutcome) => void;
  /** An unchecked cell the execution process prepared: its names go to the language worker when it ends. */
  unchecked?: { code: string; host: ExecHost };
}

/** The error a cell gets when its execution process died under it. */
function deathOutcome(exit: ExecExit): ExecuteOutcome {
  const lost = "the kernel started a fresh execution process, so earlier variables are lost";
  if (diedOfMemory(exit)) {
    const evalue = `the cell ran out of memory (JavaScript heap out of memory); ${lost}`;
    return { status: "error", ename: "OutOfMemoryError", evalue, traceback: [`OutOfMemoryError: ${evalue}`] };
  }
  const how = exit.signal !== null ? `was stopped by ${exit.signal}` : `stopped (exit code ${exit.code})`;
  const evalue = `the execution process ${how}; ${lost}`;
  return { status: "error", ename: "KernelWorkerDied", evalue, traceback: [`KernelWorkerDied: ${evalue}`] };
}

class WorkerInterpreter implements Interpreter {
  private readonly jaclabRoot = fileURLToPath(new URL("../../../", import.meta.url));
  private language: LanguageClient | undefined;
  private exec: ExecHost | undefined;
  private execReady: Promise<void> | undefined;
  private started: Promise<void> | undefined;
  /** Set once both workers are ready: a cell then goes to the language worker without a turn of waiting. */
  private ready = false;
  /** Cells and comm messages queued or running; with none, a new cell starts at once. */
  private pending = 0;
  private readonly sinks = new Map<number, OutputSink>();
  private latestSink: OutputSink | undefined;
  private current: CurrentCell | undefined;
  private interruptAcks = new Map<number, () => void>();
  private readonly commWaiters = new Map<number, (outcome: CommOutcome) => void>();
  /** Cell ids of recent comm messages, oldest first (a slider sends many; their sinks must not pile up). */
  private readonly commSinkIds: number[] = [];
  /** Ids of the latest cells, oldest first, whose sinks are kept for their late output. */
  private readonly cellSinkIds: number[] = [];
  private nextCellId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private stopping = false;
  /** The execution process being replaced after an interrupt, whose exit is expected. */
  private retiring: ExecHost | undefined;

  constructor(private readonly cwd: string) {}

  start(): Promise<void> {
    this.started ??= this.startWorkers();
    return this.started;
  }

  private async startWorkers(): Promise<void> {
    await this.startWorkersNow();
    this.ready = true;
  }

  private async startWorkersNow(): Promise<void> {
    const root = this.jaclabRoot;
    const typings = [`${root}dist/src/index.d.ts`, `${root}src/index.ts`].find((file) => existsSync(file));
    this.language = new LanguageClient({ cwd: this.cwd, jaclabRoot: root, coreTypings: typings });
    const warm = this.language.call("warm", {});
    // Queued behind warm; cells can run before it finishes, completion requests wait for it.
    this.language.call("warmCompletions", {}).catch((error: unknown) => {
      process.stderr.write(`jaclab: warming completions failed: ${String(error)}\n`);
    });
    this.startExecWorker();
    await Promise.all([warm, this.execReady]);
  }

  private startExecWorker(): void {
    const workerData: ExecWorkerData = {
      cwd: this.cwd,
      jaclabRoot: this.jaclabRoot,
      coreUrl: new URL("../../src/index.js", import.meta.url).href,
    };
    const host = new ExecHost(new URL("./exec-worker.js", import.meta.url), workerData, { cwd: this.cwd });
    this.exec = host;
    this.execReady = new Promise((resolve, reject) => {
      const onReady = (event: ExecEvent): void => {
        if (event.type !== "ready") return;
        host.off("message", onReady);
        resolve();
      };
      host.on("message", onReady);
      host.once("exit", (exit) =>
        reject(new Error(`the execution process did not start: ${describe(exit)}`)),
      );
    });
    // start() reports a failure of the first process; a replacement's failure shows in the next cell.
    this.execReady.catch(() => undefined);
    host.on("message", (event: ExecEvent) => this.onExecEvent(event));
    host.on("exit", (exit) => this.onExecExit(host, exit));
  }

  /** A dead execution process loses its variables; the running cell fails and a fresh process starts. */
  private onExecExit(host: ExecHost, exit: ExecExit): void {
    if (this.stopping || host !== this.exec || host === this.retiring) return;
    this.current?.finish(deathOutcome(exit));
    this.startExecWorker();
    this.language?.call("reset", {}).catch((error: unknown) => {
      process.stderr.write(`jaclab: resetting the language service failed: ${String(error)}\n`);
    });
  }

  execute(request: ExecuteRequest, sink: OutputSink): Promise<ExecuteOutcome> {
    return this.enqueue(() => this.executeNow(request, sink));
  }

  /**
   * Runs `work` after everything queued before it. With nothing queued it starts now, in this turn: a cell's
   * request then reaches the language worker before the kernel sends its busy and execute_input messages,
   * so that the worker's part and the kernel's overlap.
   */
  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const now = this.pending === 0 && this.ready;
    this.pending++;
    const run = (now ? work() : this.queue.then(work)).finally(() => this.pending--);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async executeNow(request: ExecuteRequest, sink: OutputSink): Promise<ExecuteOutcome> {
    if (!this.ready) await this.start();
    const cellId = this.nextCellId++;
    this.rememberSink(cellId, sink);
    let finish: (outcome: ExecuteOutcome) => void = () => undefined;
    const finished = new Promise<ExecuteOutcome>((resolve) => (finish = resolve));
    const current: CurrentCell = { cellId, phase: "preparing", finish };
    this.current = current;
    try {
      void this.prepareAndRun(request, current);
      const outcome = await finished;
      const unchecked = current.unchecked;
      // Unless the process that ran it was replaced (its variables, and so the names, are gone).
      if (unchecked !== undefined && unchecked.host === this.exec && unchecked.host.alive)
        this.language?.callLater("record", { code: unchecked.code }).catch((error: unknown) => {
          // Names still waiting to be sent when the kernel stops are not needed any more.
          if (this.stopping) return;
          process.stderr.write(`jaclab: recording the names of an unchecked cell failed: ${String(error)}\n`);
        });
      return outcome;
    } finally {
      this.current = undefined;
    }
  }

  /** Frontend comm messages queue with cells, so they reach the worker's models in arrival order. */
  comm(request: CommRequest, sink: OutputSink): Promise<CommOutcome> {
    return this.enqueue(() => this.commNow(request, sink));
  }

  private async commNow(request: CommRequest, sink: OutputSink): Promise<CommOutcome> {
    await this.start();
    const cellId = this.nextCellId++;
    this.sinks.set(cellId, sink);
    this.commSinkIds.push(cellId);
    if (this.commSinkIds.length > COMM_SINKS_KEPT) this.sinks.delete(this.commSinkIds.shift() as number);
    let resolveOutcome: (outcome: CommOutcome) => void = () => undefined;
    const done = new Promise<CommOutcome>((resolve) => (resolveOutcome = resolve));
    this.commWaiters.set(cellId, resolveOutcome);
    // A busy callback can be interrupted like a cell; the outcome then carries the interrupt.
    const finish = (outcome: ExecuteOutcome): void =>
      resolveOutcome(outcome.status === "ok" ? { warnings: [] } : { warnings: [], error: outcome });
    this.current = { cellId, phase: "running", finish };
    try {
      this.exec?.postMessage({ type: "comm", cellId, ...request } satisfies ExecRequest);
      return await done;
    } finally {
      this.current = undefined;
      this.commWaiters.delete(cellId);
    }
  }

  private async prepareAndRun(request: ExecuteRequest, current: CurrentCell): Promise<void> {
    const language = this.language as LanguageClient;
    if (preparedByExecution(request.code) && this.exec !== undefined) {
      // Its names are recorded once it ends (executeNow), while the client reads the reply.
      current.unchecked = { code: request.code, host: this.exec };
      this.run(request, current, undefined);
      return;
    }
    let prepared;
    try {
      prepared = await language.call("prepare", { code: request.code });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      current.finish({ status: "error", ename: "InternalError", evalue: message, traceback: [message] });
      return;
    }
    if (this.current !== current || current.interrupting === true) return; // interrupted while checking
    if (!prepared.ok) {
      current.finish({ status: "error", ...prepared.error });
      return;
    }
    this.run(request, current, prepared.cell);
  }

  /** Sends a cell to the execution process (`cell` undefined: it prepares the unchecked cell itself). */
  private run(request: ExecuteRequest, current: CurrentCell, cell: PreparedCell | undefined): void {
    current.phase = "running";
    const message: ExecRequest = {
      type: "run",
      cellId: current.cellId,
      executionCount: request.executionCount,
      source: request.code,
      msgId: this.sinks.get(current.cellId)?.parentMsgId ?? "",
      cell,
      silent: request.silent,
      allowStdin: request.allowStdin,
      userExpressions: request.userExpressions,
    };
    this.exec?.postMessage(message);
  }

  private onExecEvent(event: ExecEvent): void {
    switch (event.type) {
      case "output":
        this.deliver(event.cellId, event.output);
        break;
      case "input":
        this.forwardInput(event.cellId, event.requestId, event.prompt, event.password);
        break;
      case "interrupted":
        this.interruptAcks.get(event.cellId)?.();
        break;
      case "commDone": {
        const { type: _type, cellId, ...outcome } = event;
        this.commWaiters.get(cellId)?.(outcome);
        break;
      }
      case "done":
        if (event.result !== undefined) this.deliver(event.cellId, event.result);
        if (this.current?.cellId === event.cellId) {
          const outcome = event.outcome;
          // The error of a cell being interrupted is the interrupt's (execSync of a child killed by it).
          if (outcome.status === "ok") {
            const { userExpressions, payload } = outcome;
            this.current.finish({ status: "ok", userExpressions: userExpressions as never, payload });
          } else {
            this.current.finish(this.current.interrupting ? KEYBOARD_INTERRUPT : outcome);
          }
        }
        break;
      case "ready":
        break;
    }
  }

  /** Keeps the sinks of the latest cells; late output of older ones goes to the latest cell, as ipykernel's. */
  private rememberSink(cellId: number, sink: OutputSink): void {
    this.sinks.set(cellId, sink);
    this.latestSink = sink;
    this.cellSinkIds.push(cellId);
    if (this.cellSinkIds.length > REMEMBERED_SINKS) this.sinks.delete(this.cellSinkIds.shift() as number);
  }

  private deliver(cellId: number, output: CellOutput): void {
    const sink = this.sinks.get(cellId) ?? this.latestSink;
    if (sink === undefined) return;
    switch (output.kind) {
      case "stream":
        sink.stream(output.name, output.text);
        break;
      case "display":
        sink.displayData(output.data, output.metadata, output.displayId);
        break;
      case "update":
        sink.updateDisplayData(output.data, output.metadata, output.displayId);
        break;
      case "result":
        sink.executeResult(output.executionCount, output.data, output.metadata);
        break;
      case "clear":
        sink.clearOutput(output.wait);
        break;
      case "comm":
        sink.comm?.(output);
        break;
    }
  }

  private forwardInput(cellId: number, requestId: number, prompt: string, password: boolean): void {
    const sink = this.sinks.get(cellId);
    const reply = (value: string | undefined, error: string | undefined): void => {
      this.exec?.postMessage({ type: "inputReply", requestId, value, error } satisfies ExecRequest);
    };
    if (sink === undefined) {
      reply(undefined, "input(): the cell's request is gone");
      return;
    }
    sink.inputRequest(prompt, password).then(
      (value) => reply(value, undefined),
      (error: unknown) => reply(undefined, error instanceof Error ? error.message : String(error)),
    );
  }

  complete(code: string, cursorPos: number): Promise<CompleteResult> {
    return this.languageCall("complete", { code, cursorPos });
  }

  inspect(code: string, cursorPos: number, _detailLevel: 0 | 1): Promise<InspectResult> {
    return this.languageCall("inspect", { code, cursorPos });
  }

  isComplete(code: string): Promise<IsCompleteResult> {
    return this.languageCall("isComplete", { code });
  }

  private async languageCall<M extends "complete" | "inspect" | "isComplete">(
    method: M,
    params: LanguageMethods[M]["params"],
  ): Promise<LanguageMethods[M]["result"]> {
    void this.start();
    return (this.language as LanguageClient).call(method, params);
  }

  /**
   * Stops the running cell: the execution process is told (an idle cell, awaiting, answers at once) and the
   * processes the cell started get SIGINT, as ipykernel's interrupt gives them; a cell still busy after a
   * moment is terminated by the watchdog; one blocked in a system call has its processes killed first; and
   * if nothing answers within a second, the execution process is replaced. Whatever JavaScript is busy there
   * is stopped whatever the phase: with no cell running, or one still being type-checked, a busy timer of an
   * earlier cell is. The cell the user sees running always ends with KeyboardInterrupt, even one that was
   * still waiting behind a busy timer (it then never runs).
   */
  async interrupt(): Promise<void> {
    const current = this.current;
    const host = this.exec;
    // jupyter_client interrupts right before its shutdown_request: once shutting down, there is nothing to
    // stop or replace (the execution process and the language worker are going away).
    if (this.stopping) return;
    if (current !== undefined) current.interrupting = true;
    if (current === undefined || current.phase === "preparing") {
      // Nothing of this cell runs yet, but a timer or callback of an earlier cell may be busy there, and the
      // next cell would wait behind it: stop it before the cell (if any) ends and the next one is sent.
      let outcome = KEYBOARD_INTERRUPT;
      if (host !== undefined) {
        host.signalCellProcesses("SIGINT");
        const answer = await host.stopBusyCell(current?.cellId ?? 0, STOP_GRACE_MS);
        if (answer === undefined) host.signalCellProcesses("SIGKILL");
        // The process can no longer be reached to stop busy code: only a fresh one can be interrupted.
        if (answer === "failed") {
          outcome = await this.replaceExecWorker(host);
          if (current === undefined && outcome.status === "error")
            this.latestSink?.stream("stderr", `${outcome.evalue}\n`);
        }
      }
      current?.finish(outcome);
      return;
    }
    let acknowledge: () => void = () => undefined;
    const acknowledged = new Promise<void>((resolve) => (acknowledge = resolve));
    this.interruptAcks.set(current.cellId, () => acknowledge());
    let outcome = KEYBOARD_INTERRUPT;
    if (host !== undefined) {
      host.postMessage({ type: "interrupt", cellId: current.cellId } satisfies ExecRequest);
      host.signalCellProcesses("SIGINT");
      if (!(await settlesWithin(acknowledged, INTERRUPT_GRACE_MS))) {
        // The watchdog terminates a busy cell (the process then repairs its async bookkeeping and answers).
        const answer = await host.stopBusyCell(current.cellId, STOP_GRACE_MS);
        // No answer: the cell is blocked outside JavaScript, most likely waiting for a process of its own.
        if (answer === undefined) host.signalCellProcesses("SIGKILL");
        if (!(await settlesWithin(acknowledged, TERMINATE_GRACE_MS)))
          outcome = await this.replaceExecWorker(host);
      }
    }
    this.interruptAcks.delete(current.cellId);
    current.finish(outcome);
  }

  /** Ends a process that did not stop when interrupted, and starts a fresh one: the notebook's variables are lost. */
  private async replaceExecWorker(host: ExecHost): Promise<ExecuteOutcome> {
    // The kernel began shutting down while the interrupt waited: its shutdown ends the process.
    if (this.stopping) return KEYBOARD_INTERRUPT;
    this.retiring = host;
    host.signalCellProcesses("SIGKILL");
    await host.kill();
    if (this.stopping) return KEYBOARD_INTERRUPT;
    this.startExecWorker();
    await this.language?.call("reset", {});
    const evalue =
      "the cell did not stop when interrupted (blocked outside JavaScript?); " +
      "the kernel restarted its execution process, so earlier variables are lost";
    return {
      status: "error",
      ename: "KeyboardInterrupt",
      evalue,
      traceback: [`KeyboardInterrupt: ${evalue}`],
    };
  }

  async shutdown(reason?: string): Promise<void> {
    this.stopping = true;
    if (this.current !== undefined) {
      const evalue = `the kernel is shutting down${reason === undefined ? "" : ` (${reason})`}`;
      this.current.finish(
        reason === undefined
          ? KEYBOARD_INTERRUPT
          : { status: "error", ename: "KernelShutdown", evalue, traceback: [`KernelShutdown: ${evalue}`] },
      );
    }
    this.exec?.signalCellProcesses("SIGTERM");
    await Promise.all([this.exec?.kill(), this.language?.stop()]);
  }
}

function describe(exit: ExecExit): string {
  const how = exit.signal !== null ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  const said = exit.stderrTail.trim().split("\n").slice(-3).join(" / ");
  return said === "" ? how : `${how}: ${said}`;
}
