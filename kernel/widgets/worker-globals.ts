// Wires comms and widgets into the execution worker: the worker's comm layer, the widget host on top of it,
// and the cell globals `widgets`, `interact`, `interactive`, `jslink`, `jsdlink` and `comms`.

import { toMimeBundle } from "../executor/bundle.js";
import type { CellContext, CellScope } from "../executor/cell-output.js";
import type { ExecEvent } from "../executor/protocol.js";
import { errorInfo, type CellLookup } from "../executor/traceback.js";
import { WorkerComms } from "../comms/worker-comms.js";
import * as api from "./cell-api.js";
import { captureInto } from "./capture.js";
import { installWidgets } from "./install.js";
import { WIDGET_GLOBAL_NAMES } from "./names.js";

/** What the worker hands over. */
export interface WidgetGlobalsOptions {
  scope: CellScope;
  post: (event: ExecEvent) => void;
  cells: CellLookup;
  contexts: Map<number, CellContext>;
  /** Writes to the current request's stderr. */
  writeStderr: (text: string) => void;
}

/** Installs comms and widgets; returns the comm layer, which serves the frontends' comm messages. */
export function installWidgetGlobals(options: WidgetGlobalsOptions): WorkerComms {
  const comms = new WorkerComms(options);
  const target = globalThis as Record<string, unknown>;
  // The kernel's display functions as installed, so a cell that redefines `display` does not break widgets.
  const display = target.display as (value: unknown) => void;
  const clearOutput = target.clearOutput as (options: { wait: boolean }) => void;
  installWidgets({
    comms: comms.manager,
    parentMsgId: () => options.scope.current()?.msgId ?? "",
    bundle: (value) => toMimeBundle(value),
    display: (value) => display(value),
    clearOutput: (wait) => clearOutput({ wait }),
    capture: (target, body) => captureInto(options.scope, target, body),
    reportError: (error, where) => {
      const info = errorInfo(error, options.cells);
      comms.warn(`${where} failed: ${info.ename}: ${info.evalue}`);
      options.writeStderr(`Error in ${where}:\n${info.traceback.join("\n")}\n`);
    },
    warn: (text) => comms.warn(text),
    later: (task) => {
      const settled = task.then(
        () => undefined,
        (error: unknown) => {
          options.writeStderr(`${errorInfo(error, options.cells).traceback.join("\n")}\n`);
          return undefined;
        },
      );
      options.scope.current()?.queue.push(settled);
    },
  });
  for (const name of WIDGET_GLOBAL_NAMES) {
    Object.defineProperty(target, name, {
      value: api[name],
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  return comms;
}
