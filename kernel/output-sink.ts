// Per-request output: the OutputSink the interpreter writes to becomes iopub messages whose parent is that
// request (even after the cell ended), and input() becomes an input_request on stdin to the asking client.

import type { KernelMessage } from "@jupyterlab/services";
import type { CommOutput } from "./comms/protocol.js";
import type { MimeBundle, OutputSink } from "./interpreter.js";
import { KeyboardInterrupt, StdinNotAllowedError } from "./errors.js";
import type { ContentOf, MessageFactory } from "./messages.js";
import type { OutgoingChannel } from "./transport.js";
import type { WireMessage } from "./wire.js";
import { log } from "./log.js";

/** What a sink needs from the kernel: somewhere to send messages and a factory to build them. */
export interface MessageSender {
  readonly factory: MessageFactory;
  send(channel: OutgoingChannel, message: WireMessage): void;
}

/** Publishes one iopub message with `parent` as its parent header. */
export function publish<T extends KernelMessage.IOPubMessageType>(
  sender: MessageSender,
  msgType: T,
  content: ContentOf<T>,
  parent: WireMessage | undefined,
): void {
  const topic = Buffer.from(`kernel.${sender.factory.session}.${msgType}`);
  sender.send("iopub", sender.factory.create(msgType, content, parent, [topic]));
}

interface PendingInput {
  requestId: string;
  resolve(value: string): void;
  reject(error: Error): void;
}

/** Input requests waiting for the user's input_reply on stdin. */
export class InputRequests {
  private pending: PendingInput[] = [];

  constructor(private readonly sender: MessageSender) {}

  /** Sends input_request on stdin to the client that sent `parent`; resolves with its reply's value. */
  ask(parent: WireMessage, prompt: string, password: boolean): Promise<string> {
    const request = this.sender.factory.create(
      "input_request",
      { prompt, password },
      parent,
      parent.identities,
    );
    return new Promise<string>((resolve, reject) => {
      this.pending.push({ requestId: request.header.msg_id, resolve, reject });
      this.sender.send("stdin", request);
    });
  }

  /** Routes an input_reply to the request it answers (by parent msg_id, else the oldest pending). */
  receive(reply: WireMessage): void {
    const parentId = "msg_id" in reply.parentHeader ? reply.parentHeader.msg_id : undefined;
    let index = this.pending.findIndex((item) => item.requestId === parentId);
    if (index < 0) index = 0;
    const target = this.pending[index];
    if (target === undefined) {
      log.warn("stdin: input_reply with no pending input_request; dropped");
      return;
    }
    this.pending.splice(index, 1);
    const value = reply.content.value;
    target.resolve(typeof value === "string" ? value : String(value ?? ""));
  }

  /** Rejects every pending request (on interrupt or shutdown). */
  cancelAll(reason: string): void {
    const pending = this.pending;
    this.pending = [];
    for (const item of pending) item.reject(new KeyboardInterrupt(`input() was interrupted: ${reason}`));
  }
}

/** Options of the request a sink serves. */
export interface SinkOptions {
  /** Silent requests produce no output at all. */
  silent: boolean;
  allowStdin: boolean;
  /** Called with each execute_result's text/plain (for history). */
  onResult?: (text: string) => void;
}

/** How long stream text may wait to be merged with the text written after it. */
const streamFlushMs = 20;
/** Stream text above this size is sent at once. */
const streamFlushBytes = 256 * 1024;

/**
 * The OutputSink of one request; everything it sends has that request as parent. Consecutive stream
 * writes are merged into one message (sent within {@link streamFlushMs}, and always before any other
 * output of the request), so a loop of console.log calls does not flood the frontend with messages.
 */
export class RequestSink implements OutputSink {
  private pendingName: "stdout" | "stderr" | undefined;
  private pendingText: string[] = [];
  private pendingLength = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sender: MessageSender,
    private readonly inputs: InputRequests,
    private readonly parent: WireMessage,
    private readonly options: SinkOptions,
  ) {}

  stream(name: "stdout" | "stderr", text: string): void {
    if (this.options.silent || text === "") return;
    if (this.pendingName !== name) this.flush();
    this.pendingName = name;
    this.pendingText.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= streamFlushBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), streamFlushMs);
  }

  /** Sends the stream text written so far. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const name = this.pendingName;
    if (name === undefined) return;
    const text = this.pendingText.join("");
    this.pendingName = undefined;
    this.pendingText = [];
    this.pendingLength = 0;
    publish(this.sender, "stream", { name, text }, this.parent);
  }

  displayData(data: MimeBundle, metadata: Record<string, unknown>, displayId?: string): void {
    if (this.options.silent) return;
    this.flush();
    const transient = displayId === undefined ? {} : { display_id: displayId };
    publish(
      this.sender,
      "display_data",
      { data: data as never, metadata: metadata as never, transient },
      this.parent,
    );
  }

  updateDisplayData(data: MimeBundle, metadata: Record<string, unknown>, displayId: string): void {
    if (this.options.silent) return;
    this.flush();
    const content = {
      data: data as never,
      metadata: metadata as never,
      transient: { display_id: displayId },
    };
    publish(this.sender, "update_display_data", content, this.parent);
  }

  executeResult(executionCount: number, data: MimeBundle, metadata: Record<string, unknown>): void {
    if (this.options.silent) return;
    this.flush();
    const content = { execution_count: executionCount, data: data as never, metadata: metadata as never };
    publish(this.sender, "execute_result", content, this.parent);
    const text = data["text/plain"];
    if (typeof text === "string") this.options.onResult?.(text);
  }

  clearOutput(wait: boolean): void {
    if (this.options.silent) return;
    this.flush();
    publish(this.sender, "clear_output", { wait }, this.parent);
  }

  get parentMsgId(): string {
    return this.parent.header.msg_id;
  }

  comm(output: CommOutput): void {
    this.flush();
    const topic = Buffer.from(`kernel.${this.sender.factory.session}.${output.msgType}`);
    const message = this.sender.factory.createUntyped(
      output.msgType,
      output.content,
      this.parent,
      [topic],
      output.metadata,
    );
    message.buffers = output.buffers.map((bytes) =>
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    );
    this.sender.send("iopub", message);
  }

  inputRequest(prompt: string, password: boolean): Promise<string> {
    if (!this.options.allowStdin) {
      return Promise.reject(
        new StdinNotAllowedError(
          "input() was called, but this frontend does not accept input requests for this cell (allow_stdin is false)",
        ),
      );
    }
    this.flush();
    return this.inputs.ask(this.parent, prompt, password);
  }
}
