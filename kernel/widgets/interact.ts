// interact: controls for a function's arguments and an Output widget that shows its result, re-rendered on
// every change. A change that arrives while an asynchronous function still runs makes that run stale: its
// result is dropped, and only the newest one is shown.

import { Checkbox, FloatSlider, IntSlider, Text } from "./controls.js";
import { VBox } from "./containers.js";
import { widgetHost } from "./host.js";
import { Output } from "./output.js";
import { Dropdown } from "./selection.js";
import { TraitError } from "./traits.js";
import { DISPLAY, Widget } from "./widget.js";

/** A control interact can read: any widget with a `value`. */
export type ValueWidget<V = unknown> = Widget & {
  /** The widget's current value. */
  value: V;
};

/**
 * What each argument of `interact` may be: a widget with a value, or a shorthand that makes one:
 * `[min, max]` or `[min, max, step]` (a slider; IntSlider when all are integers), a number (a slider around
 * it), a boolean (a Checkbox), a string (a Text), or a list of options (a Dropdown).
 */
export type ControlSpec =
  | ValueWidget
  | readonly [number, number]
  | readonly [number, number, number]
  | number
  | boolean
  | string
  | readonly unknown[];

/**
 * The value type an argument spec gives the function: a slider's number, a Checkbox's boolean, a Text's
 * string, a widget's value type, or for a list of options the union of their values (`["jacrev", "jacfwd"]`
 * gives `"jacrev" | "jacfwd"`).
 */
export type ValueOfSpec<S> =
  S extends ValueWidget<infer V>
    ? V
    : S extends readonly [number, number] | readonly [number, number, number] | number
      ? number
      : S extends boolean
        ? boolean
        : S extends string
          ? string
          : S extends readonly (infer O)[]
            ? O extends readonly [string, infer V]
              ? V
              : O
            : never;

/** The arguments object `interact` passes to the function. */
export type InteractArgs<C extends Record<string, ControlSpec>> = { [K in keyof C]: ValueOfSpec<C[K]> };

function isIntegers(values: readonly number[]): boolean {
  return values.every(Number.isInteger);
}

/** The widget an argument spec stands for. */
export function controlFor(name: string, spec: ControlSpec): ValueWidget {
  if (spec instanceof Widget) {
    const widget: Widget = spec;
    if (!("value" in widget))
      throw new TypeError(`interact: the control of "${name}" (${widget.constructor.name}) has no value`);
    return widget as ValueWidget;
  }
  const description = name;
  if (typeof spec === "boolean") return new Checkbox({ value: spec, description });
  if (typeof spec === "string") return new Text({ value: spec, description });
  if (typeof spec === "number") {
    if (!Number.isFinite(spec)) throw new TraitError(`interact: "${name}" is ${spec}; give a finite number`);
    const [min, max] = spec > 0 ? [-spec, 3 * spec] : spec < 0 ? [3 * spec, -spec] : [-1, 1];
    return Number.isInteger(spec)
      ? new IntSlider({ value: spec, min, max, step: 1, description })
      : new FloatSlider({ value: spec, min, max, step: (max - min) / 100, description });
  }
  if (Array.isArray(spec)) {
    const numeric =
      spec.length >= 2 && spec.length <= 3 && spec.every((v) => typeof v === "number" && Number.isFinite(v));
    if (numeric) {
      const [min, max, step] = spec as number[] as [number, number, number | undefined];
      if (min >= max)
        throw new TraitError(
          `interact: the range of "${name}" [${min}, ${max}] is empty; give [min, max] with min < max`,
        );
      const value = min + (max - min) / 2;
      if (isIntegers(spec as number[])) {
        return new IntSlider({ value: Math.round(value), min, max, step: step ?? 1, description });
      }
      return new FloatSlider({ value, min, max, step: step ?? (max - min) / 100, description });
    }
    if (spec.length === 0) throw new TraitError(`interact: "${name}" has an empty list of options`);
    return new Dropdown({ options: spec, description }) as ValueWidget;
  }
  throw new TypeError(`interact: cannot make a control for "${name}" from ${JSON.stringify(spec)}`);
}

/** The widget interact shows: the controls, then the Output with the function's result. */
export class Interactive<C extends Record<string, ControlSpec> = Record<string, ControlSpec>> extends VBox {
  /** The controls by argument name. */
  readonly controls: { [K in keyof C]: ValueWidget<ValueOfSpec<C[K]>> };
  /** Where the result is shown. */
  readonly out: Output;
  /** The last result shown. */
  result: unknown = undefined;
  readonly #fn: (args: InteractArgs<C>) => unknown;
  #generation = 0;
  #shownIn: string | undefined;

  constructor(fn: (args: InteractArgs<C>) => unknown, specs: C) {
    if (typeof fn !== "function") throw new TypeError("interact: the first argument must be a function");
    if (specs === null || typeof specs !== "object")
      throw new TypeError("interact: the second argument must be an object of controls");
    const controls = Object.fromEntries(
      Object.entries(specs).map(([name, spec]) => [name, controlFor(name, spec)]),
    );
    const out = new Output();
    super([...Object.values(controls), out], { domClasses: ["widget-interact"] });
    this.controls = controls as this["controls"];
    this.out = out;
    this.#fn = fn;
    for (const control of Object.values(controls)) control.observe(() => this.update(), "value");
  }

  /** The current arguments. */
  args(): InteractArgs<C> {
    return Object.fromEntries(
      Object.entries(this.controls).map(([name, control]) => [name, control.value]),
    ) as InteractArgs<C>;
  }

  /**
   * Runs the function on the current values and shows its result (a newer run drops an older one's result).
   * @param options `{ wait: true }` keeps the current request open until an asynchronous result is shown
   * (the first render in the cell); after a change the kernel takes the next change meanwhile.
   */
  update(options: { wait?: boolean } = {}): void {
    const generation = ++this.#generation;
    const host = widgetHost();
    let result: unknown;
    try {
      result = this.out.capture(
        () => {
          const value = this.#fn(this.args());
          if (!(value instanceof Promise) && value !== undefined) host.display(value);
          return value;
        },
        { clear: true, wait: true },
      );
    } catch (error) {
      this.out.capture(() => host.reportError(error, "the interact function"));
      return;
    }
    if (!(result instanceof Promise)) {
      this.result = result;
      return;
    }
    // An asynchronous result is shown through the Output's state, as the request that started it may be over.
    const shown = result.then(
      async (value: unknown) => {
        if (generation !== this.#generation) return; // stale: a newer change started another run
        const data = value === undefined ? undefined : await host.bundle(value);
        if (generation !== this.#generation) return;
        this.result = value;
        this.out.outputs = data === undefined ? [] : [{ output_type: "display_data", data, metadata: {} }];
      },
      (error: unknown) => {
        if (generation !== this.#generation) return;
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        this.out.outputs = [{ output_type: "stream", name: "stderr", text: `${message}\n` }];
      },
    );
    if (options.wait === true) host.later(shown);
  }

  /** Marks the request in which interact showed this widget, so that being that cell's value shows it once. */
  markShown(): void {
    this.#shownIn = widgetHost().parentMsgId();
  }

  override [DISPLAY](): Record<string, unknown> {
    const bundle = super[DISPLAY]();
    if (this.#shownIn !== undefined && this.#shownIn === widgetHost().parentMsgId()) {
      return { "text/plain": bundle["text/plain"] };
    }
    return bundle;
  }

  override toString(): string {
    return `Interactive(${Object.keys(this.controls).join(", ")})`;
  }
}

/**
 * Shows controls for `fn`'s arguments and its result below them, re-rendered whenever a control changes.
 * The result may be anything displayable (a tensor heatmap, `graph(...)`, `showJacobian(...)`, a plot) or a
 * promise of one; a result that arrives after a newer change is dropped.
 * @param fn receives `{ name: value }` for every control
 * @param controls a widget or a shorthand per argument: `[min, max, step?]`, a number, a boolean, a string, or a list of options
 * @example interact(({ x, mode }) => (mode === "jacrev" ? jacrev(f) : jacfwd(f))(tensor([x, 1])), { x: [0, 2, 0.01], mode: ["jacrev", "jacfwd"] })
 */
export function interact<const C extends Record<string, ControlSpec>>(
  fn: (args: InteractArgs<C>) => unknown,
  controls: C,
): Interactive<C> {
  const widget = interactive(fn, controls);
  widgetHost().display(widget);
  widget.markShown();
  return widget;
}

/** Like `interact`, without showing it: display the returned widget where you want it. */
export function interactive<const C extends Record<string, ControlSpec>>(
  fn: (args: InteractArgs<C>) => unknown,
  controls: C,
): Interactive<C> {
  const widget = new Interactive(fn, controls);
  widget.update({ wait: true });
  return widget;
}
