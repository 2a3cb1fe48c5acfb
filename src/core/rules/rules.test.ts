// Generated checks of every primitive's rules: JVP and VJP against central finite differences, the
// batching rule against a loop, and second derivatives of the smooth ones. The case table is total over
// Primitive, so a new primitive does not compile until it has a case here.
// The core is wired by the setup module (the tests import its pieces directly, not the index).
import "../../setup.js";
import { test } from "node:test";
import fc from "fast-check";
import { Tensor } from "../../tensor.js";
import { Primitive, type CompareOp } from "../primitives.js";
import { vmap } from "../../transforms/vmap.js";
import { stack } from "../../ops/shape.js";
import type { linalgRules } from "../../linalg/rules.js";
import {
  applyPrimitive,
  assertClose,
  assertHessianMatchesFiniteDiff,
  assertJacobiansMatchFiniteDiff,
  randomTensor,
  seededRandom,
} from "../../testing/check.js";

type Rand = () => number;

interface Case {
  /** Random operands and params for one trial. */
  make(rand: Rand): { args: Tensor[]; params: unknown };
  /** Operands to differentiate (the others are indices or conditions). */
  diff: number[];
  /** Whether second derivatives are checked too. */
  smooth: boolean;
}

function int(rand: Rand, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}
function normal(rand: Rand): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}
function shapeOf(rand: Rand, minRank: number, maxRank: number): number[] {
  return Array.from({ length: int(rand, minRank, maxRank) }, () => int(rand, 1, 3));
}
/** A shape that broadcasts to `shape`: some leading dims dropped, some dims set to 1. */
function partner(rand: Rand, shape: number[]): number[] {
  const drop = int(rand, 0, shape.length);
  return shape.slice(drop).map((d) => (rand() < 0.3 ? 1 : d));
}
function gauss(rand: Rand, shape: number[]): Tensor {
  return randomTensor(shape, normal(rand));
}
function positive(rand: Rand, shape: number[]): Tensor {
  const g = normal(rand);
  return randomTensor(shape, () => Math.abs(g()) + 0.5);
}
function awayFromZero(rand: Rand, shape: number[]): Tensor {
  const g = normal(rand);
  return randomTensor(shape, () => {
    const v = g();
    return v < 0 ? v - 0.5 : v + 0.5;
  });
}
function indices(rand: Rand, shape: number[], bound: number): Tensor {
  return randomTensor(shape, () => int(rand, 0, bound - 1));
}

function unaryCase(domain: (rand: Rand, shape: number[]) => Tensor, smooth = true): Case {
  return { make: (rand) => ({ args: [domain(rand, shapeOf(rand, 0, 3))], params: {} }), diff: [0], smooth };
}
function binaryCase(
  left: (rand: Rand, shape: number[]) => Tensor,
  right: (rand: Rand, shape: number[]) => Tensor,
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

/** The linear-algebra primitives, whose cases live beside their rules in src/linalg/. */
type LinalgPrimitive = keyof typeof linalgRules.impl;

const cases: { [P in Exclude<Primitive, LinalgPrimitive>]: Case } = {
  [Primitive.Neg]: unaryCase(gauss),
  [Primitive.Exp]: unaryCase(gauss),
  [Primitive.Log]: unaryCase(positive),
  [Primitive.Log1p]: unaryCase(positive),
  [Primitive.Sin]: unaryCase(gauss),
  [Primitive.Cos]: unaryCase(gauss),
  [Primitive.Tan]: unaryCase((rand, s) => randomTensor(s, () => rand() * 2 - 1)),
  [Primitive.Tanh]: unaryCase(gauss),
  [Primitive.Sigmoid]: unaryCase(gauss),
  [Primitive.Relu]: unaryCase(awayFromZero, false),
  [Primitive.Softplus]: unaryCase(gauss),
  [Primitive.Abs]: unaryCase(awayFromZero, false),
  [Primitive.Sqrt]: unaryCase(positive),
  [Primitive.Sign]: unaryCase(awayFromZero, false),
  [Primitive.Add]: binaryCase(gauss, gauss),
  [Primitive.Sub]: binaryCase(gauss, gauss),
  [Primitive.Mul]: binaryCase(gauss, gauss),
  [Primitive.Div]: binaryCase(gauss, awayFromZero),
  [Primitive.Pow]: binaryCase(positive, gauss),
  [Primitive.Maximum]: binaryCase(gauss, gauss, false),
  [Primitive.Minimum]: binaryCase(gauss, gauss, false),
  [Primitive.Compare]: {
    make: (rand) => ({ ...binaryCase(gauss, gauss).make(rand), params: { op: ops[int(rand, 0, 5)] } }),
    diff: [0, 1],
    smooth: false,
  },
  [Primitive.Where]: {
    make: (rand) => {
      const shape = shapeOf(rand, 0, 3);
      const cond = randomTensor(partner(rand, shape), () => (rand() < 0.5 ? 1 : 0));
      return { args: [cond, gauss(rand, partner(rand, shape)), gauss(rand, shape)], params: {} };
    },
    diff: [1, 2],
    smooth: true,
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
};

for (const [name, c] of Object.entries(cases) as [Primitive, Case][]) {
  test(`${name}: jacrev and jacfwd match finite differences`, () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const { args, params } = c.make(seededRandom(seed));
        const plain = (xs: Tensor[]): Tensor => applyPrimitive(name, xs, params);
        assertJacobiansMatchFiniteDiff(name, plain, args, c.diff);
      }),
      { numRuns: 12, includeErrorInReport: true },
    );
  });

  test(`${name}: the batching rule matches a loop`, () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 3 }), (seed, size) => {
        const rand = seededRandom(seed);
        const { args, params } = c.make(rand);
        // Batch the differentiable operands (some of them), with fresh values per example.
        const batchedArgs = args.map((_a, i) => c.diff.includes(i) && rand() < 0.7);
        if (!batchedArgs.some((b) => b)) batchedArgs[c.diff[0]] = true;
        const examples = Array.from({ length: size }, (_, e) =>
          args.map((a, i) =>
            batchedArgs[i] && e > 0 ? randomTensor(a.shape, normal(rand)).abs().add(0.5) : a,
          ),
        );
        const stacked = args.map((a, i) => (batchedArgs[i] ? stack(examples.map((ex) => ex[i])) : a));
        const got = vmap((...xs: Tensor[]) => applyPrimitive(name, xs, params), {
          inDims: batchedArgs.map((b) => (b ? 0 : null)),
        })(...stacked);
        const want = stack(examples.map((ex) => applyPrimitive(name, ex, params)));
        assertClose(got, want, 1e-12, `${name} vmap`);
      }),
      { numRuns: 12, includeErrorInReport: true },
    );
  });

  if (!c.smooth) continue;
  test(`${name}: second derivatives match finite differences of the gradient`, () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rand = seededRandom(seed);
        const { args, params } = c.make(rand);
        const k = c.diff[0];
        const plain = (xs: Tensor[]): Tensor => applyPrimitive(name, xs, params);
        const w = gauss(rand, plain(args).shape);
        assertHessianMatchesFiniteDiff(`${name} hessian wrt ${k}`, plain, args, k, w);
      }),
      { numRuns: 8, includeErrorInReport: true },
    );
  });
}
