// The boundary between the Jupyter protocol (sockets, signing, dispatch) and the language (running cells).
// The protocol side builds one OutputSink per request, bound to that request's parent header, so output that a
// cell's timers write after the cell has ended is still attributed to that cell.

import type { MimeBundle } from "../src/render/mime.js";
import type { CommOutcome, CommOutput, CommRequest } from "./comms/protocol.js";

export type { MimeBundle };

/** Where a running cell's output goes; every call becomes one iopub (or stdin) message. */
export interface OutputSink {
  stream(name: "stdout" | "stderr", text: string): void;
  displayData(data: MimeBundle, metadata: Record<string, unknown>, displayId?: string): void;
  updateDisplayData(data: MimeBundle, metadata: Record<string, unknown>, displayId: string): void;
  executeResult(executionCount: number, data: MimeBundle, metadata: Record<string, unknown>): void;
  clearOutput(wait: boolean): void;
  /** Sends input_request on stdin and resolves with the user's reply. Rejects when stdin is not allowed. */
  inputRequest(prompt: string, password: boolean): Promise<string>;
  /** Sends a comm message from the kernel on iopub (sent even for silent requests: comms are not output). */
  comm?(output: CommOutput): void;
  /** The msg_id of the request this sink serves (widgets' Output.capture routes by it). */
  readonly parentMsgId?: string;
}

export interface ExecuteRequest {
  code: string;
  silent: boolean;
  storeHistory: boolean;
  allowStdin: boolean;
  userExpressions: Record<string, string>;
  /** The execution count this cell will show (already incremented by the protocol side when it counts). */
  executionCount: number;
}

export interface ErrorInfo {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** A user expression's result as the messaging spec wants it in execute_reply. */
export type UserExpressionResult =
  { status: "ok"; data: MimeBundle; metadata: Record<string, unknown> } | ({ status: "error" } & ErrorInfo);

export type ExecuteOutcome =
  | {
      status: "ok";
      userExpressions: Record<string, UserExpressionResult>;
      /** Payloads such as the pager (`{ source: "page", data, start }`). */
      payload: Record<string, unknown>[];
    }
  | ({ status: "error" } & ErrorInfo);

export interface CompleteResult {
  matches: string[];
  /** Cursor positions in Unicode code points, as the messaging spec counts them. */
  cursorStart: number;
  cursorEnd: number;
  metadata: Record<string, unknown>;
}

export interface InspectResult {
  found: boolean;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export type IsCompleteResult =
  | { status: "complete" }
  | { status: "invalid" }
  | { status: "unknown" }
  | { status: "incomplete"; indent: string };

/** The language half of the kernel. It knows nothing of sockets or message framing. */
export interface Interpreter {
  /** Starts the worker and warms the language service; resolves when cells can run. */
  start(): Promise<void>;
  execute(request: ExecuteRequest, sink: OutputSink): Promise<ExecuteOutcome>;
  /** `cursorPos` is in Unicode code points. */
  complete(code: string, cursorPos: number): Promise<CompleteResult>;
  inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<InspectResult>;
  isComplete(code: string): Promise<IsCompleteResult>;
  /** Handles a frontend's comm message or comm_info_request; interpreters without comms leave it out. */
  comm?(request: CommRequest, sink: OutputSink): Promise<CommOutcome>;
  /** Stops the running cell (if any) within a second; the cell's execute resolves with a KeyboardInterrupt error. */
  interrupt(): Promise<void>;
  /** Stops everything; a cell still running is answered with an error naming `reason` (e.g. "SIGTERM"). */
  shutdown(reason?: string): Promise<void>;
}
