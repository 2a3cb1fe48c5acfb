// The widget model base: typed state that lives here in the execution worker and is mirrored by a model in
// each frontend over one comm (widgets protocol 2.1): comm_open with the full state, `update` both ways,
// `echo_update` for what a frontend sent, `request_state`, and `custom` messages. Invalid updates from a
// frontend are refused key by key (and the frontend is told the kernel's value), never fatal.

import { inspect } from "node:util";
import type { Comm, CommMessage } from "../comms/comm.js";
import { putBuffers, removeBuffers } from "./buffers.js";
import { widgetHost } from "./host.js";
import { snakeCase, TraitError, type Trait } from "./traits.js";

/** The widgets protocol version this kernel speaks (comm_open metadata). */
export const PROTOCOL_VERSION = "2.1.0";
/** The comm target of widget models. */
export const WIDGET_TARGET = "jupyter.widget";
/** The MIME type of a widget view. */
export const VIEW_MIME = "application/vnd.jupyter.widget-view+json";

/** The method name by which values give their MIME bundle (see executor/bundle.ts). */
export const DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/** Which frontend model (and view) renders a widget. */
export interface ModelSpec {
  modelName: string;
  modelModule: string;
  modelModuleVersion: string;
  viewName: string | null;
  viewModule: string;
  viewModuleVersion: string;
}

/** Spec of a control of @jupyter-widgets/controls 2.0.0 (the version jupyterlab_widgets 3 renders). */
export function controlsSpec(name: string, view: string | null = `${name}View`): ModelSpec {
  const version = "2.0.0";
  const module = "@jupyter-widgets/controls";
  return {
    modelName: `${name}Model`,
    modelModule: module,
    modelModuleVersion: version,
    viewName: view,
    viewModule: module,
    viewModuleVersion: version,
  };
}

/** A table of a widget class's attributes. */
export type TraitTable = Record<string, Trait<unknown>>;

/** The attribute values of a trait table. */
export type Traits<T extends TraitTable> = {
  -readonly [K in keyof T]: T[K] extends Trait<infer V> ? V : never;
};

/** A change of one attribute, as observers receive it. */
export interface Change<V = unknown, W extends Widget = Widget, N extends string = string> {
  /** The attribute's name (as the widget spells it, e.g. "value", "continuousUpdate"). */
  name: N;
  /** The value before the change. */
  old: V;
  /** The value after the change. */
  new: V;
  /** The widget whose attribute changed. */
  owner: W;
}

/** An observer of attribute changes. */
export type Observer<W extends Widget = Widget> = (change: Change<unknown, W>) => void;

/** Any function given to `observe` (whatever the attributes it watches). */
export type AnyObserver = (change: never) => void;

/** The names of a widget's attributes: its data properties beyond those every widget has. */
export type AttributeName<W extends Widget> = {
  [K in Exclude<keyof W, keyof Widget>]: W[K] extends (...args: never[]) => unknown ? never : K;
}[Exclude<keyof W, keyof Widget>] &
  string;

/** An observer of the attributes `N` of `W`: it sees their values typed. */
export type AttributeObserver<W extends Widget, N extends AttributeName<W>> = (
  change: Change<W[N], W, N>,
) => void;

const registry = new Map<string, Widget>();
const classesByModel = new Map<string, (state: Record<string, unknown>, comm: Comm) => Widget>();

/** The open widget with this model id (its comm id). */
export function widgetById(modelId: string): Widget | undefined {
  return registry.get(modelId);
}

/** Every open widget. */
export function openWidgets(): Widget[] {
  return [...registry.values()];
}

/** Lets frontends create widgets of a class by its model name (comm_open on jupyter.widget). */
export function registerModel(
  modelName: string,
  create: (state: Record<string, unknown>, comm: Comm) => Widget,
): void {
  classesByModel.set(modelName, create);
}

/** The factory registered for a model name, if any. */
export function modelFactory(
  modelName: string,
): ((state: Record<string, unknown>, comm: Comm) => Widget) | undefined {
  return classesByModel.get(modelName);
}

/** The comm a widget is being created on from the frontend side (instead of opening one). */
let adoptedComm: Comm | undefined;

/** Creates a widget on a comm the frontend opened, then applies the state the frontend sent. */
export function adoptComm<W extends Widget>(comm: Comm, state: Record<string, unknown>, create: () => W): W {
  adoptedComm = comm;
  let widget: W;
  try {
    widget = create();
  } finally {
    adoptedComm = undefined;
  }
  (widget as unknown as { applyFrontendState(state: Record<string, unknown>): void }).applyFrontendState(
    state,
  );
  return widget;
}

/** Value equality for change detection (JSON-like values and typed arrays). */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return x.length === y.length && x.every((byte, i) => byte === y[i]);
  }
  if (a instanceof Widget || b instanceof Widget) return false;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return (
    keysA.length === keysB.length &&
    keysA.every((key) => same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  );
}

/**
 * A widget: a model whose attributes are synchronised with the frontends. Concrete widgets
 * (`widgets.FloatSlider`, ...) add typed attributes; every widget can be observed, displayed and closed.
 */
export class Widget {
  /** The model id, which is also the id of the widget's comm. */
  readonly modelId: string;
  private readonly spec: ModelSpec;
  private readonly traitTable: TraitTable;
  private readonly values = new Map<string, unknown>();
  private readonly byWire = new Map<string, string>();
  private readonly observers: { handler: Observer; names: Set<string> | "all" }[] = [];
  private readonly customHandlers: ((content: unknown, buffers: DataView[]) => void)[] = [];
  private readonly comm: Comm;

  protected constructor(spec: ModelSpec, traits: TraitTable, options: Record<string, unknown>) {
    const host = widgetHost();
    // Taken first: the layout and style this widget makes below must open comms of their own.
    const adopted = adoptedComm;
    adoptedComm = undefined;
    this.spec = spec;
    this.traitTable = traits;
    const className = this.constructor.name;
    if (options === null || typeof options !== "object") {
      throw new TypeError(`${className}: options must be an object, not ${String(options)}`);
    }
    for (const key of Object.keys(options)) {
      if (!(key in traits) && options[key] !== undefined) {
        throw new TypeError(
          `${className}: unknown option "${key}"; its options are ${Object.keys(traits).join(", ")}`,
        );
      }
    }
    for (const [name, trait] of Object.entries(traits)) {
      this.byWire.set(trait.wire ?? snakeCase(name), name);
      const given = options[name];
      this.values.set(
        name,
        given === undefined ? trait.initial() : trait.coerce(given, `${className}.${name}`),
      );
    }
    this.initialize(options);
    if (adopted !== undefined) {
      this.comm = adopted;
    } else {
      const { state, bufferPaths, buffers } = removeBuffers(this.wireState());
      this.comm = host.comms.open(
        WIDGET_TARGET,
        { state, buffer_paths: bufferPaths },
        {
          buffers,
          metadata: { version: PROTOCOL_VERSION },
        },
      );
    }
    this.modelId = this.comm.commId;
    registry.set(this.modelId, this);
    this.comm.onMsg((message) => this.receive(message));
    this.comm.onClose(() => registry.delete(this.modelId));
  }

  /** Subclasses fix up attributes that depend on each other once all options are in (before comm_open). */
  protected initialize(_options: Record<string, unknown>): void {}

  /** Subclasses adjust a value before it is stored (clamping a slider's value into [min, max]). */
  protected adjust(_name: string, value: unknown): unknown {
    return value;
  }

  /** Subclasses react to a stored change before observers run (a Dropdown keeps index and value together). */
  protected changed(_name: string, _old: unknown, _new: unknown): void {}

  /** The value of attribute `name`. */
  protected get(name: string): unknown {
    return this.values.get(name);
  }

  /** Sets attribute `name` (checked), sends it to the frontends when it changed, and notifies observers. */
  protected set(name: string, value: unknown): void {
    const trait = this.traitTable[name];
    if (trait === undefined) throw new TypeError(`${this.constructor.name} has no attribute "${name}"`);
    const coerced = this.adjust(name, trait.coerce(value, `${this.constructor.name}.${name}`));
    this.store(name, coerced, true);
  }

  /** Checks attribute `name` again after an attribute it depends on changed (a slider's value after min). */
  protected revalidate(name: string): void {
    this.set(name, this.values.get(name));
  }

  private store(name: string, value: unknown, send: boolean): void {
    const old = this.values.get(name);
    if (same(old, value)) return;
    this.values.set(name, value);
    if (send && this.traitTable[name]?.sync === true) this.sendState([name]);
    this.changed(name, old, value);
    this.notify({ name, old, new: value, owner: this });
  }

  /**
   * Calls `handler({ name, old, new, owner })` after the attributes `names` change (from the cell or from a
   * frontend); `change.new` and `change.old` have the attribute's type.
   * @param names the attribute(s) to watch
   * @example slider.observe((change) => console.log(change.new.toFixed(2)), "value")
   */
  observe<const N extends AttributeName<this>>(
    handler: AttributeObserver<this, N>,
    names: N | readonly N[],
  ): void;
  /**
   * Calls `handler({ name, old, new, owner })` after any attribute changes (from the cell or from a frontend).
   * @example slider.observe((change) => console.log(change.name, change.new))
   */
  observe(handler: Observer<this>): void;
  observe(handler: Observer<this>, names?: string | readonly string[]): void {
    if (typeof handler !== "function")
      throw new TypeError(`${this.constructor.name}.observe: the handler must be a function`);
    const list = names === undefined ? "all" : new Set<string>(typeof names === "string" ? [names] : names);
    if (list !== "all") {
      for (const name of list) {
        if (!(name in this.traitTable)) {
          throw new TypeError(
            `${this.constructor.name}.observe: no attribute "${name}"; it has ${Object.keys(this.traitTable).join(", ")}`,
          );
        }
      }
    }
    this.observers.push({ handler: handler as Observer, names: list });
  }

  /**
   * Stops `handler` (a function given to `observe`) for the attributes `names` when given, for everything
   * otherwise.
   */
  unobserve(handler: AnyObserver, names?: string | readonly string[]): void {
    for (let i = this.observers.length - 1; i >= 0; i--) {
      const entry = this.observers[i];
      if (entry === undefined || entry.handler !== (handler as Observer)) continue;
      if (names === undefined || entry.names === "all") {
        this.observers.splice(i, 1);
        continue;
      }
      for (const name of typeof names === "string" ? [names] : names) entry.names.delete(name);
      if (entry.names.size === 0) this.observers.splice(i, 1);
    }
  }

  private notify(change: Change): void {
    for (const { handler, names } of [...this.observers]) {
      if (names !== "all" && !names.has(change.name)) continue;
      try {
        handler(change);
      } catch (error) {
        widgetHost().reportError(error, `an observer of ${this.constructor.name}.${change.name}`);
      }
    }
  }

  /** Sends a custom message to the frontend model (`{ method: "custom", content }`). */
  send(content: unknown, buffers: (ArrayBufferView | ArrayBuffer)[] = []): void {
    this.comm.send({ method: "custom", content }, buffers);
  }

  /** Calls `handler(content, buffers)` for each custom message from the frontend model. */
  onMsg(handler: (content: unknown, buffers: DataView[]) => void): void {
    this.customHandlers.push(handler);
  }

  /** Closes the widget: its views disappear and it cannot be used again. */
  close(): void {
    registry.delete(this.modelId);
    this.comm.close();
  }

  /** True once the widget (its comm) was closed by either side. */
  get closed(): boolean {
    return this.comm.closed;
  }

  /** The model state as the protocol sends it (wire names, JSON forms), for `keys` or all synced attributes. */
  wireState(keys?: string[]): Record<string, unknown> {
    const state: Record<string, unknown> = {};
    if (keys === undefined) {
      const { spec } = this;
      Object.assign(state, {
        _model_name: spec.modelName,
        _model_module: spec.modelModule,
        _model_module_version: spec.modelModuleVersion,
        _view_name: spec.viewName,
        _view_module: spec.viewModule,
        _view_module_version: spec.viewModuleVersion,
      });
    }
    for (const name of keys ?? Object.keys(this.traitTable)) {
      const trait = this.traitTable[name];
      if (trait === undefined || !trait.sync) continue;
      const value = this.values.get(name);
      state[trait.wire ?? snakeCase(name)] = trait.toJson ? trait.toJson(value) : value;
    }
    return state;
  }

  /** The model description that request_states answers with (model name, module, version and state). */
  describeModel(): {
    /** The model's class name in the frontend's widget library, e.g. "FloatSliderModel". */
    model_name: string;
    /** The JavaScript module that defines it, e.g. "@jupyter-widgets/controls". */
    model_module: string;
    /** That module's version (semver range). */
    model_module_version: string;
    /** The attributes, as the frontend names them. */
    state: Record<string, unknown>;
  } {
    return {
      model_name: this.spec.modelName,
      model_module: this.spec.modelModule,
      model_module_version: this.spec.modelModuleVersion,
      state: this.wireState(),
    };
  }

  private sendState(
    keys: string[] | undefined,
    method: "update" | "echo_update" = "update",
    raw?: Record<string, unknown>,
  ): void {
    // During construction (before comm_open) there is nothing to update: the open sends the whole state.
    if ((this.comm as Comm | undefined) === undefined || this.comm.closed) return;
    const { state, bufferPaths, buffers } = removeBuffers(raw ?? this.wireState(keys));
    this.comm.send({ method, state, buffer_paths: bufferPaths }, buffers);
  }

  /** A frontend message on this widget's comm. */
  private receive(message: CommMessage): void {
    const { data } = message;
    const host = widgetHost();
    switch (data.method) {
      case "update":
      case "backbone": {
        const state = data.state ?? data.sync_data;
        if (state === null || typeof state !== "object" || Array.isArray(state)) {
          host.warn(`${this.describeSelf()}: update without a state object; ignored`);
          return;
        }
        try {
          putBuffers(state as Record<string, unknown>, data.buffer_paths, message.buffers);
        } catch (error) {
          host.warn(`${this.describeSelf()}: ${(error as Error).message}; update ignored`);
          return;
        }
        this.applyFrontendState(state as Record<string, unknown>);
        return;
      }
      case "request_state":
        this.sendState(undefined);
        return;
      case "custom":
        for (const handler of [...this.customHandlers]) {
          try {
            handler(
              data.content,
              message.buffers.map((b) => new DataView(b.buffer, b.byteOffset, b.byteLength)),
            );
          } catch (error) {
            host.reportError(error, `a custom-message handler of ${this.constructor.name}`);
          }
        }
        return;
      default:
        host.warn(`${this.describeSelf()}: unknown method ${JSON.stringify(data.method)}; ignored`);
    }
  }

  /** Applies a frontend's state: echo what is accepted, refuse what does not fit, correct what was adjusted. */
  protected applyFrontendState(state: Record<string, unknown>): void {
    const host = widgetHost();
    const accepted: [string, unknown, unknown][] = [];
    const echo: Record<string, unknown> = {};
    const corrected: string[] = [];
    for (const [wire, json] of Object.entries(state)) {
      const name = this.byWire.get(wire);
      const trait = name === undefined ? undefined : this.traitTable[name];
      if (name === undefined || trait === undefined || !trait.sync) {
        if (!wire.startsWith("_"))
          host.warn(`${this.describeSelf()}: update of unknown attribute "${wire}"; ignored`);
        continue;
      }
      try {
        const where = `${this.constructor.name}.${name}`;
        const value = this.adjust(
          name,
          trait.fromJson ? trait.fromJson(json, where) : trait.coerce(json, where),
        );
        echo[wire] = json;
        accepted.push([name, value, json]);
      } catch (error) {
        if (!(error instanceof TraitError)) throw error;
        host.warn(`${this.describeSelf()}: ${error.message}; kept ${inspect(this.values.get(name))}`);
        corrected.push(name);
      }
    }
    if (Object.keys(echo).length > 0) this.sendState(undefined, "echo_update", echo);
    for (const [name, value, json] of accepted) {
      const trait = this.traitTable[name] as Trait<unknown>;
      const wireForm = trait.toJson ? trait.toJson(value) : value;
      if (!same(wireForm, json) && !ArrayBuffer.isView(value)) corrected.push(name);
      this.store(name, value, false);
    }
    if (corrected.length > 0) this.sendState(corrected);
  }

  private describeSelf(): string {
    return `${this.constructor.name} ${this.modelId}`;
  }

  /** One line for text-only frontends: the class and its main attributes. */
  toString(): string {
    const shown = Object.entries(this.traitTable)
      .filter(
        ([name, trait]) =>
          trait.sync && ["value", "description", "min", "max", "index", "children"].includes(name),
      )
      .map(([name]) => `${name}=${inspect(this.values.get(name), { depth: 0, breakLength: Infinity })}`);
    return `${this.constructor.name}(${shown.join(", ")})`;
  }

  /** The widget view, with a text/plain fallback for frontends without widgets. */
  [DISPLAY](): Record<string, unknown> {
    return {
      "text/plain": this.toString(),
      [VIEW_MIME]: { version_major: 2, version_minor: 0, model_id: this.modelId },
    };
  }

  /** How console.log and the notebook's text/plain show the widget: its class and attributes. */
  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * Makes a widget class from its model spec and attribute table: typed accessors for every attribute, options
 * that take any of them, and frontend creation by model name.
 */
export function widgetClass<T extends TraitTable>(spec: ModelSpec, traits: T) {
  class Defined extends Widget {
    constructor(options: Partial<Traits<T>> = {}) {
      super(spec, traits, options as Record<string, unknown>);
    }
  }
  for (const name of Object.keys(traits)) {
    Object.defineProperty(Defined.prototype, name, {
      get(this: Widget) {
        return (this as unknown as { get(name: string): unknown }).get(name);
      },
      set(this: Widget, value: unknown) {
        (this as unknown as { set(name: string, value: unknown): void }).set(name, value);
      },
      configurable: true,
    });
  }
  return Defined as unknown as abstract new (options?: Partial<Traits<T>>) => Widget & Traits<T>;
}

/** The wire name of a widget's synced attribute, or undefined if it has none of that name. */
export function wireNameOf(widget: Widget, name: string): string | undefined {
  const table = (widget as unknown as { traitTable: TraitTable }).traitTable;
  const trait = table[name];
  if (trait !== undefined) return trait.sync ? (trait.wire ?? snakeCase(name)) : undefined;
  // A wire name given as such ("continuous_update") is accepted too.
  const byName = Object.entries(table).find(([camel, t]) => t.sync && (t.wire ?? snakeCase(camel)) === name);
  return byName === undefined ? undefined : name;
}
