// The Jupyter wire format: multipart frames <-> messages, HMAC signing of what we send and constant-time
// verification of what we receive. Pure functions over Buffers, so every rule here is unit-testable.

import { createHmac, getHashes, timingSafeEqual } from "node:crypto";
import type { KernelMessage } from "@jupyterlab/services";
import { ProtocolError, SignatureError, UnsupportedSignatureSchemeError } from "./errors.js";
import { HmacSha256 } from "./hmac-sha256.js";
import { ReplayGuard, type ReplayGuardOptions } from "./replay-guard.js";

/** The frame separating routing identities from the signed message. */
export const DELIMITER = "<IDS|MSG>";
const delimiterBytes = Buffer.from(DELIMITER);

/** A header as it arrives: the fields we rely on are checked, the type may be one we do not know. */
export type IncomingHeader = Omit<KernelMessage.IHeader, "msg_type"> & { msg_type: string };

/** A decoded message, with the routing identities it arrived with (empty for iopub). */
export interface WireMessage {
  identities: Buffer[];
  header: IncomingHeader;
  /** The request's header on replies and outputs; `{}` on requests. */
  parentHeader: IncomingHeader | Record<string, never>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers: Buffer[];
}

/**
 * Signs outgoing messages and verifies incoming ones with the connection file's key and scheme.
 * An empty key means the connection is unauthenticated: nothing is signed and nothing is checked.
 */
export class Signer {
  private readonly key: Buffer;
  private readonly algorithm: string;
  private readonly replays: ReplayGuard;
  /**
   * hmac-sha256 (what every Jupyter client uses) runs in TypeScript: signing runs cold, between messages
   * milliseconds apart, and cold it costs a third of a node:crypto createHmac (see hmac-sha256.ts).
   */
  private readonly sha256: HmacSha256 | undefined;
  /** Where verify writes the expected signature: no allocation per message. */
  private readonly expected = new Uint8Array(64);

  /** Throws UnsupportedSignatureSchemeError unless `scheme` is `hmac-<hash>` for a hash Node provides. */
  constructor(key: string, scheme = "hmac-sha256", replay: ReplayGuardOptions = {}) {
    const match = /^hmac-([a-z0-9-]+)$/i.exec(scheme);
    const algorithm = match?.[1]?.toLowerCase();
    if (algorithm === undefined || !getHashes().includes(algorithm)) {
      throw new UnsupportedSignatureSchemeError(
        `unsupported signature_scheme ${JSON.stringify(scheme)} in the connection file; ` +
          `jaclab signs with "hmac-<hash>" such as "hmac-sha256"`,
      );
    }
    this.key = Buffer.from(key, "utf8");
    this.algorithm = algorithm;
    this.replays = new ReplayGuard(replay);
    this.sha256 = algorithm === "sha256" && this.key.length > 0 ? new HmacSha256(this.key) : undefined;
  }

  /** True when messages are signed (the key is not empty). */
  get enabled(): boolean {
    return this.key.length > 0;
  }

  /** The hex digest over header, parent_header, metadata and content, or "" without a key. */
  sign(parts: readonly Buffer[]): string {
    if (!this.enabled) return "";
    if (this.sha256 !== undefined) return this.sha256.digestHex(parts);
    const hmac = createHmac(this.algorithm, this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest("hex");
  }

  /** The signature frame of an outgoing message: the ASCII hex digest, empty without a key. */
  signatureFrame(parts: readonly Buffer[]): Buffer {
    if (this.sha256 === undefined) return Buffer.from(this.sign(parts), "ascii");
    const frame = Buffer.allocUnsafe(64);
    this.sha256.digestHexInto(parts, frame);
    return frame;
  }

  /** Throws SignatureError when the signature is missing or wrong. */
  verify(signature: Buffer, parts: readonly Buffer[]): void {
    if (!this.enabled) return;
    if (signature.length === 0) throw new SignatureError("message has no signature");
    const expected =
      this.sha256 !== undefined
        ? this.sha256.digestHexInto(parts, this.expected)
        : Buffer.from(this.sign(parts), "ascii");
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw new SignatureError("message signature does not match (wrong key or altered message)");
    }
  }

  /**
   * Throws SignatureError for a verified message seen before, or dated outside the replay window (see
   * replay-guard.ts), however much traffic came in between; otherwise remembers it.
   */
  admit(signature: Buffer, date: unknown): void {
    if (this.enabled) this.replays.admit(signature.toString("ascii"), date);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJsonFrame(frame: Buffer, name: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(frame.toString("utf8"));
  } catch (error) {
    throw new ProtocolError(`${name} frame is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(value)) throw new ProtocolError(`${name} frame is not a JSON object`);
  return value;
}

function checkHeader(value: Record<string, unknown>, name: string): IncomingHeader {
  for (const field of ["msg_id", "msg_type"] as const) {
    if (typeof value[field] !== "string" || value[field] === "") {
      throw new ProtocolError(`${name} has no ${field} string`);
    }
  }
  for (const field of ["session", "username", "version", "date"] as const) {
    if (value[field] !== undefined && typeof value[field] !== "string") {
      throw new ProtocolError(`${name} field ${field} is not a string`);
    }
  }
  return {
    ...value,
    msg_id: value.msg_id as string,
    msg_type: value.msg_type as string,
    session: (value.session as string | undefined) ?? "",
    username: (value.username as string | undefined) ?? "",
    version: (value.version as string | undefined) ?? "",
    date: (value.date as string | undefined) ?? "",
  };
}

/**
 * Decodes `[identities..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...]`.
 * The signature is checked before any JSON is parsed. Throws ProtocolError (or SignatureError).
 */
export function decodeFrames(frames: readonly Buffer[], signer: Signer): WireMessage {
  const split = frames.findIndex((frame) => frame.equals(delimiterBytes));
  if (split < 0) throw new ProtocolError(`no ${DELIMITER} delimiter among ${frames.length} frames`);
  const rest = frames.slice(split + 1);
  if (rest.length < 5) {
    throw new ProtocolError(`expected at least 5 frames after ${DELIMITER}, got ${rest.length}`);
  }
  const [signature, header, parent, metadata, content] = rest as [Buffer, Buffer, Buffer, Buffer, Buffer];
  signer.verify(signature, [header, parent, metadata, content]);
  const checkedHeader = checkHeader(parseJsonFrame(header, "header"), "header");
  signer.admit(signature, checkedHeader.date);
  const parentObject = parseJsonFrame(parent, "parent_header");
  return {
    identities: frames.slice(0, split),
    header: checkedHeader,
    parentHeader: Object.keys(parentObject).length === 0 ? {} : checkHeader(parentObject, "parent_header"),
    metadata: parseJsonFrame(metadata, "metadata"),
    content: parseJsonFrame(content, "content"),
    buffers: rest.slice(5),
  };
}

/** A JSON.stringify replacer for what it rejects: bigints become decimal strings. */
export function bigintsAsStrings(_key: string, item: unknown): unknown {
  return typeof item === "bigint" ? item.toString() : item;
}

/** JSON that survives values JSON.stringify rejects (bigint) instead of throwing mid-reply. */
function toJson(value: unknown, name: string): Buffer {
  let text: string | undefined;
  try {
    // Without a replacer first: calling one for every key costs more than the rare second try.
    text = JSON.stringify(value);
  } catch {
    try {
      text = JSON.stringify(value, bigintsAsStrings);
    } catch (error) {
      throw new ProtocolError(
        `cannot serialise the ${name} of an outgoing message: ${(error as Error).message}`,
      );
    }
  }
  return Buffer.from(text ?? "{}", "utf8");
}

/** Encodes and signs a message into frames; the identities route it on a ROUTER socket (or topic on PUB). */
export function encodeFrames(message: WireMessage, signer: Signer): Buffer[] {
  const parts = [
    toJson(message.header, "header"),
    toJson(message.parentHeader, "parent_header"),
    toJson(message.metadata, "metadata"),
    toJson(message.content, "content"),
  ];
  return [...message.identities, delimiterBytes, signer.signatureFrame(parts), ...parts, ...message.buffers];
}
