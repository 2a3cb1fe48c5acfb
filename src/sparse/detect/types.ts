// The sparsity interpretation's rule signature: from the operands' dependency sets (and their values where
// known) to the output's shape and sets. The families' rules (./rules/) are assembled into one total table,
// typed over every Primitive, by src/setup.ts, so a new primitive does not compile without its sparsity rule.
import type { Primitive, PrimitiveParams } from "../../core/primitives.js";
import type { IndexSets, Workspace } from "./index-sets.js";

/** One operand of a primitive as the sparsity rules see it. */
export interface SparsityOperand {
  readonly shape: readonly number[];
  /** Per element, the input indices it depends on; null when it depends on none (a constant). */
  readonly sets: IndexSets | null;
  /**
   * Its values when they are known: always for a concrete constant (valid for every x), and for traced
   * values only in local detection (valid at this x). A rule may drop a dependency whose derivative is
   * zero by these values (a factor of 0, the side `where` did not take...).
   */
  readonly values: Float64Array | null;
}

/** What a rule may use besides its operands. */
export interface SparsityContext {
  /** The marker array for unions over the inputs. */
  readonly ws: Workspace;
  /** The primitive's output values when known (local detection), e.g. to find the maximum's position. */
  readonly outValues: Float64Array | null;
}

/** A rule's answer: the output shape and, per output element, the inputs it depends on (null: none). */
export interface SparsityResult {
  shape: number[];
  sets: IndexSets | null;
}

/**
 * The sparsity rule of primitive P: a superset of the nonzero pattern of the output's Jacobian with
 * respect to the detection's inputs, given the operands' patterns (chain rule on patterns: an output
 * element depends on every input some operand element it reads depends on, unless the partial
 * derivative through that operand element is known to be zero).
 */
export type SparsityRule<P extends Primitive> = (
  args: SparsityOperand[],
  params: PrimitiveParams[P],
  ctx: SparsityContext,
) => SparsityResult;

/** The sparsity rules of a family F of primitives. */
export type SparsityRules<F extends Primitive> = { [P in F]: SparsityRule<P> };

/** The total table: a sparsity rule for every primitive. */
export type SparsityTable = { [P in Primitive]: SparsityRule<P> };
