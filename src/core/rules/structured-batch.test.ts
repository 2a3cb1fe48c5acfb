// Structured seeds against dense ones: every primitive's generated case differentiated with one-hot seeds
// kept as entries (so every structured rule, and every fallback to the dense rule, runs) must give the
// dense seeds' Jacobians and Hessians; and the structure must remove the products with a basis.
import "../../setup.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Tensor } from "../../tensor.js";
import type { Primitive } from "../primitives.js";
import { observeBinds } from "../trace.js";
import { seedLayout } from "../transform-utils.js";
import { cat, stack } from "../../ops/shape.js";
import { add, mul, sin, sub, tanh } from "../../ops/elementwise.js";
import { sum } from "../../ops/reduce.js";
import { matmul } from "../../ops/matmul.js";
import { randn } from "../../ops/create.js";
import { hessian, jacfwd, jacrev } from "../../transforms/jacobian.js";
import { vmap } from "../../transforms/vmap.js";
import { assertClose, primitiveOfArgument, seededRandom } from "../../testing/check.js";
import { cases, linalgCases, type Case } from "../../testing/primitive-cases.js";

/** Runs fn with seeds structured from `from` elements on (0: always), restoring the default after. */
function withSeeds<T>(from: number, fn: () => T): T {
  const before = seedLayout.structuredFrom;
  seedLayout.structuredFrom = from;
  try {
    return fn();
  } finally {
    seedLayout.structuredFrom = before;
  }
}

const dense = <T>(fn: () => T) => withSeeds(Infinity, fn);
const structured = <T>(fn: () => T) => withSeeds(0, fn);

const allCases = { ...cases, ...linalgCases } as Record<Primitive, Case>;

for (const [name, c] of Object.entries(allCases) as [Primitive, Case][]) {
  test(`${name}: structured seeds give the dense seeds' jacrev, jacfwd and hessian`, () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rand = seededRandom(seed);
        const { args, params } = c.make(rand);
        for (const k of c.diff) {
          const f = primitiveOfArgument(name, args, params, k);
          const x = args[k];
          assertClose(
            structured(() => jacrev(f)(x)),
            dense(() => jacrev(f)(x)),
            1e-12,
            `${name} jacrev ${k}`,
          );
          assertClose(
            structured(() => jacfwd(f)(x)),
            dense(() => jacfwd(f)(x)),
            1e-12,
            `${name} jacfwd ${k}`,
          );
          if (!c.smooth) continue;
          const w = randn(f(x).shape, { seed: 1 });
          const s = (v: Tensor) => sum(mul(f(v), w));
          assertClose(
            structured(() => hessian(s)(x)),
            dense(() => hessian(s)(x)),
            1e-10,
            `${name} hessian ${k}`,
          );
        }
      }),
      { numRuns: 6, includeErrorInReport: true },
    );
  });
}

test("structured seeds through compositions: matmuls on both sides, transposes, concat, nested vmap", () => {
  const a = randn([5, 4], { seed: 2 });
  const b = randn([3, 2], { seed: 3 });
  const c = randn([5, 2], { seed: 12 });
  const fs: [string, (x: Tensor) => Tensor][] = [
    ["A·tanh(X)", (x) => matmul(a, tanh(x))],
    ["tanh(X)·B", (x) => matmul(tanh(x), b)],
    ["sin(X)ᵀ·Aᵀ·C", (x) => matmul(matmul(sin(x).T, a.T), c)],
    ["concat and slices", (x) => cat([x.mul(x).narrow(0, 1, 2), x.flip(0).sum(0, true)], 0)],
    ["stack of reductions", (x) => stack([x.sum(), x.mul(2).sum(1).max(), sub(x, 1).prod()])],
  ];
  const w = randn([4, 3], { seed: 13 });
  const x = randn([4, 3], { seed: 4 });
  for (const [what, f] of fs) {
    const y = (t: Tensor) => f(t.reshape([4, 3]));
    assertClose(
      structured(() => jacrev(y)(x)),
      dense(() => jacrev(y)(x)),
      1e-12,
      `${what} jacrev`,
    );
    assertClose(
      structured(() => jacfwd(y)(x)),
      dense(() => jacfwd(y)(x)),
      1e-12,
      `${what} jacfwd`,
    );
  }
  const xs = randn([3, 4, 3], { seed: 5 });
  const g = (t: Tensor) => add(matmul(w.T, t.mul(t)), 1);
  assertClose(
    structured(() => vmap(jacfwd(g))(xs)),
    dense(() => vmap(jacfwd(g))(xs)),
    1e-12,
    "vmap(jacfwd)",
  );
  assertClose(
    structured(() => vmap(jacrev(g))(xs)),
    dense(() => vmap(jacrev(g))(xs)),
    1e-12,
    "vmap(jacrev)",
  );
});

test("the Jacobian of W·tanh(x) by jacfwd gathers rows of W instead of multiplying by the basis", () => {
  const n = 48;
  const w = randn([n, n], { seed: 6 });
  const x = randn([n], { seed: 7 });
  const f = (v: Tensor) => matmul(w, tanh(v));
  const products: string[] = [];
  const got = observeBinds(
    (name, inputs) => {
      if (name === "matmul") products.push(inputs.map((t) => `[${t.shape.join(",")}]`).join("·"));
    },
    () => jacfwd(f)(x),
  );
  assertClose(
    got,
    dense(() => jacfwd(f)(x)),
    1e-12,
  );
  assert.deepEqual(products, [`[${n},${n}]·[${n},1]`], "only the forward pass's matrix-vector product");
});

test("the Hessian of a chain stays structured: no intermediate is as large as the Hessian", () => {
  const n = 400;
  const rosenbrock = (x: Tensor) => {
    const head = x.narrow(0, 0, n - 1);
    const tail = x.narrow(0, 1, n - 1);
    return sum(add(mul(tail.sub(head.square()).square(), 100), sub(1, head).square()));
  };
  const x = randn([n], { seed: 8 });
  let largest = 0;
  let scatters = 0;
  const h = observeBinds(
    (name, _inputs, _params, out) => {
      if (out.size === n * n && name === "scatterAdd") scatters++;
      else if (!(out.size === n * n && name === "reshape")) largest = Math.max(largest, out.size);
    },
    () => hessian(rosenbrock)(x),
  );
  assert.equal(scatters, 1, "one scatter makes the dense Hessian");
  assert.ok(largest <= 8 * n, `largest intermediate ${largest} elements for n = ${n}`);
  const d = h.data;
  assert.ok(Math.abs(d[0] - (1200 * x.data[0] ** 2 - 400 * x.data[1] + 2)) < 1e-9, "H[0,0]");
  assert.ok(Math.abs(d[1] + 400 * x.data[0]) < 1e-9, "H[0,1]");
});
