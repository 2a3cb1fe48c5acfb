// The execution worker: the main thread of the execution process (a child of the kernel, see exec-host.ts)
// that runs cells in its global scope (the same realm as the core library, so values cross between cells and
// the core freely), with the core's API and the kernel's globals installed.

import { createRequire } from "node:module";
import path from "node:path";
import { runInThisContext, Script } from "node:vm";
import { KeyboardInterrupt } from "../errors.js";
import type { UserExpressionResult } from "../interpreter.js";
import { toMimeBundle } from "./bundle.js";
import { warmRenderers } from "./warm-renderers.js";
import { CellGlobals } from "./cell-globals.js";
import { CellScope, OutputQueue, type CellContext } from "./cell-output.js";
import { CellRecords } from "./cell-records.js";
import { connectToKernel, terminateHere } from "./exec-channel.js";
import { RUNTIME_NAME, type ExecEvent, type ExecRequest, type PreparedCell } from "./protocol.js";
import { resolveForImport } from "./resolve.js";
import { simpleCell } from "./simple-cell.js";
import type { PrepareResult } from "./unchecked-cell.js";
import { cellFileName, errorInfo } from "./traceback.js";
import type { WorkerComms } from "../comms/worker-comms.js";
import { installWidgetGlobals } from "../widgets/worker-globals.js";

/** What the main thread tells the worker when it starts it. */
export interface ExecWorkerData {
  cwd: string;
  jaclabRoot: string;
  coreUrl: string;
}

/** The deliberate exception that resets Node's async-id stack after an interrupt (see "recover"). */
class AsyncStackReset extends Error {
  override readonly name = "AsyncStackReset";
}

/** Ends the code of an interrupted cell where it resumes after an await (quietly: the cell is answered). */
class CellInterrupted extends KeyboardInterrupt {}

const { port, data } = connectToKernel<ExecWorkerData>();
const { cwd, jaclabRoot, coreUrl } = data;

/**
 * Every event is posted at once, never held for a later turn: a cell that prints and then computes
 * synchronously must show its output while it computes. The protocol side merges bursts for iopub.
 */
const post = (event: ExecEvent): void => port.postMessage(event);

const scope = new CellScope();
const cellGlobals = new CellGlobals(scope, post);
const cells = new CellRecords();
/** The contexts of cells still running (for interrupts); a finished cell's context lives on in its timers. */
const contexts = new Map<number, CellContext>();
const importBases = [cwd, jaclabRoot];
/** Cells up to this id were interrupted before they started (queued behind a busy timer): they never run. */
let cancelledUpTo = 0;
let comms: WorkerComms | undefined;

/** The helpers that rewritten cells call (see transform.ts). */
const runtime = {
  import: (specifier: string): Promise<unknown> =>
    import(resolveForImport(String(specifier), importBases, coreUrl)),
  require: createRequire(path.join(cwd, "noop.js")),
  defaultOf: (namespace: Record<string, unknown>): unknown =>
    "default" in namespace ? namespace.default : namespace,
  member: (namespace: Record<string, unknown>, name: string): unknown => {
    if (name in namespace) return namespace[name];
    const fallback = namespace.default;
    return typeof fallback === "object" && fallback !== null
      ? (fallback as Record<string, unknown>)[name]
      : undefined;
  },
  /**
   * Evaluated by the watchdog (through the inspector, which runs it inside whatever JavaScript is running):
   * inside a running cell it turns async tracking off and terminates the cell right where it is, even if
   * the cell is back in a blocking call a moment later; on an idle event loop it answers "idle".
   */
  /**
   * Wraps every `await` of a cell (see transform.ts): the code after an await of an interrupted cell does
   * not run, as a Python coroutine interrupted at an await does not resume.
   */
  resume: <T>(value: T): T => {
    if (scope.owner()?.interrupted === true) throw new CellInterrupted("the cell was interrupted");
    return value;
  },
  stopIfBusy: (): "busy" | "idle" => {
    if (!scope.running()) return "idle";
    scope.suspend();
    terminateHere();
    return "busy";
  },
  declare: (names: string[]): void => {
    const cellId = scope.current()?.cellId;
    if (cellId !== undefined) cells.declare(cellId, names);
    for (const name of names) {
      if (!(name in globalThis)) {
        Object.defineProperty(globalThis, name, {
          value: undefined,
          writable: true,
          configurable: true,
          enumerable: true,
        });
      }
    }
  },
};

async function setUp(): Promise<void> {
  Object.defineProperty(globalThis, RUNTIME_NAME, { value: runtime, enumerable: false });
  Object.defineProperty(globalThis, "require", {
    value: runtime.require,
    writable: true,
    configurable: true,
  });
  await installCore();
  cellGlobals.install();
  comms = installWidgetGlobals({
    scope,
    post,
    cells,
    contexts,
    writeStderr: (text) => cellGlobals.write("stderr", text),
  });
  process.on("unhandledRejection", (reason) => reportAsync("Uncaught (in promise)", reason));
  process.on("uncaughtException", (error) => {
    if (!(error instanceof AsyncStackReset)) reportAsync("Uncaught", error);
  });
  post({ type: "ready" });
}

/** Puts every export of the core on the global object, so cells use the API without an import. */
async function installCore(): Promise<void> {
  let core: Record<string, unknown>;
  try {
    core = (await import(coreUrl)) as Record<string, unknown>;
  } catch (error) {
    process.stderr.write(
      `jaclab: the core library could not be loaded (${String(error)}); cells run without it\n`,
    );
    return;
  }
  for (const [name, value] of Object.entries(core)) {
    if (name === "default") continue;
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
  await warmRenderers(core);
}

/** An error thrown by a timer or a rejected promise nobody awaited: reported to the cell it came from. */
function reportAsync(prefix: string, thrown: unknown): void {
  if (thrown instanceof CellInterrupted) return;
  const info = errorInfo(thrown, cells);
  cellGlobals.write("stderr", `${prefix} ${info.traceback.join("\n")}\n`);
}

type RunRequest = Extract<ExecRequest, { type: "run" }>;

/** The preparer of unchecked cells, loaded with TypeScript at the first one (many notebooks have none). */
let uncheckedPreparer: Promise<typeof import("./unchecked-cell.js")> | undefined;

/** A prepared cell; compiled already when it took the shortcut of simple cells. */
type ReadyCell = { ok: true; cell: PreparedCell; script?: Script } | Extract<PrepareResult, { ok: false }>;

/** The cell's JavaScript: prepared by the language worker, or here for an unchecked cell. */
async function preparedCell(request: RunRequest): Promise<ReadyCell> {
  if (request.cell !== undefined) return { ok: true, cell: request.cell };
  const simple = compiledSimpleCell(request);
  if (simple !== undefined) return simple;
  try {
    uncheckedPreparer ??= import("./unchecked-cell.js");
    const { parseCell, prepareUncheckedCell } = await uncheckedPreparer;
    return prepareUncheckedCell(request.source, parseCell(request.source, cellFileName(request.cellId)));
  } catch (error) {
    const evalue = `the cell could not be transpiled: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, error: { ename: "InternalError", evalue, traceback: [`InternalError: ${evalue}`] } };
  }
}

/**
 * A simple cell (simple-cell.ts), compiled without TypeScript; undefined when it is
 * not that simple or V8 does not compile it, and then TypeScript prepares it (and words its syntax error).
 */
function compiledSimpleCell(request: RunRequest): ReadyCell | undefined {
  const cell = simpleCell(request.source);
  if (cell === undefined) return undefined;
  try {
    return { ok: true, cell, script: new Script(cell.js, { filename: cellFileName(request.cellId) }) };
  } catch {
    return undefined;
  }
}

async function run(request: RunRequest): Promise<void> {
  const { cellId, executionCount } = request;
  if (cellId <= cancelledUpTo) return; // the kernel has answered it with KeyboardInterrupt already
  const prepared = await preparedCell(request);
  if (cellId <= cancelledUpTo) return; // interrupted while TypeScript loaded
  if (!prepared.ok) {
    post({ type: "done", cellId, outcome: { status: "error", ...prepared.error } });
    return;
  }
  const cell = prepared.cell;
  cells.add(cellId, { executionCount, source: request.source, mappings: cell.mappings });
  const context: CellContext = {
    cellId,
    executionCount,
    msgId: request.msgId,
    allowStdin: request.allowStdin,
    payload: [],
    queue: new OutputQueue(cellId, post),
    ended: false,
  };
  contexts.set(cellId, context);
  await scope.run(context, async () => {
    let outcome: Extract<ExecEvent, { type: "done" }>["outcome"];
    let result: Extract<ExecEvent, { type: "done" }>["result"];
    try {
      const script = prepared.script ?? new Script(cell.js, { filename: cellFileName(cellId) });
      const completion = (await script.runInThisContext()) as { value: unknown } | undefined;
      if (completion !== undefined && completion.value !== undefined && !request.silent) {
        const data = await toMimeBundle(completion.value);
        result = { kind: "result", executionCount, data, metadata: {} };
        // User expressions may print: the result goes first, as its own message.
        if (Object.keys(request.userExpressions).length > 0) {
          context.queue.push(result);
          result = undefined;
        }
      }
      const userExpressions = await evaluateUserExpressions(request.userExpressions);
      outcome = { status: "ok", userExpressions, payload: context.payload };
    } catch (error) {
      outcome = { status: "error", ...errorInfo(error, cells) };
    }
    await context.queue.flushed();
    contexts.delete(cellId);
    if (context.ended) {
      // Interrupted: the main thread has answered already; a late result still goes to the cell.
      if (result !== undefined) context.queue.push(result);
      return;
    }
    context.ended = true;
    // The result after every output before it (flushed above), in the same message as the outcome.
    post({ type: "done", cellId, outcome, result });
  });
}

async function evaluateUserExpressions(
  expressions: Record<string, string>,
): Promise<Record<string, UserExpressionResult>> {
  const results: Record<string, UserExpressionResult> = {};
  for (const [key, expression] of Object.entries(expressions)) {
    try {
      const value: unknown = runInThisContext(`(${expression}\n)`, { filename: "user-expression" });
      results[key] = { status: "ok", data: await toMimeBundle(value), metadata: {} };
    } catch (error) {
      results[key] = { status: "error", ...errorInfo(error, cells) };
    }
  }
  return results;
}

/** Cells wait for the core and the globals; interrupts and input replies do not. */
const ready = setUp();

port.on("message", (request: ExecRequest) => {
  switch (request.type) {
    case "run":
      void ready.then(() => run(request));
      break;
    case "interrupt": {
      const context = contexts.get(request.cellId);
      if (context !== undefined) {
        context.ended = true;
        context.interrupted = true;
      } else cancelledUpTo = Math.max(cancelledUpTo, request.cellId);
      contexts.delete(request.cellId);
      cellGlobals.interruptInputs(request.cellId);
      post({ type: "interrupted", cellId: request.cellId });
      break;
    }
    case "recover":
      // Thrown on purpose: Node's handling of an uncaught exception empties the async-id stack that the
      // termination left unbalanced; the uncaughtException listener recognises it and stays quiet.
      throw new AsyncStackReset("reset after an interrupt");
    case "inputReply":
      cellGlobals.resolveInput(request.requestId, request.value, request.error);
      break;
    case "comm":
      void ready.then(() => comms?.handle(request));
      break;
  }
});

await ready;
