// The comm side of the execution worker: one CommManager whose messages go to the output queue of the
// request being served, and the handling of frontends' comm messages, each in a context of its own so that
// what its callbacks print or display is attributed (parent header) to that message.

import { CellScope, OutputQueue, type CellContext } from "../executor/cell-output.js";
import type { ExecEvent } from "../executor/protocol.js";
import { errorInfo, type CellLookup } from "../executor/traceback.js";
import { CommManager, type Comm } from "./comm.js";
import type { CommExecRequest, CommOutcome } from "./protocol.js";

/** What the worker gives its comm layer. */
export interface WorkerCommsOptions {
  scope: CellScope;
  post: (event: ExecEvent) => void;
  /** The worker's cells, to map tracebacks of failing callbacks to cell lines. */
  cells: CellLookup;
  /** The worker's live contexts by id (an interrupt marks one ended). */
  contexts: Map<number, CellContext>;
  /** Writes to a context's stderr (or the worker's own, outside any). */
  writeStderr: (text: string) => void;
}

/** Comms of the execution worker. */
export class WorkerComms {
  readonly manager: CommManager;
  private warnings: string[] = [];

  constructor(private readonly options: WorkerCommsOptions) {
    this.manager = new CommManager(
      (msgType, content, metadata, buffers) => {
        const context = options.scope.current();
        if (context === undefined) {
          this.warn(`${msgType} sent outside any cell; dropped`);
          return;
        }
        context.queue.push({ kind: "comm", msgType, content, metadata, buffers });
      },
      (error, comm) => this.reportCallbackError(error, comm),
    );
  }

  /** Notes a problem for the kernel's log (returned with the current message's outcome). */
  warn(text: string): void {
    this.warnings.push(text);
  }

  /** Handles one frontend comm message (or comm_info_request) and tells the main thread when it is done. */
  async handle(request: CommExecRequest): Promise<void> {
    const { scope, post, contexts } = this.options;
    const { cellId } = request;
    const context: CellContext = {
      cellId,
      executionCount: 0,
      msgId: request.msgId,
      allowStdin: false,
      payload: [],
      queue: new OutputQueue(cellId, post),
      ended: false,
    };
    contexts.set(cellId, context);
    this.warnings = [];
    await scope.runDetached(context, async () => {
      let outcome: CommOutcome;
      try {
        if (request.msgType === "comm_info_request") {
          const target = request.content.target_name;
          outcome = {
            warnings: [],
            comms: this.manager.info(typeof target === "string" ? target : undefined),
          };
        } else {
          const { msgType, content, metadata, buffers, msgId } = request;
          const warnings = this.manager.receive(msgType, content, metadata, buffers, msgId);
          outcome = { warnings };
        }
      } catch (error) {
        outcome = { warnings: [], error: errorInfo(error, this.options.cells) };
      }
      outcome.warnings.push(...this.warnings);
      this.warnings = [];
      await context.queue.flushed();
      contexts.delete(cellId);
      if (context.ended) return; // interrupted: the main thread has answered already
      context.ended = true;
      post({ type: "commDone", cellId, ...outcome });
    });
  }

  private reportCallbackError(error: unknown, comm: Comm): void {
    const info = errorInfo(error, this.options.cells);
    this.warn(`a handler of comm ${comm.commId} (${comm.targetName}) failed: ${info.ename}: ${info.evalue}`);
    this.options.writeStderr(`${info.traceback.join("\n")}\n`);
  }
}
