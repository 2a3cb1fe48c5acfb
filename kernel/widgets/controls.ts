// The value controls: sliders, a checkbox, text fields, labels, a button and a play loop. Each is a model of
// @jupyter-widgets/controls 2.0.0 with typed attributes; sliders keep their value inside [min, max].

import {
  DescriptionStyle,
  SliderStyle,
  CheckboxStyle,
  TextStyle,
  ButtonStyle,
  LabelStyle,
  HTMLStyle,
} from "./styles.js";
import { describedTraits, domTraits } from "./common.js";
import { widgetRef } from "./refs.js";
import { bool, float, floatRange, int, nullable, oneOf, str, TraitError } from "./traits.js";
import { widgetHost } from "./host.js";
import { controlsSpec, widgetClass, type Traits, type Widget } from "./widget.js";

const sliderCommon = {
  ...describedTraits(SliderStyle),
  /** Whether the slider can be moved. */
  disabled: bool(false),
  /** Whether the value updates while the handle is dragged (else when it is released). */
  continuousUpdate: bool(true),
  /** Horizontal or vertical. */
  orientation: oneOf(["horizontal", "vertical"] as const, "horizontal"),
  /** Whether the value is shown beside the slider. */
  readout: bool(true),
  /** What dragging and clicking on the track do. */
  behavior: oneOf(["drag-tap", "drag-snap", "tap", "drag", "snap"] as const, "drag-tap"),
};

/** Attributes of a FloatSlider. */
export const floatSliderTraits = {
  ...sliderCommon,
  /** The slider's value, kept inside [min, max]. */
  value: float(0),
  /** The smallest value. */
  min: float(0),
  /** The largest value. */
  max: float(100),
  /** The step between values. */
  step: float(0.1),
  /** The d3-format of the readout, e.g. ".2f". */
  readoutFormat: str(".2f"),
};

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/** Keeps `value` inside [min, max] when any of them changes. */
function clampedValue(
  widget: Widget & { value: number; min: number; max: number },
  name: string,
  value: unknown,
): unknown {
  if (name === "value") return clamp(value as number, widget.min, widget.max);
  return value;
}

/** A slider over real numbers. @example new widgets.FloatSlider({ value: 0.5, min: 0, max: 1, step: 0.01, description: "x" }) */
export class FloatSlider extends widgetClass(controlsSpec("FloatSlider"), floatSliderTraits) {
  protected override adjust(name: string, value: unknown): unknown {
    return clampedValue(this, name, value);
  }
  protected override changed(name: string): void {
    if (name === "min" || name === "max") this.revalidate("value");
  }
  protected override initialize(): void {
    checkRange(this.constructor.name, this.min, this.max);
    this.revalidate("value");
  }
}

function checkRange(where: string, min: number, max: number): void {
  if (min > max) throw new TraitError(`${where}: min (${min}) must not be above max (${max})`);
}

/** Attributes of an IntSlider. */
export const intSliderTraits = {
  ...sliderCommon,
  /** The slider's value (an integer), kept inside [min, max]. */
  value: int(0),
  /** The smallest value. */
  min: int(0),
  /** The largest value. */
  max: int(100),
  /** The step between values. */
  step: int(1),
  /** The d3-format of the readout, e.g. "d". */
  readoutFormat: str("d"),
};

/** A slider over integers. @example new widgets.IntSlider({ value: 3, min: 0, max: 10 }) */
export class IntSlider extends widgetClass(controlsSpec("IntSlider"), intSliderTraits) {
  protected override adjust(name: string, value: unknown): unknown {
    return clampedValue(this, name, value);
  }
  protected override changed(name: string): void {
    if (name === "min" || name === "max") this.revalidate("value");
  }
  protected override initialize(): void {
    checkRange(this.constructor.name, this.min, this.max);
    this.revalidate("value");
  }
}

/** Attributes of a FloatLogSlider: min, max and step are exponents of `base`. */
export const floatLogSliderTraits = {
  ...sliderCommon,
  /** The slider's value, between base^min and base^max. */
  value: float(1),
  /** The exponent of the smallest value. */
  min: float(0),
  /** The exponent of the largest value. */
  max: float(4),
  /** The step of the exponent. */
  step: float(0.1),
  /** The base of the logarithmic scale. */
  base: float(10),
  /** The d3-format of the readout, e.g. ".3g". */
  readoutFormat: str(".3g"),
};

/** A slider over real numbers on a logarithmic scale. @example new widgets.FloatLogSlider({ value: 1e-3, min: -6, max: 0 }) */
export class FloatLogSlider extends widgetClass(controlsSpec("FloatLogSlider"), floatLogSliderTraits) {
  protected override adjust(name: string, value: unknown): unknown {
    if (name !== "value") return value;
    return clamp(value as number, this.base ** this.min, this.base ** this.max);
  }
  protected override changed(name: string): void {
    if (name === "min" || name === "max" || name === "base") this.revalidate("value");
  }
  protected override initialize(): void {
    checkRange(this.constructor.name, this.min, this.max);
    this.revalidate("value");
  }
}

/** Attributes of a FloatRangeSlider. */
export const floatRangeSliderTraits = {
  ...sliderCommon,
  /** The selected interval [low, high], inside [min, max]. */
  value: floatRange([25, 75]),
  /** The smallest value. */
  min: float(0),
  /** The largest value. */
  max: float(100),
  /** The step between values. */
  step: float(0.1),
  /** The d3-format of the readout, e.g. ".2f". */
  readoutFormat: str(".2f"),
};

/** A slider selecting an interval of real numbers. @example new widgets.FloatRangeSlider({ value: [0.2, 0.8], min: 0, max: 1 }) */
export class FloatRangeSlider extends widgetClass(controlsSpec("FloatRangeSlider"), floatRangeSliderTraits) {
  protected override adjust(name: string, value: unknown): unknown {
    if (name !== "value") return value;
    const [low, high] = value as [number, number];
    return [clamp(low, this.min, this.max), clamp(high, this.min, this.max)];
  }
  protected override changed(name: string): void {
    if (name === "min" || name === "max") this.revalidate("value");
  }
  protected override initialize(): void {
    checkRange(this.constructor.name, this.min, this.max);
    this.revalidate("value");
  }
}

/** A check box. @example new widgets.Checkbox({ value: true, description: "show graph" }) */
export class Checkbox extends widgetClass(controlsSpec("Checkbox"), {
  ...describedTraits(CheckboxStyle),
  /** Whether the box is checked. */
  value: bool(false),
  /** Whether the control is greyed out and cannot be changed. */
  disabled: bool(false),
  /** Whether the box is indented to line up with other controls' values. */
  indent: bool(true),
}) {}

const textTraits = {
  ...describedTraits(TextStyle),
  /** The text. */
  value: str(""),
  /** Shown greyed out while the field is empty. */
  placeholder: str("\u200b"),
  /** Whether the control is greyed out and cannot be changed. */
  disabled: bool(false),
  /** Whether the value updates at each key stroke (else when the field loses focus or Enter is pressed). */
  continuousUpdate: bool(true),
};

/** A one-line text field. @example new widgets.Text({ value: "x^2", description: "f" }) */
export class Text extends widgetClass(controlsSpec("Text"), textTraits) {}

/** A multi-line text field. */
export class Textarea extends widgetClass(controlsSpec("Textarea"), {
  ...textTraits,
  /** The number of visible lines (null: the default). */
  rows: nullable(int(2)),
}) {}

/** A line of plain text. */
export class Label extends widgetClass(controlsSpec("Label"), {
  ...describedTraits(LabelStyle),
  /** The text shown. */
  value: str(""),
  /** Shown greyed out while there is no value. */
  placeholder: str("\u200b"),
}) {}

/** A piece of HTML. @example new widgets.HTML({ value: "<b>det J</b> = 0" }) */
export class HTML extends widgetClass(controlsSpec("HTML"), {
  ...describedTraits(HTMLStyle),
  /** The HTML shown. */
  value: str(""),
  /** Shown greyed out while there is no value. */
  placeholder: str("\u200b"),
}) {}

const buttonStyles = ["primary", "success", "info", "warning", "danger", ""] as const;

/** Attributes of a Button. */
export const buttonTraits = {
  ...domTraits,
  /** The button's label. */
  description: str(""),
  /** Whether the control is greyed out and cannot be changed. */
  disabled: bool(false),
  /** A Font Awesome icon name, e.g. "refresh". */
  icon: str(""),
  /** A predefined look: "primary", "success", "info", "warning", "danger", or "" (plain). */
  buttonStyle: oneOf(buttonStyles, ""),
  /** The button's style model (colours, font). */
  style: widgetRef(ButtonStyle, () => new ButtonStyle()),
};

/** A button; `onClick` runs a handler in the kernel at each click. @example new widgets.Button({ description: "Reset" }) */
export class Button extends widgetClass(controlsSpec("Button"), buttonTraits) {
  readonly #handlers: ((button: Button) => void)[] = [];

  constructor(options?: Partial<Traits<typeof buttonTraits>>) {
    super(options);
    this.onMsg((content) => {
      if ((content as { event?: unknown } | null)?.event === "click") this.click();
    });
  }

  /**
   * Runs `handler(button)` at every click (in the notebook, or by `click()`).
   * @returns a function that removes the handler
   */
  onClick(handler: (button: Button) => void): () => void {
    if (typeof handler !== "function") throw new TypeError("Button.onClick: the handler must be a function");
    this.#handlers.push(handler);
    return () => {
      const index = this.#handlers.indexOf(handler);
      if (index >= 0) this.#handlers.splice(index, 1);
    };
  }

  /** Clicks the button from the kernel: runs the click handlers. */
  click(): void {
    for (const handler of [...this.#handlers]) {
      try {
        handler(this);
      } catch (error) {
        widgetHost().reportError(error, "a click handler of Button");
      }
    }
  }
}

/** A timer that steps its value from min to max, with play, pause and repeat buttons. */
export class Play extends widgetClass(controlsSpec("Play"), {
  ...describedTraits(DescriptionStyle),
  /** The current step. */
  value: int(0),
  /** The smallest value. */
  min: int(0),
  /** The largest value. */
  max: int(100),
  /** The step between values. */
  step: int(1),
  /** Milliseconds between steps. */
  interval: int(100),
  /** Whether it is playing. */
  playing: bool(false),
  /** Whether it starts again at min after max. */
  repeat: bool(false),
  /** Whether the repeat button is shown. */
  showRepeat: bool(true),
  /** Whether the control is greyed out and cannot be changed. */
  disabled: bool(false),
}) {
  protected override adjust(name: string, value: unknown): unknown {
    return name === "value" ? clamp(value as number, this.min, this.max) : value;
  }
}
