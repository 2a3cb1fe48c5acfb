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
import { controlsSpec, widgetClass, type Traits, type TraitTable } from "./widget.js";

/** Options of a selection: values (labelled by their text), [label, value] pairs, or { label: value }. */
export type SelectionOptions<V> = readonly (V | readonly [string, V])[] | Readonly<Record<string, V>>;

/** The typed part of a selection control's constructor options: `options` of the form `O` with values `V`. */
export interface SelectionChoice<V, O> {
  /** The choices: values (labelled by their text), [label, value] pairs, or { label: value }. */
  options?: O;
  /** The selected option's value (default: the first option's). */
  value?: NoInfer<V>;
}

/** The other attributes a selection control of attribute table `T` takes in its constructor. */
export type OtherAttributes<T extends TraitTable> = Partial<Omit<Traits<T>, "options" | "value">>;

/** Options given as [label, value] pairs. */
export type OptionPairs<V> = readonly (readonly [string, V])[];
/** Options given as values (each labelled by its text) or as { label: value }. */
export type OptionValues<V> = readonly V[] | Readonly<Record<string, V>>;

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

/** The constructor options of a Dropdown: its attributes, with `value` one of the values of `options` `O`. */
export interface DropdownOptions<V, O>
  extends OtherAttributes<typeof dropdownTraits>, SelectionChoice<V, O> {}

/**
 * A drop-down list. Its `value` has the type of the options' values: `new widgets.Dropdown({ options:
 * ["jacrev", "jacfwd"] })` is a `Dropdown<"jacrev" | "jacfwd">`; give the type, `new widgets.Dropdown<string>(...)`,
 * to set other options later.
 * @example new widgets.Dropdown({ options: ["jacrev", "jacfwd"], value: "jacrev" })
 * @example new widgets.Dropdown({ options: [["reverse", "jacrev"], ["forward", "jacfwd"]] })
 */
export class Dropdown<const V = unknown> extends widgetClass(controlsSpec("Dropdown"), dropdownTraits) {
  /** The choices: values (labelled by their text), [label, value] pairs, or { label: value }. */
  declare options: SelectionOptions<V>;
  /** The selected option's value (null only while there are no options or `index` is null). */
  declare value: V;

  /**
   * A drop-down list of [label, value] pairs; `value` has the values' type.
   * @example new widgets.Dropdown({ options: [["reverse", "jacrev"], ["forward", "jacfwd"]] })
   */
  constructor(options: DropdownOptions<V, OptionPairs<V>>);
  /**
   * A drop-down list of values (each labelled by its text) or of { label: value }; `value` has their type.
   * @example new widgets.Dropdown({ options: ["jacrev", "jacfwd"], value: "jacrev" })
   */
  constructor(options?: DropdownOptions<V, OptionValues<V>>);
  constructor(options: object = {}) {
    super(options as Record<string, unknown>);
  }
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

/** The constructor options of ToggleButtons: its attributes, with `value` one of the values of `options` `O`. */
export interface ToggleButtonsOptions<V, O>
  extends OtherAttributes<typeof toggleButtonsTraits>, SelectionChoice<V, O> {}

/**
 * A row of buttons of which one is selected; its `value` has the type of the options' values, as a Dropdown's.
 * @example new widgets.ToggleButtons({ options: ["rev", "fwd"] })
 */
export class ToggleButtons<const V = unknown> extends widgetClass(
  controlsSpec("ToggleButtons"),
  toggleButtonsTraits,
) {
  /** The choices: values (labelled by their text), [label, value] pairs, or { label: value }. */
  declare options: SelectionOptions<V>;
  /** The selected option's value (null only while there are no options or `index` is null). */
  declare value: V;

  /**
   * A row of buttons for [label, value] pairs, one of them selected; `value` has the values' type.
   * @example new widgets.ToggleButtons({ options: [["reverse", "jacrev"], ["forward", "jacfwd"]] })
   */
  constructor(options: ToggleButtonsOptions<V, OptionPairs<V>>);
  /**
   * A row of buttons for values (each labelled by its text) or for { label: value }, one of them selected;
   * `value` has their type.
   * @example new widgets.ToggleButtons({ options: ["rev", "fwd"] })
   */
  constructor(options?: ToggleButtonsOptions<V, OptionValues<V>>);
  constructor(options: object = {}) {
    super(options as Record<string, unknown>);
  }
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
