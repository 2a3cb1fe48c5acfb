// Random numbers inside vmap (torch.func.vmap's `randomness`): "error" refuses them, "same" draws one
// value for the whole batch, "different" draws one per example (a batched value). The vmaps in effect
// register here; the random constructors (rand, randn) ask before drawing.
import type { Tensor } from "../tensor.js";
import { ArgumentError } from "../errors.js";

/** What random constructors do inside a vmap. */
export type Randomness = "error" | "different" | "same";

/** Checks a `randomness` option. */
export function checkRandomness(op: string, value: unknown): Randomness {
  if (value === undefined) return "error";
  if (value !== "error" && value !== "different" && value !== "same") {
    throw new ArgumentError(
      `${op}: randomness must be "error", "different" or "same", got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** A vmap in effect: its batch size, its randomness, and how to make a value batched at its level. */
export interface RandomScope {
  randomness: Randomness;
  size: number;
  wrap: (val: Tensor) => Tensor;
  /** The vmap's trace (whatever identifies its level): a batching rule finds its vmap's scope by it. */
  owner: object;
}

const scopes: RandomScope[] = [];

/** Runs `fn` with `scope` in effect (innermost last). */
export function withRandomScope<T>(scope: RandomScope, fn: () => T): T {
  scopes.push(scope);
  try {
    return fn();
  } finally {
    scopes.pop();
  }
}

/** The scope of the vmap whose trace is `owner`, if it set a randomness. */
export function scopeOwnedBy(owner: object): RandomScope | undefined {
  return scopes.find((s) => s.owner === owner);
}

/**
 * Runs `fn` with `replacement` in the place of `scope` (if it is in effect): a rule that re-runs user code
 * under a vmap of its own (a custom function's batched rule) stands for the user's vmap there, so draws
 * must be batched at the rule's level, not at the user's vmap's (which that code cannot see).
 */
export function withScopeReplaced<T>(scope: RandomScope, replacement: RandomScope, fn: () => T): T {
  const at = scopes.indexOf(scope);
  if (at < 0) return fn();
  scopes[at] = replacement;
  try {
    return fn();
  } finally {
    scopes[at] = scope;
  }
}

/**
 * Random values of `shape` for `op`: `draw(shape)` outside vmap; inside, an error under randomness
 * "error", one draw for all examples under "same", and one draw per example (batched over each
 * "different" vmap, outermost first) under "different".
 */
export function drawRandom(op: string, shape: number[], draw: (shape: number[]) => Tensor): Tensor {
  if (scopes.some((s) => s.randomness === "error")) {
    throw new ArgumentError(
      `${op}: random numbers inside vmap: pass randomness: "different" (one draw per example) or "same" ` +
        `(one draw for the whole batch) to vmap; the default "error" refuses them, as torch.func.vmap does`,
    );
  }
  const different = scopes.filter((s) => s.randomness === "different");
  if (different.length === 0) return draw(shape);
  let val = draw([...different.map((s) => s.size), ...shape]);
  for (const s of different) val = s.wrap(val);
  return val;
}
