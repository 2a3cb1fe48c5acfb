// Checking of option objects: every transform refuses an option it does not know (naming it, with the
// known ones), so that a misspelt `hasaux` or a torch spelling like `has_aux` is never silently ignored.
import { ArgumentError } from "../errors.js";

function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `the ${typeof v} ${String(v)}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** The snake_case or differently cased name a user may have meant as `known`, for the error's hint. */
function suggestion(name: string, known: readonly string[]): string {
  const plain = name.replace(/_/g, "").toLowerCase();
  const hit = known.find((k) => k.toLowerCase() === plain);
  return hit === undefined ? "" : ` (did you mean ${hit}?)`;
}

/**
 * The options object of `op` (an empty one when undefined), after checking that it is a plain object
 * whose keys are all among `known`: an unknown key throws an ArgumentError naming it.
 */
export function checkOptions<T extends object>(op: string, opts: T | undefined, known: readonly string[]): T {
  if (opts === undefined) return {} as T;
  if (!isPlainObject(opts)) {
    throw new ArgumentError(
      `${op}: options must be an object like { ${known[0]}: ... }, got ${describeValue(opts)}`,
    );
  }
  for (const key of Object.keys(opts)) {
    if (!known.includes(key)) {
      throw new ArgumentError(
        `${op}: unknown option "${key}"${suggestion(key, known)}; the options of ${op} are ${known.join(", ")}`,
      );
    }
  }
  return opts;
}

/** `value` as a boolean option (default `fallback`), or an ArgumentError naming op and option. */
export function boolOption(op: string, name: string, value: unknown, fallback = false): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new ArgumentError(`${op}: option ${name} must be true or false, got ${describeValue(value)}`);
  }
  return value;
}
