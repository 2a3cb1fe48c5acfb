// The dispatcher: decodes frames, serves shell requests one at a time and control requests at once, and
// wraps every request in iopub busy/idle with the request as parent. A throwing handler becomes an error
// reply; malformed, unsigned and unknown messages are logged, never fatal.

import type { KernelMessage } from "@jupyterlab/services";
import type { ExecuteOutcome, Interpreter } from "./interpreter.js";
import {
  controlHandlers,
  shellHandlers,
  type Handler,
  type KernelContext,
  type Request,
} from "./handlers.js";
import type { History } from "./history.js";
import { describeError, log } from "./log.js";
import { describeHeader, errorContent, MessageFactory, replyTypeOf } from "./messages.js";
import { InputRequests, publish } from "./output-sink.js";
import type { IncomingChannel, OutgoingChannel, Transport } from "./transport.js";
import { decodeFrames, encodeFrames, type Signer, type WireMessage } from "./wire.js";
import { trace, tracing } from "./trace.js";

/** Everything a kernel is built from; tests pass an in-memory transport and a fake interpreter. */
export interface KernelOptions {
  transport: Transport;
  signer: Signer;
  /** Loads the language side; called once, after the sockets listen, so kernel_info never waits for it. */
  loadInterpreter: () => Promise<Interpreter>;
  history: History;
  info: KernelMessage.IInfoReply;
  /** Ends the process after shutdown (tests record the code instead). */
  exit: (code: number) => void;
}

/** How long after start the interpreter begins loading if no kernel_info_request came first. */
const warmUpDelayMs = 200;

/** How long shutdown waits for the interpreter to stop before leaving anyway. */
const shutdownGraceMs = 2000;

/** A promise and the function that settles it (Promise.withResolvers, which Node 20 lacks). */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

/** A Jupyter kernel over any {@link Transport}. */
export class Kernel implements KernelContext {
  readonly factory = new MessageFactory();
  readonly info: KernelMessage.IInfoReply;
  readonly history: History;
  readonly inputs: InputRequests;
  executionCount = 0;

  private readonly options: KernelOptions;
  private readonly shellQueue: Request[] = [];
  private shellBusy = false;
  private received = 0;
  private abortThrough = -1;
  private interpreterPromise: Promise<Interpreter> | undefined;
  private loaded: Interpreter | undefined;
  private shuttingDown = false;
  private warmTimer: NodeJS.Timeout | undefined;
  private announceShutdown: (outcome: ExecuteOutcome) => void = () => undefined;
  /** Settles when shutdown begins, with the error a cell still owed a reply is answered with. */
  readonly whenShuttingDown = new Promise<ExecuteOutcome>((resolve) => (this.announceShutdown = resolve));
  /** Settles at the next interrupt that comes before the interpreter has started (see whenInterruptedEarly). */
  private earlyInterrupt = deferred<ExecuteOutcome>();
  /** Messages sent in the current step, signed at its end (see send). */
  private outgoing: { channel: OutgoingChannel; message: WireMessage }[] = [];

  constructor(options: KernelOptions) {
    this.options = options;
    this.info = options.info;
    this.history = options.history;
    this.inputs = new InputRequests(this);
  }

  /**
   * Starts listening and announces `starting`. The interpreter loads once the first kernel_info is answered
   * (or after a moment), so that loading it never delays the reply clients wait for at start-up.
   */
  start(): void {
    this.options.transport.listen((channel, frames) => this.receive(channel, frames));
    publish(this, "status", { execution_state: "starting" }, undefined);
    this.warmTimer = setTimeout(() => this.warmUp(), warmUpDelayMs).unref();
  }

  /** Begins loading the interpreter in the background (once). */
  warmUp(): void {
    clearTimeout(this.warmTimer);
    if (this.interpreterPromise !== undefined) return;
    setImmediate(() => {
      this.interpreter().catch((error: unknown) => {
        log.error(`the language side failed to start: ${describeError(error)}`);
      });
      void this.history.ready(); // earlier sessions, read while the language side starts
    });
  }

  /**
   * Cancels pending input() and stops the running cell; never waits for an interpreter to load. Before the
   * interpreter has started, the cell waiting for it (the one the notebook shows running) ends with
   * KeyboardInterrupt and never runs, as it would have had it started.
   */
  async interrupt(reason: string): Promise<void> {
    this.inputs.cancelAll(reason);
    if (this.loaded !== undefined) {
      await this.loaded.interrupt();
      return;
    }
    const evalue = "the cell was interrupted while the kernel was starting; it did not run";
    this.earlyInterrupt.resolve({
      status: "error",
      ename: "KeyboardInterrupt",
      evalue,
      traceback: [`KeyboardInterrupt: ${evalue}`],
    });
    this.earlyInterrupt = deferred<ExecuteOutcome>();
  }

  /**
   * For a cell that is about to wait for the interpreter: settles with a KeyboardInterrupt outcome if an
   * interrupt comes before the interpreter has started; undefined once it has (interrupts then reach it).
   */
  whenInterruptedEarly(): Promise<ExecuteOutcome> | undefined {
    return this.loaded === undefined ? this.earlyInterrupt.promise : undefined;
  }

  /** The interpreter, loaded and started on first use. */
  interpreter(): Promise<Interpreter> {
    this.interpreterPromise ??= (async () => {
      const interpreter = await this.options.loadInterpreter();
      await interpreter.start();
      this.loaded = interpreter;
      return interpreter;
    })();
    return this.interpreterPromise;
  }

  /** The interpreter if it has finished starting, else undefined. */
  loadedInterpreter(): Interpreter | undefined {
    return this.loaded;
  }

  /**
   * Signs and sends a message, in order with the others; a message that cannot be encoded is logged and
   * dropped. Signing waits for the end of the current step (a microtask), so a cell reaches its execution
   * process before its busy and execute_input messages are signed, which then happens while it runs there.
   */
  send(channel: OutgoingChannel, message: WireMessage): void {
    this.outgoing.push({ channel, message });
    if (this.outgoing.length === 1) queueMicrotask(() => this.flushOutgoing());
  }

  /** Signs and hands to the transport every message sent so far. */
  private flushOutgoing(): void {
    const messages = this.outgoing;
    this.outgoing = [];
    for (const { channel, message } of messages) {
      let frames: Buffer[];
      try {
        frames = encodeFrames(message, this.options.signer);
      } catch (error) {
        log.error(`cannot encode ${message.header.msg_type}: ${describeError(error)}`);
        continue;
      }
      if (tracing) trace(`send ${channel} ${describeForTrace(message)}`);
      void this.options.transport.send(channel, frames);
    }
  }

  /** Entry point for raw frames from the transport. */
  receive(channel: IncomingChannel, frames: Buffer[]): void {
    let message: WireMessage;
    try {
      message = decodeFrames(frames, this.options.signer);
    } catch (error) {
      log.warn(`${channel}: dropped a message: ${describeError(error)}`);
      return;
    }
    log.debug(`${channel}: ${describeHeader(message.header)}`);
    if (tracing) trace(`recv ${channel} ${describeForTrace(message)}`);
    if (this.shuttingDown) return;
    if (channel === "stdin") {
      if (message.header.msg_type === "input_reply") this.inputs.receive(message);
      else log.warn(`stdin: unexpected ${message.header.msg_type}; dropped`);
      return;
    }
    if (channel === "control") {
      void this.dispatch({ channel, message, sequence: 0 }, controlHandlers);
      return;
    }
    this.shellQueue.push({ channel, message, sequence: ++this.received });
    void this.pumpShell();
  }

  /** Serves queued shell requests in order, one at a time. */
  private async pumpShell(): Promise<void> {
    if (this.shellBusy) return;
    this.shellBusy = true;
    try {
      for (let request = this.shellQueue.shift(); request !== undefined; request = this.shellQueue.shift()) {
        await this.dispatch(request, shellHandlers);
        if (this.shuttingDown) return;
      }
    } finally {
      this.shellBusy = false;
    }
  }

  /** busy -> handler -> idle (in finally); a throwing handler becomes an error reply. */
  private async dispatch(request: Request, handlers: Readonly<Record<string, Handler>>): Promise<void> {
    const { message } = request;
    const msgType = message.header.msg_type;
    publish(this, "status", { execution_state: "busy" }, message);
    try {
      const handler = Object.hasOwn(handlers, msgType) ? handlers[msgType] : undefined;
      if (handler === undefined) {
        log.warn(`${request.channel}: unknown message type ${JSON.stringify(msgType)}; dropped`);
        return;
      }
      await handler(this, request);
    } catch (error) {
      log.warn(`${request.channel}: ${describeHeader(message.header)} failed: ${describeError(error)}`);
      const replyType = replyTypeOf(msgType);
      if (replyType !== undefined) {
        const content = { ...errorContent(error) };
        this.send(
          request.channel,
          this.factory.createUntyped(replyType, content, message, message.identities),
        );
      }
    } finally {
      publish(this, "status", { execution_state: "idle" }, message);
    }
  }

  /** True for shell requests that arrived before a failing execute with stop_on_error finished. */
  isAborted(request: Request): boolean {
    return request.channel === "shell" && request.sequence <= this.abortThrough;
  }

  /** Marks every shell request received so far as aborted (stop_on_error). */
  abortQueued(): void {
    this.abortThrough = this.received;
  }

  /**
   * Stops the interpreter (waiting at most a grace period), flushes history, closes sockets, exits 0. With a
   * `reason` (a signal), a cell still running is answered with an error that names it.
   */
  async shutdown(restart: boolean, reason?: string): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    log.debug(`shutting down (restart: ${restart}${reason === undefined ? "" : `, ${reason}`})`);
    const evalue = `the kernel is shutting down${reason === undefined ? "" : ` (${reason})`}`;
    this.announceShutdown({
      status: "error",
      ename: "KernelShutdown",
      evalue,
      traceback: [`KernelShutdown: ${evalue}`],
    });
    clearTimeout(this.warmTimer);
    this.inputs.cancelAll("the kernel is shutting down");
    const interpreter = this.loaded;
    if (interpreter !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, shutdownGraceMs)));
      await Promise.race([
        interpreter.shutdown(reason).catch((error: unknown) => log.warn(describeError(error))),
        grace,
      ]);
      clearTimeout(timer);
    }
    await this.history.flush();
    this.flushOutgoing();
    await this.options.transport.close();
    this.options.exit(0);
  }
}

function describeForTrace(message: WireMessage): string {
  const parent = "msg_id" in message.parentHeader ? message.parentHeader.msg_id : "-";
  const content = message.content as Record<string, unknown>;
  const state = typeof content.execution_state === "string" ? ` ${content.execution_state}` : "";
  const data = content.data as Record<string, unknown> | undefined;
  const method = typeof data?.method === "string" ? ` ${data.method}` : "";
  return `${message.header.msg_type}${state}${method} id=${message.header.msg_id} parent=${parent}`;
}
