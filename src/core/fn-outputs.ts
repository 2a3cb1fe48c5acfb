// The outputs of a user function inside a transform: its output tree flattened to leaves, followed (under
// `hasAux`) by the tensors of its aux, which the transform hands back undifferentiated.
import type { Tensor } from "../tensor.js";
import { GradError } from "../errors.js";
import { type Flat, flattenLoose, flattenTree, splitAux } from "./pytree.js";

/** Collects f's output (and aux) leaves on each call of f and rebuilds both structures afterwards. */
export class FnOutputs {
  private out: Flat | undefined;
  private aux: Flat | undefined;

  constructor(
    private readonly op: string,
    readonly hasAux: boolean,
  ) {}

  /** The leaves to return from the core interpreter's function: output leaves, then aux leaves. */
  leaves(result: unknown): Tensor[] {
    const [out, aux] = this.hasAux ? splitAux(this.op, result) : [result, undefined];
    this.out = flattenTree(out, `${this.op}: the output of f`);
    if (this.out.leaves.length === 0) {
      throw new GradError(
        `${this.op}: f returned no tensor (an empty output); there is nothing to differentiate`,
      );
    }
    this.aux = this.hasAux ? flattenLoose(aux) : undefined;
    return this.aux === undefined ? this.out.leaves : [...this.out.leaves, ...this.aux.leaves];
  }

  /** The flattened output of the last call (an error if f never ran). */
  get flat(): Flat {
    if (this.out === undefined) throw new GradError(`${this.op}: f was never called`);
    return this.out;
  }

  /** How many of the leaves are outputs (the rest are aux). */
  get count(): number {
    return this.flat.leaves.length;
  }

  /** The output leaves among `all` (the first `count`). */
  outputs<T>(all: readonly T[]): T[] {
    return all.slice(0, this.count);
  }

  /** The aux rebuilt from `all` (the leaves after the outputs), or undefined without hasAux. */
  rebuildAux(all: readonly Tensor[]): unknown {
    return this.aux === undefined ? undefined : this.aux.rebuild(all.slice(this.count));
  }
}
