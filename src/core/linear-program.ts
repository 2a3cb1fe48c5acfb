// Staging of linear maps: a trace level whose tracers stand for unknown tangents (or cotangents) and
// record every primitive applied to them, with the other operands captured as constants. The result, a
// LinearProgram, is evaluated on tangents (linearize's jvpFn) or transposed with the VJP rules (which,
// restricted to a linear operand, are that operand's transpose rules): linearize, linearTranspose, the
// reverse half of jacobian's "auto", and the JVP derived from a custom VJP.
import { Tensor } from "../tensor.js";
import { ArgumentError, ShapeError, TracerError, fmtShape } from "../errors.js";
import { Primitive, type PrimitiveParams, type VjpRule } from "./primitives.js";
import { MainTrace, Trace, Tracer, bind, ruleTables, withMain } from "./trace.js";
import { broadcastShapes, keptShape } from "./kernels.js";
import { jvpCore } from "./jvp.js";
import { add } from "../ops/elementwise.js";
import { zeros } from "../ops/create.js";

/** An unknown linear input (or a value computed linearly from one) while a linear program is staged. */
class StagedTracer extends Tracer {
  constructor(
    main: MainTrace,
    shape: number[],
    readonly slot: number,
  ) {
    super(main, shape);
  }
  override _concreteData(): Float64Array {
    throw new TracerError(
      "cannot read the values of a tangent while a linear map is being recorded (linearize, linearTranspose)",
    );
  }
  override _detach(): Tensor {
    return this;
  }
}

/**
 * A value stood in for by its shape only (no storage): what a transposed rule gets for the linear operand
 * it maps to, and for the output. A plain Tensor, so that no more classes pass through Tensor's constructor.
 */
function shapeOnly(shape: readonly number[]): Tensor {
  return new Tensor(null, [...shape]);
}

/** Which operands of a primitive may carry the linear input, and the output shape from operand shapes. */
interface LinearUse {
  ok: (staged: readonly boolean[]) => boolean;
  shape: (shapes: readonly number[][], params: never) => number[];
}

const first = (s: readonly boolean[]): boolean => s.every((x, i) => i === 0 || !x);
const any = (): boolean => true;
const exactlyOne = (s: readonly boolean[]): boolean => s.filter((x) => x).length === 1;
const same = (shapes: readonly number[][]): number[] => shapes[0];

function broadcastAll(shapes: readonly number[][]): number[] {
  let out: number[] = [];
  for (const s of shapes) {
    const b = broadcastShapes(out, s);
    if (b === null) throw new ShapeError(`cannot broadcast shapes ${shapes.map(fmtShape).join(" and ")}`);
    out = b;
  }
  return out;
}

function matmulShape([a, b]: readonly number[][], p: PrimitiveParams[Primitive.Matmul]): number[] {
  const m = p.transA ? a[a.length - 1] : a[a.length - 2];
  const n = p.transB ? b[b.length - 2] : b[b.length - 1];
  return [...broadcastAll([a.slice(0, -2), b.slice(0, -2)]), m, n];
}

// The primitives that are linear in some operands (the others constant); every JVP rule applies only
// these to tangents, and every VJP rule only these to cotangents.
const LINEAR: Partial<Record<Primitive, LinearUse>> = {
  [Primitive.Neg]: { ok: first, shape: same },
  [Primitive.Add]: { ok: any, shape: broadcastAll },
  [Primitive.Sub]: { ok: any, shape: broadcastAll },
  [Primitive.Mul]: { ok: exactlyOne, shape: broadcastAll },
  [Primitive.Div]: { ok: first, shape: broadcastAll },
  [Primitive.Where]: { ok: (s) => !s[0], shape: broadcastAll },
  [Primitive.Sum]: {
    ok: first,
    shape: ([x], { axes, keepdim }: PrimitiveParams[Primitive.Sum]) =>
      keepdim ? keptShape(x, axes) : x.filter((_, i) => !axes.includes(i)),
  },
  [Primitive.Reshape]: { ok: first, shape: (_s, p: PrimitiveParams[Primitive.Reshape]) => p.shape },
  [Primitive.Permute]: {
    ok: first,
    shape: ([x], p: PrimitiveParams[Primitive.Permute]) => p.perm.map((i) => x[i]),
  },
  [Primitive.BroadcastTo]: { ok: first, shape: (_s, p: PrimitiveParams[Primitive.BroadcastTo]) => p.shape },
  [Primitive.Slice]: { ok: first, shape: (_s, p: PrimitiveParams[Primitive.Slice]) => p.sizes },
  [Primitive.PadSlice]: { ok: first, shape: (_s, p: PrimitiveParams[Primitive.PadSlice]) => p.shape },
  [Primitive.Concat]: {
    ok: any,
    shape: (shapes, { axis }: PrimitiveParams[Primitive.Concat]) =>
      shapes[0].map((d, i) => (i === axis ? shapes.reduce((s, x) => s + x[axis], 0) : d)),
  },
  [Primitive.Gather]: { ok: first, shape: (shapes) => shapes[1] },
  [Primitive.ScatterAdd]: { ok: first, shape: (_s, p: PrimitiveParams[Primitive.ScatterAdd]) => p.shape },
  [Primitive.Matmul]: { ok: exactlyOne, shape: matmulShape as LinearUse["shape"] },
  [Primitive.Solve]: { ok: (s) => !s[0], shape: (shapes) => shapes[1] },
  [Primitive.TriangularSolve]: { ok: (s) => !s[0], shape: (shapes) => shapes[1] },
};

/** One recorded application: operands are slots (linear values) or constants. */
interface LinearNode {
  prim: Primitive;
  params: unknown;
  args: (number | Tensor)[];
  out: number;
}

class StageTrace extends Trace {
  readonly nodes: LinearNode[] = [];
  readonly slotShapes: number[][] = [];

  constructor(
    main: MainTrace,
    private readonly op: string,
    private readonly problem: string,
  ) {
    super(main);
  }

  newSlot(shape: number[]): StagedTracer {
    this.slotShapes.push(shape);
    return new StagedTracer(this.main, shape, this.slotShapes.length - 1);
  }

  process<P extends Primitive>(p: P, args: Tensor[], params: PrimitiveParams[P]): Tensor {
    // A custom function applied to a linear value is recorded as what it computes (its rules are about
    // derivatives, and the linear map needs only values): linear if the function's own code is.
    if (p === Primitive.CustomCall) return (params as PrimitiveParams[Primitive.CustomCall]).rule.call(args);
    const level = this.main.level;
    const staged = args.map((a) => a._level === level);
    const use = LINEAR[p];
    if (use === undefined || !use.ok(staged)) {
      throw new ArgumentError(
        `${this.op}: ${this.problem}: it applies ${p} to ` +
          `${staged.filter((s) => s).length > 1 ? "several values that depend" : "a value that depends"} on it ` +
          `(operand${staged.length > 1 ? "s" : ""} ${staged
            .map((s, i) => (s ? i : -1))
            .filter((i) => i >= 0)
            .join(", ")})`,
      );
    }
    const shape = use.shape(
      args.map((a) => a.shape),
      params as never,
    );
    const out = this.newSlot([...shape]);
    this.nodes.push({
      prim: p,
      params,
      args: args.map((a, i) => (staged[i] ? (a as StagedTracer).slot : a)),
      out: out.slot,
    });
    return out;
  }
}

/** The output of a linear program: a slot, a constant (independent of the input), or zero (null). */
type LinearOut = number | Tensor | null;

/** A recorded linear map from input leaves to output leaves: evaluate it, or evaluate its transpose. */
export class LinearProgram {
  constructor(
    private readonly nodes: readonly LinearNode[],
    private readonly slotShapes: readonly number[][],
    private readonly inputSlots: readonly number[],
    private readonly outputs: readonly LinearOut[],
    readonly inShapes: readonly number[][],
    readonly outShapes: readonly number[][],
  ) {}

  /** The map applied to `inputs` (shaped like the inputs): one value per output. */
  evaluate(inputs: readonly Tensor[]): Tensor[] {
    const env = new Array<Tensor | undefined>(this.slotShapes.length);
    this.inputSlots.forEach((s, i) => (env[s] = inputs[i]));
    for (const node of this.nodes) {
      const args = node.args.map((a) => (typeof a === "number" ? (env[a] as Tensor) : a));
      env[node.out] = bind(node.prim, args, node.params as never);
    }
    return this.outputs.map((o, k) =>
      o === null ? zeros([...this.outShapes[k]]) : typeof o === "number" ? (env[o] as Tensor) : o,
    );
  }

  /**
   * The transposed map applied to `cts` (shaped like the outputs): one value per input, in one sweep (the
   * callers that expose it as a backward pass count it in passCounter).
   */
  transpose(cts: readonly Tensor[]): Tensor[] {
    const vjpTable = ruleTables().vjp;
    const acc = new Array<Tensor | null>(this.slotShapes.length).fill(null);
    const accumulate = (slot: number, g: Tensor): void => {
      const have = acc[slot];
      acc[slot] = have === null ? g : add(have, g);
    };
    this.outputs.forEach((o, k) => {
      if (typeof o === "number") accumulate(o, cts[k]);
    });
    for (let j = this.nodes.length - 1; j >= 0; j--) {
      const node = this.nodes[j];
      const ct = acc[node.out];
      if (ct === null) continue;
      acc[node.out] = null;
      const needs = node.args.map((a) => typeof a === "number");
      const primals = node.args.map((a) => (typeof a === "number" ? shapeOnly(this.slotShapes[a]) : a));
      const rule = vjpTable[node.prim] as VjpRule<Primitive>;
      const outShape = [...this.slotShapes[node.out]];
      const got = rule(ct, primals, shapeOnly(outShape), node.params as never, needs);
      node.args.forEach((a, i) => {
        const g = got[i];
        if (typeof a === "number" && g !== null) accumulate(a, g);
      });
    }
    return this.inputSlots.map((s, i) => acc[s] ?? zeros([...this.inShapes[i]]));
  }
}

/** What a staged function returns: per output a value (null: zero) and its shape. */
export interface StagedOutputs {
  values: (Tensor | null)[];
  shapes: number[][];
}

/**
 * Records the linear function `fn` of tensors shaped `inShapes` (called once, on stand-ins): `op` names the
 * caller in errors, `problem` says what a non-linear operation means. `fn` may return values that do not
 * depend on its inputs (constants) or null (zero).
 */
export function stageLinear(
  op: string,
  inShapes: readonly number[][],
  fn: (inputs: Tensor[]) => StagedOutputs,
  problem = "the function is not linear in its input",
): LinearProgram {
  return withMain(
    (main) => new StageTrace(main, op, problem),
    (main) => {
      const trace = main.trace as StageTrace;
      const ins = inShapes.map((s) => trace.newSlot([...s]));
      const { values, shapes } = fn(ins);
      const level = main.level;
      const outputs: LinearOut[] = values.map((o) => {
        if (o === null) return null;
        if (o._level === level && (o as Tracer).main === main) return (o as StagedTracer).slot;
        return o;
      });
      return new LinearProgram(
        trace.nodes,
        trace.slotShapes,
        ins.map((t) => t.slot),
        outputs,
        inShapes,
        shapes.map((s) => [...s]),
      );
    },
  );
}

/**
 * One forward pass of `fn` at `primals` under forward mode with recorded (unknown) tangents: the output
 * primals, and the linear map from input tangents to output tangents (JAX's linearize).
 */
export function linearizeCore(
  op: string,
  fn: (inputs: Tensor[]) => Tensor[],
  primals: readonly Tensor[],
): { primalsOut: Tensor[]; program: LinearProgram } {
  let primalsOut: Tensor[] = [];
  const program = stageLinear(
    op,
    primals.map((p) => p.shape),
    (tangents) => {
      const r = jvpCore(fn, [...primals], tangents);
      primalsOut = r.primals;
      return { values: r.tangents, shapes: r.primals.map((p) => p.shape) };
    },
  );
  return { primalsOut, program };
}
