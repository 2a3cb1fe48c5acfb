// Outgoing message construction: headers with fresh ids and the kernel's session, content typed per
// msg_type with @jupyterlab/services' KernelMessage types, and the small reply builders.

import { randomUUID as uuid } from "node:crypto";
import type { KernelMessage } from "@jupyterlab/services";
import type { IncomingHeader, WireMessage } from "./wire.js";
import { describeError } from "./log.js";

/** The messaging protocol version this kernel implements. */
export const PROTOCOL_VERSION = "5.3";

/** Message contents the spec defines but @jupyterlab/services' Message union lacks. */
interface MissingContents {
  shutdown_reply: { status: "ok"; restart: boolean } | KernelMessage.IReplyErrorContent;
}

/** The content type the messaging spec (as typed by @jupyterlab/services) gives a msg_type. */
export type ContentOf<T extends KernelMessage.MessageType> = T extends keyof MissingContents
  ? MissingContents[T]
  : Extract<KernelMessage.Message, { header: KernelMessage.IHeader<T> }>["content"];

/** Builds outgoing messages for one kernel session. */
export class MessageFactory {
  /** The session id stamped on every header this kernel sends. */
  readonly session: string = uuid();

  constructor(private readonly username = "kernel") {}

  /** A fresh header: unique msg_id, the kernel's session, the current time and protocol version. */
  header<T extends KernelMessage.MessageType>(msgType: T): KernelMessage.IHeader<T> {
    return {
      msg_id: uuid(),
      msg_type: msgType,
      session: this.session,
      username: this.username,
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    };
  }

  /** A message of `msgType` whose parent is `parent` (or none), routed to `identities`. */
  create<T extends KernelMessage.MessageType>(
    msgType: T,
    content: ContentOf<T>,
    parent: WireMessage | undefined,
    identities: Buffer[],
    metadata: Record<string, unknown> = {},
  ): WireMessage {
    return this.createUntyped(
      msgType,
      content as unknown as Record<string, unknown>,
      parent,
      identities,
      metadata,
    );
  }

  /** Like {@link create} for a msg_type computed at run time (the error reply of an unknown request). */
  createUntyped(
    msgType: string,
    content: Record<string, unknown>,
    parent: WireMessage | undefined,
    identities: Buffer[],
    metadata: Record<string, unknown> = {},
  ): WireMessage {
    const header = { ...this.header(msgType as KernelMessage.MessageType), msg_type: msgType };
    return { identities, header, parentHeader: parent?.header ?? {}, metadata, content, buffers: [] };
  }
}

/** The reply type that answers a request type (`execute_request` -> `execute_reply`), or undefined. */
export function replyTypeOf(requestType: string): string | undefined {
  return requestType.endsWith("_request") ? `${requestType.slice(0, -"_request".length)}_reply` : undefined;
}

/** The content of an error reply (and of an iopub `error`) built from any thrown value. */
export function errorContent(error: unknown): KernelMessage.IReplyErrorContent {
  const ename = error instanceof Error ? error.name : "Error";
  const evalue = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error && error.stack !== undefined ? error.stack : describeError(error);
  return { status: "error", ename, evalue, traceback: stack.split("\n") };
}

/** A short description of a request for logs: type, id and session. */
export function describeHeader(header: IncomingHeader): string {
  return `${header.msg_type} ${header.msg_id} (session ${header.session || "?"})`;
}
