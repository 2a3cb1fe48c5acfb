// Sparsity detection as one more interpretation of the primitives: tracers carry, per element, the set of
// input indices it depends on (./index-sets.ts), and each primitive's rule (./rules/) maps operand sets to
// output sets. Global detection carries no values, so its pattern holds for every x; local detection also
// carries the values at this x, follows the branches taken there and drops derivatives that are zero by
// branch (relu below 0, the side of where/max not taken).
import { Tensor } from "../../tensor.js";
import { ArgumentError, InternalError, TracerError, fmtShape } from "../../errors.js";
import type { Primitive, PrimitiveParams } from "../../core/primitives.js";
import { MainTrace, Trace, Tracer, bind, withMain } from "../../core/trace.js";
import { sameShape } from "../../ops/util.js";
import { IndexSets, Workspace } from "./index-sets.js";
import type { SparsityOperand, SparsityRule, SparsityTable } from "./types.js";

let rules: SparsityTable | null = null;

/** Installs the table of sparsity rules; called once by src/setup.ts. */
export function installSparsityRules(table: SparsityTable): void {
  rules = table;
}

function sparsityRule<P extends Primitive>(p: P): SparsityRule<P> {
  if (rules === null) {
    throw new InternalError("the sparsity rules are not installed (import jaclab's index, or src/setup.js)");
  }
  return rules[p] as SparsityRule<P>;
}

/** A value inside sparsity detection: its dependency sets and, in local detection, its value (primal). */
export class SparsityTracer extends Tracer {
  constructor(
    main: MainTrace,
    shape: number[],
    /** Per element, the input indices it depends on (null: none). */
    readonly sets: IndexSets | null,
    /** The value at this x (local detection), or null (global detection). */
    readonly primal: Tensor | null,
  ) {
    super(main, shape);
  }

  private get detection(): SparsityTrace {
    return this.main.trace as SparsityTrace;
  }

  override _concreteData(): Float64Array {
    if (this.primal === null) throw this.detection.valueError(readerOfValues(), this);
    return this.primal.data;
  }

  override _tracedValues(): Float64Array | null {
    return this.primal === null ? null : (this.primal._data ?? this.primal._tracedValues());
  }

  override _detach(): Tensor {
    return this.primal === null
      ? new SparsityTracer(this.main, this.shape, null, null)
      : this.primal._detach();
  }

  override item(): number {
    if (this.primal === null) throw this.detection.valueError("item()", this);
    return super.item();
  }

  override toArray(): ReturnType<Tensor["toArray"]> {
    if (this.primal === null) throw this.detection.valueError("toArray()", this);
    return super.toArray();
  }

  /** `x > 0`, `if (x.item())`, `Number(x)`: a value the global pattern cannot know. */
  [Symbol.toPrimitive](hint: string): string {
    if (hint !== "string" && this.primal === null) {
      throw this.detection.valueError("a comparison or conversion to a number (e.g. `x > 0`)", this);
    }
    return this.toString();
  }
}

/** The interpretation: applies each primitive's sparsity rule (and, in local detection, the primitive). */
export class SparsityTrace extends Trace {
  readonly ws: Workspace;
  constructor(
    main: MainTrace,
    /** The public function doing the detection, for error messages ("sparsity", "sparseJacobian"...). */
    readonly op: string,
    readonly inputShape: readonly number[],
    readonly local: boolean,
    /** Called once per primitive traced (progress). */
    readonly onPrimitive: () => void = () => undefined,
  ) {
    super(main);
    let n = 1;
    for (const d of inputShape) n *= d;
    this.ws = new Workspace(n);
  }

  /** The error for reading a value during global detection, naming the operation and the shapes. */
  valueError(what: string, t: Tensor): TracerError {
    return new TracerError(
      `${this.op}: ${what} needs the values of a traced tensor of shape ${fmtShape(t.shape)} (f at x of ` +
        `shape ${fmtShape(this.inputShape)}), but global detection has no values: its pattern holds for ` +
        `every x. Pass { local: true } to detect the pattern at this x, following the branches it takes.`,
    );
  }

  process<P extends Primitive>(p: P, args: Tensor[], params: PrimitiveParams[P]): Tensor {
    this.onPrimitive();
    const level = this.main.level;
    const operands = new Array<SparsityOperand>(args.length);
    const primals = this.local ? new Array<Tensor>(args.length) : null;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a._level === level) {
        const tr = a as SparsityTracer;
        operands[i] = { shape: a.shape, sets: tr.sets, values: valuesOf(tr.primal) };
        if (primals !== null) primals[i] = tr.primal as Tensor;
      } else {
        operands[i] = { shape: a.shape, sets: null, values: valuesOf(a) };
        if (primals !== null) primals[i] = a;
      }
    }
    const out = primals === null ? null : bind(p, primals, params);
    const result = sparsityRule(p)(operands, params, { ws: this.ws, outValues: valuesOf(out) });
    if (out !== null && !sameShape(out.shape, result.shape)) {
      throw new InternalError(
        `sparsity rule of ${p} gave shape ${fmtShape(result.shape)}, the primitive ${fmtShape(out.shape)}`,
      );
    }
    const sets = result.sets !== null && result.sets.entries > 0 ? result.sets : null;
    if (sets !== null && sets.size !== sizeOfShape(result.shape)) {
      throw new InternalError(
        `sparsity rule of ${p} gave ${sets.size} sets for shape ${fmtShape(result.shape)}`,
      );
    }
    // A value that depends on no input is a constant: locally its value is all there is.
    if (sets === null && out !== null) return out;
    return new SparsityTracer(this.main, result.shape, sets, out);
  }
}

/**
 * What read a tracer's values, for the error message: item() or toArray() called on a tracer that wraps
 * this one (a grad inside hessianSparsity), else `.data` or an operation that needs values.
 */
function readerOfValues(): string {
  const stack = new Error().stack ?? "";
  if (/at \w+\.item \(/.test(stack)) return "item()";
  if (/at \w+\.toArray \(/.test(stack)) return "toArray()";
  return ".data (or an operation that reads values)";
}

function sizeOfShape(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** The values of a concrete tensor (null for a tracer of any transformation, or for null). */
function valuesOf(t: Tensor | null): Float64Array | null {
  return t !== null && t._level === 0 ? t.data : null;
}

/** What one detection found: the output's shape and, per output element, the inputs it depends on. */
export interface Detected {
  outShape: number[];
  /** One row per output element (flattened); null when the output depends on no input. */
  sets: IndexSets | null;
}

/**
 * Runs f once on a sparsity tracer standing for x (element j depends on input j) and returns the
 * dependency sets of its output. `op` names the calling function in errors.
 */
export function detect(
  op: string,
  f: (x: Tensor) => unknown,
  x: Tensor,
  local: boolean,
  onPrimitive?: () => void,
): Detected {
  return withMain(
    (main) => new SparsityTrace(main, op, x.shape, local, onPrimitive),
    (main) => {
      const input = new SparsityTracer(main, [...x.shape], IndexSets.identity(x.size), local ? x : null);
      const out = f(input);
      if (!(out instanceof Tensor)) {
        throw new ArgumentError(
          `${op}: f must return a Tensor, got ${out === null ? "null" : Array.isArray(out) ? "an array" : typeof out}`,
        );
      }
      const mine = out._level === main.level && (out as Tracer).main === main;
      return { outShape: [...out.shape], sets: mine ? (out as SparsityTracer).sets : null };
    },
  );
}
