// Functional reverse mode: a trace level whose tracers record tape nodes (like torch's autograd, but at
// their own level, so reverse mode nests inside and around jvp and vmap without confusion).
import type { GradNode, Tensor } from "../tensor.js";
import type { Primitive, PrimitiveParams } from "./primitives.js";
import {
  MainTrace,
  PrimalTracer,
  Trace,
  Tracer,
  bind,
  gradEnabledSince,
  gradModeDepth,
  withMain,
} from "./trace.js";

/** A value inside a vjp: its primal (lower level) and the node that produced it (null for an input). */
export class VjpTracer extends PrimalTracer {
  constructor(main: MainTrace, primal: Tensor) {
    super(main, primal);
    this.requiresGrad = true;
  }
}

class VjpTrace extends Trace {
  /** The grad-mode depth when this level started: noGrad scopes opened later stop its recording. */
  private readonly gradDepth = gradModeDepth();

  process<P extends Primitive>(p: P, args: Tensor[], params: PrimitiveParams[P]): Tensor {
    const level = this.main.level;
    if (!gradEnabledSince(this.gradDepth)) {
      // Under noGrad: a constant for this level, computed on the primals.
      return bind(
        p,
        args.map((a) => (a._level === level ? (a as VjpTracer).primal : a)),
        params,
      );
    }
    const primals = new Array<Tensor>(args.length);
    const parents = new Array<Tensor | null>(args.length);
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      const mine = a._level === level;
      primals[i] = mine ? (a as VjpTracer).primal : a;
      parents[i] = mine ? a : null;
    }
    const out = bind(p, primals, params);
    const tracer = new VjpTracer(this.main, out);
    const node: GradNode = { name: p, prim: p, params, inputs: args, parents, primals, out, freed: false };
    tracer.gradFn = node;
    return tracer;
  }
}

/** A recorded forward pass: input tracers, output values, and which outputs carry this level's tape. */
export interface VjpRecord {
  inputs: Tensor[];
  outputs: Tensor[];
  mine: boolean[];
  primalsOut: Tensor[];
}

/**
 * Runs `fn` on recording tracers over `primals` and returns the output primals together with the tracers
 * (inputs and outputs) that the backward engine needs to pull cotangents back.
 */
export function vjpRecord(fn: (inputs: Tensor[]) => Tensor[], primals: Tensor[]): VjpRecord {
  return withMain(
    (main) => new VjpTrace(main),
    (main) => {
      const inputs = primals.map((p) => new VjpTracer(main, p));
      const outputs = fn(inputs);
      const mine = outputs.map((o) => o._level === main.level && (o as Tracer).main === main);
      const primalsOut = outputs.map((o, i) => (mine[i] ? (o as VjpTracer).primal : o));
      return { inputs, outputs, mine, primalsOut };
    },
  );
}
