// Test doubles for the protocol side: a scriptable fake Interpreter and a client that signs requests and
// decodes what the kernel sent through an InMemoryTransport. Used by the kernel's unit tests only.

import { v4 as uuid } from "uuid";
import type {
  CompleteResult,
  ExecuteOutcome,
  ExecuteRequest,
  InspectResult,
  Interpreter,
  IsCompleteResult,
  OutputSink,
} from "./interpreter.js";
import { History } from "./history.js";
import { Kernel } from "./kernel.js";
import { InMemoryTransport, type IncomingChannel, type OutgoingChannel } from "./transport.js";
import { decodeFrames, encodeFrames, Signer, type WireMessage } from "./wire.js";

/** A cell behaviour for the fake: what it writes to the sink and what it returns. */
export type FakeCell = (request: ExecuteRequest, sink: OutputSink) => Promise<ExecuteOutcome>;

/** An Interpreter whose cells are looked up by code in `cells`; unknown code prints and returns ok. */
export class FakeInterpreter implements Interpreter {
  readonly executed: ExecuteRequest[] = [];
  readonly cells = new Map<string, FakeCell>();
  interrupts = 0;
  shutdowns = 0;
  completeError: Error | undefined;
  private interruptWaiters: (() => void)[] = [];

  start(): Promise<void> {
    return Promise.resolve();
  }

  async execute(request: ExecuteRequest, sink: OutputSink): Promise<ExecuteOutcome> {
    this.executed.push(request);
    const cell = this.cells.get(request.code);
    if (cell !== undefined) return cell(request, sink);
    sink.stream("stdout", `ran ${request.code}\n`);
    sink.executeResult(request.executionCount, { "text/plain": request.code }, {});
    return { status: "ok", userExpressions: {}, payload: [] };
  }

  /** Resolves at the next interrupt() (for cells that "spin" until interrupted). */
  untilInterrupted(): Promise<void> {
    return new Promise((resolve) => this.interruptWaiters.push(resolve));
  }

  complete(code: string, cursorPos: number): Promise<CompleteResult> {
    if (this.completeError !== undefined) return Promise.reject(this.completeError);
    return Promise.resolve({ matches: [`${code}!`], cursorStart: 0, cursorEnd: cursorPos, metadata: {} });
  }

  inspect(): Promise<InspectResult> {
    return Promise.resolve({ found: false, data: {}, metadata: {} });
  }

  isComplete(code: string): Promise<IsCompleteResult> {
    return Promise.resolve(
      code.endsWith("{") ? { status: "incomplete", indent: "  " } : { status: "complete" },
    );
  }

  interrupt(): Promise<void> {
    this.interrupts++;
    const waiters = this.interruptWaiters;
    this.interruptWaiters = [];
    for (const wake of waiters) wake();
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.shutdowns++;
    return Promise.resolve();
  }
}

/** A decoded message the kernel sent, with its channel. */
export interface Sent extends WireMessage {
  channel: OutgoingChannel;
}

/** A kernel on an in-memory transport, a fake interpreter, and a signing client to talk to it. */
export class KernelHarness {
  readonly key: string;
  readonly transport = new InMemoryTransport();
  readonly interpreter = new FakeInterpreter();
  readonly kernel: Kernel;
  readonly exitCodes: number[] = [];
  readonly session = uuid();
  private readonly signer: Signer;

  constructor(
    options: { key?: string; historyPath?: string; loadInterpreter?: () => Promise<Interpreter> } = {},
  ) {
    const key = options.key ?? "secret-key";
    this.key = key;
    this.signer = new Signer(key);
    this.kernel = new Kernel({
      transport: this.transport,
      signer: new Signer(key),
      loadInterpreter: options.loadInterpreter ?? (() => Promise.resolve(this.interpreter)),
      history: new History(options.historyPath),
      info: {
        status: "ok",
        protocol_version: "5.3",
        implementation: "jaclab",
        implementation_version: "0.0.0-test",
        language_info: {
          name: "typescript",
          version: "0",
          mimetype: "text/typescript",
          file_extension: ".ts",
        },
        banner: "test",
        help_links: [],
      },
      exit: (code) => this.exitCodes.push(code),
    });
    this.kernel.start();
  }

  /** A signed request as a client would send it, from client identity `identity`. */
  frames(
    msgType: string,
    content: Record<string, unknown>,
    identities: Buffer[] = [Buffer.from("client-1")],
  ): {
    frames: Buffer[];
    msgId: string;
  } {
    const msgId = uuid();
    const header = {
      msg_id: msgId,
      msg_type: msgType,
      session: this.session,
      username: "test",
      date: new Date().toISOString(),
      version: "5.3",
    };
    const message: WireMessage = { identities, header, parentHeader: {}, metadata: {}, content, buffers: [] };
    return { frames: encodeFrames(message, this.signer), msgId };
  }

  /** Sends a signed request on `channel`; returns its msg_id. */
  request(
    channel: IncomingChannel,
    msgType: string,
    content: Record<string, unknown> = {},
    identities?: Buffer[],
  ): string {
    const { frames, msgId } = this.frames(msgType, content, identities);
    this.transport.deliver(channel, frames);
    return msgId;
  }

  /** Every message the kernel has sent so far, decoded. */
  sent(): Sent[] {
    return this.transport.sent.map(({ channel, frames }) => {
      // A fresh verifier each time, since the replay memory would refuse a second decoding.
      const message = decodeFrames(frames, new Signer(this.key));
      return { ...message, channel };
    });
  }

  /** The messages sent in reply to, or as output of, request `msgId`. */
  childrenOf(msgId: string): Sent[] {
    return this.sent().filter(
      (message) => "msg_id" in message.parentHeader && message.parentHeader.msg_id === msgId,
    );
  }

  /** Waits until the kernel published status idle for request `msgId`. */
  async untilIdle(msgId: string, timeoutMs = 2000): Promise<Sent[]> {
    await this.transport.waitFor(
      () =>
        this.childrenOf(msgId).some(
          (message) => message.header.msg_type === "status" && message.content.execution_state === "idle",
        ),
      timeoutMs,
    );
    return this.childrenOf(msgId);
  }
}
