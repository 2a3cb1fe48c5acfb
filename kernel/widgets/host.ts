// What widgets need of the kernel, injected when the execution worker installs them: the comm manager, the
// request being served, rendering of values and error reporting. Outside the kernel there is no host.

import type { CommManager } from "../comms/comm.js";

/** A MIME bundle (as the core's values produce them). */
export type Bundle = Record<string, unknown>;

/** One output as nbformat stores it (stream, display_data, execute_result or error). */
export type OutputRecord = Record<string, unknown>;

/** What output can be captured into: an Output widget's list of outputs. */
export interface CaptureTarget {
  outputs: OutputRecord[];
}

/** The kernel services widgets use. */
export interface WidgetHost {
  readonly comms: CommManager;
  /** The msg_id of the request being served: an execute_request, or the comm message that ran a callback. */
  parentMsgId(): string;
  /** The MIME bundle of any displayable value. */
  bundle(value: unknown): Promise<Bundle>;
  /** Shows a value below the current request's cell (or in the Output widget that captures it). */
  display(value: unknown): void;
  clearOutput(wait: boolean): void;
  /** Runs `body` with what it prints or displays going into `target`'s outputs (see capture.ts). */
  capture<R>(target: CaptureTarget, body: () => R): R;
  /** Reports a failing user callback: its traceback goes to the current request's stderr. */
  reportError(error: unknown, where: string): void;
  /** Notes a problem with a frontend's message for the kernel's log. */
  warn(text: string): void;
  /** Queues output that becomes ready later, keeping the request's output in order (and the request open). */
  later(task: Promise<void>): void;
}

let current: WidgetHost | undefined;

/** Installs the host (the execution worker does, once). */
export function setWidgetHost(host: WidgetHost | undefined): void {
  current = host;
}

/** The host; widgets made outside the jaclab kernel fail with a clear error. */
export function widgetHost(): WidgetHost {
  if (current === undefined) {
    throw new Error(
      "widgets work only inside the jaclab kernel (no comm layer is installed in this process)",
    );
  }
  return current;
}
