// Containers: HBox and VBox lay their children out in a row or a column, Tab shows one child per tab.

import { domTraits } from "./common.js";
import { widgetList } from "./refs.js";
import { int, nullable, oneOf, strings, TraitError } from "./traits.js";
import { controlsSpec, widgetClass, type Traits, type Widget } from "./widget.js";

const boxTraits = {
  ...domTraits,
  /** The widgets inside, in order. */
  children: widgetList(),
  /** A predefined border colour: "success", "info", "warning", "danger" or "" (none). */
  boxStyle: oneOf(["success", "info", "warning", "danger", ""] as const, ""),
};

/** Options of HBox and VBox besides their children: the layout, tooltip and box style. */
export type BoxOptions = Partial<Omit<Traits<typeof boxTraits>, "children">>;

/** Children in a row. @example new widgets.HBox([slider1, slider2]) */
export class HBox extends widgetClass(controlsSpec("HBox"), boxTraits) {
  constructor(children: Widget[] = [], options: BoxOptions = {}) {
    super({ ...options, children });
  }
}

/** Children in a column. @example new widgets.VBox([controls, out]) */
export class VBox extends widgetClass(controlsSpec("VBox"), boxTraits) {
  constructor(children: Widget[] = [], options: BoxOptions = {}) {
    super({ ...options, children });
  }
}

const tabTraits = {
  ...boxTraits,
  /** The shown tab's position (null: none). */
  selectedIndex: nullable(int(0)),
  /** The tabs' titles, one per child. */
  titles: strings(),
};

/** One child per tab. @example new widgets.Tab([heatmap, graph], { titles: ["J", "graph"] }) */
export class Tab extends widgetClass(controlsSpec("Tab"), tabTraits) {
  constructor(children: Widget[] = [], options: Partial<Omit<Traits<typeof tabTraits>, "children">> = {}) {
    super({ selectedIndex: children.length > 0 ? 0 : null, ...options, children });
  }
  protected override adjust(name: string, value: unknown): unknown {
    if (
      name === "selectedIndex" &&
      value !== null &&
      ((value as number) < 0 || (value as number) >= this.children.length)
    ) {
      throw new TraitError(`Tab.selectedIndex ${String(value)} is outside the ${this.children.length} tabs`);
    }
    return value;
  }
}
