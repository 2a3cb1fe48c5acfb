// Named errors of the protocol side, so logs and error replies say what went wrong and where.

/** A message broke the Jupyter wire protocol (frames, JSON, header fields, content fields). */
export class ProtocolError extends Error {
  override name = "ProtocolError";
}

/** An incoming message's HMAC signature was missing, wrong, or replayed; it is dropped unanswered. */
export class SignatureError extends ProtocolError {
  override name = "SignatureError";
}

/** The connection file asks for a signature scheme the kernel cannot compute. */
export class UnsupportedSignatureSchemeError extends RangeError {
  override name = "UnsupportedSignatureSchemeError";
}

/** The connection file is missing, unreadable, or lacks a field the kernel needs. */
export class ConnectionFileError extends Error {
  override name = "ConnectionFileError";
}

/** A cell asked for input while the frontend did not allow stdin for its request. */
export class StdinNotAllowedError extends Error {
  override name = "StdinNotAllowedError";
}

/** The cell was interrupted (message or SIGINT) while waiting; named like Python's for familiarity. */
export class KeyboardInterrupt extends Error {
  override name = "KeyboardInterrupt";
}

/** A cell called `process.exit()` or `process.abort()`, which would stop the whole kernel. */
export class ProcessExitRefusedError extends Error {
  override name = "ProcessExitRefusedError";
}

/** The command line could not be understood; the CLI prints usage and exits non-zero. */
export class UsageError extends Error {
  override name = "UsageError";
}
