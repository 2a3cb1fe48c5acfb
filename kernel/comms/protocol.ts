// The comm messages as they cross between the protocol side (main thread) and the execution worker, where
// comms and widget models live. Kept apart from executor/protocol.ts so that the comm layer stays in one place.

import type { ErrorInfo } from "../interpreter.js";

/** The comm messages a kernel sends on iopub. */
export type CommMessageType = "comm_open" | "comm_msg" | "comm_close";

/** A comm message from the kernel, produced inside a cell's (or a comm message's) context. */
export interface CommOutput {
  kind: "comm";
  msgType: CommMessageType;
  content: Record<string, unknown>;
  metadata: Record<string, unknown>;
  buffers: Uint8Array[];
}

/** A comm message from a frontend, or a comm_info_request, as the shell handler hands it to the interpreter. */
export interface CommRequest {
  msgType: CommMessageType | "comm_info_request";
  content: Record<string, unknown>;
  metadata: Record<string, unknown>;
  buffers: Uint8Array[];
  /** The message's msg_id: output of the callbacks it runs is attributed to it. */
  msgId: string;
}

/** The open comms, as comm_info_reply lists them. */
export type CommInfo = Record<string, { target_name: string }>;

/** What handling a comm message produced besides output. */
export interface CommOutcome {
  /** Problems with the message (unknown comm, bad data) for the kernel's log. */
  warnings: string[];
  /** For comm_info_request: the open comms, filtered by target_name when one was given. */
  comms?: CommInfo;
  /** A callback failed or the handling was interrupted. */
  error?: ErrorInfo;
}

/** The execution worker's request to handle one comm message (see executor/protocol.ts ExecRequest). */
export interface CommExecRequest extends CommRequest {
  type: "comm";
  cellId: number;
}

/** The execution worker's answer once a comm message's handling (and its output) is done. */
export interface CommDoneEvent extends CommOutcome {
  type: "commDone";
  cellId: number;
}
