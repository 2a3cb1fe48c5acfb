// Typed widget attributes ("traits"): each knows its default, how to check a value set from a cell or
// received from a frontend, its JSON form on the wire and its name there. Widget classes are tables of them.

/** A value that does not fit a widget attribute: the message names the widget, the attribute and the value. */
export class TraitError extends TypeError {
  override readonly name = "TraitError";
}

/** One attribute of a widget model. */
export interface Trait<T> {
  /** A fresh default value. */
  initial(): T;
  /** Checks (and normalises) a value; throws TraitError naming `where` when it does not fit. */
  coerce(value: unknown, where: string): T;
  /** The wire form of a value (defaults to the value itself). */
  toJson?(value: T): unknown;
  /** The value of a wire form received from a frontend (defaults to coerce). */
  fromJson?(json: unknown, where: string): T;
  /** False for attributes that live in the kernel only (a Dropdown's options and value). */
  sync: boolean;
  /** The attribute's name in the model state; defaults to the snake_case form of its name. */
  wire?: string;
}

function describe(value: unknown): string {
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  const text = JSON.stringify(value) ?? String(value);
  return `${text.length > 40 ? `${text.slice(0, 37)}...` : text} (${Array.isArray(value) ? "array" : typeof value})`;
}

/** Throws the TraitError of a value that is not `expected`. */
export function mismatch(where: string, expected: string, value: unknown): never {
  throw new TraitError(`${where} must be ${expected}, not ${describe(value)}`);
}

function trait<T>(
  initial: () => T,
  coerce: (value: unknown, where: string) => T,
  extra: Partial<Trait<T>> = {},
): Trait<T> {
  return { initial, coerce, sync: true, ...extra };
}

/** A finite number. */
export function float(initial: number): Trait<number> {
  return trait(
    () => initial,
    (value, where) =>
      typeof value === "number" && Number.isFinite(value) ? value : mismatch(where, "a finite number", value),
  );
}

/** An integer (a finite number is rounded to the nearest one). */
export function int(initial: number): Trait<number> {
  return trait(
    () => initial,
    (value, where) =>
      typeof value === "number" && Number.isFinite(value)
        ? Math.round(value)
        : mismatch(where, "an integer", value),
  );
}

export function bool(initial: boolean): Trait<boolean> {
  return trait(
    () => initial,
    (value, where) => (typeof value === "boolean" ? value : mismatch(where, "true or false", value)),
  );
}

export function str(initial: string): Trait<string> {
  return trait(
    () => initial,
    (value, where) => (typeof value === "string" ? value : mismatch(where, "a string", value)),
  );
}

/** One of a fixed list of strings. */
export function oneOf<const V extends string>(values: readonly V[], initial: V): Trait<V> {
  return trait(
    () => initial,
    (value, where) =>
      values.includes(value as V)
        ? (value as V)
        : mismatch(where, `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`, value),
  );
}

/** `inner`, or null (undefined from a cell means null). */
export function nullable<T>(inner: Trait<T>, initial: T | null = null): Trait<T | null> {
  return trait(
    () => initial,
    (value, where) => (value === null || value === undefined ? null : inner.coerce(value, where)),
    {
      toJson: (value) => (value === null ? null : inner.toJson ? inner.toJson(value) : value),
      fromJson: (json, where) =>
        json === null ? null : inner.fromJson ? inner.fromJson(json, where) : inner.coerce(json, where),
    },
  );
}

/** A pair of finite numbers [low, high], put in order. */
export function floatRange(initial: [number, number]): Trait<[number, number]> {
  return trait(
    () => [...initial] as [number, number],
    (value, where) => {
      if (
        !Array.isArray(value) ||
        value.length !== 2 ||
        !value.every((v) => typeof v === "number" && Number.isFinite(v))
      ) {
        return mismatch(where, "a pair of finite numbers [low, high]", value);
      }
      const [a, b] = value as [number, number];
      return a <= b ? [a, b] : [b, a];
    },
  );
}

/** A list of strings. */
export function strings(initial: string[] = []): Trait<string[]> {
  return trait(
    () => [...initial],
    (value, where) =>
      Array.isArray(value) && value.every((item) => typeof item === "string")
        ? [...(value as string[])]
        : mismatch(where, "a list of strings", value),
  );
}

/** Any JSON value (checked to be one). */
export function json<T>(initial: () => T, check: (value: unknown) => boolean, expected: string): Trait<T> {
  return trait(initial, (value, where) => (check(value) ? (value as T) : mismatch(where, expected, value)));
}

/** An attribute that stays in the kernel (never in the model state). */
export function kernelOnly<T>(inner: Trait<T>): Trait<T> {
  return { ...inner, sync: false };
}

/** The same trait under another wire name (`_options_labels`, `msg_id`). */
export function wireName<T>(inner: Trait<T>, wire: string): Trait<T> {
  return { ...inner, wire };
}

/** `continuousUpdate` -> `continuous_update`. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
