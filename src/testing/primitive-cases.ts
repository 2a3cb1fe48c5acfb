// Random operands and params for every primitive: the generated checks of the derivative rules
// (src/core/rules/rules.test.ts, all but linear algebra, whose rules are checked in src/linalg/), of the
// sparsity rules (src/sparse/detect/rules.test.ts, all of them), and of jit and of structured seeds against
// plain evaluation (src/jit/jit.test.ts, src/core/rules/structured-batch.test.ts) draw from these tables, which are
// total, so a new primitive does not compile until it has a case here.
import { Tensor } from "../tensor.js";
import { Primitive, type CompareOp } from "../core/primitives.js";
import type { linalgRules } from "../linalg/rules.js";
import { randomTensor } from "./check.js";
import { sumToShape } from "../ops/shape.js";
import { observeBinds } from "../core/trace.js";
import { customJvp, customVjp } from "../transforms/custom.js";

/** A source of uniform numbers in [0, 1). */
export type Rand = () => number;

/** How to draw one trial of a primitive, and what its checks need to know. */
export interface Case {
  /** Random operands and params for one trial. */
  make(rand: Rand): { args: Tensor[]; params: unknown };
  /** Operands to differentiate (the others are indices or conditions). */
  diff: number[];
  /** Whether second derivatives are checked too. */
  smooth: boolean;
  /** Elementwise primitives: the value per element, by plain scalar maths (broadcast by the test). */
  scalar?: (params: unknown) => (...xs: number[]) => number;
  /** Piecewise constant (comparisons, sign): the derivative must be exactly zero, ties included. */
  zeroDerivative?: boolean;
  /** Operands holding indices or booleans (not differentiated, but batched by vmap like the others). */
  integerOperands?: number[];
  /** A fresh operand i for another example of a batch (default: a positive tensor of its shape). */
  redraw?: (rand: Rand, i: number, args: Tensor[], params: unknown) => Tensor;
}

export function int(rand: Rand, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}
export function normal(rand: Rand): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}
export function shapeOf(rand: Rand, minRank: number, maxRank: number): number[] {
  return Array.from({ length: int(rand, minRank, maxRank) }, () => int(rand, 1, 3));
}
/** A shape that broadcasts to `shape`: some leading dims dropped, some dims set to 1. */
function partner(rand: Rand, shape: number[]): number[] {
  const drop = int(rand, 0, shape.length);
  return shape.slice(drop).map((d) => (rand() < 0.3 ? 1 : d));
}
export function gauss(rand: Rand, shape: number[]): Tensor {
  return randomTensor(shape, normal(rand));
}
export function positive(rand: Rand, shape: number[]): Tensor {
  const g = normal(rand);
  return randomTensor(shape, () => Math.abs(g()) + 0.5);
}
export function awayFromZero(rand: Rand, shape: number[]): Tensor {
  const g = normal(rand);
  return randomTensor(shape, () => {
    const v = g();
    return v < 0 ? v - 0.5 : v + 0.5;
  });
}
function indices(rand: Rand, shape: number[], bound: number): Tensor {
  return randomTensor(shape, () => int(rand, 0, bound - 1));
}
/** A boolean (0/1) tensor, as comparisons produce and where consumes. */
function bits(rand: Rand, shape: number[]): Tensor {
  return randomTensor(shape, () => (rand() < 0.5 ? 1 : 0));
}

/** Values on a coarse grid (-1, -0.5, 0, 0.5, 1), so that ties and exact zeros are common. */
function grid(rand: Rand, shape: number[]): Tensor {
  return randomTensor(shape, () => int(rand, -2, 2) / 2);
}

function unaryCase(
  domain: (rand: Rand, shape: number[]) => Tensor,
  scalar: (x: number) => number,
  smooth = true,
): Case {
  return {
    make: (rand) => ({ args: [domain(rand, shapeOf(rand, 0, 3))], params: {} }),
    diff: [0],
    smooth,
    scalar: () => scalar,
  };
}
function binaryCase(
  left: (rand: Rand, shape: number[]) => Tensor,
  right: (rand: Rand, shape: number[]) => Tensor,
  scalar: (a: number, b: number) => number,
  smooth = true,
): Case {
  return {
    make: (rand) => {
      const shape = shapeOf(rand, 0, 3);
      const swap = rand() < 0.5;
      const a = swap ? partner(rand, shape) : shape;
      const b = swap ? shape : partner(rand, shape);
      return { args: [left(rand, a), right(rand, b)], params: {} };
    },
    diff: [0, 1],
    smooth,
    scalar: () => scalar,
  };
}
function reduceCase(domain: (rand: Rand, shape: number[]) => Tensor): Case {
  return {
    make: (rand) => {
      const shape = shapeOf(rand, 1, 3);
      const axes = shape.map((_, i) => i).filter(() => rand() < 0.6);
      if (axes.length === 0) axes.push(int(rand, 0, shape.length - 1));
      return { args: [domain(rand, shape)], params: { axes, keepdim: rand() < 0.5 } };
    },
    diff: [0],
    smooth: true,
  };
}
function sliceParams(rand: Rand, shape: number[]) {
  const starts: number[] = [];
  const steps: number[] = [];
  const sizes: number[] = [];
  for (const d of shape) {
    const start = int(rand, 0, d - 1);
    const step = [-2, -1, 1, 2][int(rand, 0, 3)];
    const room = step > 0 ? Math.floor((d - 1 - start) / step) + 1 : Math.floor(start / -step) + 1;
    starts.push(start);
    steps.push(step);
    sizes.push(int(rand, 0, room));
  }
  return { starts, steps, sizes };
}

const ops: CompareOp[] = ["lt", "le", "gt", "ge", "eq", "ne"];
const compareScalar: { [op in CompareOp]: (a: number, b: number) => number } = {
  lt: (a, b) => Number(a < b),
  le: (a, b) => Number(a <= b),
  gt: (a, b) => Number(a > b),
  ge: (a, b) => Number(a >= b),
  eq: (a, b) => Number(a === b),
  ne: (a, b) => Number(a !== b),
};

/** f applied elementwise to operands broadcast by NumPy rules, with plain index arithmetic. */
export function broadcastReference(args: Tensor[], f: (...xs: number[]) => number): Tensor {
  const rank = Math.max(0, ...args.map((a) => a.ndim));
  const shape = Array.from({ length: rank }, (_, d) =>
    Math.max(1, ...args.map((a) => a.shape[d - (rank - a.ndim)] ?? 1)),
  );
  const size = shape.reduce((p, q) => p * q, 1);
  const out = new Float64Array(size);
  const idx = new Array<number>(rank);
  for (let flat = 0; flat < size; flat++) {
    for (let d = rank - 1, r = flat; d >= 0; d--) {
      idx[d] = r % shape[d];
      r = Math.floor(r / shape[d]);
    }
    const xs = args.map((a) => {
      let offset = 0;
      for (let d = 0; d < a.ndim; d++)
        offset = offset * a.shape[d] + (a.shape[d] === 1 ? 0 : idx[d + rank - a.ndim]);
      return a.data[offset];
    });
    out[flat] = f(...xs);
  }
  return new Tensor(out, shape);
}

/** The linear-algebra primitives, whose cases live beside their rules in src/linalg/. */
export type LinalgPrimitive = keyof typeof linalgRules.impl;

export const cases: { [P in Exclude<Primitive, LinalgPrimitive>]: Case } = {
  [Primitive.Neg]: unaryCase(gauss, (x) => -x),
  [Primitive.Exp]: unaryCase(gauss, Math.exp),
  [Primitive.Log]: unaryCase(positive, Math.log),
  [Primitive.Log1p]: unaryCase(positive, Math.log1p),
  [Primitive.Sin]: unaryCase(gauss, Math.sin),
  [Primitive.Cos]: unaryCase(gauss, Math.cos),
  [Primitive.Tan]: unaryCase((rand, s) => randomTensor(s, () => rand() * 2 - 1), Math.tan),
  [Primitive.Tanh]: unaryCase(gauss, Math.tanh),
  [Primitive.Sigmoid]: unaryCase(gauss, (x) => 1 / (1 + Math.exp(-x))),
  [Primitive.Relu]: unaryCase(awayFromZero, (x) => Math.max(x, 0), false),
  [Primitive.Softplus]: unaryCase(gauss, (x) => Math.log1p(Math.exp(x))),
  [Primitive.Abs]: unaryCase(awayFromZero, Math.abs, false),
  [Primitive.Sqrt]: unaryCase(positive, Math.sqrt),
  [Primitive.Sign]: {
    ...unaryCase(grid, Math.sign, false),
    zeroDerivative: true,
    redraw: (rand, _i, args) => grid(rand, args[0].shape),
  },
  [Primitive.Add]: binaryCase(gauss, gauss, (a, b) => a + b),
  [Primitive.Sub]: binaryCase(gauss, gauss, (a, b) => a - b),
  [Primitive.Mul]: binaryCase(gauss, gauss, (a, b) => a * b),
  [Primitive.Div]: binaryCase(gauss, awayFromZero, (a, b) => a / b),
  [Primitive.Pow]: binaryCase(positive, gauss, (a, b) => a ** b),
  [Primitive.Maximum]: binaryCase(gauss, gauss, Math.max, false),
  [Primitive.Minimum]: binaryCase(gauss, gauss, Math.min, false),
  [Primitive.Compare]: {
    // Grid values: ties are frequent, so eq/ne/le/ge see both outcomes.
    make: (rand) => ({ ...binaryCase(grid, grid, () => 0).make(rand), params: { op: ops[int(rand, 0, 5)] } }),
    diff: [0, 1],
    smooth: false,
    scalar: (params) => compareScalar[(params as { op: CompareOp }).op],
    zeroDerivative: true,
    redraw: (rand, i, args) => grid(rand, args[i].shape),
  },
  [Primitive.Where]: {
    make: (rand) => {
      const shape = shapeOf(rand, 0, 3);
      return {
        args: [bits(rand, partner(rand, shape)), gauss(rand, partner(rand, shape)), gauss(rand, shape)],
        params: {},
      };
    },
    diff: [1, 2],
    smooth: true,
    scalar: () => (c, a, b) => (c !== 0 ? a : b),
    integerOperands: [0],
    redraw: (rand, i, args) => (i === 0 ? bits(rand, args[0].shape) : gauss(rand, args[i].shape)),
  },
  [Primitive.Sum]: reduceCase(gauss),
  [Primitive.Max]: reduceCase(gauss),
  [Primitive.Prod]: reduceCase(awayFromZero),
  [Primitive.Reshape]: {
    make: (rand) => {
      const shape = shapeOf(rand, 0, 3);
      return { args: [gauss(rand, shape)], params: { shape: [...shape].reverse() } };
    },
    diff: [0],
    smooth: true,
  },
  [Primitive.Permute]: {
    make: (rand) => {
      const shape = shapeOf(rand, 1, 3);
      const perm = shape.map((_, i) => i).sort(() => rand() - 0.5);
      return { args: [gauss(rand, shape)], params: { perm } };
    },
    diff: [0],
    smooth: true,
  },
  [Primitive.BroadcastTo]: {
    make: (rand) => {
      const shape = shapeOf(rand, 0, 3);
      return { args: [gauss(rand, partner(rand, shape))], params: { shape } };
    },
    diff: [0],
    smooth: true,
  },
  [Primitive.Slice]: {
    make: (rand) => {
      const shape = shapeOf(rand, 1, 3);
      return { args: [gauss(rand, shape)], params: sliceParams(rand, shape) };
    },
    diff: [0],
    smooth: true,
  },
  [Primitive.PadSlice]: {
    make: (rand) => {
      const shape = shapeOf(rand, 1, 3);
      const { starts, steps, sizes } = sliceParams(rand, shape);
      return { args: [gauss(rand, sizes)], params: { starts, steps, shape } };
    },
    diff: [0],
    smooth: true,
  },
  [Primitive.Concat]: {
    make: (rand) => {
      const shape = shapeOf(rand, 1, 3);
      const axis = int(rand, 0, shape.length - 1);
      const args = Array.from({ length: int(rand, 2, 3) }, () =>
        gauss(
          rand,
          shape.map((d, i) => (i === axis ? int(rand, 1, 3) : d)),
        ),
      );
      return { args, params: { axis } };
    },
    diff: [0, 1],
    smooth: true,
  },
  [Primitive.Gather]: {
    make: (rand) => {
      const shape = shapeOf(rand, 1, 3);
      const axis = int(rand, 0, shape.length - 1);
      const idxShape = shape.map((d, i) => (i === axis ? int(rand, 1, 4) : int(rand, 1, d)));
      return { args: [gauss(rand, shape), indices(rand, idxShape, shape[axis])], params: { axis } };
    },
    diff: [0],
    smooth: true,
    integerOperands: [1],
    redraw: (rand, i, args, params) => {
      const { axis } = params as { axis: number };
      return i === 1 ? indices(rand, args[1].shape, args[0].shape[axis]) : gauss(rand, args[0].shape);
    },
  },
  [Primitive.ScatterAdd]: {
    make: (rand) => {
      const shape = shapeOf(rand, 1, 3);
      const axis = int(rand, 0, shape.length - 1);
      const idxShape = shape.map((d, i) => (i === axis ? int(rand, 1, 4) : int(rand, 1, d)));
      return {
        args: [gauss(rand, idxShape), indices(rand, idxShape, shape[axis])],
        params: { axis, shape },
      };
    },
    diff: [0],
    smooth: true,
    integerOperands: [1],
    redraw: (rand, i, args, params) => {
      const { axis, shape } = params as { axis: number; shape: number[] };
      return i === 1 ? indices(rand, args[1].shape, shape[axis]) : gauss(rand, args[0].shape);
    },
  },
  [Primitive.Matmul]: {
    make: (rand) => {
      const [n, k, m] = [int(rand, 1, 3), int(rand, 1, 3), int(rand, 1, 3)];
      const batch = shapeOf(rand, 0, 2);
      const transA = rand() < 0.3;
      const transB = rand() < 0.3;
      const a = gauss(rand, [...batch, ...(transA ? [k, n] : [n, k])]);
      const b = gauss(rand, [...partner(rand, batch), ...(transB ? [m, k] : [k, m])]);
      return { args: [a, b], params: { transA, transB } };
    },
    diff: [0, 1],
    smooth: true,
  },
  // sin(a) * b (broadcasting) with a hand-written VJP (forward mode: its transpose) or a hand-written JVP
  // (reverse mode: its transpose); the params are those of a real call, captured by observing it.
  [Primitive.CustomCall]: {
    make: (rand) => {
      const shape = shapeOf(rand, 0, 2);
      const args = [gauss(rand, shape), gauss(rand, partner(rand, shape))];
      const f = (a: Tensor, b: Tensor): Tensor => a.sin().mul(b);
      const g =
        rand() < 0.5
          ? customVjp(f, {
              fwd: (a, b) => [f(a, b), [a, b]],
              bwd: ([a, b], ct) => [
                sumToShape(ct.mul(b).mul(a.cos()), a.shape),
                sumToShape(ct.mul(a.sin()), b.shape),
              ],
            })
          : customJvp(f, ([a, b], [ta, tb]) => [f(a, b), ta.mul(a.cos()).mul(b).add(tb.mul(a.sin()))]);
      let params: unknown;
      observeBinds(
        (name, _inputs, p) => {
          if (name === Primitive.CustomCall) params = p;
        },
        () => g(args[0], args[1]),
      );
      return { args, params };
    },
    diff: [0, 1],
    smooth: true,
  },
};

/** A matrix batch [..., n, n] with a strong diagonal (well conditioned). */
function conditioned(rand: Rand, batch: number[], n: number): Tensor {
  const t = gauss(rand, [...batch, n, n]);
  const d = t.data;
  for (let m = 0; m < d.length / (n * n); m++) for (let i = 0; i < n; i++) d[m * n * n + i * n + i] += n + 2;
  return t;
}

/** A symmetric positive-definite matrix batch M·Mᵀ + n·I. */
function positiveDefinite(rand: Rand, batch: number[], n: number): Tensor {
  const m = gauss(rand, [...batch, n, n]).data;
  const out = new Float64Array(m.length);
  for (let b = 0; b < m.length / (n * n); b++) {
    const o = b * n * n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = i === j ? n : 0;
        for (let p = 0; p < n; p++) s += m[o + i * n + p] * m[o + j * n + p];
        out[o + i * n + j] = s;
      }
    }
  }
  return new Tensor(out, [...batch, n, n]);
}

function matrixCase(make: (rand: Rand, batch: number[], n: number) => Tensor[], diff: number[]): Case {
  return {
    make: (rand) => ({ args: make(rand, shapeOf(rand, 0, 1), int(rand, 1, 3)), params: {} }),
    diff,
    smooth: true,
  };
}

/** The cases of the linear-algebra primitives. */
export const linalgCases: { [P in LinalgPrimitive]: Case } = {
  [Primitive.Solve]: matrixCase(
    (rand, batch, n) => [conditioned(rand, batch, n), gauss(rand, [...batch, n, int(rand, 1, 2)])],
    [0, 1],
  ),
  [Primitive.TriangularSolve]: {
    make: (rand) => {
      const [batch, n] = [shapeOf(rand, 0, 1), int(rand, 1, 3)];
      const params = { lower: rand() < 0.5, transpose: rand() < 0.5, unitDiagonal: rand() < 0.3 };
      return { args: [conditioned(rand, batch, n), gauss(rand, [...batch, n, 2])], params };
    },
    diff: [0, 1],
    smooth: true,
  },
  [Primitive.Cholesky]: matrixCase((rand, batch, n) => [positiveDefinite(rand, batch, n)], [0]),
  [Primitive.Det]: matrixCase((rand, batch, n) => [conditioned(rand, batch, n)], [0]),
  [Primitive.LogAbsDet]: matrixCase((rand, batch, n) => [conditioned(rand, batch, n)], [0]),
  [Primitive.Adjugate]: matrixCase((rand, batch, n) => [conditioned(rand, batch, n)], [0]),
};
