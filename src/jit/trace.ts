// Tracing for jit: a trace level whose tracers stand for the function's inputs and everything computed
// from them. Each primitive applied to them is recorded as an equation of a Program; the tracer also
// carries the value computed from the example inputs, which gives every shape (and the first call's
// result) without shape rules, but reading that value from user code is an error: the program must not
// depend on it. Operations on constants alone never reach this level: they run eagerly while tracing,
// which folds them (the one-hot seeds of jacrev and jacfwd, products with them, transposes of weights).
import type { Tensor } from "../tensor.js";
import { TracerError, fmtShape } from "../errors.js";
import type { ImplRule, Primitive, PrimitiveParams } from "../core/primitives.js";
import { MainTrace, Trace, Tracer, ruleTables, withMain } from "../core/trace.js";
import { Program, type Atom, type Eqn } from "./program.js";

/** A value inside jit: a variable of the program being traced. */
export class JitTracer extends Tracer {
  constructor(
    main: MainTrace,
    /** @internal The value for the example inputs (never shown to user code). */
    readonly example: Tensor,
    readonly id: number,
  ) {
    super(main, example.shape);
  }
  override _concreteData(): Float64Array {
    throw new TracerError(
      `jit: cannot read the values of a traced tensor (shape ${fmtShape(this.shape)}) with item(), toArray() ` +
        `or data: jit traces f once per input shape and replays the recorded operations, so f may not ` +
        `depend on the values; choose with where() instead of an if, or read the value outside the jitted function`,
    );
  }
  /** Stopping gradients is a no-op at this level (jit carries no derivatives of its own). */
  override _detach(): Tensor {
    return this;
  }
}

class JitTrace extends Trace {
  readonly eqns: Eqn[] = [];
  readonly shapes: number[][] = [];
  private readonly consts = new Map<Tensor, Atom>();

  variable(example: Tensor): JitTracer {
    this.shapes.push(example.shape);
    return new JitTracer(this.main, example, this.shapes.length - 1);
  }

  atom(t: Tensor): Atom {
    if (t._level === this.main.level) return { kind: "var", id: (t as JitTracer).id };
    if (t._level !== 0) {
      throw new TracerError(
        "jit: internal: an operand belongs to another transformation (jit traces only at the top level)",
      );
    }
    let a = this.consts.get(t);
    if (a === undefined) {
      a = { kind: "const", value: t };
      this.consts.set(t, a);
    }
    return a;
  }

  process<P extends Primitive>(p: P, args: Tensor[], params: PrimitiveParams[P]): Tensor {
    const level = this.main.level;
    const values = args.map((a) => (a._level === level ? (a as JitTracer).example : a));
    const inputs = args.map((a) => this.atom(a));
    const out = (ruleTables().impl[p] as ImplRule<P>)(values, params);
    const tracer = this.variable(out);
    this.eqns.push({ prim: p, params, inputs, out: tracer.id });
    return tracer;
  }
}

/** What tracing returns: the program, and the outputs' values for the example inputs. */
export interface Traced {
  program: Program;
  values: Tensor[];
}

/**
 * Traces `fn` on tracers standing for `inputs` (concrete tensors; no transformation may be active) and
 * returns the program it applies, with the outputs it computed for these inputs.
 */
export function traceProgram(fn: (ins: Tensor[]) => Tensor[], inputs: readonly Tensor[]): Traced {
  return withMain(
    (main) => new JitTrace(main),
    (main) => {
      const trace = main.trace as JitTrace;
      const ins = inputs.map((x) => trace.variable(x));
      const outs = fn(ins);
      const outputs = outs.map((o) => trace.atom(o));
      const values = outs.map((o) => (o._level === main.level ? (o as JitTracer).example : o));
      const program = new Program(
        ins.map((t) => t.id),
        trace.eqns,
        outputs,
        trace.shapes,
      );
      return { program, values };
    },
  );
}
