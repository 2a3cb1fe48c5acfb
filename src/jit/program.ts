// The IR that jit traces a function into: a straight-line list of primitive applications (equations) over
// numbered variables of known shapes, with constants (tensors captured from outside, or folded while
// tracing) held by reference. What jit replays, and what graph() draws for a jitted function.
import type { Tensor } from "../tensor.js";
import type { Primitive } from "../core/primitives.js";
import { bind } from "../core/trace.js";
import { fmtShape } from "../errors.js";
import { displaySymbol, tensorText, type MimeBundle } from "../render/index.js";

/** An operand of an equation: a variable of the program, or a constant tensor. */
export type Atom =
  | {
      /** A variable. */
      kind: "var";
      /** Its number (its shape is `program.shapes[id]`). */
      id: number;
    }
  | {
      /** A constant: a tensor captured from outside, or folded while tracing. */
      kind: "const";
      /** The constant's value. */
      value: Tensor;
    };

/** One primitive application: `out = prim(inputs; params)`. */
export interface Eqn {
  /** The primitive applied. */
  prim: Primitive;
  /** Its params (the metadata of the application, as `bind` takes them). */
  params: unknown;
  /** Its operands. */
  inputs: Atom[];
  /** The variable it defines. */
  out: number;
}

/** A traced function: its input variables, equations in evaluation order, and outputs. */
export class Program {
  constructor(
    /** The variable of each input leaf, in order. */
    readonly inputs: number[],
    /** The equations, in evaluation order. */
    readonly eqns: Eqn[],
    /** What the program returns, one atom per output leaf. */
    readonly outputs: Atom[],
    /** The shape of each variable, by id. */
    readonly shapes: number[][],
  ) {}

  /** The equations that the outputs depend on, in the same order (dead code removed). */
  live(): Program {
    const needed = new Set<number>();
    for (const o of this.outputs) if (o.kind === "var") needed.add(o.id);
    const kept: Eqn[] = [];
    for (let i = this.eqns.length - 1; i >= 0; i--) {
      const e = this.eqns[i];
      if (!needed.has(e.out)) continue;
      kept.push(e);
      for (const a of e.inputs) if (a.kind === "var") needed.add(a.id);
    }
    return new Program(this.inputs, kept.reverse(), this.outputs, this.shapes);
  }

  /**
   * Runs the program one primitive at a time through `bind`, like eager code: under transformations,
   * with autograd, and observable (graph() draws a jitted function this way).
   */
  evaluate(inputs: readonly Tensor[]): Tensor[] {
    const env = new Map<number, Tensor>();
    this.inputs.forEach((id, i) => env.set(id, inputs[i]));
    const value = (a: Atom) => (a.kind === "const" ? a.value : (env.get(a.id) as Tensor));
    for (const e of this.eqns) env.set(e.out, bind(e.prim, e.inputs.map(value), e.params as never));
    return this.outputs.map(value);
  }

  /** A readable listing, one equation per line, in the style of a JAX jaxpr. */
  toString(): string {
    const name = (a: Atom) => (a.kind === "var" ? `v${a.id}` : constName(a.value));
    const typed = (id: number) => `v${id}:${fmtShape(this.shapes[id])}`;
    const lines = [`{ lambda ${this.inputs.map(typed).join(", ")} .`];
    for (const e of this.eqns) {
      const params = fmtParams(e.params);
      lines.push(`    ${typed(e.out)} = ${e.prim}${params} ${e.inputs.map(name).join(" ")}`);
    }
    lines.push(`  in (${this.outputs.map(name).join(", ")}) }`);
    return lines.join("\n");
  }

  /** Shown as the listing in a notebook. */
  [displaySymbol](): MimeBundle {
    return { "text/plain": this.toString() };
  }
}

function constName(t: Tensor): string {
  // The values as the tensor prints them, without `tensor(` and `)`.
  if (t.size <= 4) return tensorText(t, { shape: false }).slice("tensor(".length, -1).replace(/\s+/g, " ");
  return `const${fmtShape(t.shape)}`;
}

function fmtParams(params: unknown): string {
  if (params === null || typeof params !== "object") return "";
  const entries = Object.entries(params as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return "";
  return `[${entries.map(([k, v]) => `${k}=${Array.isArray(v) ? fmtShape(v as number[]) : String(v)}`).join(", ")}]`;
}
