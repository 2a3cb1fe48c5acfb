// The Output widget: a cell-like output area. `capture` puts what a callback prints or displays into its
// `outputs` state (the kernel's host does it, see capture.ts); `clear` empties it.

import { domTraits } from "./common.js";
import { widgetHost, type OutputRecord } from "./host.js";
import { json, nullable, str, wireName } from "./traits.js";
import { widgetClass, type ModelSpec } from "./widget.js";

const outputSpec: ModelSpec = {
  modelName: "OutputModel",
  modelModule: "@jupyter-widgets/output",
  modelModuleVersion: "1.0.0",
  viewName: "OutputView",
  viewModule: "@jupyter-widgets/output",
  viewModuleVersion: "1.0.0",
};

export type { OutputRecord } from "./host.js";

const isOutputList = (value: unknown): boolean =>
  Array.isArray(value) &&
  value.every((item) => item !== null && typeof item === "object" && !Array.isArray(item));

/** An output area inside a widget layout. @example const out = new widgets.Output(); out.capture(() => console.log("hi")) */
export class Output extends widgetClass(outputSpec, {
  ...domTraits,
  /** The request whose output a frontend diverts into this widget ("" or null: none; capture leaves it alone). */
  msgId: wireName(nullable(str(""), ""), "msg_id"),
  /** The outputs shown (kept in step with the frontend). */
  outputs: json<OutputRecord[]>(() => [], isOutputList, "a list of output objects"),
}) {
  /**
   * Runs `body` with its output (console.log, display, errors it prints) going into this widget, and returns
   * what `body` returns. A promise keeps capturing until it settles.
   * @param options `{ clear: true }` empties the widget first (`wait: true` keeps the old output until new output arrives)
   */
  capture<R>(body: () => R, options: { clear?: boolean; wait?: boolean } = {}): R {
    if (typeof body !== "function") throw new TypeError("Output.capture: the body must be a function");
    const host = widgetHost();
    return host.capture(this, () => {
      if (options.clear === true) host.clearOutput(options.wait === true);
      return body();
    });
  }

  /**
   * Empties the widget.
   * @param options `{ wait: true }` keeps the old output until new output arrives (no flicker)
   */
  clear(options: { wait?: boolean } = {}): void {
    this.capture(() => widgetHost().clearOutput(options.wait === true));
  }

  /** Adds a value's rich output at the end of the widget (works outside any request, e.g. from a timer). */
  async appendDisplay(value: unknown): Promise<void> {
    const data = await widgetHost().bundle(value);
    this.outputs = [...this.outputs, { output_type: "display_data", data, metadata: {} }];
  }

  /** Adds text at the end of the widget as a stream output. */
  appendStdout(text: string): void {
    this.outputs = [...this.outputs, { output_type: "stream", name: "stdout", text: String(text) }];
  }

  /** Replaces the widget's content by a value's rich output. */
  async show(value: unknown): Promise<void> {
    const data = await widgetHost().bundle(value);
    this.outputs = [{ output_type: "display_data", data, metadata: {} }];
  }
}
