// The interpreter stack (Autodidax's MainTrace levels) and `bind`, the one entry point of every primitive:
// eager evaluation at level 0 (recording a tape node when an input requires grad), else the top trace.
// The rule tables are injected by src/setup.ts (installRules), so that the core imports no rule family
// and the rules, which call the ops, which call bind, form no import cycle.
import { Tensor, type GradNode } from "../tensor.js";
import { ArgumentError, InternalError, TracerError } from "../errors.js";
import type { FamilyRules, ImplRule, Primitive, PrimitiveParams } from "./primitives.js";

/** The four total rule tables (impl, jvp, vjp, batch), each a record over every primitive. */
export type RuleTables = FamilyRules<Primitive>;

let tables: RuleTables | null = null;

/** Installs the rule tables; called once by src/setup.ts. */
export function installRules(t: RuleTables): void {
  tables = t;
}

/** The installed rule tables, or an InternalError when nothing imported src/setup.ts (jaclab's index). */
export function ruleTables(): RuleTables {
  if (tables === null) {
    throw new InternalError(
      "the rule tables are not installed (import jaclab's index, or src/setup.js, before using the core)",
    );
  }
  return tables;
}

/** An interpretation of primitives at one level of the stack (JVP, batching, reverse recording...). */
export abstract class Trace {
  constructor(readonly main: MainTrace) {}
  /** Applies primitive `p` to args of which at least one is a tracer of this trace's level. */
  abstract process<P extends Primitive>(p: P, args: Tensor[], params: PrimitiveParams[P]): Tensor;
}

/** One active transformation: its level in the stack and its trace. */
export class MainTrace {
  trace!: Trace;
  active = true;
  constructor(readonly level: number) {}
}

/** A tensor standing for a value inside a transformation, tagged with the level that created it. */
export abstract class Tracer extends Tensor {
  // Declared, not a class field, for the reason given in Tensor: every kind of tracer passes through here.
  declare readonly main: MainTrace;
  constructor(main: MainTrace, shape: number[]) {
    super(null, shape);
    this._level = main.level;
    this.main = main;
  }
}

/**
 * A tracer that wraps a value of a lower level (its primal), as JVP and reverse-mode tracers do: reading its
 * values reads the primal's, and detaching it detaches the primal.
 */
export abstract class PrimalTracer extends Tracer {
  constructor(
    main: MainTrace,
    readonly primal: Tensor,
  ) {
    super(main, primal.shape);
  }
  override _concreteData(): Float64Array {
    return this.primal.data;
  }
  override _tracedValues(): Float64Array | null {
    return this.primal._data ?? this.primal._tracedValues();
  }
  override _detach(): Tensor {
    return this.primal._detach();
  }
}

// Index = level; level 0 is eager evaluation and has no MainTrace.
const stack: (MainTrace | null)[] = [null];

/** Pushes a new transformation level, runs `fn` with it, and always pops it. */
export function withMain<T>(makeTrace: (main: MainTrace) => Trace, fn: (main: MainTrace) => T): T {
  const main = new MainTrace(stack.length);
  main.trace = makeTrace(main);
  stack.push(main);
  try {
    return fn(main);
  } finally {
    main.active = false;
    stack.pop();
  }
}

/** How many transformation levels are active (0: plain eager evaluation). */
export function transformDepth(): number {
  return stack.length - 1;
}

// ---- grad mode (torch.no_grad) ----

// The grad-mode settings in effect, innermost last. The tape (level 0) follows the innermost one; a
// reverse-mode level follows only the settings made inside it, so that noGrad inside f stops grad/jacrev
// from differentiating through that part while grad(f) called inside noGrad still differentiates f
// (torch.func's semantics). Forward mode ignores grad mode, as torch's forward AD does.
const gradModes: boolean[] = [];
let gradEnabled = true;

/** Whether eager ops currently record tape nodes for inputs that require grad. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` with tape recording switched on or off, restoring the previous mode afterwards. */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const before = gradEnabled;
  gradModes.push(enabled);
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradModes.pop();
    gradEnabled = before;
  }
}

/** How many grad-mode settings are in effect: a reverse-mode level remembers this when it starts. */
export function gradModeDepth(): number {
  return gradModes.length;
}

/** Whether a reverse-mode level started at grad-mode depth `depth` records now (no setting since, or on). */
export function gradEnabledSince(depth: number): boolean {
  return gradModes.length <= depth || gradEnabled;
}

/**
 * Runs `fn` without recording any autograd history (torch.no_grad) and returns its result: neither the
 * tape nor grad/vjp/jacrev differentiate through what fn computes. Nests with {@link enableGrad} (the
 * innermost wins); forward mode (jvp, jacfwd) ignores it, as torch's forward AD does. The scope ends when
 * fn returns, so work fn leaves to a promise runs outside it.
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/**
 * Runs `fn` with autograd recording switched back on (torch.enable_grad), e.g. inside a {@link noGrad}
 * scope; returns fn's result. The innermost of nested noGrad/enableGrad scopes wins.
 */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

/** Runs `fn` with autograd recording on or off as `enabled` says (torch.set_grad_enabled as a scope). */
export function setGradEnabled<T>(enabled: boolean, fn: () => T): T {
  if (typeof enabled !== "boolean") {
    throw new ArgumentError(`setGradEnabled: enabled must be true or false, got ${typeof enabled}`);
  }
  return withGradMode(enabled, fn);
}

// ---- observation (graph diagrams) ----

/** Called for each primitive evaluated eagerly: its name, operands, params and result. */
export type BindObserver = (name: string, inputs: readonly Tensor[], params: unknown, output: Tensor) => void;

const observers: BindObserver[] = [];

/**
 * Runs `fn` and calls `callback(primitiveName, inputs, params, output)` for every primitive it evaluates
 * eagerly (on concrete tensors, i.e. at the top level, not inside vmap/jvp/jacrev), in evaluation order.
 * Derived ops (softmax, norm...) show up as the primitives they are made of. Returns fn's result.
 */
export function observeBinds<T>(callback: BindObserver, fn: () => T): T {
  observers.push(callback);
  try {
    return fn();
  } finally {
    observers.splice(observers.lastIndexOf(callback), 1);
  }
}

/** Whether an observeBinds callback is listening. */
export function isObserved(): boolean {
  return observers.length > 0;
}

/**
 * Runs `fn` with the bind observers suspended: a custom call shows as one operation, and jit's tracing
 * (not the user's computation) is not shown.
 */
export function unobserved<T>(fn: () => T): T {
  const saved = observers.splice(0);
  try {
    return fn();
  } finally {
    observers.unshift(...saved);
  }
}

// ---- pass counter ----

/** How many forward passes (transform evaluations of f) and backward passes ran since start-up. */
export const passCounter = {
  /** Forward passes started so far. */
  forward: 0,
  /** Backward passes started so far. */
  backward: 0,
};

/**
 * Runs `fn` and returns how many forward and backward passes it ran, with its value. jacrev is one
 * forward and one backward pass; jacfwd one (batched) forward pass; a loop of n grads is n of each.
 * @example
 * ```ts
 * countPasses(() => jacrev(f)(x)); // { forward: 1, backward: 1, value: the Jacobian }
 * ```
 */
export function countPasses<T>(fn: () => T): {
  /** How many forward passes `fn` ran. */
  forward: number;
  /** How many backward passes `fn` ran. */
  backward: number;
  /** What `fn` returned. */
  value: T;
} {
  const f0 = passCounter.forward;
  const b0 = passCounter.backward;
  const value = fn();
  return { forward: passCounter.forward - f0, backward: passCounter.backward - b0, value };
}

// ---- bind ----

/** Applies primitive `p` to tensor operands with params: the single entry point of every operation. */
export function bind<P extends Primitive>(p: P, args: Tensor[], params: PrimitiveParams[P]): Tensor {
  let level = 0;
  for (let i = 0; i < args.length; i++) {
    const l = args[i]._level;
    if (l > 0 && !(args[i] as Tracer).main.active) {
      throw new TracerError(
        `${p}: argument ${i} is a tracer that escaped its transformation (a value computed inside ` +
          `vmap/jvp/grad was kept and used after the transformation returned)`,
      );
    }
    if (l > level) level = l;
  }
  if (level === 0) return evalPrimitive(p, args, params);
  return (stack[level] as MainTrace).trace.process(p, args, params);
}

function evalPrimitive<P extends Primitive>(p: P, args: Tensor[], params: PrimitiveParams[P]): Tensor {
  const out = (ruleTables().impl[p] as ImplRule<P>)(args, params);
  if (gradEnabled) {
    for (let i = 0; i < args.length; i++) {
      if (args[i].requiresGrad) {
        recordNode(p, args, params, out);
        break;
      }
    }
  }
  if (observers.length > 0) for (const ob of observers) ob(p, args, params, out);
  return out;
}

function recordNode<P extends Primitive>(
  p: P,
  args: Tensor[],
  params: PrimitiveParams[P],
  out: Tensor,
): void {
  const node: GradNode = {
    name: p,
    prim: p,
    params,
    inputs: args,
    parents: args.map((a) => (a.requiresGrad ? a : null)),
    primals: args,
    out,
    freed: false,
  };
  out.requiresGrad = true;
  out.gradFn = node;
}
