// jit against eager evaluation: every primitive's generated case (values, jacrev and jacfwd under jit, both
// as traced and as replayed by the compiled plan), re-tracing on new shapes and static arguments, the error
// for reading a traced value, composition with the other transforms in both orders, buffer reuse across
// calls, and the fused loops' broadcasting.
import "../setup.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Tensor } from "../tensor.js";
import { Primitive } from "../core/primitives.js";
import { TracerError } from "../errors.js";
import { add, exp, mul, sin, sub, tanh, where, gt } from "../ops/elementwise.js";
import { sum } from "../ops/reduce.js";
import { matmul } from "../ops/matmul.js";
import { cat, reshape, stack } from "../ops/shape.js";
import { randn, tensor } from "../ops/create.js";
import { grad } from "../transforms/functional.js";
import { hessian, jacfwd, jacrev } from "../transforms/jacobian.js";
import { vmap } from "../transforms/vmap.js";
import { autograd } from "../autograd.js";
import { graph } from "../graph/graph.js";
import { applyPrimitive, assertClose, seededRandom, withArgument } from "../testing/check.js";
import { cases, linalgCases, type Case } from "../testing/primitive-cases.js";
import { jit } from "./jit.js";

const allCases = { ...cases, ...linalgCases } as Record<Primitive, Case>;

/** jit(f) on `args` twice: the first call traces (and returns the trace's values), the second runs the plan. */
function replayed(f: (...xs: Tensor[]) => Tensor, args: Tensor[]): Tensor {
  const jf = jit(f);
  const traced = jf(...args);
  assertClose(jf(...args), traced, 1e-12, "the plan's replay against the trace");
  assert.equal(jf.traces, 1, "one trace for one argument structure");
  return jf(...args);
}

for (const [name, c] of Object.entries(allCases) as [Primitive, Case][]) {
  test(`${name}: jit gives eager's values, jacrev and jacfwd`, () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const { args, params } = c.make(seededRandom(seed));
        const f = (...xs: Tensor[]) => applyPrimitive(name, xs, params);
        assertClose(replayed(f, args), f(...args), 1e-12, `${name} values`);
        for (const k of c.diff) {
          const fk = (x: Tensor) => f(...withArgument(args, k, x));
          assertClose(
            replayed(jacrev(fk), [args[k]]),
            jacrev(fk)(args[k]),
            1e-10,
            `${name} jit(jacrev) wrt ${k}`,
          );
          assertClose(
            replayed(jacfwd(fk), [args[k]]),
            jacfwd(fk)(args[k]),
            1e-10,
            `${name} jit(jacfwd) wrt ${k}`,
          );
        }
      }),
      { numRuns: 6, includeErrorInReport: true },
    );
  });
}

test("jit replays without calling f again, and traces again for a new shape", () => {
  let calls = 0;
  const f = jit((x: Tensor) => {
    calls++;
    return tanh(x).mul(2).add(1);
  });
  const a = randn([3], { seed: 1 });
  const b = randn([3], { seed: 2 });
  assertClose(f(a), tanh(a).mul(2).add(1), 1e-15);
  assertClose(f(b), tanh(b).mul(2).add(1), 1e-15);
  assert.equal(calls, 1, "one trace for one shape");
  const c = randn([2, 4], { seed: 3 });
  assertClose(f(c), tanh(c).mul(2).add(1), 1e-15);
  assert.equal(calls, 2, "a new shape is traced");
  assert.equal(f.traces, 2);
  f(a);
  assert.equal(calls, 2, "both traces are kept");
});

test("non-tensor arguments are static: a new value traces again", () => {
  let calls = 0;
  const f = jit((x: Tensor, power: number, opts: { shift: boolean }) => {
    calls++;
    const y = x.pow(power);
    return opts.shift ? y.add(1) : y;
  });
  const x = tensor([1, 2, 3]);
  assert.deepEqual(f(x, 2, { shift: false }).toArray(), [1, 4, 9]);
  assert.deepEqual(f(x, 3, { shift: true }).toArray(), [2, 9, 28]);
  assert.deepEqual(f(tensor([2, 3, 4]), 2, { shift: false }).toArray(), [4, 9, 16]);
  assert.equal(calls, 2);
});

test("reading a traced value inside jit is a TracerError that says why", () => {
  const readers: [string, (x: Tensor) => unknown][] = [
    ["item", (x) => x.sum().item()],
    ["toArray", (x) => x.toArray()],
    ["data", (x) => x.data[0]],
  ];
  for (const [what, read] of readers) {
    const f = jit((x: Tensor) => {
      if ((read(x) as number) > 0) return x;
      return x.neg();
    });
    assert.throws(
      () => f(tensor([1, 2])),
      (e: unknown) =>
        e instanceof TracerError && /jit: cannot read the values of a traced tensor/.test(e.message),
      what,
    );
  }
  // where() is the traceable choice.
  const g = jit((x: Tensor) => where(gt(x, 0), x, x.neg()));
  assert.deepEqual(g(tensor([-1, 2])).toArray(), [1, 2]);
});

test("jit composes with the transforms in both orders", () => {
  const f = (x: Tensor) => sum(sin(x).mul(exp(x.mul(0.5))));
  const x = randn([4], { seed: 4 });
  const want = jacrev(f)(x);
  assertClose(jit(jacrev(f))(x), want, 1e-12, "jit(jacrev)");
  assertClose(jacrev(jit(f))(x), want, 1e-12, "jacrev(jit)");
  assertClose(jit(jit(jacrev(f)))(x), want, 1e-12, "jit(jit(jacrev))");
  assertClose(grad(jit(f))(x), want, 1e-12, "grad(jit)");
  assertClose(jit(hessian(f))(x), hessian(f)(x), 1e-12, "jit(hessian)");
  const xs = randn([3, 4], { seed: 5 });
  assertClose(vmap(jit(jacrev(f)))(xs), vmap(jacrev(f))(xs), 1e-12, "vmap(jit(jacrev))");
  assertClose(jit(vmap(jacrev(f)))(xs), vmap(jacrev(f))(xs), 1e-12, "jit(vmap(jacrev))");
  assertClose(jacfwd(jit(jacrev(f)))(x), hessian(f)(x), 1e-12, "jacfwd(jit(jacrev))");
});

test("torch-style autograd sees through jit (inputs that require grad run eagerly)", () => {
  const f = jit((x: Tensor) => sum(x.mul(x)));
  const x = tensor([1, 2, 3], { requiresGrad: true });
  const [g] = autograd.grad(f(x), x);
  assert.deepEqual((g as Tensor).toArray(), [2, 4, 6]);
});

test("outputs are fresh on every call, intermediates are reused", () => {
  const w = randn([5, 5], { seed: 6 });
  const f = jit((x: Tensor) => {
    const h = tanh(matmul(w, x)).mul(2);
    return [h.add(1), h.sub(1), x, reshape(h, [5, 1])];
  });
  const a = randn([5], { seed: 7 });
  const b = randn([5], { seed: 8 });
  const [ya] = f(a) as Tensor[];
  const kept = Float64Array.from(ya.data);
  const [yb, zb, xb, hb] = f(b) as Tensor[];
  assert.deepEqual([...ya.data], [...kept], "an earlier result is not overwritten");
  const h = tanh(matmul(w, b)).mul(2);
  assertClose(yb, h.add(1), 1e-15);
  assertClose(zb, h.sub(1), 1e-15);
  assert.equal(xb.data, b.data, "an input returned as is shares its storage");
  assertClose(hb, reshape(h, [5, 1]), 1e-15);
});

test("fused loops broadcast operands of every layout and write in place safely", () => {
  const shapes: number[][][] = [
    [[2, 3, 4], [4]],
    [
      [2, 3, 4],
      [3, 1],
    ],
    [
      [2, 1, 4],
      [1, 3, 1],
    ],
    [[1], [2, 3]],
    [[], [3, 2]],
    [
      [5, 1],
      [1, 5],
    ],
  ];
  for (const [sa, sb] of shapes) {
    const a = randn(sa, { seed: 9 });
    const b = randn(sb, { seed: 10 });
    const chain = (x: Tensor, y: Tensor) => {
      const s = add(x, y);
      const t = mul(s, s);
      return [sub(t, tanh(y)), mul(exp(x), t)];
    };
    const got = jit(chain)(a, b) as Tensor[];
    const want = chain(a, b);
    got.forEach((g, i) => assertClose(g, want[i], 1e-15, `${JSON.stringify([sa, sb])} output ${i}`));
  }
  // A long chain of same-shape values, each dying where the next is made: buffers reused in place.
  const long = jit((x: Tensor) => {
    let v = x;
    for (let i = 0; i < 10; i++) v = sin(matmul(reshape(v, [4, 4]), reshape(x, [4, 4]))).add(i);
    return v;
  });
  const x = randn([4, 4], { seed: 11 });
  let want = x;
  for (let i = 0; i < 10; i++) want = sin(matmul(want, x)).add(i);
  assertClose(long(x), want, 1e-12);
  assertClose(long(x), want, 1e-12, "second call");
});

test("a loop reading many constants of different layouts reads each at its place in one packed array", () => {
  const [c1, c2, c3, c4] = [
    randn([3, 4], { seed: 31 }),
    randn([4], { seed: 32 }),
    randn([3, 1], { seed: 33 }),
    tensor([2]),
  ];
  const c5 = reshape(randn([12], { seed: 34 }), [3, 4]);
  const f = (v: Tensor) => [add(mul(v, c1), c2).sub(mul(c3, c4)).mul(c5), sub(c1, v).mul(c3).add(c2)];
  for (const x of [randn([3, 4], { seed: 35 }), randn([2, 3, 4], { seed: 36 })]) {
    const jf = jit(f);
    const want = f(x);
    for (let call = 0; call < 3; call++) {
      (jf(x) as Tensor[]).forEach((t, i) =>
        assertClose(t, want[i], 1e-15, `${x.shape}: call ${call}, output ${i}`),
      );
    }
  }
});

test("a concatenation of one loop's results is written by the loop, in place of the parts", () => {
  const w = randn([3, 4], { seed: 21 });
  const x = randn([3, 4], { seed: 22 });
  const cases: [string, (x: Tensor) => Tensor | Tensor[], boolean][] = [
    ["a stack along a new last axis", (v) => stack([sin(v).mul(w), v.mul(v).sub(w), exp(v)], 2), true],
    ["a stack along the first axis", (v) => stack([sin(v), tanh(v).add(w)], 0), true],
    [
      "a cat along a middle axis, parts of two widths",
      (v) => cat([sin(v), reshape(exp(v), [3, 4])], 1),
      true,
    ],
    [
      "parts given size-1 dims before they are joined",
      (v) => cat([reshape(sin(v), [3, 1, 4]), reshape(mul(v, w), [3, 1, 4])], 1),
      true,
    ],
    // Not placed: parts reshaped across dims, a part read again after the join, the same part twice, a
    // part that is an output.
    [
      "parts reshaped across dims",
      (v) => cat([reshape(sin(v), [12, 1]), reshape(mul(v, w), [12, 1])], 1),
      false,
    ],
    [
      "a part read again",
      (v) => {
        const s = sin(v);
        return cat([s, exp(v)], 0)
          .sum()
          .add(s);
      },
      false,
    ],
    [
      "the same part twice",
      (v) => {
        const s = sin(v).mul(w);
        return cat([s, s], 1);
      },
      false,
    ],
    [
      "a part that is an output too",
      (v) => {
        const s = sin(v);
        return [stack([s, exp(v)], 0), s];
      },
      false,
    ],
  ];
  for (const [what, f, placed] of cases) {
    const jf = jit(f);
    const want = f(x);
    for (const call of ["trace", "replay", "second replay"]) {
      const got = jf(x);
      const [g, e] = [[got].flat(), [want].flat()];
      g.forEach((t, i) => assertClose(t, e[i], 1e-15, `${what}: ${call}, output ${i}`));
    }
    assert.equal(!/concat/.test(jf.plan(x).describe()), placed, `${what}: ${jf.plan(x).describe()}`);
  }
});

test("a jitted function shows its program", () => {
  const f = jit((x: Tensor) => tanh(x).mul(3));
  const text = f.program(tensor([1, 2])).toString();
  assert.match(text, /tanh/);
  assert.match(text, /mul/);
  assert.match(text, /v0:\[2\]/);
});

test("loops of two shapes fuse across each other in a valid order", () => {
  const w = randn([1, 5], { seed: 12 });
  const c = randn([4, 5], { seed: 13 });
  const f = (x: Tensor) => {
    const a = sin(x); // [5]
    const b = add(reshape(a, [1, 5]), w); // [1,5], reads a
    const z = mul(reshape(b, [5]), exp(a)); // [5] again, reads b (which reads a)
    const m = mul(c, reshape(z, [1, 5])); // [4,5]
    const s = tanh(m).sum(0); // a reduction in between
    return [mul(s, a), sub(m, 1)];
  };
  const x = randn([5], { seed: 14 });
  const got = jit(f)(x) as Tensor[];
  f(x).forEach((want, i) => assertClose(got[i], want, 1e-15, `output ${i}`));
});

test("a transposed matrix product is computed as the swapped product, batched too", () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[3, 4], [4, 5], false, false],
    [[2, 3, 4], [2, 4, 5], false, false],
    [[4, 3], [5, 4], true, true],
    [[2, 4, 3], [4, 5], true, false],
  ];
  for (const [sa, sb, transA, transB] of cases) {
    const a = randn(sa, { seed: 15 });
    const b = randn(sb, { seed: 16 });
    const f = (x: Tensor, y: Tensor) =>
      applyPrimitive(Primitive.Matmul, [x, y], { transA, transB }).transpose(-1, -2).mul(2);
    const jf = jit(f);
    assertClose(jf(a, b), f(a, b), 1e-14, JSON.stringify([sa, sb, transA, transB]));
    assert.doesNotMatch(jf.plan(a, b).describe(), /permute/, "no transpose step");
  }
});

test("graph() draws a jitted function as the program it compiled, constants folded", () => {
  const w = randn([3, 3], { seed: 17 });
  const eye3 = tensor([
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ]);
  const f = jit((x: Tensor) => sin(matmul(matmul(eye3, w), reshape(x, [3, 1]))));
  const text = graph(f, tensor([1, 2, 3])).text;
  assert.match(text, /sin/);
  assert.equal(
    (text.match(/^\s*matmul\S* \[/gm) ?? []).length,
    1,
    "the product of the two constants is folded",
  );
  // A function that calls a jitted one shows the program's primitives too.
  const g = (x: Tensor) => f(x).mul(2);
  assert.match(graph(g, tensor([1, 2, 3])).text, /sin/);
});

test("a scaling along the inner dim is folded into the matrix product, on either side", () => {
  const cases: [string, (x: Tensor, y: Tensor, s: Tensor) => Tensor][] = [
    ["(X ⊙ s)·Y", (x, y, s) => matmul(mul(x, s), y)],
    ["(s ⊙ X)·Y", (x, y, s) => matmul(mul(s, x), y)],
    ["X·(Y ⊙ sᵀ)", (x, y, s) => matmul(x, mul(y, reshape(s, [5, 1])))],
    ["batched", (x, y, s) => matmul(mul(reshape(x, [1, 3, 5]).add(reshape(x, [1, 3, 5])), s), y)],
  ];
  const x = randn([3, 5], { seed: 18 });
  const y = randn([5, 4], { seed: 19 });
  for (const [what, f] of cases) {
    const s = randn([5], { seed: 20 });
    const jf = jit(f);
    assertClose(jf(x, y, s), f(x, y, s), 1e-14, what);
    assert.doesNotMatch(
      jf.plan(x, y, s).describe(),
      /fused\[3,5\] mul|fused\[5,4\] mul/,
      `${what}: no separate scaling`,
    );
    assertClose(jf(x.mul(2), y, s.neg()), f(x.mul(2), y, s.neg()), 1e-14, `${what}, second call`);
  }
  // A scaled operand read elsewhere too is not folded (its values are needed).
  const g = jit((a: Tensor, b: Tensor, s: Tensor) => {
    const scaled = mul(a, s);
    return [matmul(scaled, b), scaled.sum()];
  });
  const want = [matmul(mul(x, randn([5], { seed: 20 })), y)];
  assertClose((g(x, y, randn([5], { seed: 20 })) as Tensor[])[0], want[0], 1e-14, "shared scaling");
});

test("repeated equations are computed once, and products with ones are reshapes", () => {
  const f = jit((x: Tensor) => {
    const a = mul(x, sin(x));
    const b = mul(x, sin(x)); // the same as a
    return add(add(a, b), mul(tensor([[1, 1, 1]]), x));
  });
  const x = tensor([0.5, 1, 2]);
  assertClose(f(x), add(mul(x, sin(x)).mul(2), x).reshape([1, 3]), 1e-15);
  const eqns = f.program(x).eqns.map((e) => e.prim);
  assert.equal(eqns.filter((p) => p === "sin").length, 1, `one sin in ${eqns.join(" ")}`);
  assert.equal(eqns.filter((p) => p === "mul").length, 1, `one mul in ${eqns.join(" ")}`);
});
