// Layout and style models: a control's CSS layout (width, margin, flex...) and its styling (description
// width, colours, fonts), each a widget of its own that the control references and creates when made.

import { nullable, str, type Trait } from "./traits.js";
import { controlsSpec, widgetClass, type ModelSpec } from "./widget.js";

function cssTraits<const K extends string>(names: readonly K[]): { [P in K]: Trait<string | null> } {
  const table = {} as { [P in K]: Trait<string | null> };
  for (const name of names) table[name] = nullable(str(""));
  return table;
}

/** CSS properties of a widget's box (each a CSS value such as "300px", or null for the default). */
export const layoutTraits = cssTraits([
  "alignContent",
  "alignItems",
  "alignSelf",
  "borderBottom",
  "borderLeft",
  "borderRight",
  "borderTop",
  "bottom",
  "display",
  "flex",
  "flexFlow",
  "gridArea",
  "gridAutoColumns",
  "gridAutoFlow",
  "gridAutoRows",
  "gridColumn",
  "gridGap",
  "gridRow",
  "gridTemplateAreas",
  "gridTemplateColumns",
  "gridTemplateRows",
  "height",
  "justifyContent",
  "justifyItems",
  "left",
  "margin",
  "maxHeight",
  "maxWidth",
  "minHeight",
  "minWidth",
  "objectFit",
  "objectPosition",
  "order",
  "overflow",
  "padding",
  "right",
  "top",
  "visibility",
  "width",
] as const);

const layoutSpec: ModelSpec = {
  modelName: "LayoutModel",
  modelModule: "@jupyter-widgets/base",
  modelModuleVersion: "2.0.0",
  viewName: "LayoutView",
  viewModule: "@jupyter-widgets/base",
  viewModuleVersion: "2.0.0",
};

/** The CSS layout of a widget: `slider.layout.width = "400px"`. */
export class Layout extends widgetClass(layoutSpec, layoutTraits) {}

function styleSpec(name: string): ModelSpec {
  return { ...controlsSpec(name, "StyleView"), viewModule: "@jupyter-widgets/base" };
}

const description = {
  /** The width of the description label: a CSS width such as "120px", or "initial". */
  descriptionWidth: str(""),
};
const fonts = cssTraits([
  "fontFamily",
  "fontSize",
  "fontStyle",
  "fontVariant",
  "fontWeight",
  "textColor",
  "textDecoration",
] as const);

/** Styling of controls with a description: `descriptionWidth` (e.g. "120px" or "initial"). */
export class DescriptionStyle extends widgetClass(styleSpec("DescriptionStyle"), description) {}

/** Styling of sliders: description width and handle colour. */
export class SliderStyle extends widgetClass(styleSpec("SliderStyle"), {
  ...description,
  ...cssTraits(["handleColor"] as const),
}) {}

/** Styling of a checkbox: description width and background. */
export class CheckboxStyle extends widgetClass(styleSpec("CheckboxStyle"), {
  ...description,
  ...cssTraits(["background"] as const),
}) {}

/** Styling of toggle buttons: button width, font weight, description width. */
export class ToggleButtonsStyle extends widgetClass(styleSpec("ToggleButtonsStyle"), {
  ...description,
  buttonWidth: str(""),
  fontWeight: str(""),
}) {}

/** Styling of text inputs: background, font size, text colour. */
export class TextStyle extends widgetClass(styleSpec("TextStyle"), {
  ...description,
  ...cssTraits(["background", "fontSize", "textColor"] as const),
}) {}

/** Styling of a button: colour and fonts. */
export class ButtonStyle extends widgetClass(styleSpec("ButtonStyle"), {
  ...cssTraits(["buttonColor"] as const),
  ...fonts,
}) {}

/** Styling of a label: background and fonts. */
export class LabelStyle extends widgetClass(styleSpec("LabelStyle"), {
  ...description,
  ...cssTraits(["background"] as const),
  ...fonts,
}) {}

/** Styling of an HTML widget: background, font size, text colour. */
export class HTMLStyle extends widgetClass(styleSpec("HTMLStyle"), {
  ...description,
  ...cssTraits(["background", "fontSize", "textColor"] as const),
}) {}
