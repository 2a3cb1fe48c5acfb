// Batching: batch tracers carry a value with a leading batch dim through every primitive's batching rule.
// A batched value may also be structured (a SparseBatch: one-hot seeds and what rules make of them); the
// structured rules (injected by src/setup.ts) handle it where they can, else the dense rule sees it dense.
import type { Tensor } from "../tensor.js";
import { TracerError } from "../errors.js";
import type { BatchRule, Primitive, PrimitiveParams } from "./primitives.js";
import { MainTrace, Trace, Tracer, ruleTables, withMain } from "./trace.js";
import { SparseBatch } from "./sparse-batch.js";
import {
  type RandomScope,
  type Randomness,
  scopeOwnedBy,
  withRandomScope,
  withScopeReplaced,
} from "./randomness.js";

/** A structured batching rule: the batched result, or null when the dense rule should run instead. */
export type StructuredBatchRule = (
  vals: (Tensor | SparseBatch)[],
  batched: boolean[],
  size: number,
  params: never,
) => Tensor | SparseBatch | null;

let structuredRules: { [P in Primitive]?: StructuredBatchRule } = {};

/** Installs the structured batching rules; called once by src/setup.ts. */
export function installStructuredBatchRules(rules: { [P in Primitive]?: StructuredBatchRule }): void {
  structuredRules = rules;
}

/** A value inside a vmap: `val` holds all examples (along dim 0 when dense); the tracer's shape is one example's. */
export class BatchTracer extends Tracer {
  constructor(
    main: MainTrace,
    readonly val: Tensor | SparseBatch,
  ) {
    super(main, val instanceof SparseBatch ? [...val.shape] : val.shape.slice(1));
  }
  /** The batch as a dense tensor [size, ...shape]. */
  dense(): Tensor {
    return this.val instanceof SparseBatch ? this.val.dense() : this.val;
  }
  override _concreteData(): Float64Array {
    throw new TracerError(
      "cannot read the values of a tensor inside vmap (each example is only known inside the batch); " +
        "return it from the function instead",
    );
  }
  override _detach(): Tensor {
    const v = this.val;
    return new BatchTracer(
      this.main,
      v instanceof SparseBatch ? v.with(v.rows, v.cols, v.vals._detach()) : v._detach(),
    );
  }
}

/** The trace whose batching rule is running (innermost), so that a rule can find its vmap's scope. */
let batching: MainTrace | undefined;

/**
 * The randomness scope of the vmap whose batching rule is running now (undefined outside batching rules
 * and for vmaps without a randomness, such as the transforms' own basis batches).
 */
export function batchingRandomScope(): RandomScope | undefined {
  return batching === undefined ? undefined : scopeOwnedBy(batching);
}

class BatchTrace extends Trace {
  constructor(
    main: MainTrace,
    readonly size: number,
  ) {
    super(main);
  }
  process<P extends Primitive>(p: P, args: Tensor[], params: PrimitiveParams[P]): Tensor {
    const level = this.main.level;
    const vals = new Array<Tensor | SparseBatch>(args.length);
    const batched = new Array<boolean>(args.length);
    let structured = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      batched[i] = a._level === level;
      const v = batched[i] ? (a as BatchTracer).val : a;
      if (v instanceof SparseBatch) structured = true;
      vals[i] = v;
    }
    const outer = batching;
    batching = this.main;
    try {
      if (structured) {
        const result = structuredRules[p]?.(vals, batched, this.size, params as never) ?? null;
        if (result !== null) return new BatchTracer(this.main, result);
        for (let i = 0; i < vals.length; i++) {
          const v = vals[i];
          if (v instanceof SparseBatch) vals[i] = v.dense();
        }
      }
      const rule = ruleTables().batch[p] as BatchRule<P>;
      const [out, outBatched] = rule(vals as Tensor[], batched, this.size, params);
      return outBatched ? new BatchTracer(this.main, out) : out;
    } finally {
      batching = outer;
    }
  }
}

/**
 * Runs `fn` on batch tracers over `inputs` (each batched along dim 0 with `size` examples, or a structured
 * batch, where `batchedInputs` says so; others are passed as they are) and returns each output dense,
 * with its batch dim at 0 (unbatched outputs are broadcast by `broadcast`). With `randomness`, random
 * constructors inside fn follow it (a user's vmap); without, they draw as if outside (the transforms' own
 * batches of basis vectors). With `{ standsFor }` (a batching rule re-running user code), this vmap takes
 * that user vmap's scope's place.
 */
export function vmapCore(...args: Parameters<typeof vmapCoreStructured>): Tensor[] {
  return vmapCoreStructured(...args).map((o) => (o instanceof SparseBatch ? o.dense() : o));
}

/** Like {@link vmapCore}, but structured outputs are returned as they are (for the caller to lay out). */
export function vmapCoreStructured(
  fn: (inputs: Tensor[]) => Tensor[],
  inputs: (Tensor | SparseBatch)[],
  batchedInputs: boolean[],
  size: number,
  broadcast: (t: Tensor, size: number) => Tensor,
  randomness?: Randomness | { standsFor: RandomScope },
): (Tensor | SparseBatch)[] {
  return withMain(
    (main) => new BatchTrace(main, size),
    (main) => {
      const ins = inputs.map((x, i) =>
        batchedInputs[i] || x instanceof SparseBatch ? new BatchTracer(main, x) : x,
      );
      const wrap = (val: Tensor): Tensor => new BatchTracer(main, val);
      const run = (): Tensor[] => fn(ins);
      const outs =
        randomness === undefined
          ? run()
          : typeof randomness === "string"
            ? withRandomScope({ randomness, size, wrap, owner: main }, run)
            : withScopeReplaced(
                randomness.standsFor,
                { ...randomness.standsFor, size, wrap, owner: main },
                run,
              );
      return outs.map((o) =>
        o._level === main.level && (o as Tracer).main === main ? (o as BatchTracer).val : broadcast(o, size),
      );
    },
  );
}
