// customVjp and customJvp: the user's rules are what every transform uses (forward mode through the
// transpose of bwd, reverse mode through the transpose of jvp), composed with vmap and higher orders.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  autograd,
  checkpoint,
  hessianSparsity,
  sparseJacobian,
  sparsity,
  countPasses,
  customJvp,
  customVjp,
  grad,
  hessian,
  jacfwd,
  jacrev,
  jvp,
  randn,
  tensor,
  vjp,
  vmap,
  type Tensor,
} from "../index.js";
import { assertClose, assertComposes } from "../testing/check.js";

const x = tensor([0.3, -1.2, 2.0]);
const X = randn([4, 3], { seed: 21 });

// sin(x) * exp(x) with its true derivative, written both ways.
const plain = (v: Tensor): Tensor => v.sin().mul(v.exp());
const deriv = (v: Tensor): Tensor => v.cos().add(v.sin()).mul(v.exp());
const byVjp = customVjp(plain, {
  fwd: (v) => [plain(v), v],
  bwd: (v, g) => [g.mul(deriv(v))],
});
const byJvp = customJvp(plain, ([v], [t]) => [plain(v), t.mul(deriv(v))]);

test("customVjp and customJvp match the plain function's derivatives, composed with vmap and jacfwd(jacrev)", () => {
  for (const [name, g] of [
    ["customVjp", byVjp],
    ["customJvp", byJvp],
  ] as const) {
    assertClose(g(x), plain(x), 1e-15, `${name} value`);
    assertComposes(name, g, x, X);
    assertClose(hessian((v: Tensor) => g(v).sum())(x), hessian((v: Tensor) => plain(v).sum())(x), 1e-10);
  }
});

test("the user's rules are used, not the function's own derivative", () => {
  const scaled = customVjp((v: Tensor) => v.sin(), {
    fwd: (v) => [v.sin(), null],
    bwd: (_r, g) => [g.mul(10)],
  });
  assert.deepEqual(grad((v: Tensor) => scaled(v).sum())(x).toArray(), [10, 10, 10]);
  // Forward mode transposes bwd: the same (custom) Jacobian.
  assert.deepEqual(jacfwd(scaled)(x).toArray(), jacrev(scaled)(x).toArray());
  assert.deepEqual(jvp(scaled, [x], [tensor([1, 2, 3])])[1].toArray(), [10, 20, 30]);
  const leaf = x.detach().requiresGrad_();
  scaled(leaf).sum().backward();
  assert.deepEqual((leaf.grad as Tensor).toArray(), [10, 10, 10]);
  const twice = customJvp(
    (v: Tensor) => v.exp(),
    ([v], [t]) => [v.exp(), t.mul(2)],
  );
  assert.deepEqual(vjp(twice, x)[1](tensor([1, 1, 1]))[0].toArray(), [2, 2, 2]);
});

test("a custom JVP makes a function stable where its plain derivative is NaN (JAX's log1pexp)", () => {
  const naive = (v: Tensor): Tensor => v.exp().log1p();
  const stable = customJvp(naive, ([v], [t]) => [naive(v), t.mul(v.sigmoid())]);
  const at = tensor([800, 0]);
  assert.ok(Number.isNaN(grad((v: Tensor) => naive(v).sum())(at).data[0]));
  assert.deepEqual(grad((v: Tensor) => stable(v).sum())(at).toArray(), [1, 0.5]);
  assert.deepEqual(jacfwd(stable)(at).toArray(), [
    [1, 0],
    [0, 0.5],
  ]);
});

test("residuals of fwd are reused by the backward pass, not recomputed", () => {
  let fwdCalls = 0;
  const g = customVjp((v: Tensor) => v.square(), {
    fwd: (v) => {
      fwdCalls++;
      return [v.square(), v];
    },
    bwd: (v, ct) => [ct.mul(v).mul(2)],
  });
  const r = countPasses(() => grad((v: Tensor) => g(v).sum())(x));
  assert.equal(fwdCalls, 1);
  assert.deepEqual([r.forward, r.backward], [1, 1]);
  fwdCalls = 0;
  jacrev(g)(x);
  assert.equal(fwdCalls, 1);
});

test("trees of arguments and outputs, null cotangents, and unbatched arguments under vmap", () => {
  const g = customVjp((p: { w: Tensor; b: Tensor }, v: Tensor) => ({ y: p.w.mul(v).add(p.b), s: v.sum() }), {
    fwd: (p, v) => [
      { y: p.w.mul(v).add(p.b), s: v.sum() },
      { w: p.w, v },
    ],
    bwd: (res, ct) => [{ w: ct.y.mul(res.v), b: ct.y }, ct.y.mul(res.w).add(ct.s)],
  });
  const p = { w: tensor([1, 2, 3]), b: tensor([0.5, 0.5, 0.5]) };
  const loss = (q: { w: Tensor; b: Tensor }, v: Tensor): Tensor => {
    const o = g(q, v);
    return o.y.square().sum().add(o.s);
  };
  const plainLoss = (q: { w: Tensor; b: Tensor }, v: Tensor): Tensor =>
    q.w.mul(v).add(q.b).square().sum().add(v.sum());
  const [gp, gv] = grad(loss, { argnums: [0, 1] })(p, x) as unknown as [{ w: Tensor; b: Tensor }, Tensor];
  const [ep, ev] = grad(plainLoss, { argnums: [0, 1] })(p, x) as unknown as [
    { w: Tensor; b: Tensor },
    Tensor,
  ];
  assertClose(gp.w, ep.w, 1e-12, "w");
  assertClose(gp.b, ep.b, 1e-12, "b");
  assertClose(gv, ev, 1e-12, "v");
  // The cotangent of an argument vmap does not batch is summed over the batch.
  const gw = grad((q: { w: Tensor; b: Tensor }) => vmap((v: Tensor) => loss(q, v))(X).sum())(
    p,
  ) as unknown as {
    w: Tensor;
  };
  const ew = grad((q: { w: Tensor; b: Tensor }) => vmap((v: Tensor) => plainLoss(q, v))(X).sum())(
    p,
  ) as unknown as {
    w: Tensor;
  };
  assertClose(gw.w, ew.w, 1e-12, "w through vmap");
  const half = customVjp((a: Tensor, b: Tensor) => a.mul(b), {
    fwd: (a, b) => [a.mul(b), b],
    bwd: (b, ct) => [ct.mul(b), null],
  });
  assert.deepEqual(
    grad(half, { argnums: [0, 1] })(tensor(2), tensor(3)).map((t) => t.item()),
    [3, 0],
  );
});

test("double backward through the tape differentiates bwd (createGraph)", () => {
  const g = customVjp((v: Tensor) => v.pow(3), {
    fwd: (v) => [v.pow(3), v],
    bwd: (v, ct) => [ct.mul(v.square()).mul(3)],
  });
  const leaf = tensor([1, 2]).requiresGrad_();
  const [d1] = autograd.grad(g(leaf).sum(), leaf, { createGraph: true }) as Tensor[];
  assert.deepEqual(d1.toArray(), [3, 12]);
  const [d2] = autograd.grad(d1.sum(), leaf) as Tensor[];
  assert.deepEqual(d2.toArray(), [6, 12]);
});

test("custom rules give clear errors", () => {
  const wrongCount = customVjp((a: Tensor, b: Tensor) => a.add(b), {
    fwd: (a, b) => [a.add(b), null],
    bwd: (_r, ct) => [ct],
  });
  assert.throws(
    () => grad((a: Tensor, b: Tensor) => wrongCount(a, b).sum())(x, x),
    /customVjp\(\w*\): bwd must return one cotangent per argument \(2; null for a zero one\), got 1/,
  );
  const wrongShape = customVjp((a: Tensor) => a.sum(), {
    fwd: (a) => [a.sum(), null],
    bwd: (_r, ct) => [ct],
  });
  assert.throws(() => grad(wrongShape)(x), /returned a cotangent of shape \[\] for input 0 of shape \[3\]/);
  const nonlinear = customVjp((a: Tensor) => a.exp(), {
    fwd: (a) => [a.exp(), a],
    bwd: (a, ct) => [ct.exp().mul(a)],
  });
  assert.throws(
    () => jacfwd(nonlinear)(x),
    /the JVP derived from the backward rule: the backward rule is not linear in its cotangent: it applies exp/,
  );
  const notPair = customVjp((a: Tensor) => a, { fwd: (a) => a as never, bwd: (_r, ct) => [ct] });
  assert.throws(() => grad((v: Tensor) => notPair(v).sum())(x), /fwd must return \[output, residuals\]/);
  const withJvp = { fwd: (a: Tensor) => [a, null], bwd: (_r: unknown, c: Tensor) => [c], jvp: 1 };
  assert.throws(() => customVjp((a: Tensor) => a, withJvp as never), /customVjp: unknown option "jvp"/);
  // A custom function that closes over a tracer of an enclosing transform.
  assert.throws(
    () =>
      grad((w: Tensor) => {
        const g = customVjp((a: Tensor) => a.mul(w), { fwd: (a) => [a.mul(w), null], bwd: (_r, ct) => [ct] });
        return g(x).sum();
      })(tensor(2)),
    /closes over/,
  );
});

test("sparsity detection sees through custom functions: the pattern of their own code", () => {
  const n = 6;
  const v = randn([n], { seed: 22 });
  const local = customVjp((t: Tensor) => t.sin().mul(t), {
    fwd: (t) => [t.sin().mul(t), t],
    bwd: (t, g) => [g.mul(t.cos().mul(t).add(t.sin()))],
  });
  const remat = checkpoint((t: Tensor) => t.exp().mul(2));
  const p = sparsity((t: Tensor) => remat(local(t)), v);
  assert.equal(p.nnz, n, "elementwise custom functions keep a diagonal pattern");
  const J = sparseJacobian((t: Tensor) => remat(local(t)), v);
  assertClose(J.toDense(), jacrev((t: Tensor) => t.sin().mul(t).exp().mul(2))(v), 1e-12, "sparse Jacobian");
  const hp = hessianSparsity((t: Tensor) => local(t).sum(), v);
  assert.equal(hp.nnz, n, "and a diagonal Hessian pattern");
});
