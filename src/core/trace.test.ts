// The interpreter stack's hooks: observeBinds (graph tracing), grad mode, the pass counter, progress.
import { test } from "node:test";
import assert from "node:assert/strict";
import { countPasses, jacrev, noGrad, observeBinds, tensor, vmap, zeros, type Tensor } from "../index.js";

test("observeBinds reports every eager primitive with inputs, params and output", () => {
  const seen: [string, number[][], unknown, number[]][] = [];
  const x = tensor([1, 2, 3]);
  const y = observeBinds(
    (name, inputs, params, output) => seen.push([name, inputs.map((t) => t.shape), params, output.shape]),
    () => x.mul(2).sum(0, true),
  );
  assert.deepEqual(y.toArray(), [12]);
  assert.deepEqual(
    seen.map((s) => s[0]),
    ["mul", "sum"],
  );
  assert.deepEqual(seen[0][1], [[3], []]);
  assert.deepEqual(seen[1][2], { axes: [0], keepdim: true });
  assert.deepEqual(seen[1][3], [1]);
  x.add(1);
  assert.equal(seen.length, 2, "the observer is removed afterwards");
});

test("observeBinds sees the primitives a derived op is made of", () => {
  const names: string[] = [];
  observeBinds(
    (name) => names.push(name),
    () => tensor([1, 2]).softmax(0),
  );
  assert.ok(names.includes("exp") && names.includes("div") && names.includes("max"));
});

test("noGrad records no history", () => {
  const q = tensor([1, 2]).requiresGrad_();
  const y = noGrad(() => q.mul(2));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.gradFn, null);
  assert.equal(q.mul(2).requiresGrad, true);
});

test("countPasses counts forward and backward passes of the transforms", () => {
  const f = (x: Tensor): Tensor => x.sin().mul(x);
  const r = countPasses(() => vmap(jacrev(f))(zeros([4, 3]).add(0.5)));
  assert.deepEqual([r.forward, r.backward], [1, 1]);
  assert.deepEqual(r.value.shape, [4, 3, 3]);
});

test("progress: true reports chunks through a progress bar without changing results", () => {
  const f = (x: Tensor): Tensor => x.mul(x);
  const writes: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => {
    writes.push(String(s));
    return true;
  }) as typeof process.stderr.write;
  try {
    const j = jacrev(f, { chunkSize: 2, progress: true })(tensor([1, 2, 3]));
    assert.deepEqual(j.toArray(), [
      [2, 0, 0],
      [0, 4, 0],
      [0, 0, 6],
    ]);
  } finally {
    process.stderr.write = write;
  }
  assert.ok(
    writes.some((w) => /jacrev/.test(w)),
    "a progress bar was drawn on stderr",
  );
});
