// What cells see of widgets and comms: `widgets`, `interact`, `interactive`, `jslink`, `jsdlink` and `comms`.
// The execution worker installs the host (installWidgets) and these become cell globals; their typings are
// these declarations, so completion and hover show the doc comments.

import type { Comm, CommMessage, CommTargetHandler } from "../comms/comm.js";
import { widgetHost } from "./host.js";

export * as widgets from "./catalog.js";
export { interact, interactive } from "./interact.js";
export { jsdlink, jslink } from "./link.js";
export type { Comm, CommMessage, CommTargetHandler };

/** Comms: channels between kernel-side and frontend-side objects (widgets are built on them). */
export interface Comms {
  /**
   * Lets frontends open comms on `targetName`; `handler(comm, openMessage)` runs for each one.
   * @example comms.registerTarget("echo", (comm) => comm.onMsg((msg) => comm.send(msg.data)))
   */
  registerTarget(targetName: string, handler: CommTargetHandler): void;
  /** Stops accepting new comms on `targetName`. */
  unregisterTarget(targetName: string): void;
  /**
   * Opens a comm on the frontend's `targetName`, sending `data` (and binary buffers) with comm_open.
   * @example const comm = comms.open("my.target", { hello: 1 })
   */
  open(targetName: string, data?: Record<string, unknown>, buffers?: (ArrayBufferView | ArrayBuffer)[]): Comm;
  /** The open comms by id, with their targets (what comm_info_request answers). */
  list(targetName?: string): Record<
    string,
    {
      /** The target the comm was opened on. */
      target_name: string;
    }
  >;
}

/** The comms API of cells. */
export const comms: Comms = {
  registerTarget: (targetName, handler) => widgetHost().comms.registerTarget(targetName, handler),
  unregisterTarget: (targetName) => widgetHost().comms.unregisterTarget(targetName),
  open: (targetName, data = {}, buffers = []) => widgetHost().comms.open(targetName, data, { buffers }),
  list: (targetName) => widgetHost().comms.info(targetName),
};
