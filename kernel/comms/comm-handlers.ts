// The shell handlers of comm messages (comm_open, comm_msg, comm_close from a frontend) and of
// comm_info_request. Comms live in the execution worker, so these hand each message to the interpreter and
// wait until its callbacks (and their output, attributed to this message) are done: frontends' messages are
// handled in order, one at a time, between this request's busy and idle.

import type { Handler, KernelContext, Request } from "../handlers.js";
import { ProtocolError } from "../errors.js";
import { describeError, log } from "../log.js";
import { publish, RequestSink } from "../output-sink.js";
import type { CommMessageType, CommOutcome, CommRequest } from "./protocol.js";

function commRequest(request: Request, msgType: CommRequest["msgType"]): CommRequest {
  const { message } = request;
  return {
    msgType,
    content: message.content,
    metadata: message.metadata,
    buffers: message.buffers.map((buffer) => new Uint8Array(buffer)),
    msgId: message.header.msg_id,
  };
}

/** Runs a comm request in the interpreter; undefined when the interpreter has no comms. */
async function handleInInterpreter(
  kernel: KernelContext,
  request: Request,
  msgType: CommRequest["msgType"],
): Promise<CommOutcome | undefined> {
  const interpreter = await kernel.interpreter();
  if (interpreter.comm === undefined) return undefined;
  const sink = new RequestSink(kernel, kernel.inputs, request.message, {
    silent: false,
    allowStdin: false,
  });
  try {
    return await interpreter.comm(commRequest(request, msgType), sink);
  } finally {
    sink.flush();
  }
}

function logOutcome(request: Request, outcome: CommOutcome): void {
  const msgType = request.message.header.msg_type;
  for (const warning of outcome.warnings) log.warn(`${msgType}: ${warning}`);
  if (outcome.error !== undefined) {
    log.warn(`${msgType}: ${outcome.error.ename}: ${outcome.error.evalue}`);
  }
}

function commMessage(msgType: CommMessageType): Handler {
  return async (kernel, request) => {
    let outcome: CommOutcome | undefined;
    try {
      outcome = await handleInInterpreter(kernel, request, msgType);
    } catch (error) {
      // No reply is defined for comm messages: a failure is logged, and the kernel goes on.
      log.warn(`${msgType}: the interpreter could not handle it: ${describeError(error)}`);
      return;
    }
    if (outcome !== undefined) {
      logOutcome(request, outcome);
      return;
    }
    if (msgType === "comm_open") {
      const commId = request.message.content.comm_id;
      log.warn(`comm_open: this interpreter has no comms; closing comm ${String(commId)}`);
      if (typeof commId === "string")
        publish(kernel, "comm_close", { comm_id: commId, data: {} }, request.message);
    } else {
      log.debug(`${msgType}: this interpreter has no comms; ignored`);
    }
  };
}

/** comm_info_reply lists the open comms, only those of `target_name` when the request names one. */
const commInfoRequest: Handler = async (kernel, request) => {
  const target = request.message.content.target_name;
  if (target !== undefined && typeof target !== "string") {
    throw new ProtocolError(`content.target_name must be a string, got ${JSON.stringify(target)}`);
  }
  const outcome = await handleInInterpreter(kernel, request, "comm_info_request");
  if (outcome !== undefined) logOutcome(request, outcome);
  const comms = outcome?.comms ?? {};
  const content = { status: "ok" as const, comms };
  const { message } = request;
  kernel.send(
    request.channel,
    kernel.factory.create("comm_info_reply", content, message, message.identities),
  );
};

/** The comm handlers of the shell table. */
export const commHandlers: Readonly<Record<string, Handler>> = {
  comm_info_request: commInfoRequest,
  comm_open: commMessage("comm_open"),
  comm_msg: commMessage("comm_msg"),
  comm_close: commMessage("comm_close"),
};
