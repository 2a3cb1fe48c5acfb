// Comms inside the execution worker: the generic `comms` API of cells (registerTarget, open, send, onMsg,
// close) and the dispatch of frontend comm messages to the comm they name. Sending goes through an injected
// function, so the same code runs in the worker (output queue of the current cell) and in unit tests.

import { randomUUID as uuid } from "node:crypto";
import type { CommInfo, CommMessageType } from "./protocol.js";

/** A comm message as a cell's handler sees it. */
export interface CommMessage {
  /** The message's `data` field (a JSON object). */
  data: Record<string, unknown>;
  /** Binary buffers that came with the message. */
  buffers: Uint8Array[];
  /** The message's metadata (free-form, as the frontend sent it). */
  metadata: Record<string, unknown>;
  /** The msg_id of the frontend's message. */
  msgId: string;
}

/** Sends one comm message to the frontends (iopub), attributed to the request being handled. */
export type CommSend = (
  msgType: CommMessageType,
  content: Record<string, unknown>,
  metadata: Record<string, unknown>,
  buffers: Uint8Array[],
) => void;

/** Called when a frontend opens a comm on a registered target. */
export type CommTargetHandler = (comm: Comm, openMessage: CommMessage) => void;

/** Bytes of any binary view, without copying. */
export function bytesOf(view: ArrayBufferView | ArrayBuffer): Uint8Array {
  if (view instanceof ArrayBuffer) return new Uint8Array(view);
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** A comm (a channel between a kernel-side and a frontend-side object) of one target. */
export class Comm {
  private readonly messageHandlers: ((message: CommMessage) => void)[] = [];
  private readonly closeHandlers: ((message: CommMessage) => void)[] = [];
  private isClosed = false;

  /** @internal Comms are made by `comms.open` or given to a target's handler. */
  constructor(
    /** The comm's id, shared by both sides. */
    readonly commId: string,
    /** The target the comm was opened on. */
    readonly targetName: string,
    private readonly manager: CommManager,
  ) {}

  /** True once either side closed the comm. */
  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Sends `data` (a JSON object) to the frontend side, with optional binary buffers.
   * @throws Error when the comm is closed
   */
  send(data: Record<string, unknown> = {}, buffers: (ArrayBufferView | ArrayBuffer)[] = []): void {
    if (this.isClosed) throw new Error(`comm ${this.commId} (${this.targetName}) is closed; cannot send`);
    this.manager.sendRaw("comm_msg", { comm_id: this.commId, data }, {}, buffers.map(bytesOf));
  }

  /** Calls `handler` with every message the frontend sends on this comm; returns a function that stops it. */
  onMsg(handler: (message: CommMessage) => void): () => void {
    return addHandler(this.messageHandlers, handler);
  }

  /** Calls `handler` when the frontend closes this comm; returns a function that stops it. */
  onClose(handler: (message: CommMessage) => void): () => void {
    return addHandler(this.closeHandlers, handler);
  }

  /** Closes the comm on both sides (sends comm_close with `data`); closing twice does nothing. */
  close(data: Record<string, unknown> = {}): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.manager.forget(this);
    this.manager.sendRaw("comm_close", { comm_id: this.commId, data }, {}, []);
  }

  /** @internal A frontend message for this comm. */
  receive(message: CommMessage): void {
    for (const handler of [...this.messageHandlers]) this.manager.guard(() => handler(message), this);
  }

  /** @internal The frontend closed this comm. */
  receiveClose(message: CommMessage): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.manager.forget(this);
    for (const handler of [...this.closeHandlers]) this.manager.guard(() => handler(message), this);
  }
}

function addHandler<T>(list: T[], handler: T): () => void {
  if (typeof handler !== "function") throw new TypeError("a comm handler must be a function");
  list.push(handler);
  return () => {
    const index = list.indexOf(handler);
    if (index >= 0) list.splice(index, 1);
  };
}

/** A problem with a frontend's comm message: logged and reported, never fatal. */
export class CommProtocolError extends Error {
  override readonly name = "CommProtocolError";
}

/** Every comm of the worker and the targets frontends may open comms on. */
export class CommManager {
  private readonly comms = new Map<string, Comm>();
  private readonly targets = new Map<string, CommTargetHandler>();

  constructor(
    private readonly send: CommSend,
    /** Reports a handler that threw (as the cell's stderr, with a traceback). */
    private readonly reportError: (error: unknown, comm: Comm) => void,
  ) {}

  /**
   * Lets frontends open comms on `targetName`: `handler(comm, openMessage)` runs for each.
   * Registering a name again replaces its handler.
   */
  registerTarget(targetName: string, handler: CommTargetHandler): void {
    if (typeof targetName !== "string" || targetName === "") {
      throw new TypeError("comms.registerTarget: the target name must be a non-empty string");
    }
    if (typeof handler !== "function")
      throw new TypeError("comms.registerTarget: the handler must be a function");
    this.targets.set(targetName, handler);
  }

  /** Stops accepting comms on `targetName` (open comms stay open). */
  unregisterTarget(targetName: string): void {
    this.targets.delete(targetName);
  }

  /** Opens a comm from the kernel side on the frontend's `targetName`, sending `data` with comm_open. */
  open(
    targetName: string,
    data: Record<string, unknown> = {},
    options: {
      buffers?: (ArrayBufferView | ArrayBuffer)[];
      metadata?: Record<string, unknown>;
      commId?: string;
    } = {},
  ): Comm {
    if (typeof targetName !== "string" || targetName === "") {
      throw new TypeError("comms.open: the target name must be a non-empty string");
    }
    const comm = new Comm(options.commId ?? uuid().replaceAll("-", ""), targetName, this);
    this.comms.set(comm.commId, comm);
    const content = { comm_id: comm.commId, target_name: targetName, data };
    this.sendRaw("comm_open", content, options.metadata ?? {}, (options.buffers ?? []).map(bytesOf));
    return comm;
  }

  /** The open comm with this id, if any. */
  get(commId: string): Comm | undefined {
    return this.comms.get(commId);
  }

  /** The open comms (of `targetName` only, when given), as comm_info_reply lists them. */
  info(targetName?: string): CommInfo {
    const info: CommInfo = {};
    for (const comm of this.comms.values()) {
      if (targetName === undefined || comm.targetName === targetName) {
        info[comm.commId] = { target_name: comm.targetName };
      }
    }
    return info;
  }

  /**
   * Handles a comm message from a frontend. Problems with the message itself are returned as warnings
   * (and, for a comm_open nobody accepts, answered with comm_close as the messaging spec asks).
   */
  receive(
    msgType: CommMessageType,
    content: Record<string, unknown>,
    metadata: Record<string, unknown>,
    buffers: Uint8Array[],
    msgId: string,
  ): string[] {
    const commId = content.comm_id;
    if (typeof commId !== "string" || commId === "") {
      return [`${msgType}: content.comm_id must be a non-empty string, got ${describe(commId)}; ignored`];
    }
    const rawData = content.data ?? {};
    if (typeof rawData !== "object" || rawData === null || Array.isArray(rawData)) {
      return [
        `${msgType} for comm ${commId}: content.data must be an object, got ${describe(rawData)}; ignored`,
      ];
    }
    const message: CommMessage = { data: rawData as Record<string, unknown>, buffers, metadata, msgId };
    if (msgType === "comm_open") return this.receiveOpen(commId, content.target_name, message);
    const comm = this.comms.get(commId);
    if (comm === undefined) return [`${msgType} for unknown comm ${commId}; ignored`];
    if (msgType === "comm_msg") comm.receive(message);
    else comm.receiveClose(message);
    return [];
  }

  private receiveOpen(commId: string, targetName: unknown, message: CommMessage): string[] {
    const handler = typeof targetName === "string" ? this.targets.get(targetName) : undefined;
    if (typeof targetName !== "string" || handler === undefined || this.comms.has(commId)) {
      const reason = this.comms.has(commId)
        ? `comm ${commId} is already open`
        : `no comm target ${describe(targetName)} is registered`;
      this.sendRaw("comm_close", { comm_id: commId, data: {} }, {}, []);
      return [`comm_open refused: ${reason}; sent comm_close`];
    }
    const comm = new Comm(commId, targetName, this);
    this.comms.set(commId, comm);
    let failed = false;
    this.guard(
      () => handler(comm, message),
      comm,
      () => (failed = true),
    );
    // A target handler that throws refuses the comm, as ipykernel does.
    if (failed && !comm.closed) comm.close();
    return failed ? [`comm_open on target ${targetName}: the target's handler failed; comm closed`] : [];
  }

  /** @internal */
  sendRaw(
    msgType: CommMessageType,
    content: Record<string, unknown>,
    metadata: Record<string, unknown>,
    buffers: Uint8Array[],
  ): void {
    this.send(msgType, content, metadata, buffers);
  }

  /** @internal Runs a user handler; what it throws is reported, never propagated into the dispatch. */
  guard(body: () => void, comm: Comm, onError?: () => void): void {
    try {
      body();
    } catch (error) {
      onError?.();
      this.reportError(error, comm);
    }
  }

  /** @internal */
  forget(comm: Comm): void {
    if (this.comms.get(comm.commId) === comm) this.comms.delete(comm.commId);
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
