// Generated property checks of each linear-algebra primitive bound directly (the linalg counterpart of
// src/core/rules/rules.test.ts): JVP and VJP against central finite differences, the batching rule against
// a loop, and second derivatives, over random sizes and batch shapes. The case table is total over the
// family, so a new linear-algebra primitive does not compile until it has a case here.
// The core is wired by the setup module (the tests import its pieces directly, not the index).
import "../setup.js";
import { test } from "node:test";
import fc from "fast-check";
import { Tensor } from "../tensor.js";
import { Primitive } from "../core/primitives.js";
import { vmap } from "../transforms/vmap.js";
import { stack } from "../ops/shape.js";
import {
  applyPrimitive,
  assertClose,
  assertHessianBlocksMatchFiniteDiff,
  assertJacobiansMatchFiniteDiff,
  randomTensor,
  seededRandom,
} from "../testing/check.js";
import type { linalgRules } from "./rules.js";

type Rand = () => number;
type LinalgPrimitive = keyof typeof linalgRules.impl;

/** Sizes shared by all examples of one trial: batch dims, matrix size n, right-hand-side columns k. */
interface Dims {
  batch: number[];
  n: number;
  k: number;
}

interface Case {
  make(rand: Rand, d: Dims): { args: Tensor[]; params: unknown };
  /** Params drawn once per trial (shared by the examples of a vmap check). */
  params?(rand: Rand): unknown;
}

function int(rand: Rand, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

function gauss(rand: Rand, shape: number[]): Tensor {
  return randomTensor(shape, () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));
}

// Gaussian entries plus (n + 1) on the diagonal: comfortably nonsingular.
function wellConditioned(rand: Rand, d: Dims): Tensor {
  const t = gauss(rand, [...d.batch, d.n, d.n]);
  const data = t.data;
  for (let m = 0; m < data.length / (d.n * d.n); m++) {
    for (let i = 0; i < d.n; i++) data[m * d.n * d.n + i * d.n + i] += d.n + 1;
  }
  return t;
}

// M·M^T + I per matrix: symmetric positive definite.
function spd(rand: Rand, d: Dims): Tensor {
  const m = gauss(rand, [...d.batch, d.n, d.n]).data;
  const out = new Float64Array(m.length);
  const n = d.n;
  for (let b = 0; b < m.length / (n * n); b++) {
    const o = b * n * n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = i === j ? 1 : 0;
        for (let p = 0; p < n; p++) s += m[o + i * n + p] * m[o + j * n + p];
        out[o + i * n + j] = s;
      }
    }
  }
  return new Tensor(out, [...d.batch, n, n]);
}

function oneMatrix(domain: (rand: Rand, d: Dims) => Tensor): Case {
  return { make: (rand, d) => ({ args: [domain(rand, d)], params: {} }) };
}

const cases: { [P in LinalgPrimitive]: Case } = {
  [Primitive.Solve]: {
    make: (rand, d) => ({
      args: [wellConditioned(rand, d), gauss(rand, [...d.batch, d.n, d.k])],
      params: {},
    }),
  },
  [Primitive.TriangularSolve]: {
    params: (rand) => ({ lower: rand() < 0.5, transpose: rand() < 0.5, unitDiagonal: rand() < 0.3 }),
    make: (rand, d) => ({
      args: [wellConditioned(rand, d), gauss(rand, [...d.batch, d.n, d.k])],
      params: {},
    }),
  },
  [Primitive.Cholesky]: oneMatrix(spd),
  [Primitive.Det]: oneMatrix(wellConditioned),
  [Primitive.LogAbsDet]: oneMatrix(wellConditioned),
  [Primitive.Adjugate]: oneMatrix(wellConditioned),
};

function drawDims(rand: Rand): Dims {
  const rank = int(rand, 0, 2);
  return {
    batch: Array.from({ length: rank }, () => int(rand, 1, 3)),
    n: int(rand, 1, 4),
    k: int(rand, 1, 3),
  };
}

function trial(c: Case, rand: Rand): { args: Tensor[]; params: unknown; dims: Dims } {
  const dims = drawDims(rand);
  const params = c.params ? c.params(rand) : {};
  return { ...c.make(rand, dims), params, dims };
}

for (const [name, c] of Object.entries(cases) as [LinalgPrimitive, Case][]) {
  test(`${name}: jacrev and jacfwd match finite differences`, () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const { args, params } = trial(c, seededRandom(seed));
        const plain = (xs: Tensor[]): Tensor => applyPrimitive(name, xs, params);
        assertJacobiansMatchFiniteDiff(
          name,
          plain,
          args,
          args.map((_, k) => k),
        );
      }),
      { numRuns: 10, includeErrorInReport: true },
    );
  });

  test(`${name}: the batching rule matches a loop`, () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 3 }), (seed, size) => {
        const rand = seededRandom(seed);
        const first = trial(c, rand);
        const examples = [first.args];
        for (let e = 1; e < size; e++) examples.push(c.make(rand, first.dims).args);
        // Batch some operands (at least one); the others keep the first example's value.
        const batched = first.args.map(() => rand() < 0.6);
        if (!batched.some((b) => b)) batched[int(rand, 0, batched.length - 1)] = true;
        const perExample = examples.map((ex) => ex.map((a, i) => (batched[i] ? a : first.args[i])));
        const stacked = first.args.map((a, i) => (batched[i] ? stack(perExample.map((ex) => ex[i])) : a));
        const got = vmap((...xs: Tensor[]) => applyPrimitive(name, xs, first.params), {
          inDims: batched.map((b) => (b ? 0 : null)),
        })(...stacked);
        const want = stack(perExample.map((ex) => applyPrimitive(name, ex, first.params)));
        assertClose(got, want, 1e-10, `${name} vmap`);
      }),
      { numRuns: 10, includeErrorInReport: true },
    );
  });

  test(`${name}: second derivatives (cross partials too) match finite differences of the gradient`, () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rand = seededRandom(seed);
        const { args, params } = trial(c, rand);
        const plain = (xs: Tensor[]): Tensor => applyPrimitive(name, xs, params);
        const w = gauss(rand, plain(args).shape);
        const wrt = args.map((_, k) => k);
        assertHessianBlocksMatchFiniteDiff(`${name} hessian`, plain, args, wrt, w);
      }),
      { numRuns: 6, includeErrorInReport: true },
    );
  });
}
