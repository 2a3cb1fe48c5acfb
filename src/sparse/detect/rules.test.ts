// Generated checks of every primitive's sparsity rule: the detected pattern (global, and local at the point)
// contains every nonzero of the dense Jacobian from jacrev, the rule's output shape is the primitive's, and
// for the smooth cases the Hessian pattern (through the backward pass's rules) contains every nonzero of the
// dense Hessian. The case table is total over Primitive: a new primitive does not compile without a case.
import "../../setup.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Tensor } from "../../tensor.js";
import type { Primitive } from "../../core/primitives.js";
import { hessian, jacrev } from "../../transforms/jacobian.js";
import { grad } from "../../transforms/functional.js";
import { mul } from "../../ops/elementwise.js";
import { sum } from "../../ops/reduce.js";
import { primitiveOfArgument, seededRandom } from "../../testing/check.js";
import { type Case, cases, gauss, linalgCases } from "../../testing/primitive-cases.js";
import { detect } from "./trace.js";
import type { IndexSets } from "./index-sets.js";

const everyCase: { [P in Primitive]: Case } = { ...cases, ...linalgCases };

/** Throws unless every nonzero of the dense [m, n] matrix is an entry of the sets (m rows). */
function assertCovers(sets: IndexSets | null, dense: Tensor, m: number, n: number, what: string): void {
  const d = dense.data;
  for (let i = 0; i < m; i++) {
    const row = sets === null ? new Int32Array(0) : sets.row(i);
    for (let j = 0; j < n; j++) {
      const v = d[i * n + j];
      if (v !== 0 && !row.includes(j)) {
        assert.fail(
          `${what}: the dense derivative has ${v} at (${i}, ${j}) but the pattern's row is [${row.join(", ")}]`,
        );
      }
    }
  }
}

for (const [name, c] of Object.entries(everyCase) as [Primitive, Case][]) {
  test(`${name}: the sparsity rule covers the Jacobian, globally and locally`, () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const { args, params } = c.make(seededRandom(seed));
        for (const k of c.diff) {
          const f = primitiveOfArgument(name, args, params, k);
          const out = f(args[k]);
          const [m, n] = [out.size, args[k].size];
          const dense = jacrev(f)(args[k]);
          for (const local of [false, true]) {
            const found = detect("sparsity", f, args[k], local);
            assert.deepEqual(found.outShape, out.shape, `${name} wrt ${k}: output shape (local ${local})`);
            assertCovers(found.sets, dense.reshape(m, n), m, n, `${name} wrt ${k} (local ${local})`);
          }
        }
      }),
      { numRuns: 10, includeErrorInReport: true },
    );
  });

  if (!c.smooth) continue;
  test(`${name}: the Hessian pattern through the backward rules covers the Hessian`, () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rand = seededRandom(seed);
        const { args, params } = c.make(rand);
        const k = c.diff[0];
        const plain = primitiveOfArgument(name, args, params, k);
        const w = gauss(rand, plain(args[k]).shape);
        const scalar = (x: Tensor): Tensor => sum(mul(plain(x), w));
        const n = args[k].size;
        const found = detect("hessianSparsity", grad(scalar), args[k], false);
        assertCovers(found.sets, hessian(scalar)(args[k]).reshape(n, n), n, n, `${name} Hessian wrt ${k}`);
      }),
      { numRuns: 6, includeErrorInReport: true },
    );
  });
}
