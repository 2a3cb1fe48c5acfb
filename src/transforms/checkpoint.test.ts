// checkpoint: the same values and derivatives, one more forward pass in the backward pass, and less memory
// kept between the forward and the backward pass (counted as the bytes the tape holds on to).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Primitive,
  checkpoint,
  countPasses,
  customVjp,
  grad,
  jacrev,
  rand,
  randn,
  tensor,
  vjp,
  vmap,
  type Tensor,
} from "../index.js";
import { flattenLoose } from "../core/pytree.js";
import type { CustomParams } from "../core/custom-call.js";
import { assertClose, assertComposes } from "../testing/check.js";

const n = 32;
const W = randn([n, n], { seed: 41 }).mul(0.3);
const layer = (h: Tensor): Tensor => h.matmul(W).tanh().mul(h.sin().add(1));
const stackOf = (f: (h: Tensor) => Tensor, depth: number) => (h: Tensor) => {
  for (let i = 0; i < depth; i++) h = f(h);
  return h;
};

/** Bytes of the distinct buffers the tape keeps for the backward pass of `y` (saved operands, outputs). */
function savedBytes(y: Tensor): number {
  const buffers = new Set<Float64Array>();
  const keep = (t: Tensor | null): void => {
    if (t !== null && t._data !== null) buffers.add(t._data);
  };
  const seen = new Set<Tensor>();
  const todo = [y];
  while (todo.length > 0) {
    const t = todo.pop() as Tensor;
    if (seen.has(t) || t.gradFn === null) continue;
    seen.add(t);
    const node = t.gradFn;
    node.primals.forEach(keep);
    keep(node.out);
    if (node.prim === Primitive.CustomCall)
      flattenLoose((node.params as CustomParams).saved.res).leaves.forEach(keep);
    for (const p of node.parents) if (p !== null) todo.push(p);
  }
  let bytes = 0;
  for (const b of buffers) bytes += b.byteLength;
  return bytes;
}

test("checkpoint keeps the values and derivatives and recomputes f in the backward pass", () => {
  const x = randn([n], { seed: 42 });
  const deep = stackOf(layer, 3);
  const remat = checkpoint(deep);
  assertClose(remat(x), deep(x), 1e-15, "value");
  const loss = (v: Tensor): Tensor => remat(v).square().sum();
  const plain = countPasses(() => grad((v: Tensor) => deep(v).square().sum())(x));
  const r = countPasses(() => grad(loss)(x));
  assertClose(r.value, plain.value, 1e-12, "gradient");
  assert.deepEqual([plain.forward, r.forward], [1, 2], "the backward pass runs f once more");
  const small = checkpoint((v: Tensor) => v.sin().mul(v.exp()));
  assertComposes("checkpoint", small, tensor([0.1, -0.4, 0.9]), randn([3, 3], { seed: 43 }));
});

test("checkpoint lowers the memory the tape keeps for the backward pass", () => {
  const x = randn([64, n], { seed: 44 }).requiresGrad_();
  const depth = 8;
  const plainY = stackOf(layer, depth)(x).square().sum();
  const blockY = stackOf(checkpoint(layer), depth)(x).square().sum();
  const wholeY = checkpoint(stackOf(layer, depth))(x).square().sum();
  const plainBytes = savedBytes(plainY);
  const blockBytes = savedBytes(blockY);
  const wholeBytes = savedBytes(wholeY);
  // Per layer the plain tape keeps the matmul, tanh, sin and product values; a checkpointed block only
  // its input and output; the whole stack checkpointed only x, W and the last output.
  assert.ok(blockBytes < plainBytes / 2, `per-layer checkpoints: ${blockBytes} bytes vs ${plainBytes}`);
  assert.ok(wholeBytes < blockBytes / 2, `one checkpoint: ${wholeBytes} bytes vs ${blockBytes}`);
  const gradient = (y: Tensor): Tensor => {
    x.grad = null;
    y.backward();
    return x.grad as unknown as Tensor;
  };
  const expected = gradient(plainY);
  assertClose(gradient(blockY), expected, 1e-12, "per-layer checkpoints' gradient");
  assertClose(gradient(wholeY), expected, 1e-12, "one checkpoint's gradient");
});

test("checkpoint of trees, under vmap and inside jacrev", () => {
  const f = checkpoint((p: { a: Tensor; b: Tensor }) => ({ s: p.a.mul(p.b).sum(), d: p.a.sub(p.b) }));
  const p = { a: tensor([1, 2]), b: tensor([3, 5]) };
  const out = f(p);
  assert.deepEqual([out.s.item(), out.d.toArray()], [13, [-2, -3]]);
  const g = grad((q: { a: Tensor; b: Tensor }) => f(q).s.add(f(q).d.sum()))(p) as unknown as {
    a: Tensor;
    b: Tensor;
  };
  assert.deepEqual(
    [g.a.toArray(), g.b.toArray()],
    [
      [4, 6],
      [0, 1],
    ],
  );
  const rows = randn([3, 2], { seed: 45 });
  const per = vmap((r: Tensor) => jacrev((v: Tensor) => f({ a: v, b: r }).d)(r))(rows);
  assert.deepEqual(per.shape, [3, 2, 2]);
});

test("nested checkpoints recompute what JAX's remat test counts: 2 evaluations forward, 3 backward", () => {
  // JAX's old api_test (test_remat_eval_counter) counted evaluations of a primitive inside
  // g = remat(x => addOne(remat(addOne)(x))): 2 for vjp's forward pass, 3 for the pullback (2 while
  // transposing g, 1 while transposing the inner remat). jaclab runs the user's code, so it counts calls.
  let calls = 0;
  const addOne = (t: Tensor): Tensor => {
    calls++;
    return t.add(1);
  };
  const inner = checkpoint(addOne);
  const outer = checkpoint((t: Tensor) => addOne(inner(t)));
  const [, pull] = vjp(outer, tensor([0]));
  const forward = calls;
  pull(tensor([1]));
  assert.deepEqual([forward, calls - forward], [2, 3]);
});

test("the recomputation draws the same random numbers as the forward pass (torch's preserved RNG state)", () => {
  const draws: Tensor[] = [];
  const dropout = checkpoint((t: Tensor) => {
    const keep = rand([4]).lt(0.5);
    draws.push(keep);
    return t.mul(keep).mul(2).sum();
  });
  const x = tensor([1, 2, 3, 4]);
  const g = grad(dropout)(x);
  assert.equal(draws.length, 2, "drawn in the forward pass and again in the recomputation");
  assert.deepEqual(draws[1].toArray(), draws[0].toArray());
  assert.deepEqual(g.toArray(), draws[0].mul(2).toArray());
  // Each application forks the stream once: the next one (and draws outside) get other numbers.
  const again = (): number[] => {
    grad(dropout)(x);
    return draws[draws.length - 1].toArray() as number[];
  };
  const seen = new Set([JSON.stringify(draws[0].toArray())]);
  for (let i = 0; i < 4; i++) seen.add(JSON.stringify(again()));
  assert.ok(seen.size > 1, "later applications draw other numbers");
});

test("random numbers inside a checkpoint or a custom function under vmap follow its randomness", () => {
  // Draws in the function: one row of noise per example under "different", one for all under "same".
  const noisy = (t: Tensor): Tensor => t.add(rand([3]));
  const rows = tensor([
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ]);
  for (const wrapped of [
    checkpoint(noisy),
    customVjp(noisy, { fwd: (t) => [noisy(t), null], bwd: (_r, g) => [g] }),
  ]) {
    const different = vmap(wrapped, { randomness: "different" })(rows).toArray() as number[][];
    assert.deepEqual(different.length, 4);
    assert.equal(new Set(different.map((r) => JSON.stringify(r))).size, 4, "each example draws its own");
    const same = vmap(wrapped, { randomness: "same" })(rows).toArray() as number[][];
    assert.equal(new Set(same.map((r) => JSON.stringify(r))).size, 1, "one draw for the whole batch");
    assert.throws(() => vmap(wrapped)(rows), /random numbers inside vmap/);
    // Nested vmaps: a draw per example of both.
    const nested = vmap((m: Tensor) => vmap(wrapped, { randomness: "different" })(m), {
      randomness: "different",
    })(tensor([rows.toArray() as number[][], rows.toArray() as number[][]]));
    const flat = (nested.toArray() as number[][][]).flat().map((r) => JSON.stringify(r));
    assert.equal(new Set(flat).size, 8);
    // The gradient still flows through: d/dt of sum(t + noise) is 1 everywhere, per example.
    const g = vmap(
      grad((t: Tensor) => wrapped(t).sum()),
      { randomness: "different" },
    )(rows);
    assert.deepEqual(g.toArray(), rows.add(1).toArray());
  }
});
