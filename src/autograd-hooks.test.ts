// torch-style extras: tensor hooks, retainGrad, backward into chosen inputs, autograd.backward over several
// tensors in one pass, materializeGrads, and noGrad/enableGrad scopes nesting (expected numbers from
// PyTorch 2.13, float64).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  autograd,
  enableGrad,
  grad,
  isGradEnabled,
  noGrad,
  setGradEnabled,
  tensor,
  type Tensor,
} from "./index.js";

const values = (t: Tensor | null | undefined): unknown => (t ? t.toArray() : t);

test("registerHook sees the gradient, may replace it for the rest of the pass, and can be removed", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const y = x.mul(3);
  const seen: Tensor[] = [];
  const handle = y.registerHook((g) => {
    seen.push(g);
    return g.mul(2);
  });
  const z = y.mul(y).sum();
  assert.deepEqual(values(autograd.grad(z, x, { retainGraph: true })[0]), [36, 72]);
  assert.deepEqual(values(seen[0]), [6, 12]);
  handle.remove();
  assert.deepEqual(values(autograd.grad(z, x, { retainGraph: true })[0]), [18, 36]);
  // A hook on a leaf changes what reaches .grad (and what autograd.grad returns).
  const leaf = tensor([1, 2], { requiresGrad: true });
  leaf.registerHook((g) => g.mul(10));
  leaf.mul(leaf).sum().backward();
  assert.deepEqual(values(leaf.grad), [20, 40]);
  assert.deepEqual(values(autograd.grad(leaf.mul(leaf).sum(), leaf)[0]), [20, 40]);
  assert.throws(
    () => tensor([1]).registerHook((g) => g),
    /registerHook: cannot register a hook on a tensor that does not require grad/,
  );
  assert.throws(
    () => leaf.registerHook((g) => g.sum()) && leaf.mul(2).sum().backward(),
    /the hook returned a gradient of shape \[\] for a tensor of shape \[2\]/,
  );
});

test("retainGrad keeps a non-leaf's gradient in .grad, summed over passes (autograd.grad included)", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const y = x.mul(3);
  y.retainGrad();
  assert.equal(y.retainsGrad, true);
  const z = y.mul(y).sum();
  autograd.grad(z, x, { retainGraph: true });
  assert.deepEqual(values(y.grad), [6, 12]);
  assert.equal(x.grad, null);
  z.backward();
  assert.deepEqual(values(y.grad), [12, 24]);
  assert.deepEqual(values(x.grad), [18, 36]);
});

test("backward(inputs) accumulates only into the given tensors; autograd.backward sums several tensors in one pass", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const w = tensor([3, 4], { requiresGrad: true });
  const y = x.mul(w);
  y.mul(2)
    .sum()
    .backward(undefined, { inputs: [x, y] });
  assert.deepEqual([values(x.grad), values(w.grad), values(y.grad)], [[6, 8], null, [2, 2]]);
  x.grad = null;
  autograd.backward([x.mul(x).sum(), x.mul(w).sum()], { gradTensors: [tensor(1), tensor(2)] });
  assert.deepEqual(
    [values(x.grad), values(w.grad)],
    [
      [8, 12],
      [2, 4],
    ],
  );
  // The older positional form still works.
  x.grad = null;
  autograd.backward(x.mul(x).sum(), tensor(3));
  assert.deepEqual(values(x.grad), [6, 12]);
  assert.throws(
    () => autograd.backward(x.mul(x).sum(), { inputs: [] }),
    /autograd.backward: inputs must not be empty/,
  );
  assert.throws(
    () => autograd.backward([x.sum(), x.sum()], { gradTensors: [tensor(1)] }),
    /gradTensors has 1 entries for 2 tensors/,
  );
});

test("materializeGrads returns zeros for unused inputs and refuses allowUnused: false", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const w = tensor([1, 2], { requiresGrad: true });
  const out = autograd.grad(x.mul(x).sum(), [x, w], { materializeGrads: true });
  assert.deepEqual(out.map(values), [
    [2, 4],
    [0, 0],
  ]);
  assert.deepEqual(autograd.grad(x.mul(x).sum(), [x, w], { allowUnused: true }).map(values), [[2, 4], null]);
  assert.throws(
    () => autograd.grad(x.mul(x).sum(), [x, w], { materializeGrads: true, allowUnused: false }),
    /materializeGrads: true returns zeros for unused inputs, so allowUnused must be true or not given/,
  );
});

test("noGrad and enableGrad nest (the innermost wins), on the tape and inside grad", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const recorded = noGrad(() => enableGrad(() => x.mul(2)));
  assert.notEqual(recorded.gradFn, null);
  const plain = enableGrad(() => noGrad(() => x.mul(2)));
  assert.equal(plain.gradFn, null);
  assert.equal(
    noGrad(() => setGradEnabled(true, isGradEnabled)),
    true,
  );
  assert.equal(isGradEnabled(), true);
  // Inside grad: noGrad stops differentiation, enableGrad inside it resumes it; an operation done under
  // noGrad gives a constant even when its operands were recorded (torch gives [1, 1] and [3, 5]).
  const inside = (v: Tensor): Tensor[] => noGrad(() => [v.mul(v), enableGrad(() => v.mul(v))]);
  const summedInside = (v: Tensor): Tensor =>
    noGrad(() => {
      const [a, b] = inside(v);
      return a.add(b);
    })
      .sum()
      .add(v.sum());
  const summedOutside = (v: Tensor): Tensor => {
    const [a, b] = inside(v);
    return a.add(b).sum().add(v.sum());
  };
  assert.deepEqual(grad(summedInside)(tensor([1, 2])).toArray(), [1, 1]);
  assert.deepEqual(grad(summedOutside)(tensor([1, 2])).toArray(), [3, 5]);
  // grad called inside noGrad still differentiates its function (torch.func's semantics).
  assert.deepEqual(
    noGrad(() => grad((v: Tensor) => v.mul(v).sum())(tensor([3])).toArray()),
    [6],
  );
});
