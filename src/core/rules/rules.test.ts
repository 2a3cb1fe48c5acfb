// Generated checks of every primitive's rules: JVP and VJP against central finite differences (or exactly
// zero for the piecewise-constant ones), elementwise values against an independent scalar reference, the
// batching rule against a loop (integer and boolean operands batched too), and every block of the Hessian
// of the smooth ones, cross partials included. The case table (src/testing/primitive-cases.ts) is total
// over Primitive, so a new primitive does not compile until it has a case there.
// The core is wired by the setup module (the tests import its pieces directly, not the index).
import "../../setup.js";
import { test } from "node:test";
import fc from "fast-check";
import assert from "node:assert/strict";
import type { Tensor } from "../../tensor.js";
import type { Primitive } from "../primitives.js";
import { vmap } from "../../transforms/vmap.js";
import { jacfwd, jacrev } from "../../transforms/jacobian.js";
import { stack } from "../../ops/shape.js";
import {
  applyPrimitive,
  assertClose,
  assertHessianBlocksMatchFiniteDiff,
  assertJacobiansMatchFiniteDiff,
  primitiveOfArgument,
  randomTensor,
  seededRandom,
} from "../../testing/check.js";
import {
  type Case,
  type Rand,
  broadcastReference,
  cases,
  gauss,
  normal,
} from "../../testing/primitive-cases.js";

/** vmap of the primitive over `size` examples, the operands `choose` picks stacked, equals the loop. */
function checkBatching(
  name: Primitive,
  c: Case,
  rand: Rand,
  size: number,
  choose: (arity: number) => boolean[],
): void {
  const { args, params } = c.make(rand);
  const batched = choose(args.length);
  const redraw =
    c.redraw ?? ((r: Rand, i: number, a: Tensor[]) => randomTensor(a[i].shape, normal(r)).abs().add(0.5));
  const examples = Array.from({ length: size }, (_, e) =>
    args.map((a, i) => (batched[i] && e > 0 ? redraw(rand, i, args, params) : a)),
  );
  const stacked = args.map((a, i) => (batched[i] ? stack(examples.map((ex) => ex[i])) : a));
  const got = vmap((...xs: Tensor[]) => applyPrimitive(name, xs, params), {
    inDims: batched.map((b) => (b ? 0 : null)),
  })(...stacked);
  const want = stack(examples.map((ex) => applyPrimitive(name, ex, params)));
  assertClose(got, want, 1e-12, `${name} vmap (batched operands ${JSON.stringify(batched)})`);
}

for (const [name, c] of Object.entries(cases) as [Primitive, Case][]) {
  if (c.zeroDerivative) {
    test(`${name}: the derivative is exactly zero, ties included`, () => {
      fc.assert(
        fc.property(fc.integer(), (seed) => {
          const { args, params } = c.make(seededRandom(seed));
          for (const k of c.diff) {
            const f = primitiveOfArgument(name, args, params, k);
            const out = f(args[k]);
            for (const [mode, jac] of [
              ["jacrev", jacrev(f)(args[k])],
              ["jacfwd", jacfwd(f)(args[k])],
            ] as const) {
              assert.deepEqual(jac.shape, [...out.shape, ...args[k].shape], `${name} ${mode} shape`);
              assert.ok(
                jac.data.every((v) => v === 0),
                `${name} ${mode} wrt ${k} is not all zeros: ${jac.toString()}`,
              );
            }
          }
        }),
        { numRuns: 12, includeErrorInReport: true },
      );
    });
  } else {
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
  }

  const scalar = c.scalar;
  if (scalar !== undefined) {
    test(`${name}: values match plain scalar maths, broadcast`, () => {
      fc.assert(
        fc.property(fc.integer(), (seed) => {
          const { args, params } = c.make(seededRandom(seed));
          const got = applyPrimitive(name, args, params);
          assertClose(got, broadcastReference(args, scalar(params)), 1e-14, `${name} values`);
        }),
        { numRuns: 20, includeErrorInReport: true },
      );
    });
  }

  test(`${name}: the batching rule matches a loop`, () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 3 }), (seed, size) => {
        const rand = seededRandom(seed);
        // Batch some operands (at least one), integer and boolean ones included.
        checkBatching(name, c, rand, size, (arity) => {
          const batched = Array.from({ length: arity }, () => rand() < 0.6);
          if (!batched.some((b) => b)) batched[c.diff[0]] = true;
          return batched;
        });
      }),
      { numRuns: 12, includeErrorInReport: true },
    );
  });

  const integerOperands = c.integerOperands ?? [];
  if (integerOperands.length > 0) {
    test(`${name}: the batching rule matches a loop with only the integer/boolean operands batched`, () => {
      fc.assert(
        fc.property(fc.integer(), fc.integer({ min: 2, max: 3 }), (seed, size) => {
          const only = (arity: number) =>
            Array.from({ length: arity }, (_, i) => integerOperands.includes(i));
          checkBatching(name, c, seededRandom(seed), size, only);
        }),
        { numRuns: 12, includeErrorInReport: true },
      );
    });
  }

  if (!c.smooth) continue;
  test(`${name}: every Hessian block (cross partials too) matches finite differences of the gradient`, () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rand = seededRandom(seed);
        const { args, params } = c.make(rand);
        const plain = (xs: Tensor[]): Tensor => applyPrimitive(name, xs, params);
        const w = gauss(rand, plain(args).shape);
        assertHessianBlocksMatchFiniteDiff(`${name} hessian`, plain, args, c.diff, w);
      }),
      { numRuns: 8, includeErrorInReport: true },
    );
  });
}
