// Links between widget attributes that the frontend keeps in step by itself (no round trip to the kernel).

import { modelRef } from "./refs.js";
import { mismatch, type Trait } from "./traits.js";
import { controlsSpec, Widget, wireNameOf, widgetClass } from "./widget.js";

/** One end of a link: a widget and the name of one of its attributes. */
export type LinkEnd = readonly [Widget, string];

function linkEnd(): Trait<LinkEnd> {
  return {
    initial: () => [undefined as unknown as Widget, ""],
    coerce: (value, where) => {
      if (
        !Array.isArray(value) ||
        value.length !== 2 ||
        !(value[0] instanceof Widget) ||
        typeof value[1] !== "string"
      ) {
        return mismatch(where, "a [widget, attribute name] pair", value);
      }
      if (wireNameOf(value[0], value[1]) === undefined) {
        return mismatch(
          where,
          `an attribute of ${value[0].constructor.name} synced with the frontend`,
          value[1],
        );
      }
      return [value[0], value[1]] as const;
    },
    toJson: ([widget, name]) => [modelRef(widget), wireNameOf(widget, name)],
    sync: true,
  };
}

const linkTraits = {
  /** The attribute whose changes are copied. */
  source: linkEnd(),
  /** The attribute that follows the source. */
  target: linkEnd(),
};

/** A two-way link kept by the frontend; `unlink()` ends it. */
export class Link extends widgetClass(controlsSpec("Link", null), linkTraits) {
  /** Ends the link. */
  unlink(): void {
    this.close();
  }
}

/** A one-way link (source to target) kept by the frontend; `unlink()` ends it. */
export class DirectionalLink extends widgetClass(controlsSpec("DirectionalLink", null), linkTraits) {
  /** Ends the link. */
  unlink(): void {
    this.close();
  }
}

/**
 * Keeps two attributes equal in the frontend (both ways), e.g. a slider and a play button's value.
 * @example jslink([play, "value"], [slider, "value"])
 */
export function jslink(source: LinkEnd, target: LinkEnd): Link {
  return new Link({ source, target });
}

/** Copies `source`'s attribute to `target`'s in the frontend whenever it changes (one way). */
export function jsdlink(source: LinkEnd, target: LinkEnd): DirectionalLink {
  return new DirectionalLink({ source, target });
}
