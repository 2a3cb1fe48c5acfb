// vmap's options: per-leaf inDims trees with null, outDims trees with null (checked), axisSize,
// randomness, nested vmaps over different dims, and errors that name the leaves.
import { test } from "node:test";
import assert from "node:assert/strict";
import { jacfwd, rand, randn, stack, vmap, zeros, type Tensor } from "../index.js";
import { assertClose } from "../testing/check.js";

const X = randn([3, 4], { seed: 61 });
const Y = randn([4, 3], { seed: 62 });
const w = randn([4], { seed: 63 });

test("inDims trees: a number or null per leaf, and a number covering a subtree", () => {
  const f = (p: { x: Tensor; w: Tensor }, ys: Tensor[]): Tensor => p.x.mul(p.w).add(ys[0]).sub(ys[1]);
  const got = vmap(f, { inDims: [{ x: 0, w: null }, [1, 0]] })({ x: X, w }, [Y, X]);
  const loop = stack(
    [0, 1, 2].map((i) => f({ x: X.index(i), w }, [Y.narrow(1, i, 1).reshape(4), X.index(i)])),
  );
  assertClose(got, loop, 1e-15);
  // A single entry for a whole tree argument.
  const whole = vmap((p: { a: Tensor; b: Tensor }) => p.a.add(p.b), { inDims: [1] })({ a: Y, b: Y.mul(2) });
  assertClose(whole, Y.mul(3).T, 1e-15);
});

test("outDims trees, null for an unbatched output (checked), and axisSize", () => {
  const f = (x: Tensor) => ({ row: x.mul(2), shared: w.sum(), col: x.sum() });
  const out = vmap(f, { outDims: { row: 1, shared: null, col: 0 } })(X);
  assertClose(out.row, X.mul(2).T, 1e-15);
  assert.deepEqual(out.shared.shape, []);
  assert.deepEqual(out.col.shape, [3]);
  assert.throws(
    () => vmap((x: Tensor) => x.mul(2), { outDims: null })(X),
    /vmap: outDims is null for output leaf 0 \(shape \[4\]\), but it depends on the batched arguments/,
  );
  // No batched argument: axisSize gives the batch, and unbatched outputs are broadcast.
  const b = vmap((v: Tensor) => v.add(1), { inDims: null, axisSize: 5 })(w);
  assert.deepEqual(b.shape, [5, 4]);
  assert.throws(() => vmap((v: Tensor) => v, { inDims: null })(w), /no argument is batched.*pass axisSize/);
  assert.throws(
    () => vmap((v: Tensor) => v, { axisSize: 2 })(X),
    /inconsistent batch sizes: argument 0 \(shape \[3,4\], inDim 0\) has 3; axisSize is 2/,
  );
});

test("nested vmaps over different dims equal the double loop", () => {
  const f = (a: Tensor, b: Tensor): Tensor => a.mul(b).sum();
  const A = randn([2, 5, 3], { seed: 64 });
  const B = randn([3, 2], { seed: 65 });
  // Outer over A's dim 0 and B's dim 1; inner over A's (remaining) dim 0 and an unbatched b.
  const got = vmap((a: Tensor, b: Tensor) => vmap((r: Tensor) => f(r, b), { inDims: 0 })(a), {
    inDims: [0, 1],
  })(A, B);
  const loop = stack(
    [0, 1].map((i) =>
      stack([0, 1, 2, 3, 4].map((j) => f(A.index(i).index(j), B.narrow(1, i, 1).reshape(3)))),
    ),
  );
  assertClose(got, loop, 1e-15);
  const inner1 = vmap((a: Tensor) => vmap((c: Tensor) => c.sin(), { inDims: 1 })(a), { inDims: 2 })(A);
  assertClose(inner1, A.sin().permute(2, 1, 0), 1e-15);
});

test("mismatched batch sizes name every leaf with its size", () => {
  assert.throws(
    () => vmap((p: { a: Tensor; b: Tensor[] }) => p.a)({ a: zeros([2, 3]), b: [zeros([2]), zeros([5, 1])] }),
    /vmap: inconsistent batch sizes: argument 0.a \(shape \[2,3\], inDim 0\) has 2; argument 0.b\[0\] \(shape \[2\], inDim 0\) has 2; argument 0.b\[1\] \(shape \[5,1\], inDim 0\) has 5/,
  );
  assert.throws(
    () => vmap((a: Tensor) => a, { inDims: [0, 1] })(X),
    /inDims must be a number, null, or one entry per argument; got 2 entries for 1 argument/,
  );
  assert.throws(
    () => vmap((p: Tensor[]) => p[0], { inDims: [[0, 0, 0]] })([X, X]),
    /inDims for argument 0 is an array of 3, but argument 0 is an array of 2/,
  );
});

test("randomness: error by default, different per example, same for the whole batch, nested", () => {
  const noise = (x: Tensor): Tensor => x.add(rand([4]));
  assert.throws(() => vmap(noise)(X), /rand: random numbers inside vmap: pass randomness: "different"/);
  const diff = vmap(noise, { randomness: "different" })(zeros([3, 4]));
  assert.notDeepEqual(diff.index(0).toArray(), diff.index(1).toArray());
  const same = vmap(noise, { randomness: "same" })(zeros([3, 4]));
  assert.deepEqual(same.index(0).toArray(), same.index(2).toArray());
  // Reproducible with a seed: "different" draws the whole [batch, ...] block from it.
  const seeded = (x: Tensor) => x.add(randn([4], { seed: 7 }));
  const a = vmap(seeded, { randomness: "different" })(zeros([3, 4]));
  assertClose(a, randn([3, 4], { seed: 7 }), 0);
  // Nested: different outside, same inside: varies along the outer dim only.
  const nested = vmap((m: Tensor) => vmap(noise, { randomness: "same" })(m), { randomness: "different" })(
    zeros([2, 3, 4]),
  );
  assert.deepEqual(nested.index(0).index(0).toArray(), nested.index(0).index(2).toArray());
  assert.notDeepEqual(nested.index(0).index(0).toArray(), nested.index(1).index(0).toArray());
  assert.throws(
    () => vmap(noise, { randomness: "sometimes" as never }),
    /randomness must be "error", "different" or "same", got "sometimes"/,
  );
  // The basis batches of jacfwd are not a user's vmap: random numbers in f are one draw there.
  assert.deepEqual(
    jacfwd((x: Tensor) => x.mul(rand([4]).mul(0).add(2)))(w)
      .index(0)
      .toArray(),
    [2, 0, 0, 0],
  );
});
