// Forward mode: JVP tracers carry a primal and a tangent (null = zero) through every primitive.
import type { Tensor } from "../tensor.js";
import type { JvpRule, Primitive, PrimitiveParams } from "./primitives.js";
import { MainTrace, PrimalTracer, Trace, Tracer, bind, ruleTables, withMain } from "./trace.js";

/** A value inside a jvp: its primal (lower level) and its tangent (null when zero). */
export class JvpTracer extends PrimalTracer {
  constructor(
    main: MainTrace,
    primal: Tensor,
    readonly tangent: Tensor | null,
  ) {
    super(main, primal);
  }
}

class JvpTrace extends Trace {
  process<P extends Primitive>(p: P, args: Tensor[], params: PrimitiveParams[P]): Tensor {
    const level = this.main.level;
    const primals = new Array<Tensor>(args.length);
    const tangents = new Array<Tensor | null>(args.length);
    let any = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a._level === level) {
        const tr = a as JvpTracer;
        primals[i] = tr.primal;
        tangents[i] = tr.tangent;
        if (tr.tangent !== null) any = true;
      } else {
        primals[i] = a;
        tangents[i] = null;
      }
    }
    const out = bind(p, primals, params);
    if (!any) return out;
    const t = (ruleTables().jvp[p] as JvpRule<P>)(primals, tangents, out, params);
    return t === null ? out : new JvpTracer(this.main, out, t);
  }
}

/**
 * Runs `fn` on JVP tracers built from `primals` and `tangents` (same shapes) and returns, for each output
 * leaf, its primal and its tangent (null when the output does not depend on the inputs).
 */
export function jvpCore(
  fn: (inputs: Tensor[]) => Tensor[],
  primals: Tensor[],
  tangents: Tensor[],
): { primals: Tensor[]; tangents: (Tensor | null)[] } {
  return withMain(
    (main) => new JvpTrace(main),
    (main) => {
      const ins = primals.map((p, i) => new JvpTracer(main, p, tangents[i]));
      const outs = fn(ins);
      const outPrimals: Tensor[] = [];
      const outTangents: (Tensor | null)[] = [];
      for (const o of outs) {
        if (o._level === main.level && (o as Tracer).main === main) {
          outPrimals.push((o as JvpTracer).primal);
          outTangents.push((o as JvpTracer).tangent);
        } else {
          outPrimals.push(o);
          outTangents.push(null);
        }
      }
      return { primals: outPrimals, tangents: outTangents };
    },
  );
}
