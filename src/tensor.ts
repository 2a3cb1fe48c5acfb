// The Tensor class: float64 storage, a shape, torch-style autograd fields, and method sugar over the ops.
import type * as Ops from "./ops/index.js";
import type { backwardFrom } from "./core/backward.js";
import type { Primitive } from "./core/primitives.js";
import { GradError, InternalError, ShapeError, TracerError, fmtShape } from "./errors.js";
import { displaySymbol, tensorBundle, tensorText, type MimeBundle } from "./render/index.js";

/** Something usable as an operand: a tensor or a plain number (a scalar). */
export type TensorLike = Tensor | number;

/** A dimension argument: one axis, several, or all of them when omitted. */
export type Dims = number | number[];

/**
 * A node of the autograd tape, as `tensor.gradFn` exposes it (read-only): the primitive that produced the
 * tensor, its params, and its parents (`inputs`, leaves included).
 */
export interface GradNode {
  /** The primitive's name, e.g. "mul". */
  readonly name: string;
  /** The primitive this node applied. */
  readonly prim: Primitive;
  /** The primitive's params (see PrimitiveParams). */
  readonly params: unknown;
  /** The operands as the caller passed them (tensors that may have their own `gradFn`). */
  readonly inputs: readonly Tensor[];
  /** For each operand: the tensor to propagate the gradient into, or null when it takes none. */
  readonly parents: readonly (Tensor | null)[];
  /** Values handed to the VJP rule (released after a backward pass without retainGraph). */
  primals: Tensor[];
  /** The primal output value. */
  out: Tensor | null;
  /** Set once a backward pass without retainGraph has released the saved values. */
  freed: boolean;
}

/** What the Tensor methods call: the ops, and the torch-style backward entry point. */
export type TensorOps = typeof Ops & { backwardFrom: typeof backwardFrom };

let ops: TensorOps | undefined;

/** Called once by src/setup.ts so that Tensor methods can reach the ops without an import cycle. */
export function installTensorOps(table: TensorOps): void {
  ops = table;
}

function op(): TensorOps {
  if (ops === undefined) {
    throw new InternalError("tensor ops are not installed (import jaclab's index, or src/setup.js, first)");
  }
  return ops;
}

/**
 * An n-dimensional array of float64 values in contiguous row-major order, with torch-style autograd.
 * Create one with `tensor(...)`, `zeros(...)`, `randn(...)` and friends.
 */
export class Tensor {
  // The fields are declared here and set in the constructor rather than written as class fields: class
  // field definitions run in a per-class initializer whose define-property stores turn slow (several µs per
  // object in V8 11) once more than four classes of tensors (the tracers) have gone through it.
  /** The size of each dimension. Do not mutate. */
  declare readonly shape: number[];
  /** @internal Storage, or null for a tracer (whose values live in the transformation). */
  declare _data: Float64Array | null;
  /** @internal The trace level: 0 for a concrete tensor. */
  declare _level: number;
  /** Whether operations on this tensor are recorded for backward(). */
  declare requiresGrad: boolean;
  /** The gradient accumulated by backward() (leaves only). */
  declare grad: Tensor | null;
  /** The tape node that produced this tensor, or null for a leaf / a tensor outside autograd. */
  declare gradFn: GradNode | null;
  /** @internal Backward-sweep bookkeeping (epochs of the sweep that saw, needed, targeted, reached it). */
  declare _bwSeen: number;
  /** @internal */
  declare _bwNeeded: number;
  /** @internal */
  declare _bwTarget: number;
  /** @internal */
  declare _bwCt: number;
  /** @internal The cotangent accumulated during the current backward sweep. */
  declare _ct: Tensor | null;
  /** @internal Gradient hooks (registerHook), run on this tensor's complete gradient in each backward. */
  declare _hooks: GradHook[] | null;
  /** @internal Set by retainGrad(): a non-leaf that keeps its gradient in `.grad`. */
  declare _retainsGrad: boolean;

  constructor(data: Float64Array | null, shape: number[]) {
    this._data = data;
    this.shape = shape;
    this._level = 0;
    this.requiresGrad = false;
    this.grad = null;
    this.gradFn = null;
    this._bwSeen = 0;
    this._bwNeeded = 0;
    this._bwTarget = 0;
    this._bwCt = 0;
    this._ct = null;
    this._hooks = null;
    this._retainsGrad = false;
  }

  /** The values in row-major order (shared storage: do not mutate unless you own the tensor). */
  get data(): Float64Array {
    return this._data ?? this._concreteData();
  }

  /** @internal Values of a tracer; concrete tensors never get here. */
  _concreteData(): Float64Array {
    throw new TracerError("this tensor has no values of its own");
  }

  /** @internal The values behind a tracer when it has them (jvp/grad), else null (vmap). */
  _tracedValues(): Float64Array | null {
    return null;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    let n = 1;
    for (const d of this.shape) n *= d;
    return n;
  }

  /** True for a tensor created by the user (not by an op) or one outside autograd. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** The values as nested arrays (a number for a 0-d tensor). */
  toArray(): number | NestedArray {
    const data = this.data;
    if (this.shape.length === 0) return data[0];
    const build = (dim: number, offset: number): NestedArray => {
      const n = this.shape[dim];
      const out: NestedArray = [];
      if (dim === this.shape.length - 1) {
        for (let i = 0; i < n; i++) out.push(data[offset + i]);
        return out;
      }
      let stride = 1;
      for (let d = dim + 1; d < this.shape.length; d++) stride *= this.shape[d];
      for (let i = 0; i < n; i++) out.push(build(dim + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /** JSON form: the nested arrays of toArray() (so JSON.stringify(t) prints the values). */
  toJSON(): number | NestedArray {
    return this.toArray();
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError(`item: tensor of shape ${fmtShape(this.shape)} has ${this.size} elements, not 1`);
    }
    return this.data[0];
  }

  /** A readable rendering like PyTorch's: `tensor([[1., 2.], [3., 4.]])`. */
  toString(): string {
    if (this._data === null) {
      // A jvp/grad tracer knows its primal values; a vmap tracer stands for a whole batch.
      const values = this._tracedValues();
      const shape = fmtShape(this.shape);
      if (values === null) return `Tracer(shape=${shape})`;
      return tensorText({ shape: this.shape, data: values }, { prefix: "Tracer", shape: false });
    }
    return tensorText(this, { shape: false, fields: this._autogradFields() });
  }

  /**
   * @internal The autograd state shown after the values, like PyTorch's `grad_fn=<MulBackward0>` and
   * `requires_grad=True`: the producing primitive for a non-leaf, `requiresGrad=true` for a leaf.
   */
  _autogradFields(): string[] {
    if (this.gradFn !== null) return [`gradFn=<${this.gradFn.name}>`];
    return this.requiresGrad ? ["requiresGrad=true"] : [];
  }

  /** The MIME bundle a notebook shows for this tensor (its text/plain names its autograd state too). */
  [displaySymbol](): MimeBundle {
    if (this._data === null) return { "text/plain": this.toString() };
    return tensorBundle(this, { fields: this._autogradFields() });
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // ---- autograd ----

  /** Sets requiresGrad in place (leaves only) and returns this tensor. */
  requiresGrad_(flag = true): this {
    this._refuseInsideTransform("requiresGrad_");
    if (!flag && this.gradFn !== null) {
      throw new GradError("requiresGrad_: cannot clear requiresGrad on a non-leaf tensor; use detach()");
    }
    this.requiresGrad = flag;
    return this;
  }

  /**
   * Accumulates d(this)/d(leaf) · gradient into every leaf's `.grad` (gradient defaults to 1 for a scalar),
   * or only into the `.grad` of `opts.inputs` (leaves or not) when given, as torch's backward.
   */
  backward(gradient?: TensorLike, opts?: BackwardOptions): void {
    op().backwardFrom(this, gradient, opts);
  }

  /**
   * Keeps this non-leaf tensor's gradient in `.grad` during every backward pass through it (summed over
   * passes, like a leaf's), as torch's retain_grad. A leaf keeps its gradient anyway.
   */
  retainGrad(): void {
    this._refuseInsideTransform("retainGrad");
    if (!this.requiresGrad) {
      throw new GradError("retainGrad: the tensor does not require grad, so no gradient will reach it");
    }
    this._retainsGrad = true;
  }

  /** Whether this tensor keeps its gradient in `.grad` (leaves that require grad, and retainGrad). */
  get retainsGrad(): boolean {
    return this._retainsGrad;
  }

  /**
   * Calls `hook(grad)` with this tensor's gradient each time a backward pass (backward, autograd.grad)
   * computes it; a returned tensor replaces the gradient for the rest of the pass (and for a leaf's
   * `.grad`). Returns a handle whose `remove()` unregisters the hook.
   */
  registerHook(hook: GradHook): HookHandle {
    this._refuseInsideTransform("registerHook");
    if (typeof hook !== "function") {
      throw new GradError(`registerHook: the hook must be a function, got ${typeof hook}`);
    }
    if (!this.requiresGrad) {
      throw new GradError("registerHook: cannot register a hook on a tensor that does not require grad");
    }
    (this._hooks ??= []).push(hook);
    return {
      remove: () => {
        const i = this._hooks?.indexOf(hook) ?? -1;
        if (i >= 0) this._hooks?.splice(i, 1);
        if (this._hooks?.length === 0) this._hooks = null;
      },
    };
  }

  /** @internal torch-style autograd state belongs to concrete tensors: refuse it on a transform's value. */
  _refuseInsideTransform(op: string): void {
    if (this._level > 0) {
      throw new GradError(
        `${op}: not supported on a value inside a function transform (grad, vjp, jvp, vmap, jacrev...); ` +
          `the transforms differentiate their arguments themselves (use argnums), as torch.func refuses it too`,
      );
    }
  }

  /** A tensor sharing this one's values, cut from the autograd graph (and from jvp/grad tracing). */
  detach(): Tensor {
    return this._detach();
  }

  /** @internal Stop-gradient, overridden by tracers (a batched value stays batched). */
  _detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /** A copy with its own storage (differentiable). */
  clone(): Tensor {
    return op().clone(this);
  }

  // ---- elementwise ----
  /** this + u (broadcasting). */
  add(u: TensorLike): Tensor {
    return op().add(this, u);
  }
  /** this - u (broadcasting). */
  sub(u: TensorLike): Tensor {
    return op().sub(this, u);
  }
  /** this * u (broadcasting). */
  mul(u: TensorLike): Tensor {
    return op().mul(this, u);
  }
  /** this / u (broadcasting). */
  div(u: TensorLike): Tensor {
    return op().div(this, u);
  }
  /** this ** u (broadcasting). */
  pow(u: TensorLike): Tensor {
    return op().pow(this, u);
  }
  /** Elementwise larger of this and u. */
  maximum(u: TensorLike): Tensor {
    return op().maximum(this, u);
  }
  /** Elementwise smaller of this and u. */
  minimum(u: TensorLike): Tensor {
    return op().minimum(this, u);
  }
  /** -this. */
  neg(): Tensor {
    return op().neg(this);
  }
  /** e^this. */
  exp(): Tensor {
    return op().exp(this);
  }
  /** Natural log. */
  log(): Tensor {
    return op().log(this);
  }
  /** log(1 + this), accurate near 0. */
  log1p(): Tensor {
    return op().log1p(this);
  }
  /** Sine. */
  sin(): Tensor {
    return op().sin(this);
  }
  /** Cosine. */
  cos(): Tensor {
    return op().cos(this);
  }
  /** Tangent. */
  tan(): Tensor {
    return op().tan(this);
  }
  /** Hyperbolic tangent. */
  tanh(): Tensor {
    return op().tanh(this);
  }
  /** 1 / (1 + e^-this). */
  sigmoid(): Tensor {
    return op().sigmoid(this);
  }
  /** max(this, 0). */
  relu(): Tensor {
    return op().relu(this);
  }
  /** log(1 + e^this), computed stably. */
  softplus(): Tensor {
    return op().softplus(this);
  }
  /** |this|. */
  abs(): Tensor {
    return op().abs(this);
  }
  /** Square root. */
  sqrt(): Tensor {
    return op().sqrt(this);
  }
  /** this * this. */
  square(): Tensor {
    return op().square(this);
  }
  /** -1, 0 or 1 by sign. */
  sign(): Tensor {
    return op().sign(this);
  }
  /** 1 where this < u, else 0. */
  lt(u: TensorLike): Tensor {
    return op().lt(this, u);
  }
  /** 1 where this <= u, else 0. */
  le(u: TensorLike): Tensor {
    return op().le(this, u);
  }
  /** 1 where this > u, else 0. */
  gt(u: TensorLike): Tensor {
    return op().gt(this, u);
  }
  /** 1 where this >= u, else 0. */
  ge(u: TensorLike): Tensor {
    return op().ge(this, u);
  }
  /** 1 where this == u, else 0. */
  eq(u: TensorLike): Tensor {
    return op().eq(this, u);
  }
  /** 1 where this != u, else 0. */
  ne(u: TensorLike): Tensor {
    return op().ne(this, u);
  }

  // ---- linear algebra ----
  /** Matrix product with NumPy/torch rules (1-D operands, broadcast batch dims). */
  matmul(u: Tensor): Tensor {
    return op().matmul(this, u);
  }

  // ---- reductions ----
  /** Sum over `dim` (all dims when omitted). */
  sum(dim?: Dims, keepdim = false): Tensor {
    return op().sum(this, dim, keepdim);
  }
  /** Mean over `dim` (all dims when omitted). */
  mean(dim?: Dims, keepdim = false): Tensor {
    return op().mean(this, dim, keepdim);
  }
  /** Product over `dim` (all dims when omitted). */
  prod(dim?: Dims, keepdim = false): Tensor {
    return op().prod(this, dim, keepdim);
  }
  /**
   * Maximum over `dim` (all dims when omitted): the values only (for indices use argmax); tied maxima
   * share the gradient equally, as torch.amax.
   */
  max(dim?: Dims, keepdim = false): Tensor {
    return op().max(this, dim, keepdim);
  }
  /** Minimum over `dim` (all dims when omitted): the values only; tied minima share the gradient. */
  min(dim?: Dims, keepdim = false): Tensor {
    return op().min(this, dim, keepdim);
  }
  /** torch.amax: maximum over `dim`, the gradient shared equally among ties. */
  amax(dim?: Dims, keepdim = false): Tensor {
    return op().amax(this, dim, keepdim);
  }
  /** torch.amin: minimum over `dim`, the gradient shared equally among ties. */
  amin(dim?: Dims, keepdim = false): Tensor {
    return op().amin(this, dim, keepdim);
  }
  /** This tensor limited to [min, max] (either bound may be null); see the free function clamp. */
  clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor {
    return op().clamp(this, min, max);
  }
  /** Index of the largest entry along `dim` (all elements flattened when omitted). */
  argmax(dim?: number, keepdim = false): Tensor {
    return op().argmax(this, dim, keepdim);
  }
  /** Index of the smallest entry along `dim` (all elements flattened when omitted). */
  argmin(dim?: number, keepdim = false): Tensor {
    return op().argmin(this, dim, keepdim);
  }
  /** log(sum(exp(this))) over `dim`, computed stably. */
  logsumexp(dim?: Dims, keepdim = false): Tensor {
    return op().logsumexp(this, dim, keepdim);
  }
  /** p-norm over `dim` (Euclidean over all elements by default). */
  norm(p = 2, dim?: Dims, keepdim = false): Tensor {
    return op().norm(this, p, dim, keepdim);
  }
  /** Softmax along `dim`. */
  softmax(dim: number): Tensor {
    return op().softmax(this, dim);
  }
  /** log(softmax) along `dim`, computed stably. */
  logSoftmax(dim: number): Tensor {
    return op().logSoftmax(this, dim);
  }

  // ---- shape ----
  /** Same values, new shape (one entry may be -1). */
  reshape(...shape: (number | number[])[]): Tensor {
    return op().reshape(this, shape.flat());
  }
  /** Alias of reshape. */
  view(...shape: (number | number[])[]): Tensor {
    return op().reshape(this, shape.flat());
  }
  /** Swaps two dims. */
  transpose(dim0 = 0, dim1 = 1): Tensor {
    return op().transpose(this, dim0, dim1);
  }
  /** Reverses the dims (the matrix transpose for 2-D). */
  get T(): Tensor {
    return op().permute(
      this,
      this.shape.map((_, i) => this.shape.length - 1 - i),
    );
  }
  /** Reorders the dims: out.shape[i] = this.shape[dims[i]]. */
  permute(...dims: (number | number[])[]): Tensor {
    return op().permute(this, dims.flat());
  }
  /** Broadcasts to a larger shape (-1 keeps a dim). */
  expand(...shape: (number | number[])[]): Tensor {
    return op().expand(this, shape.flat());
  }
  /** Broadcasts to `shape` by NumPy rules. */
  broadcastTo(shape: number[]): Tensor {
    return op().broadcastTo(this, shape);
  }
  /** Drops size-1 dims (only `dim` when given). */
  squeeze(dim?: number): Tensor {
    return op().squeeze(this, dim);
  }
  /** Inserts a size-1 dim at `dim`. */
  unsqueeze(dim: number): Tensor {
    return op().unsqueeze(this, dim);
  }
  /** Merges dims startDim..endDim into one. */
  flatten(startDim = 0, endDim = -1): Tensor {
    return op().flatten(this, startDim, endDim);
  }
  /** `length` entries along `dim` from `start`. */
  narrow(dim: number, start: number, length: number): Tensor {
    return op().narrow(this, dim, start, length);
  }
  /** Selects entry i along dim 0 (dropping that dim). */
  index(i: number): Tensor {
    return op().index(this, i);
  }
  /** Entries start, start+step, ... before stop along `dim` (Python slice rules; step may be negative). */
  slice(dim: number, start?: number, stop?: number, step = 1): Tensor {
    return op().slice(this, dim, start, stop, step);
  }
  /** Reverses the entries along each of `dims`. */
  flip(dims: number | number[]): Tensor {
    return op().flip(this, dims);
  }
  /** torch.gather along `dim` with an index tensor of the same rank. */
  gather(dim: number, index: Tensor): Tensor {
    return op().gather(this, dim, index);
  }
  /** Entries `index` (1-D) along `dim`. */
  indexSelect(dim: number, index: Tensor | number[]): Tensor {
    return op().indexSelect(this, dim, index);
  }
  /** Splits along `dim` into pieces of `size` (or of the given sizes). */
  split(size: number | number[], dim = 0): Tensor[] {
    return op().split(this, size, dim);
  }
}

/** What registerHook returns. */
export interface HookHandle {
  /** Unregisters the hook (a second call does nothing). */
  remove: () => void;
}

/** A gradient hook: sees a tensor's gradient during backward and may return a replacement. */
export type GradHook = (grad: Tensor) => Tensor | void;

/** Options of backward(): keep the graph, record the backward pass, or accumulate only into `inputs`. */
export interface BackwardOptions {
  /** Keep the graph's saved values for another backward pass (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass itself so the gradients can be differentiated again. */
  createGraph?: boolean;
  /** Accumulate only into these tensors' `.grad` (leaves or not) instead of every leaf's. */
  inputs?: Tensor | Tensor[];
}

/** Nested arrays of numbers, as toArray() returns them. */
export type NestedArray = (number | NestedArray)[];

/** True for a jaclab tensor (works across vm contexts since Tensor is jaclab's own class). */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}
