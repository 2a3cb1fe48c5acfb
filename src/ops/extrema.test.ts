// clamp, amax/amin, max(dim) and argmax/argmin: values and tie-breaking as PyTorch 2.13 (float64),
// finite differences and the composition checks (vmap, jacfwd of jacrev).
import { test } from "node:test";
import assert from "node:assert/strict";
import { amax, amin, argmax, argmin, clamp, gather, grad, randn, tensor, type Tensor } from "../index.js";
import { assertComposes } from "../testing/check.js";

const ties = tensor([
  [1, 3, 3],
  [2, 0, 2],
]);

test("amax/amin (and max/min over a dim) share the gradient among ties, as torch.amax/amin", () => {
  assert.deepEqual(grad((x: Tensor) => amax(x, 1).sum())(ties).toArray(), [
    [0, 0.5, 0.5],
    [0.5, 0, 0.5],
  ]);
  assert.deepEqual(grad((x: Tensor) => amin(x, 1).sum())(ties).toArray(), [
    [1, 0, 0],
    [0, 1, 0],
  ]);
  assert.deepEqual(grad((x: Tensor) => x.max())(ties).toArray(), [
    [0, 0.5, 0.5],
    [0, 0, 0],
  ]);
  // torch.max(x, dim)'s gradient goes to the index it returns: gather at argmax reproduces it.
  assert.deepEqual(grad((x: Tensor) => gather(x, 1, argmax(x, 1, true)).sum())(ties).toArray(), [
    [0, 1, 0],
    [1, 0, 0],
  ]);
});

test("argmax/argmin return the first index of the extreme, like torch", () => {
  assert.deepEqual(argmax(ties, 1).toArray(), [1, 0]);
  assert.deepEqual(argmin(ties, 1).toArray(), [0, 1]);
  assert.equal(argmax(ties).item(), 1);
  assert.deepEqual(argmin(ties, 0, true).toArray(), [[0, 1, 1]]);
  assert.deepEqual(grad((x: Tensor) => argmax(x, 1).sum().add(x.sum()))(ties).toArray(), [
    [1, 1, 1],
    [1, 1, 1],
  ]);
});

test("clamp: torch's values (max wins when min > max) and gradients, bounds included", () => {
  const x = tensor([-2, 0, 1, 3]);
  assert.deepEqual(clamp(x, 0, 1).toArray(), [0, 0, 1, 1]);
  assert.deepEqual(clamp(x, 2, 1).toArray(), [1, 1, 1, 1]);
  assert.deepEqual(x.clamp(null, 0).toArray(), [-2, 0, 0, 0]);
  assert.deepEqual(grad((v: Tensor) => clamp(v, 0, 1).sum())(x).toArray(), [0, 1, 1, 0]);
  assert.deepEqual(grad((v: Tensor) => clamp(v, 2, 1).sum())(x).toArray(), [0, 0, 0, 0]);
  const lo = tensor([0, 0.5, 0, 4]);
  const [gx, glo] = grad((v: Tensor, m: Tensor) => clamp(v, m).sum(), { argnums: [0, 1] })(x, lo);
  assert.deepEqual(
    [gx.toArray(), glo.toArray()],
    [
      [0, 0, 1, 0],
      [1, 1, 0, 1],
    ],
  );
  assert.throws(() => clamp(x), /clamp: give at least one of min and max/);
});

test("clamp, amax and amin compose with vmap and jacfwd(jacrev), away from kinks", () => {
  const x = tensor([0.3, -0.8, 1.7, 0.1]);
  const X = randn([3, 4], { seed: 81 });
  assertComposes("clamp", (v) => clamp(v.mul(v), 0.2, 2).mul(v), x, X);
  assertComposes("amax", (v) => amax(v.reshape(2, 2).exp(), 1).mul(v.sum()), x, X);
  assertComposes("amin", (v) => amin(v.reshape(2, 2).sin(), 0, true).mul(v.narrow(0, 0, 2)), x, X);
});
