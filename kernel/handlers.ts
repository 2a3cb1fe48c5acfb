// The protocol methods, one per msg_type, in two tables (shell and control) that the dispatcher looks up.
// Each validates its request's content, asks the language side (the Interpreter) and sends the reply;
// what a handler throws becomes an error reply in the dispatcher.

import type { KernelMessage } from "@jupyterlab/services";
import type { ExecuteOutcome, Interpreter } from "./interpreter.js";
import type { History, HistoryRow } from "./history.js";
import { ProtocolError } from "./errors.js";
import { errorContent, type ContentOf } from "./messages.js";
import { InputRequests, publish, RequestSink, type MessageSender } from "./output-sink.js";
import type { WireMessage } from "./wire.js";
import { commHandlers } from "./comms/comm-handlers.js";

/** A request as the dispatcher hands it to a handler. */
export interface Request {
  channel: "shell" | "control";
  message: WireMessage;
  /** Arrival order on shell (0 on control); stop_on_error aborts queued executes by it. */
  sequence: number;
}

/** What handlers may use of the kernel. */
export interface KernelContext extends MessageSender {
  readonly info: KernelMessage.IInfoReply;
  readonly history: History;
  readonly inputs: InputRequests;
  executionCount: number;
  /** The interpreter, once loaded and started (rejects when the language side cannot start). */
  interpreter(): Promise<Interpreter>;
  /** The interpreter if it has finished starting, else undefined. */
  loadedInterpreter(): Interpreter | undefined;
  /** Begins loading the interpreter in the background, if it is not loading yet. */
  warmUp(): void;
  /** Cancels pending input and stops the running cell (never waits for an interpreter to load). */
  interrupt(reason: string): Promise<void>;
  /** Settles with KeyboardInterrupt at an interrupt before the interpreter has started; undefined after. */
  whenInterruptedEarly(): Promise<ExecuteOutcome> | undefined;
  /** True when an earlier execute failed with stop_on_error after this request arrived. */
  isAborted(request: Request): boolean;
  /** Aborts the execute requests queued on shell so far. */
  abortQueued(): void;
  /** Replies, closes everything and exits the process (after the reply is sent). */
  shutdown(restart: boolean, reason?: string): Promise<void>;
  /** Settles when shutdown begins, with the error an execute still owed a reply gets. */
  readonly whenShuttingDown: Promise<ExecuteOutcome>;
}

/** A protocol method. */
export type Handler = (kernel: KernelContext, request: Request) => Promise<void>;

/** Sends the reply to `request` on the channel it came from, to the identities it came from. */
export function reply<T extends KernelMessage.MessageType>(
  kernel: KernelContext,
  request: Request,
  msgType: T,
  content: ContentOf<T>,
): void {
  const { message } = request;
  kernel.send(request.channel, kernel.factory.create(msgType, content, message, message.identities));
}

// Content readers: a field of the wrong type is a ProtocolError (and so an error reply).

function stringField(content: Record<string, unknown>, name: string, fallback?: string): string {
  const value = content[name] ?? fallback;
  if (typeof value !== "string") throw new ProtocolError(`content.${name} must be a string`);
  return value;
}

function booleanField(content: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const value = content[name] ?? fallback;
  if (typeof value !== "boolean") throw new ProtocolError(`content.${name} must be a boolean`);
  return value;
}

function integerField(
  content: Record<string, unknown>,
  name: string,
  fallback: number | null,
): number | null {
  const value = content[name] ?? fallback;
  if (value === null) return null;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new ProtocolError(`content.${name} must be an integer`);
  }
  return value;
}

function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

/**
 * Reads `cursor_pos`, which defaults to the end of the code (counted in code points). A cursor outside the
 * code is clamped into it, as ipykernel does: JupyterLab sends one past the end while the user types.
 */
function cursorField(content: Record<string, unknown>, code: string): number {
  const length = codePointLength(code);
  const cursor = integerField(content, "cursor_pos", length) ?? length;
  return Math.min(Math.max(cursor, 0), length);
}

function userExpressionsField(content: Record<string, unknown>): Record<string, string> {
  const value = content.user_expressions ?? {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ProtocolError("content.user_expressions must be an object");
  }
  const expressions: Record<string, string> = {};
  for (const [name, expression] of Object.entries(value)) {
    if (typeof expression !== "string") throw new ProtocolError(`user_expressions.${name} must be a string`);
    expressions[name] = expression;
  }
  return expressions;
}

const kernelInfoRequest: Handler = async (kernel, request) => {
  reply(kernel, request, "kernel_info_reply", kernel.info);
  kernel.warmUp();
};

const executeRequest: Handler = async (kernel, request) => {
  const content = request.message.content;
  const code = stringField(content, "code");
  const silent = booleanField(content, "silent", false);
  const storeHistory = booleanField(content, "store_history", !silent) && !silent;
  const allowStdin = booleanField(content, "allow_stdin", true);
  const stopOnError = booleanField(content, "stop_on_error", true);
  const userExpressions = userExpressionsField(content);

  if (kernel.isAborted(request)) {
    reply(kernel, request, "execute_reply", { status: "aborted", execution_count: kernel.executionCount });
    return;
  }
  if (storeHistory) kernel.executionCount += 1;
  const executionCount = kernel.executionCount;
  if (!silent) publish(kernel, "execute_input", { code, execution_count: executionCount }, request.message);
  if (storeHistory) void kernel.history.record(executionCount, code);

  const sink = new RequestSink(kernel, kernel.inputs, request.message, {
    silent,
    allowStdin,
    onResult: storeHistory ? (text) => void kernel.history.recordOutput(executionCount, text) : undefined,
  });
  let outcome: ExecuteOutcome;
  try {
    // Interrupted while the kernel is still starting: answered at once, and never run.
    const early = kernel.whenInterruptedEarly();
    let interruptedEarly = false;
    void early?.then(() => (interruptedEarly = true));
    const execute = (interpreter: Interpreter): Promise<ExecuteOutcome> =>
      interpreter.execute({ code, silent, storeHistory, allowStdin, userExpressions, executionCount }, sink);
    // A started interpreter gets the cell in this turn, ahead of the busy and execute_input sends.
    const loaded = kernel.loadedInterpreter();
    const running =
      loaded !== undefined
        ? execute(loaded)
        : kernel.interpreter().then((interpreter) => {
            if (interruptedEarly) return early as Promise<ExecuteOutcome>;
            return execute(interpreter);
          });
    // A cell is answered even when the kernel is stopped (SIGTERM) while it runs or waits for the language side.
    outcome = await Promise.race([running, kernel.whenShuttingDown, ...(early ? [early] : [])]);
  } catch (error) {
    const { ename, evalue, traceback } = errorContent(error);
    outcome = { status: "error", ename, evalue, traceback };
  }
  sink.flush();

  if (outcome.status === "ok") {
    const content = {
      status: "ok" as const,
      execution_count: executionCount,
      user_expressions: outcome.userExpressions as KernelMessage.IExecuteReply["user_expressions"],
      payload: outcome.payload as KernelMessage.IExecuteReply["payload"],
    };
    reply(kernel, request, "execute_reply", content);
    return;
  }
  const { ename, evalue, traceback } = outcome;
  if (!silent) publish(kernel, "error", { ename, evalue, traceback }, request.message);
  const failure = { status: "error" as const, ename, evalue, traceback, execution_count: executionCount };
  reply(kernel, request, "execute_reply", {
    ...failure,
    user_expressions: {},
    payload: [],
  } as ContentOf<"execute_reply">);
  if (stopOnError) kernel.abortQueued();
};

const completeRequest: Handler = async (kernel, request) => {
  const code = stringField(request.message.content, "code");
  const cursor = cursorField(request.message.content, code);
  const result = await (await kernel.interpreter()).complete(code, cursor);
  reply(kernel, request, "complete_reply", {
    status: "ok",
    matches: result.matches,
    cursor_start: result.cursorStart,
    cursor_end: result.cursorEnd,
    metadata: result.metadata as KernelMessage.IInspectReply["metadata"],
  });
};

const inspectRequest: Handler = async (kernel, request) => {
  const code = stringField(request.message.content, "code");
  const cursor = cursorField(request.message.content, code);
  const detail = integerField(request.message.content, "detail_level", 0) === 1 ? 1 : 0;
  const result = await (await kernel.interpreter()).inspect(code, cursor, detail);
  reply(kernel, request, "inspect_reply", {
    status: "ok",
    found: result.found,
    data: result.data as KernelMessage.IInspectReply["data"],
    metadata: result.metadata as KernelMessage.IInspectReply["metadata"],
  });
};

const isCompleteRequest: Handler = async (kernel, request) => {
  const code = stringField(request.message.content, "code");
  const result = await (await kernel.interpreter()).isComplete(code);
  reply(kernel, request, "is_complete_reply", result);
};

const historyRequest: Handler = async (kernel, request) => {
  const content = request.message.content;
  const output = booleanField(content, "output", false);
  const accessType = stringField(content, "hist_access_type", "tail");
  let rows: HistoryRow[];
  if (accessType === "tail") {
    rows = await kernel.history.tail(integerField(content, "n", 10) ?? 10, output);
  } else if (accessType === "range") {
    const session = integerField(content, "session", 0) ?? 0;
    const start = integerField(content, "start", 0) ?? 0;
    rows = await kernel.history.range(session, start, integerField(content, "stop", null), output);
  } else if (accessType === "search") {
    const pattern = stringField(content, "pattern", "*");
    const unique = booleanField(content, "unique", false);
    rows = await kernel.history.search(pattern, integerField(content, "n", null), unique, output);
  } else {
    throw new ProtocolError(
      `content.hist_access_type must be "tail", "range" or "search", not "${accessType}"`,
    );
  }
  reply(kernel, request, "history_reply", {
    status: "ok",
    history: rows as KernelMessage.IHistoryReply["history"],
  });
};

const shutdownRequest: Handler = async (kernel, request) => {
  const restart = booleanField(request.message.content, "restart", false);
  reply(kernel, request, "shutdown_reply", { status: "ok", restart });
  publish(kernel, "shutdown_reply", { status: "ok", restart }, request.message);
  await kernel.shutdown(restart);
};

/** Answered at once, as ipykernel does; the interrupted cell's own execute_reply says when it stopped. */
const interruptRequest: Handler = async (kernel, request) => {
  const interrupted = kernel.interrupt("interrupt_request");
  reply(kernel, request, "interrupt_reply", { status: "ok" });
  await interrupted;
};

/** Protocol methods served on shell, handled one at a time in arrival order. */
export const shellHandlers: Readonly<Record<string, Handler>> = {
  kernel_info_request: kernelInfoRequest,
  execute_request: executeRequest,
  complete_request: completeRequest,
  inspect_request: inspectRequest,
  is_complete_request: isCompleteRequest,
  history_request: historyRequest,
  ...commHandlers,
  shutdown_request: shutdownRequest,
};

/** Protocol methods served on control, handled at once even while a cell runs. */
export const controlHandlers: Readonly<Record<string, Handler>> = {
  kernel_info_request: kernelInfoRequest,
  shutdown_request: shutdownRequest,
  interrupt_request: interruptRequest,
};
