// linearize, linearTranspose and jacobian's one-pass "auto": values against jvp/vjp and finite
// differences, pass counts, trees, vmap of the recorded map, and the non-linear error.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  countPasses,
  eye,
  grad,
  jacfwd,
  jacobian,
  jacrev,
  jvp,
  linearTranspose,
  linearize,
  matmul,
  randn,
  stack,
  tensor,
  vjp,
  vmap,
  zeros,
  type Tensor,
} from "../index.js";
import { assertClose, assertComposes, finiteDiffJacobian } from "../testing/check.js";

const W = randn([4, 3], { seed: 51 });
const f = (x: Tensor): Tensor => W.matmul(x.sin()).tanh().mul(x.sum());
const x0 = tensor([0.4, -0.7, 1.1]);

test("linearize: one forward pass, then jvpFn gives jvp's tangents without running f again", () => {
  const r = countPasses(() => linearize(f, x0));
  assert.deepEqual([r.forward, r.backward], [1, 0]);
  const [y, push] = r.value;
  assertClose(y, f(x0), 1e-15, "value");
  const v = tensor([1, -2, 0.5]);
  const later = countPasses(() => push(v));
  assert.deepEqual([later.forward, later.backward], [0, 0]);
  assertClose(later.value, jvp(f, [x0], [v])[1], 1e-14, "jvpFn(v)");
  // A batch of tangents under vmap: the Jacobian, columns as rows.
  assertClose(vmap(push)(eye(3)).T, jacfwd(f)(x0), 1e-14);
  assertClose(
    jacrev(f)(x0),
    finiteDiffJacobian(([u]) => f(u), [x0], 0),
    1e-6,
    "fd",
  );
});

test("linearize composes: as a function of x it matches finite differences, vmap and jacfwd(jacrev)", () => {
  const v = tensor([0.3, 0.2, -0.1]);
  assertComposes("x -> linearize(f, x)[1](v)", (x) => linearize(f, x)[1](v), x0, randn([3, 3], { seed: 53 }));
  // grad through the recorded map: the constants it captured are differentiable values of the outer level.
  const g = grad((x: Tensor) => linearize(f, x)[1](v).sum())(x0);
  assertClose(g, jacrev((x: Tensor) => jvp(f, [x], [v])[1].sum())(x0), 1e-12, "grad of jvpFn");
});

test("linearize of trees and several arguments", () => {
  const h = (p: { a: Tensor; b: Tensor }, s: Tensor) => [p.a.mul(p.b).mul(s), p.a.exp().sum()];
  const p = { a: tensor([1, 2]), b: tensor([0.5, -1]) };
  const s = tensor(3);
  const [out, push] = linearize(h, p, s);
  const ta = { a: tensor([1, 0]), b: tensor([0, 1]) };
  const [y1, t1] = jvp(h, [p, s], [ta, tensor(0.5)]);
  const t2 = push(ta, tensor(0.5));
  assertClose(out[0], y1[0], 1e-15);
  assertClose(t2[0], t1[0], 1e-14);
  assertClose(t2[1], t1[1], 1e-14);
});

test("linearTranspose transposes a linear function (against vjp), of trees too, in one sweep", () => {
  const A = randn([3, 5], { seed: 54 });
  const lin = (x: Tensor): Tensor =>
    matmul(A, x)
      .mul(2)
      .sub(x.narrow(0, 1, 3));
  const t = linearTranspose(lin, zeros([5]));
  const ct = tensor([1, -1, 2]);
  const r = countPasses(() => t(ct));
  assert.deepEqual([r.forward, r.backward], [0, 1]);
  assertClose(r.value[0], vjp(lin, zeros([5]))[1](ct)[0], 1e-14);
  const two = linearTranspose((p: { u: Tensor; v: Tensor }) => stack([p.u.sum(), p.v.mul(3).sum()]), {
    u: zeros([2]),
    v: zeros([3]),
  });
  const [back] = two(tensor([1, 2]));
  assert.deepEqual(
    [back.u.toArray(), back.v.toArray()],
    [
      [1, 1],
      [6, 6, 6],
    ],
  );
  // Transposing twice gives the map back.
  const tt = linearTranspose((c: Tensor) => t(c)[0], zeros([3]));
  assertClose(tt(tensor([1, 0, 0, 2, 0]))[0], lin(tensor([1, 0, 0, 2, 0])), 1e-14);
  // Under vmap: the transpose of a batch of cotangents is the batch of rows of A^T-like maps.
  assertClose(
    vmap((c: Tensor) => t(c)[0])(
      tensor([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ]),
    ),
    jacrev(lin)(zeros([5])),
    1e-14,
  );
  assert.throws(
    () => linearTranspose((x: Tensor) => x.sin(), zeros([2])),
    /linearTranspose: the function is not linear in its input: it applies sin to a value that depends on it/,
  );
  assert.throws(
    () => linearTranspose((x: Tensor) => x.mul(x), zeros([2])),
    /it applies mul to several values that depend on it/,
  );
});

test('jacobian "auto" costs exactly one forward pass in either mode; aliases of the strategies', () => {
  const wide = (x: Tensor): Tensor => W.matmul(x).sin(); // 3 -> 4: forward mode
  const tall = (x: Tensor): Tensor => W.T.matmul(x).exp(); // 4 -> 3: reverse mode
  for (const [g, x] of [
    [wide, x0],
    [tall, tensor([0.1, 0.2, 0.3, 0.4])],
  ] as const) {
    const auto = countPasses(() => jacobian(g, x));
    assert.equal(auto.forward, 1);
    assert.equal(auto.backward, x.size < g(x).size ? 0 : 1);
    assertClose(auto.value, jacrev(g)(x), 1e-14);
    for (const s of ["forward", "reverse", "forward-mode", "reverse-mode"] as const) {
      assertClose(jacobian(g, x, { strategy: s }), auto.value, 1e-14, s);
    }
    assertClose(jacobian(g, x, { strategy: "auto", chunkSize: 2 }), auto.value, 1e-14, "chunked");
  }
  assert.throws(
    () => jacobian(wide, x0, { strategy: "sideways" as never }),
    /jacobian: strategy must be one of "auto", "reverse", "forward", "reverse-mode", "forward-mode", got "sideways"/,
  );
  const r = countPasses(() => jacobian((x: Tensor) => ({ s: x.sum(), p: x.mul(x) }), x0));
  assert.equal(r.forward, 1);
  assertClose((r.value as { p: Tensor }).p, jacrev((x: Tensor) => x.mul(x))(x0), 1e-15);
});

test("linearTranspose and jacobian auto compose with vmap and jacfwd(jacrev) like any function", () => {
  const A = randn([3, 3], { seed: 55 });
  const t = linearTranspose((v: Tensor) => A.matmul(v).sub(v.mul(2)), zeros([3]));
  assertComposes(
    "ct -> linearTranspose(f)(ct)",
    (c) => t(c)[0],
    tensor([0.5, -1, 2]),
    randn([4, 3], { seed: 56 }),
  );
  const g = (v: Tensor): Tensor => A.matmul(v.sin()).mul(v.sum());
  assertComposes("x -> jacobian(g, x) (auto)", (v) => jacobian(g, v).sum(1), x0, randn([4, 3], { seed: 57 }));
  const wide = (v: Tensor): Tensor => W.matmul(v).tanh();
  assertComposes(
    "x -> jacobian(wide, x) (auto, forward)",
    (v) => jacobian(wide, v).sum(0),
    x0,
    randn([4, 3], { seed: 58 }),
  );
});
