// Function transforms: agreement between jacrev, jacfwd, batched autograd.grad, a loop and finite
// differences; vmap against stacking; Hessians; compositions; pass counts; pytrees; errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  autograd,
  countPasses,
  eye,
  gather,
  grad,
  hessian,
  hvp,
  jacfwd,
  jacobian,
  jacrev,
  jvp,
  randn,
  stack,
  tensor,
  valueAndGrad,
  vhp,
  vjp,
  vmap,
  where,
  zeros,
  type Tensor,
} from "../index.js";
import { assertClose, assertComposes, finiteDiffJacobian } from "../testing/check.js";

const n = 5;
const W1 = randn([n, n], { seed: 1 });
const b1 = randn([n], { seed: 2 });
const W2 = randn([3, n], { seed: 3 });
const mlp = (x: Tensor): Tensor => W2.matmul(W1.matmul(x).add(b1).tanh()).sin();

test("jacrev, jacfwd, batched autograd.grad and a loop agree with finite differences", () => {
  const x = randn([n], { seed: 4 });
  const fd = finiteDiffJacobian(([v]) => mlp(v), [x], 0);
  const rev = countPasses(() => jacrev(mlp)(x));
  assert.deepEqual([rev.forward, rev.backward], [1, 1]);
  const fwd = countPasses(() => jacfwd(mlp)(x));
  assert.deepEqual([fwd.forward, fwd.backward], [1, 0]);
  const leaf = x.detach().requiresGrad_();
  const y = mlp(leaf);
  const batched = countPasses(() =>
    autograd.grad([y], [leaf], { gradOutputs: [eye(3)], isGradsBatched: true, retainGraph: true }),
  );
  assert.equal(batched.backward, 1);
  const rows = [0, 1, 2].map((i) => autograd.grad([y.index(i)], [leaf], { retainGraph: true })[0] as Tensor);
  assertClose(rev.value, fd, 1e-6, "jacrev");
  assertClose(fwd.value, fd, 1e-6, "jacfwd");
  assertClose(batched.value[0] as Tensor, fd, 1e-6, "isGradsBatched");
  assertClose(stack(rows), fd, 1e-6, "loop");
});

test("chunkSize splits the batch into several passes with the same result", () => {
  const x = randn([n], { seed: 5 });
  const whole = jacrev(mlp)(x);
  const chunked = countPasses(() => jacrev(mlp, { chunkSize: 2 })(x));
  assert.equal(chunked.backward, 2);
  assertClose(chunked.value, whole, 1e-12);
  const fchunked = countPasses(() => jacfwd(mlp, { chunkSize: 2 })(x));
  assert.equal(fchunked.forward, 3);
  assertClose(fchunked.value, whole, 1e-12);
  assertClose(jacobian(mlp, x, { strategy: "forward", chunkSize: 4 }), whole, 1e-12);
});

test("jacobian auto picks forward mode when the input is smaller than the output", () => {
  const f = (q: Tensor): Tensor => stack([q.sum(), q.prod(), q.max(), q.norm()]);
  const x = tensor([1.5, -2]);
  const auto = countPasses(() => jacobian(f, x));
  assert.equal(auto.backward, 0);
  assertClose(auto.value, jacobian(f, x, { strategy: "reverse" }), 1e-12);
});

test("vmap(f)(X) equals stacking f over the rows of X, with inDims, outDims and chunks", () => {
  const X = randn([4, n], { seed: 6 });
  const rows = [0, 1, 2, 3].map((i) => mlp(X.index(i)));
  assertClose(vmap(mlp)(X), stack(rows), 1e-12);
  assertClose(vmap(mlp, { inDims: 1, outDims: 1 })(X.T), stack(rows).T, 1e-12);
  const chunked = vmap(mlp, { chunkSize: 3 })(X);
  assertClose(chunked, stack(rows), 1e-12);
  const withBias = vmap((x: Tensor, b: Tensor) => x.add(b), { inDims: [0, null] })(X, b1);
  assertClose(withBias, X.add(b1), 1e-12);
});

test("Hessian of Rosenbrock matches the analytic one", () => {
  const rosen = (v: Tensor): Tensor => {
    const x = v.index(0);
    const y = v.index(1);
    return tensor(1).sub(x).square().add(y.sub(x.square()).square().mul(100));
  };
  const p = tensor([0.7, -1.3]);
  const [x, y] = [0.7, -1.3];
  const analytic = tensor([
    [2 - 400 * (y - x * x) + 800 * x * x, -400 * x],
    [-400 * x, 200],
  ]);
  const r = countPasses(() => hessian(rosen)(p));
  assertClose(r.value, analytic, 1e-10, "hessian");
  assertClose(
    grad(rosen)(p),
    tensor([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]),
    1e-10,
    "grad",
  );
  assertClose(hvp(rosen, p, tensor([1, 2])), analytic.matmul(tensor([1, 2])), 1e-10, "hvp");
  assertClose(jacfwd(jacrev(rosen))(p), analytic, 1e-10, "jacfwd(jacrev)");
  assertClose(jacrev(jacrev(rosen))(p), analytic, 1e-10, "jacrev(jacrev)");
  assertClose(grad((q: Tensor) => grad(rosen)(q).sum())(p), analytic.sum(0), 1e-10, "grad(grad)");
});

test("vmap(jacrev(f)) gives per-sample Jacobians", () => {
  const X = randn([3, n], { seed: 7 });
  const per = vmap(jacrev(mlp))(X);
  assert.deepEqual(per.shape, [3, 3, n]);
  for (let i = 0; i < 3; i++) assertClose(per.index(i), jacrev(mlp)(X.index(i)), 1e-12);
  const perFwd = vmap(jacfwd(mlp))(X);
  assertClose(perFwd, per, 1e-10);
});

test("third-order derivatives compose", () => {
  const f = (x: Tensor): Tensor => x.pow(4).sum();
  const x = tensor([1, 2]);
  const third = jacfwd(jacfwd(jacrev(f)))(x);
  assert.deepEqual(third.shape, [2, 2, 2]);
  assert.deepEqual(third.toArray(), [
    [
      [24, 0],
      [0, 0],
    ],
    [
      [0, 0],
      [0, 48],
    ],
  ]);
});

test("grad, valueAndGrad, vjp and jvp with argnums and trees", () => {
  const f = (a: Tensor, b: Tensor): Tensor => a.mul(b).sum();
  const a = tensor([1, 2]);
  const b = tensor([3, 4]);
  assert.deepEqual(grad(f)(a, b).toArray(), [3, 4]);
  const [ga, gb] = grad(f, { argnums: [0, 1] })(a, b);
  assert.deepEqual(
    [ga.toArray(), gb.toArray()],
    [
      [3, 4],
      [1, 2],
    ],
  );
  const [v, g1] = valueAndGrad(f, { argnums: 1 })(a, b);
  assert.deepEqual([v.item(), g1.toArray()], [11, [1, 2]]);
  const tree = (p: { w: Tensor; xs: Tensor[] }): Tensor => p.w.mul(p.xs[0]).add(p.xs[1]).sum();
  const gt = grad(tree)({ w: a, xs: [b, a] }) as unknown as { w: Tensor; xs: Tensor[] };
  assert.deepEqual(
    [gt.w.toArray(), gt.xs[0].toArray(), gt.xs[1].toArray()],
    [
      [3, 4],
      [1, 2],
      [1, 1],
    ],
  );
  const [out, pull] = vjp((x: Tensor) => x.mul(x), a);
  assert.deepEqual(out.toArray(), [1, 4]);
  assert.deepEqual(pull(tensor([1, 1]))[0].toArray(), [2, 4]);
  const [y, t] = jvp((x: Tensor) => x.exp(), [tensor([0])], [tensor([2])]);
  assert.deepEqual([y.toArray(), t.toArray()], [[1], [2]]);
  const jac = jacrev((x: Tensor) => ({ s: x.sum(), d: x.mul(2) }))(a) as unknown as { s: Tensor; d: Tensor };
  assert.deepEqual(
    [jac.s.toArray(), jac.d.toArray()],
    [
      [1, 1],
      [
        [2, 0],
        [0, 2],
      ],
    ],
  );
});

test("unused inputs get zero gradients from the function transforms", () => {
  const f = (a: Tensor, _b: Tensor): Tensor => a.sum();
  const [, gb] = grad(f, { argnums: [0, 1] })(tensor([1]), tensor([1, 2]));
  assert.deepEqual(gb.toArray(), [0, 0]);
  assert.deepEqual(jacrev((_x: Tensor) => zeros([2]).add(1))(tensor([1, 2, 3])).toArray(), [
    [0, 0, 0],
    [0, 0, 0],
  ]);
});

test("errors name the transform and the problem", () => {
  assert.throws(
    () => grad((x: Tensor) => x.mul(2))(tensor([1, 2])),
    /grad: f must return a one-element tensor, got shape \[2\]/,
  );
  assert.throws(
    () => vmap((x: Tensor, y: Tensor) => x.add(y))(zeros([2, 3]), zeros([3, 3])),
    /vmap: inconsistent batch sizes: argument 0 \(shape \[2,3\], inDim 0\) has 2; argument 1 \(shape \[3,3\], inDim 0\) has 3/,
  );
  assert.throws(
    () => vmap((x: Tensor) => x.toArray())(zeros([2, 3])),
    /cannot read the values of a tensor inside vmap/,
  );
  let leaked: Tensor | undefined;
  grad((x: Tensor) => {
    leaked = x.mul(2);
    return x.sum();
  })(tensor([1]));
  assert.throws(() => (leaked as Tensor).add(1), /escaped its transformation/);
  assert.throws(() => jacrev(mlp, { chunkSize: 0 })(zeros([n])), /chunkSize must be a positive integer/);
});

test("no silent NaN where the derivative is finite", () => {
  assert.deepEqual(grad((x: Tensor) => x.prod())(tensor([0, 2, 3])).toArray(), [6, 0, 0]);
  assert.deepEqual(grad((x: Tensor) => x.prod())(tensor([0, 2, 0])).toArray(), [0, 0, 0]);
  assert.deepEqual(jacfwd((x: Tensor) => x.prod(1))(tensor([[2, 0]])).toArray(), [[[0, 2]]]);
  assert.deepEqual(hessian((x: Tensor) => x.prod())(tensor([0, 2, 3])).toArray(), [
    [0, 3, 2],
    [3, 0, 0],
    [2, 0, 0],
  ]);
  assert.deepEqual(grad((x: Tensor) => x.sqrt().sum())(tensor([4])).toArray(), [0.25]);
  assert.deepEqual(grad((x: Tensor) => x.relu().sum())(tensor([-1, 2])).toArray(), [0, 1]);
  assertClose(grad((x: Tensor) => x.norm())(tensor([3, 4])), tensor([0.6, 0.8]), 1e-15, "norm'");
  const gp = grad((x: Tensor) => x.pow(2).sum())(tensor([0, -1]));
  assert.deepEqual(gp.toArray(), [0, -2]);
  const gw = grad((x: Tensor) => where(tensor([1, 0]), x.log(), x).sum())(tensor([2, -1]));
  assert.deepEqual(gw.toArray(), [0.5, 1]);
});

test("nested transforms keep their perturbations apart", () => {
  const c = tensor(3);
  assert.equal(grad((x: Tensor) => grad((y: Tensor) => x.mul(y))(c))(tensor(2)).item(), 1);
  assert.equal(grad((x: Tensor) => x.mul(grad((y: Tensor) => x.add(y))(tensor(1))))(tensor(5)).item(), 1);
  const inner = (x: Tensor): Tensor => jvp((y: Tensor) => x.mul(y), [tensor(2)], [tensor(1)])[1];
  assert.equal(jvp((x: Tensor) => x.mul(inner(x)), [tensor(3)], [tensor(1)])[1].item(), 6);
  const perRow = vmap((x: Tensor) => grad((y: Tensor) => y.mul(x).sum())(tensor([1, 1])))(
    tensor([
      [1, 2],
      [3, 4],
    ]),
  );
  assert.deepEqual(perRow.toArray(), [
    [1, 2],
    [3, 4],
  ]);
});

test("vmap nests and composes with jacrev, hessian, grad and batched indices", () => {
  const X = randn([2, 3, 4], { seed: 11 });
  const f = (x: Tensor): Tensor => x.sin().mul(x.sum());
  const loop = stack([0, 1].map((i) => stack([0, 1, 2].map((j) => f(X.index(i).index(j))))));
  assertClose(vmap(vmap(f))(X), loop, 1e-12, "vmap(vmap)");
  const g = (x: Tensor): Tensor => vmap(f)(x).sum(1);
  assertClose(jacrev(g)(X.index(0)), jacfwd(g)(X.index(0)), 1e-12, "jacrev(vmap) vs jacfwd(vmap)");
  const cube = (x: Tensor): Tensor => x.pow(3).sum();
  const hs = vmap(hessian(cube))(X.index(0));
  for (let i = 0; i < 3; i++)
    assertClose(hs.index(i), hessian(cube)(X.index(0).index(i)), 1e-12, "vmap(hessian)");
  const src = tensor([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  const idx = tensor([[[0, 1]], [[2, 0]]]);
  assert.deepEqual(vmap((i: Tensor) => gather(src, 0, i))(idx).toArray(), [[[1, 4]], [[5, 2]]]);
  const w = grad((s: Tensor) => vmap((x: Tensor) => x.mul(s).sum())(X.index(0)).sum())(tensor(2));
  assertClose(w, X.index(0).sum(), 1e-12, "grad of a vmapped sum");
});

test("vhp (reverse over reverse) equals hvp for a smooth f, and composes", () => {
  const f = (v: Tensor): Tensor => v.sin().mul(v.sum()).sum();
  const x = tensor([0.2, -0.5, 1.3]);
  const v = tensor([1, 2, -1]);
  assertClose(vhp(f, x, v), hvp(f, x, v), 1e-12, "vhp = hvp");
  assertClose(vhp(f, x, v), hessian(f)(x).matmul(v), 1e-12, "vhp = H v");
  assertComposes("vhp", (y) => vhp(f, y, v), x, randn([3, 3], { seed: 12 }));
});
