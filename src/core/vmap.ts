// Batching: batch tracers carry a value with a leading batch dim through every primitive's batching rule.
import type { Tensor } from "../tensor.js";
import { TracerError } from "../errors.js";
import type { BatchRule, Primitive, PrimitiveParams } from "./primitives.js";
import { MainTrace, Trace, Tracer, ruleTables, withMain } from "./trace.js";

/** A value inside a vmap: `val` holds all examples along dim 0; the tracer's shape is one example's. */
export class BatchTracer extends Tracer {
  constructor(
    main: MainTrace,
    readonly val: Tensor,
  ) {
    super(main, val.shape.slice(1));
  }
  override _concreteData(): Float64Array {
    throw new TracerError(
      "cannot read the values of a tensor inside vmap (each example is only known inside the batch); " +
        "return it from the function instead",
    );
  }
  override _detach(): Tensor {
    return new BatchTracer(this.main, this.val._detach());
  }
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
    const vals = new Array<Tensor>(args.length);
    const batched = new Array<boolean>(args.length);
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      batched[i] = a._level === level;
      vals[i] = batched[i] ? (a as BatchTracer).val : a;
    }
    const [out, outBatched] = (ruleTables().batch[p] as BatchRule<P>)(vals, batched, this.size, params);
    return outBatched ? new BatchTracer(this.main, out) : out;
  }
}

/**
 * Runs `fn` on batch tracers over `inputs` (each batched along dim 0 with `size` examples, or null for an
 * unbatched input given in `unbatched`) and returns each output with its batch dim at 0 (unbatched
 * outputs are broadcast by `broadcast`).
 */
export function vmapCore(
  fn: (inputs: Tensor[]) => Tensor[],
  inputs: Tensor[],
  batchedInputs: boolean[],
  size: number,
  broadcast: (t: Tensor, size: number) => Tensor,
): Tensor[] {
  return withMain(
    (main) => new BatchTrace(main, size),
    (main) => {
      const ins = inputs.map((x, i) => (batchedInputs[i] ? new BatchTracer(main, x) : x));
      const outs = fn(ins);
      return outs.map((o) =>
        o._level === main.level && (o as Tracer).main === main ? (o as BatchTracer).val : broadcast(o, size),
      );
    },
  );
}
