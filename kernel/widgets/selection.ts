// Selection controls (Dropdown, ToggleButtons): the frontend knows only the option labels and the selected
// index; the options' values, the selected value and label stay in the kernel and follow the index.

import { describedTraits } from "./common.js";
import { DescriptionStyle, ToggleButtonsStyle } from "./styles.js";
import {
  bool,
  int,
  json,
  kernelOnly,
  nullable,
  oneOf,
  str,
  strings,
  TraitError,
  wireName,
} from "./traits.js";
import { controlsSpec, widgetClass, type TraitTable } from "./widget.js";

/** Options of a selection: values (labelled by their text), [label, value] pairs, or { label: value }. */
export type SelectionOptions<V> = readonly (V | readonly [string, V])[] | Readonly<Record<string, V>>;

/** The options as [label, value] pairs. */
export function optionPairs<V>(options: SelectionOptions<V>, where: string): [string, V][] {
  if (Array.isArray(options)) {
    return options.map((option) =>
      Array.isArray(option) && option.length === 2 && typeof option[0] === "string"
        ? [option[0], option[1] as V]
        : [String(option), option as V],
    );
  }
  if (options !== null && typeof options === "object") return Object.entries(options as Record<string, V>);
  throw new TraitError(`${where}.options must be a list of values, of [label, value] pairs, or an object`);
}

const isOptions = (value: unknown): boolean => value !== null && typeof value === "object";

function selectionTraits<S extends TraitTable>(style: S) {
  return {
    ...style,
    /** The choices: values, [label, value] pairs, or { label: value }. */
    options: kernelOnly(
      json<SelectionOptions<unknown>>(() => [], isOptions, "a list or an object of options"),
    ),
    /** The labels the frontend shows (from `options`). */
    optionsLabels: wireName(strings(), "_options_labels"),
    /** The selected option's position (null: none). */
    index: nullable(int(0)),
    /** The selected option's value. */
    value: kernelOnly(
      json<unknown>(
        () => null,
        () => true,
        "any value",
      ),
    ),
    /** The selected option's label. */
    label: kernelOnly(nullable(str(""))),
    /** Whether the control is greyed out and cannot be changed. */
    disabled: bool(false),
  };
}

/** The attributes the selection logic keeps in step. */
interface SelectionState {
  options: SelectionOptions<unknown>;
  optionsLabels: string[];
  index: number | null;
  value: unknown;
  label: string | null;
  constructor: { name: string };
}

/** Keeps index, value and label of a selection in step (and the labels in step with the options). */
const selection = {
  pairs(widget: SelectionState): [string, unknown][] {
    return optionPairs(widget.options, widget.constructor.name);
  },
  initialize(widget: SelectionState, options: Record<string, unknown>): void {
    const pairs = selection.pairs(widget);
    widget.optionsLabels = pairs.map(([label]) => label);
    if (options.value !== undefined) {
      selection.adjust(widget, "value", options.value);
      widget.index = pairs.findIndex(([, v]) => Object.is(v, options.value));
    } else if (options.index === undefined) {
      widget.index = pairs.length > 0 ? 0 : null;
    }
    selection.fromIndex(widget);
  },
  adjust(widget: SelectionState, name: string, value: unknown): unknown {
    const pairs = selection.pairs(widget);
    const where = widget.constructor.name;
    if (name === "index" && value !== null && ((value as number) < 0 || (value as number) >= pairs.length)) {
      throw new TraitError(`${where}.index ${String(value)} is outside the ${pairs.length} options`);
    }
    if (
      name === "value" &&
      !(value === null && pairs.length === 0) &&
      !pairs.some(([, v]) => Object.is(v, value))
    ) {
      const labels = pairs.map(([label]) => JSON.stringify(label)).join(", ");
      throw new TraitError(`${where}.value ${JSON.stringify(value)} is not one of the options (${labels})`);
    }
    return value;
  },
  changed(widget: SelectionState, name: string): void {
    if (name === "options") {
      widget.optionsLabels = selection.pairs(widget).map(([label]) => label);
      widget.index = widget.optionsLabels.length > 0 ? 0 : null;
      selection.fromIndex(widget);
    } else if (name === "index") {
      selection.fromIndex(widget);
    } else if (name === "value") {
      const pairs = selection.pairs(widget);
      const position = pairs.findIndex(([, v]) => Object.is(v, widget.value));
      widget.index = position < 0 ? null : position;
      widget.label = position < 0 ? null : (pairs[position]?.[0] ?? null);
    }
  },
  fromIndex(widget: SelectionState): void {
    const pair = widget.index === null ? undefined : selection.pairs(widget)[widget.index];
    widget.value = pair === undefined ? null : pair[1];
    widget.label = pair === undefined ? null : pair[0];
  },
};

const dropdownTraits = selectionTraits(describedTraits(DescriptionStyle));

/** A drop-down list. @example new widgets.Dropdown({ options: ["jacrev", "jacfwd"], value: "jacrev" }) */
export class Dropdown extends widgetClass(controlsSpec("Dropdown"), dropdownTraits) {
  protected override initialize(options: Record<string, unknown>): void {
    selection.initialize(this, options);
  }
  protected override adjust(name: string, value: unknown): unknown {
    return selection.adjust(this, name, value);
  }
  protected override changed(name: string): void {
    selection.changed(this, name);
  }
}

const buttonStyles = ["primary", "success", "info", "warning", "danger", ""] as const;

const toggleButtonsTraits = {
  ...selectionTraits(describedTraits(ToggleButtonsStyle)),
  /** A tooltip per option. */
  tooltips: strings(),
  /** A Font Awesome icon name per option. */
  icons: strings(),
  /** A predefined look of the buttons: "primary", "success", "info", "warning", "danger", or "" (plain). */
  buttonStyle: oneOf(buttonStyles, ""),
};

/** A row of buttons of which one is selected. @example new widgets.ToggleButtons({ options: ["rev", "fwd"] }) */
export class ToggleButtons extends widgetClass(controlsSpec("ToggleButtons"), toggleButtonsTraits) {
  protected override initialize(options: Record<string, unknown>): void {
    selection.initialize(this, options);
  }
  protected override adjust(name: string, value: unknown): unknown {
    return selection.adjust(this, name, value);
  }
  protected override changed(name: string): void {
    selection.changed(this, name);
  }
}
