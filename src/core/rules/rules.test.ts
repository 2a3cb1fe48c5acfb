// Generated checks of every primitive's rules: JVP and VJP against central finite differences, the
// batching rule against a loop, and second derivatives of the smooth ones. The case table
// (src/testing/primitive-cases.ts) is total over Primitive, so a new primitive does not compile until it
// has a case there.
// The core is wired by the setup module (the tests import its pieces directly, not the index).
import "../../setup.js";
import { test } from "node:test";
import fc from "fast-check";
import type { Tensor } from "../../tensor.js";
import type { Primitive } from "../primitives.js";
import { vmap } from "../../transforms/vmap.js";
import { stack } from "../../ops/shape.js";
import {
  applyPrimitive,
  assertClose,
  assertHessianMatchesFiniteDiff,
  assertJacobiansMatchFiniteDiff,
  randomTensor,
  seededRandom,
} from "../../testing/check.js";
import { type Case, cases, gauss, normal } from "../../testing/primitive-cases.js";

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
