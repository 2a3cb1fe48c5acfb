// The executor: the Interpreter the protocol side drives. It runs on the main thread but does no language
// work there: TypeScript lives in a language worker, user code in an execution worker, so a busy cell never
// stalls heartbeat or control, and an inspector session can stop a busy cell (Runtime.terminateExecution).

import { existsSync } from "node:fs";
import { Session } from "node:inspector";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
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
import type { ExecWorkerData } from "./exec-worker.js";
import { LanguageClient } from "./language-client.js";
import {
  RUNTIME_NAME,
  type CellOutput,
  type ExecEvent,
  type ExecRequest,
  type LanguageMethods,
} from "./protocol.js";

/** Where the notebook runs and where jaclab is installed; tests may point them elsewhere. */
export interface InterpreterOptions {
  /** The notebook's working directory (imports resolve from it first). Defaults to `process.cwd()`. */
  cwd?: string;
}

/** How long an interrupt waits for an idle cell to acknowledge before it terminates a busy one. */
const INTERRUPT_GRACE_MS = 150;
/** How long a terminated worker has to answer before it is replaced. */
const TERMINATE_GRACE_MS = 400;
/** Above this event-loop utilization during the grace period, the execution worker is stuck in a cell. */
const BUSY_UTILIZATION = 0.8;

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
  finish: (outcome: ExecuteOutcome) => void;
}

class WorkerInterpreter implements Interpreter {
  private readonly jaclabRoot = fileURLToPath(new URL("../../../", import.meta.url));
  private language: LanguageClient | undefined;
  private exec: Worker | undefined;
  private execReady: Promise<void> | undefined;
  private started: Promise<void> | undefined;
  private readonly sinks = new Map<number, OutputSink>();
  private current: CurrentCell | undefined;
  private interruptAcks = new Map<number, () => void>();
  private readonly commWaiters = new Map<number, (outcome: CommOutcome) => void>();
  /** Cell ids of recent comm messages, oldest first (a slider sends many; their sinks must not pile up). */
  private readonly commSinkIds: number[] = [];
  private nextCellId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private inspector: Session | undefined;
  private execSessionId: string | undefined;
  private stopping = false;
  /** The worker being replaced after an interrupt, whose exit is expected. */
  private retiring: Worker | undefined;

  constructor(private readonly cwd: string) {}

  start(): Promise<void> {
    this.started ??= this.startWorkers();
    return this.started;
  }

  private async startWorkers(): Promise<void> {
    const root = this.jaclabRoot;
    const typings = [`${root}dist/src/index.d.ts`, `${root}src/index.ts`].find((file) => existsSync(file));
    this.language = new LanguageClient({ cwd: this.cwd, jaclabRoot: root, coreTypings: typings });
    const warm = this.language.call("warm", {});
    // Queued behind warm; cells can run before it finishes, completion requests wait for it.
    this.language.call("warmCompletions", {}).catch((error: unknown) => {
      process.stderr.write(`jaclab: warming completions failed: ${String(error)}\n`);
    });
    this.startExecWorker();
    this.attachInspector();
    await Promise.all([warm, this.execReady]);
  }

  private startExecWorker(): void {
    const workerData: ExecWorkerData = {
      cwd: this.cwd,
      jaclabRoot: this.jaclabRoot,
      coreUrl: new URL("../../src/index.js", import.meta.url).href,
    };
    const worker = new Worker(new URL("./exec-worker.js", import.meta.url), {
      workerData,
      // With no async hooks on (see terminateBusyCell), an unbalanced async-id stack must not abort the process.
      execArgv: ["--no-force-async-hooks-checks"],
    });
    this.exec = worker;
    this.execReady = new Promise((resolve, reject) => {
      const onReady = (event: ExecEvent): void => {
        if (event.type !== "ready") return;
        worker.off("message", onReady);
        resolve();
      };
      worker.on("message", onReady);
      worker.once("error", reject);
    });
    // start() reports a failure of the first worker; a replacement's failure shows in the next cell.
    this.execReady.catch(() => undefined);
    worker.on("message", (event: ExecEvent) => this.onExecEvent(event));
    worker.on("exit", (code) => this.onExecExit(worker, code));
    worker.on("error", (error) => process.stderr.write(`jaclab: execution worker error: ${String(error)}\n`));
  }

  /** A crashed execution worker loses its variables; the running cell fails and a fresh worker starts. */
  private onExecExit(worker: Worker, code: number): void {
    if (this.stopping || worker !== this.exec || worker === this.retiring) return;
    const message = `the execution worker stopped (exit code ${code}); earlier variables are lost`;
    this.current?.finish({
      status: "error",
      ename: "KernelWorkerDied",
      evalue: message,
      traceback: [message],
    });
    this.startExecWorker();
    this.language?.call("reset", {}).catch((error: unknown) => {
      process.stderr.write(`jaclab: resetting the language service failed: ${String(error)}\n`);
    });
  }

  /** An inspector session on the main thread reaches into the execution worker to terminate busy loops. */
  private attachInspector(): void {
    const session = new Session();
    session.connect();
    session.on("NodeWorker.attachedToWorker", (message) => {
      const params = message.params as { sessionId: string; workerInfo: { url: string } };
      if (params.workerInfo.url.includes("exec-worker")) this.execSessionId = params.sessionId;
    });
    session.post("NodeWorker.enable", { waitForDebuggerOnStart: false });
    this.inspector = session;
  }

  execute(request: ExecuteRequest, sink: OutputSink): Promise<ExecuteOutcome> {
    const run = this.queue.then(() => this.executeNow(request, sink));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async executeNow(request: ExecuteRequest, sink: OutputSink): Promise<ExecuteOutcome> {
    await this.start();
    const cellId = this.nextCellId++;
    this.sinks.set(cellId, sink);
    let finish: (outcome: ExecuteOutcome) => void = () => undefined;
    const finished = new Promise<ExecuteOutcome>((resolve) => (finish = resolve));
    const current: CurrentCell = { cellId, phase: "preparing", finish };
    this.current = current;
    try {
      void this.prepareAndRun(request, current);
      return await finished;
    } finally {
      this.current = undefined;
    }
  }

  /** Frontend comm messages queue with cells, so they reach the worker's models in arrival order. */
  comm(request: CommRequest, sink: OutputSink): Promise<CommOutcome> {
    const run = this.queue.then(() => this.commNow(request, sink));
    this.queue = run.catch(() => undefined);
    return run;
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
    let prepared;
    try {
      prepared = await language.call("prepare", { code: request.code });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      current.finish({ status: "error", ename: "InternalError", evalue: message, traceback: [message] });
      return;
    }
    if (this.current !== current) return; // interrupted while checking
    if (!prepared.ok) {
      current.finish({ status: "error", ...prepared.error });
      return;
    }
    current.phase = "running";
    const message: ExecRequest = {
      type: "run",
      cellId: current.cellId,
      executionCount: request.executionCount,
      source: request.code,
      msgId: this.sinks.get(current.cellId)?.parentMsgId ?? "",
      cell: prepared.cell,
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
        if (this.current?.cellId === event.cellId) {
          const outcome = event.outcome;
          this.current.finish(
            outcome.status === "ok"
              ? { status: "ok", userExpressions: outcome.userExpressions as never, payload: outcome.payload }
              : outcome,
          );
        }
        break;
      case "ready":
        break;
    }
  }

  private deliver(cellId: number, output: CellOutput): void {
    const sink = this.sinks.get(cellId);
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

  async interrupt(): Promise<void> {
    const current = this.current;
    if (current === undefined) return;
    if (current.phase === "preparing") {
      current.finish(KEYBOARD_INTERRUPT);
      return;
    }
    const worker = this.exec;
    const usageBefore = worker?.performance.eventLoopUtilization();
    let acknowledge: () => void = () => undefined;
    const acknowledged = new Promise<void>((resolve) => (acknowledge = resolve));
    this.interruptAcks.set(current.cellId, () => acknowledge());
    worker?.postMessage({ type: "interrupt", cellId: current.cellId } satisfies ExecRequest);
    let outcome = KEYBOARD_INTERRUPT;
    if (!(await settlesWithin(acknowledged, INTERRUPT_GRACE_MS)) && worker !== undefined) {
      const usage = worker.performance.eventLoopUtilization(usageBefore);
      // An idle worker will still answer; terminating it would kill whatever it runs next.
      if (usage.utilization > BUSY_UTILIZATION) {
        this.terminateBusyCell(worker);
        // After a termination the worker answers the queued interrupt; if it does not, replace it.
        if (!(await settlesWithin(acknowledged, TERMINATE_GRACE_MS)))
          outcome = await this.replaceExecWorker(worker);
      }
    }
    this.interruptAcks.delete(current.cellId);
    current.finish(outcome);
  }

  /** Ends a worker that did not stop when terminated, and starts a fresh one: the notebook's variables are lost. */
  private async replaceExecWorker(worker: Worker): Promise<ExecuteOutcome> {
    this.retiring = worker;
    await worker.terminate();
    this.startExecWorker();
    await this.language?.call("reset", {});
    const evalue =
      "the cell did not stop when interrupted (busy outside JavaScript?); " +
      "the kernel restarted its execution worker, so earlier variables are lost";
    return {
      status: "error",
      ename: "KeyboardInterrupt",
      evalue,
      traceback: [`KeyboardInterrupt: ${evalue}`],
    };
  }

  /**
   * Stops the JavaScript running in the execution worker; the worker and its globals live on. Inside the busy
   * code, the inspector first turns async-context tracking off, then terminates; the worker then repairs
   * Node's async-id stack ("recover") before the next cell turns tracking back on. Without those steps a
   * termination inside a timer or after an await makes Node abort the whole process.
   */
  private terminateBusyCell(worker: Worker): void {
    if (this.inspector === undefined || this.execSessionId === undefined) return;
    const sessionId = this.execSessionId;
    const send = (id: number, method: string, params?: Record<string, unknown>): void => {
      const message = JSON.stringify({ id, method, params });
      this.inspector?.post("NodeWorker.sendMessageToWorker", { sessionId, message });
    };
    send(1, "Runtime.evaluate", { expression: `globalThis.${RUNTIME_NAME}.suspendTracking()` });
    send(2, "Runtime.terminateExecution");
    worker.postMessage({ type: "recover" } satisfies ExecRequest);
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    this.current?.finish(KEYBOARD_INTERRUPT);
    this.inspector?.disconnect();
    await Promise.all([this.exec?.terminate(), this.language?.stop()]);
  }
}
