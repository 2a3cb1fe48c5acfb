// Property tests (fast-check): random sparse linear maps have exactly their matrix's pattern and values;
// random compositions of primitives have global and local patterns that contain the dense Jacobian's
// nonzeros, and sparse Jacobians and Hessians equal the dense ones, in every mode.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  SparsityPattern,
  Tensor,
  hessian,
  hessianSparsity,
  jacrev,
  matmul,
  maximum,
  randn,
  sparseHessian,
  sparseJacobian,
  sparsity,
  tensor,
  where,
} from "../index.js";
import { assertArrayClose } from "../testing/check.js";
import { roll } from "../testing/sparse-functions.js";

const sparseMatrix = fc
  .record({ m: fc.integer({ min: 1, max: 7 }), n: fc.integer({ min: 1, max: 7 }) })
  .chain(({ m, n }) =>
    fc
      .array(fc.oneof(fc.constant(0), fc.constant(0), fc.double({ min: -3, max: 3, noNaN: true })), {
        minLength: m * n,
        maxLength: m * n,
      })
      .map((values) => tensor(values, { shape: [m, n] })),
  );

function denseJacobian(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  return jacrev(f)(x).reshape(f(x).size, x.size);
}

test("a random sparse linear map W·x has exactly W's pattern and values, in every mode", () => {
  fc.assert(
    fc.property(sparseMatrix, fc.boolean(), (W, asRow) => {
      const [m, n] = W.shape;
      // Either W·x as a column, or the row xᵀ·Wᵀ (the transposed product's rule).
      const f = (x: Tensor): Tensor =>
        asRow ? matmul(x.reshape(1, n), W.T).flatten() : matmul(W, x.reshape(n, 1)).flatten();
      const x = randn([n], { seed: m * 7 + n });
      const p = sparsity(f, x);
      assert.ok(p.equals(SparsityPattern.fromDense(W)), `${p.toString()}\nvs W = ${W.toString()}`);
      for (const mode of ["forward", "reverse"] as const) {
        assertArrayClose(sparseJacobian(f, x, { mode }).toDense().data, W.data, 1e-12, mode, "max");
      }
    }),
    { numRuns: 40 },
  );
});

type Step = (y: Tensor, c: Tensor) => Tensor;

/** Steps that keep the vector's length n; c is a constant vector of the same length with some zeros. */
const steps: Record<string, Step> = {
  sin: (y) => y.sin(),
  tanh: (y) => y.tanh(),
  square: (y) => y.square(),
  gaussian: (y) => y.square().neg().exp(),
  softplus: (y) => y.softplus(),
  relu: (y) => y.relu(),
  abs: (y) => y.abs(),
  "shifted product": (y) => y.mul(roll(y, 1, 0)),
  "shifted sum": (y) => y.add(roll(y, -2, 0).mul(0.5)),
  "masked constant": (y, c) => y.mul(c),
  "sparse matrix": (y, c) =>
    matmul(c.reshape(-1, 1).mul(roll(c, 1, 0).reshape(1, -1)), y.reshape(-1, 1)).flatten(),
  "where positive": (y) => where(y.gt(0), y, roll(y, 1, 0).mul(2)),
  "maximum of neighbours": (y) => maximum(y, roll(y, 2, 0)),
  "division by neighbour": (y) => y.div(roll(y, 1, 0).square().add(1)),
  "window max": (y) => y.add(y.reshape(1, -1).max(1, true).flatten().mul(0.1)),
  cumulative: (y) => y.add(roll(y, 1, 0)).sub(roll(y, 3, 0)),
};

const program = fc.record({
  n: fc.integer({ min: 2, max: 8 }),
  ops: fc.array(fc.constantFrom(...Object.keys(steps)), { minLength: 1, maxLength: 5 }),
  seed: fc.integer({ min: 0, max: 1000 }),
});

test("random compositions of primitives: patterns contain the dense nonzeros, sparse values equal dense", () => {
  fc.assert(
    fc.property(program, ({ n, ops, seed }) => {
      const c = randn([n], { seed }).mul(
        tensor(Array.from({ length: n }, (_, i) => ((seed + i) % 3 === 0 ? 0 : 1))),
      );
      const f = (x: Tensor): Tensor => ops.reduce((y, op) => steps[op](y, c), x);
      const global = sparsity(f, randn([n], { seed: seed + 1 }));
      for (let k = 0; k < 3; k++) {
        const x = randn([n], { seed: seed + 10 * k + 2 });
        const dense = denseJacobian(f, x);
        const nonzeros = SparsityPattern.fromDense(dense);
        assert.ok(nonzeros.isSubsetOf(global), `${ops.join(" → ")}: global pattern`);
        const local = sparsity(f, x, { local: true });
        assert.ok(
          nonzeros.isSubsetOf(local) && local.isSubsetOf(global),
          `${ops.join(" → ")}: local pattern`,
        );
        for (const mode of ["forward", "reverse"] as const) {
          const J = sparseJacobian(f, x, { mode, pattern: global });
          assertArrayClose(J.toDense().data, dense.data, 1e-12, `${ops.join(" → ")} ${mode}`, "max");
        }
        const Jlocal = sparseJacobian(f, x, { local: true });
        assertArrayClose(Jlocal.toDense().data, dense.data, 1e-12, `${ops.join(" → ")} local`, "max");
      }
    }),
    { numRuns: 40 },
  );
});

test("random compositions: Hessian patterns contain the dense Hessian's nonzeros, sparse Hessians equal it", () => {
  fc.assert(
    fc.property(program, ({ n, ops, seed }) => {
      const c = randn([n], { seed });
      const f = (x: Tensor): Tensor =>
        ops
          .reduce((y, op) => steps[op](y, c), x)
          .square()
          .sum();
      const pattern = hessianSparsity(f, randn([n], { seed: seed + 1 }));
      const x = randn([n], { seed: seed + 2 });
      const dense = hessian(f)(x);
      assert.ok(SparsityPattern.fromDense(dense).isSubsetOf(pattern), `${ops.join(" → ")}: Hessian pattern`);
      const H = sparseHessian(f, x, { pattern });
      assertArrayClose(H.toDense().data, dense.data, 1e-12, `${ops.join(" → ")} Hessian`, "max");
    }),
    { numRuns: 30 },
  );
});
