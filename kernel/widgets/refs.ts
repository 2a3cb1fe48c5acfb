// Attributes that hold other widgets (a control's layout and style, a box's children, a link's ends): on the
// wire a widget is "IPY_MODEL_<model id>".

import { mismatch, type Trait } from "./traits.js";
import { Widget, widgetById } from "./widget.js";

const PREFIX = "IPY_MODEL_";

/** The wire form of a widget reference. */
export function modelRef(widget: Widget): string {
  return `${PREFIX}${widget.modelId}`;
}

function fromRef(json: unknown, where: string): Widget {
  if (typeof json === "string" && json.startsWith(PREFIX)) {
    const widget = widgetById(json.slice(PREFIX.length));
    if (widget !== undefined) return widget;
  }
  return mismatch(where, "a reference to an open widget (IPY_MODEL_<id>)", json);
}

/** One widget of class `kind`, made by `make` when not given. */
export function widgetRef<W extends Widget>(
  kind: abstract new (...args: never[]) => W,
  make: () => W,
): Trait<W> {
  return {
    initial: make,
    coerce: (value, where) => (value instanceof kind ? value : mismatch(where, `a ${kind.name}`, value)),
    toJson: (value) => modelRef(value),
    fromJson: (json, where) => {
      const widget = fromRef(json, where);
      return widget instanceof kind ? widget : mismatch(where, `a ${kind.name}`, json);
    },
    sync: true,
  };
}

/** A list of widgets. */
export function widgetList(): Trait<Widget[]> {
  return {
    initial: () => [],
    coerce: (value, where) =>
      Array.isArray(value) && value.every((item) => item instanceof Widget)
        ? [...(value as Widget[])]
        : mismatch(where, "a list of widgets", value),
    toJson: (value) => value.map(modelRef),
    fromJson: (json, where) =>
      Array.isArray(json)
        ? json.map((item, i) => fromRef(item, `${where}[${i}]`))
        : mismatch(where, "a list of widget references", json),
    sync: true,
  };
}
