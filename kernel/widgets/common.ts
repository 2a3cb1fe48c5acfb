// Attribute groups shared by the controls: the DOM widget's layout, tooltip and classes, and the description
// with its style.

import { Layout, type DescriptionStyle } from "./styles.js";
import { bool, nullable, str, strings, wireName } from "./traits.js";
import { widgetRef } from "./refs.js";

/** Attributes of every widget with a view. */
export const domTraits = {
  /** The CSS layout of the widget's box (width, height, margin...). */
  layout: widgetRef(Layout, () => new Layout()),
  /** Whether the widget takes part in keyboard navigation (null: the default). */
  tabbable: nullable(bool(true)),
  /** Text shown when the pointer rests on the widget. */
  tooltip: nullable(str("")),
  /** CSS classes added to the widget's element. */
  domClasses: wireName(strings(), "_dom_classes"),
};

/** Attributes of controls with a description label, styled by `Style`. */
export function describedTraits<S extends DescriptionStyle>(Style: new () => S) {
  return {
    ...domTraits,
    /** The label shown beside the control. */
    description: str(""),
    /** Whether the description is rendered as HTML. */
    descriptionAllowHtml: bool(false),
    /** The control's style model (description width, colours). */
    style: widgetRef(Style, () => new Style()),
  };
}
