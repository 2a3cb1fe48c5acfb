// Output.capture in the execution worker: what a callback prints or displays while an Output widget captures it
// becomes that widget's `outputs` state (sent as one update once its pending outputs are in), the way ipywidgets' append_display_data
// fills an Output, instead of iopub messages that the frontend diverts into the widget by its msg_id.
// Why not msg_id: nbclient (so nbconvert and papermill too) answers every output it diverts with a comm_msg
// that jupyter_client sends through a blocking shadow of its asyncio shell socket, from its iopub handler. When
// the cell's execute_reply reaches that socket meanwhile, the send swallows the socket's edge-triggered
// wake-up, and nbclient's wait for the reply sleeps until its own cell timeout. With state updates the client
// has nothing to answer. Comm messages (the update itself, widgets made in the callback) pass through.

import {
  OrderedOutputs,
  type CellContext,
  type CellScope,
  type OutputPort,
} from "../executor/cell-output.js";
import type { CellOutput } from "../executor/protocol.js";
import type { CaptureTarget, OutputRecord } from "./host.js";

/** Output widgets whose content goes at their next output (a `clear({ wait: true })` that is still pending). */
const clearBeforeNextOutput = new WeakSet<CaptureTarget>();

/** The outputs of one capture, turned into records of the target's `outputs` state. */
class CaptureQueue extends OrderedOutputs {
  private closed = false;
  /** The target's outputs being built, written once the outputs pending meanwhile are in. */
  private batch: OutputRecord[] | undefined;

  constructor(
    private readonly parent: OutputPort,
    private readonly target: CaptureTarget,
    private readonly inContext: (write: () => void) => void,
  ) {
    super();
  }

  override push(output: CellOutput | Promise<CellOutput | undefined>): void {
    if (this.closed || (!(output instanceof Promise) && output.kind === "comm")) {
      this.parent.push(output);
      return;
    }
    super.push(output);
    // The request stays open (and its later output waits) until this output has reached the widget.
    if (output instanceof Promise) this.parent.push(this.flushed().then(() => undefined));
  }

  /** Output pushed after the capture ended goes where it would have gone without it. */
  close(): void {
    this.closed = true;
  }

  protected deliver(output: CellOutput): void {
    // A display update targets a display elsewhere, by its id.
    if (output.kind === "update" || output.kind === "comm") {
      this.parent.push(output);
      return;
    }
    const records = this.records();
    if (output.kind === "clear") {
      if (output.wait) clearBeforeNextOutput.add(this.target);
      else {
        records.length = 0;
        clearBeforeNextOutput.delete(this.target);
      }
      return;
    }
    if (clearBeforeNextOutput.delete(this.target)) records.length = 0;
    const last = records.at(-1);
    if (output.kind === "stream") {
      if (last?.output_type === "stream" && last.name === output.name) {
        records[records.length - 1] = { ...last, text: `${String(last.text)}${output.text}` };
      } else records.push({ output_type: "stream", name: output.name, text: output.text });
    } else if (output.kind === "display") {
      records.push({ output_type: "display_data", data: output.data, metadata: output.metadata });
    } else {
      const { executionCount, data, metadata } = output;
      records.push({ output_type: "execute_result", execution_count: executionCount, data, metadata });
    }
  }

  /** The records being built; the first output of a batch schedules their write (the request waits for it). */
  private records(): OutputRecord[] {
    if (this.batch !== undefined) return this.batch;
    const batch = [...this.target.outputs];
    this.batch = batch;
    // Written once the outputs pending now are in too, so a capture usually costs one update.
    const written = (async (): Promise<undefined> => {
      await Promise.resolve();
      await this.flushed();
      this.batch = undefined;
      this.inContext(() => (this.target.outputs = batch));
      return undefined;
    })();
    this.parent.push(written);
    return batch;
  }
}

/**
 * Runs `body` with its output going into `target`'s outputs. A promise keeps capturing until it settles; what
 * its timers write later goes where it would have gone without the capture.
 */
export function captureInto<R>(scope: CellScope, target: CaptureTarget, body: () => R): R {
  const parent = scope.current();
  if (parent === undefined) return body();
  // Everything but the queue (the cell, msg_id, ended, payload) is the parent's, read through.
  const context = Object.create(parent) as CellContext;
  const queue = new CaptureQueue(parent.queue, target, (write) => scope.runDetached(context, write));
  context.queue = queue;
  let result: R;
  try {
    result = scope.runDetached(context, body);
  } catch (error) {
    queue.close();
    throw error;
  }
  if (result instanceof Promise) {
    result.then(
      () => queue.close(),
      () => queue.close(),
    );
  } else queue.close();
  return result;
}
