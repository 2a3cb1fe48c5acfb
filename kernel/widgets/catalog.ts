// The `widgets` namespace of cells: every widget class, by the names ipywidgets users know.

export {
  Checkbox,
  Button,
  FloatLogSlider,
  FloatRangeSlider,
  FloatSlider,
  HTML,
  IntSlider,
  Label,
  Play,
  Text,
  Textarea,
} from "./controls.js";
export { HBox, Tab, VBox } from "./containers.js";
export { DirectionalLink, Link, jsdlink, jslink } from "./link.js";
export { Output } from "./output.js";
export { Dropdown, ToggleButtons } from "./selection.js";
export {
  ButtonStyle,
  CheckboxStyle,
  DescriptionStyle,
  HTMLStyle,
  LabelStyle,
  Layout,
  SliderStyle,
  TextStyle,
  ToggleButtonsStyle,
} from "./styles.js";
export { Interactive, interact, interactive } from "./interact.js";
export {
  Widget,
  type AnyObserver,
  type AttributeName,
  type AttributeObserver,
  type Change,
  type Observer,
} from "./widget.js";
export type { BoxOptions } from "./containers.js";
export type { ControlSpec, InteractArgs, ValueOfSpec, ValueWidget } from "./interact.js";
export type { LinkEnd } from "./link.js";
export type { OutputRecord } from "./output.js";
export type {
  DropdownOptions,
  OptionPairs,
  OptionValues,
  OtherAttributes,
  SelectionChoice,
  SelectionOptions,
  ToggleButtonsOptions,
} from "./selection.js";
