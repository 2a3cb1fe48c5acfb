// jit(f): trace f once per input structure (tensor shapes and static arguments) into a Program, compile
// it into a plan, and replay the plan on later calls without per-op dispatch. Composes with every
// transform: jit(jacrev(f)) traces the whole Jacobian computation; jacrev(jit(f)), vmap(jit(f)) and
// jit(jit(f)) see through jit (f runs under the outer transformation and is traced by it).
import type { Tensor } from "../tensor.js";
import { isGradEnabled, isObserved, transformDepth, unobserved } from "../core/trace.js";
import { flattenForJit } from "./args.js";
import { compilePlan, type Plan } from "./plan.js";
import type { Program } from "./program.js";
import { traceProgram } from "./trace.js";

/** A jitted function: call it like f; `program(...args)` shows what it traced for such arguments. */
export interface Jitted<A extends unknown[], R> {
  (...args: A): R;
  /**
   * The program jit runs for arguments like these (tracing them if no call has yet): the traced
   * primitives with constants folded, dead code removed and the rewrites applied.
   */
  program(...args: A): Program;
  /** How many argument structures have been traced (one plan each). */
  readonly traces: number;
  /** The compiled plan for arguments like these: its steps (`describe()`), buffer and output sizes. */
  plan(...args: A): Plan;
  /**
   * Runs the compiled program for these arguments one primitive at a time, as eager code (what
   * `graph(jitted, ...args)` draws).
   */
  interpret(...args: A): R;
  /** The function that was jitted. */
  readonly fn: (...args: A) => R;
}

const JITTED = Symbol("jaclab.jitted");

/** True for a function made by {@link jit}. */
export function isJitted(f: unknown): f is Jitted<unknown[], unknown> {
  return typeof f === "function" && (f as { [JITTED]?: boolean })[JITTED] === true;
}

interface Entry {
  plan: Plan;
  rebuild: (leaves: readonly Tensor[]) => unknown;
}

// A function called with ever new static arguments would otherwise keep every trace.
const MAX_TRACES = 64;

/**
 * Compiles `f` for speed: the first call with arguments of a new structure (tensor shapes, and the
 * values of non-tensor arguments, which are static) traces f into a small program of primitives; later
 * calls replay the compiled program (constants folded, elementwise chains fused into single loops,
 * buffers reused) without running f again. f must be a pure function of its tensor arguments: tensors it
 * captures from outside are constants of the trace (the plan may keep copies of them, so changing their
 * `data` afterwards has no defined effect: jit f again instead), side effects run only while tracing, and
 * reading a traced value (`item()`, `toArray()`, `data`) throws. Composes with every transform:
 * `jit(jacrev(f))`, `jit(vmap(f))`, `jacrev(jit(f))`, `vmap(jit(f))`.
 * @example const jf = jit(jacrev((x: Tensor) => x.sin().sum())); jf(tensor([1, 2])); // traced once
 */
export function jit<A extends unknown[], R>(f: (...args: A) => R): Jitted<A, R> {
  const cache = new Map<string, Entry>();
  const trace = (key: string, leaves: Tensor[], rebuildArgs: (ls: readonly Tensor[]) => unknown) => {
    let rebuildOut: ((ls: readonly Tensor[]) => unknown) | undefined;
    // Tracing is not the user's computation: graph() and other observers see the program run instead.
    const { program, values } = unobserved(() =>
      traceProgram((ins) => {
        const out = flattenForJit(f(...(rebuildArgs(ins) as A)));
        rebuildOut = out.rebuild;
        return out.leaves;
      }, leaves),
    );
    const entry: Entry = { plan: compilePlan(program), rebuild: rebuildOut as Entry["rebuild"] };
    if (cache.size >= MAX_TRACES) cache.delete(cache.keys().next().value as string);
    cache.set(key, entry);
    return { entry, values };
  };
  const jitted = (...args: A): R => {
    // Inside another transformation, or recording a torch-style tape: run f itself, traced by that.
    if (transformDepth() > 0) return f(...args);
    const flat = flattenForJit(args);
    if (isGradEnabled() && flat.leaves.some((t) => t.requiresGrad)) return f(...args);
    const entry = cache.get(flat.key);
    if (isObserved()) {
      // Someone is watching the primitives (graph(), observeBinds): run the program as eager code.
      const e = entry ?? trace(flat.key, flat.leaves, flat.rebuild).entry;
      return e.rebuild(e.plan.program.evaluate(flat.leaves)) as R;
    }
    if (entry === undefined) {
      const { entry: made, values } = trace(flat.key, flat.leaves, flat.rebuild);
      return made.rebuild(values) as R;
    }
    return entry.rebuild(entry.plan.run(flat.leaves)) as R;
  };
  const program = (...args: A): Program => {
    const flat = flattenForJit(args);
    return (cache.get(flat.key) ?? trace(flat.key, flat.leaves, flat.rebuild).entry).plan.program;
  };
  const entryFor = (args: A): { entry: Entry; leaves: Tensor[] } => {
    const flat = flattenForJit(args);
    return {
      entry: cache.get(flat.key) ?? trace(flat.key, flat.leaves, flat.rebuild).entry,
      leaves: flat.leaves,
    };
  };
  const plan = (...args: A): Plan => entryFor(args).entry.plan;
  const interpret = (...args: A): R => {
    const { entry, leaves } = entryFor(args);
    return entry.rebuild(entry.plan.program.evaluate(leaves)) as R;
  };
  Object.defineProperty(jitted, "traces", { get: () => cache.size });
  Object.defineProperty(jitted, JITTED, { value: true });
  return Object.assign(jitted, { program, plan, interpret, fn: f }) as Jitted<A, R>;
}
