// sparsity and hessianSparsity: exact patterns on functions of known structure, patterns that contain the
// dense Jacobian's nonzeros at random points, local detection, and the errors users see.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  SparsityPattern,
  Tensor,
  TracerError,
  ShapeError,
  ArgumentError,
  cat,
  hessian,
  hessianSparsity,
  jacrev,
  logsumexp,
  matmul,
  randn,
  sparsity,
  softmax,
  stack,
  tensor,
  vmap,
  where,
  zeros,
} from "../index.js";
import { brusselator, brusselatorState, rosenbrock, secondDifference } from "../testing/sparse-functions.js";

/** The pattern of the dense Jacobian of f at x (exact zeros excluded). */
function densePattern(f: (x: Tensor) => Tensor, x: Tensor): SparsityPattern {
  const m = f(x).size;
  return SparsityPattern.fromDense(jacrev(f)(x).reshape(m, x.size));
}

function denseHessianPattern(f: (x: Tensor) => Tensor, x: Tensor): SparsityPattern {
  return SparsityPattern.fromDense(hessian(f)(x).reshape(x.size, x.size));
}

test("sparsity: an elementwise function has the diagonal pattern", () => {
  const p = sparsity((x: Tensor) => x.sin().mul(x).exp(), randn([5], { seed: 1 }));
  assert.ok(p.equals(SparsityPattern.diagonal(5)), p.toString());
});

test("sparsity: a second difference is exactly tridiagonal, a wider stencil exactly banded", () => {
  const x = randn([7], { seed: 2 });
  const p = sparsity(secondDifference, x);
  assert.deepEqual(p.shape, [5, 7]);
  assert.equal(p.nnz, 15);
  for (let i = 0; i < 5; i++) for (let j = 0; j < 7; j++) assert.equal(p.has(i, j), j >= i && j <= i + 2);
  const band = (v: Tensor): Tensor => secondDifference(secondDifference(v).tanh());
  const q = sparsity(band, x);
  assert.ok(q.equals(densePattern(band, x)));
  assert.equal(q.nnz, 3 * 5);
});

test("sparsity: a function of a batch (matmul by a dense constant, or vmap) is block-diagonal", () => {
  const W = randn([3, 3], { seed: 3 });
  const X = randn([4, 3], { seed: 4 });
  const rows = (x: Tensor): Tensor => matmul(x, W).tanh();
  const p = sparsity(rows, X);
  assert.deepEqual(p.shape, [12, 12]);
  assert.equal(p.nnz, 4 * 9);
  for (let i = 0; i < 12; i++)
    for (let j = 0; j < 12; j++) assert.equal(p.has(i, j), Math.floor(i / 3) === Math.floor(j / 3));
  const viaVmap = sparsity((x: Tensor) => vmap((r: Tensor) => softmax(r, 0))(x), X);
  assert.ok(viaVmap.equals(p), "vmap over the rows inside detection");
});

test("sparsity: the Brusselator has exactly 12·N² nonzeros for N >= 3, the dense pattern", () => {
  for (const N of [3, 4, 8]) {
    const f = brusselator(N);
    const x = brusselatorState(N);
    const p = sparsity(f, x);
    assert.equal(p.nnz, 12 * N * N, `N = ${N}`);
    assert.ok(
      p.equals(densePattern(f, randn([N, N, 2], { seed: N }))),
      `N = ${N}: same as the dense pattern`,
    );
  }
});

test("sparsity: the original question's x = cat([2q, 4q²]) links each output to one input", () => {
  const p = sparsity((q: Tensor) => cat([q.mul(2), q.square().mul(4)], 0), tensor([1, 2]));
  assert.ok(p.equals(SparsityPattern.fromRows(2, [[0], [1], [0], [1]])), p.toString());
});

const generalFunctions: [string, (x: Tensor) => Tensor][] = [
  [
    "softmax of windows",
    (x) => stack([softmax(x.narrow(0, 0, 3), 0), softmax(x.narrow(0, 3, 3), 0)], 0).flatten(),
  ],
  ["logsumexp of pairs", (x) => logsumexp(x.reshape(3, 2), 1)],
  ["norm, max and min", (x) => stack([x.norm(), x.max(), x.narrow(0, 2, 3).min(), x.prod()])],
  ["where on a comparison of x", (x) => where(x.gt(0), x.square(), x.flip(0).exp())],
  ["relu, abs, maximum", (x) => x.relu().add(x.abs().maximum(x.flip(0)))],
  ["pow and division", (x) => x.abs().add(1).pow(x.flip(0)).div(x.square().add(1))],
  ["argmax gather", (x) => x.gather(0, x.argmax(0, true))],
  [
    "matrix product of slices",
    (x) => matmul(x.narrow(0, 0, 4).reshape(2, 2), x.narrow(0, 2, 4).reshape(2, 2)).flatten(),
  ],
];

test("sparsity: global patterns contain every nonzero of the dense Jacobian at random points", () => {
  for (const [name, f] of generalFunctions) {
    const p = sparsity(f, zeros([6]));
    for (let seed = 0; seed < 4; seed++) {
      const dense = densePattern(f, randn([6], { seed: 10 + seed }));
      assert.ok(dense.isSubsetOf(p), `${name}: dense ${dense.toString()} not in ${p.toString()}`);
    }
  }
});

test("sparsity: a constant sparse factor keeps only its nonzeros (W·x has W's pattern)", () => {
  const W = tensor([
    [1, 0, 0, 2],
    [0, 0, 3, 0],
    [0, 0, 0, 0],
  ]);
  const p = sparsity(
    (x: Tensor) =>
      matmul(W, x.reshape(4, 1))
        .flatten()
        .add(x.narrow(0, 0, 3).mul(tensor([0, 1, 0]))),
    zeros([4]),
  );
  assert.ok(p.equals(SparsityPattern.fromRows(4, [[0, 3], [1, 2], []])), p.toString());
});

test("sparsity { local: true }: follows the branch taken and drops relu below 0 and the side not taken", () => {
  const x = tensor([1, -1, 2]);
  assert.equal(sparsity((v: Tensor) => v.relu(), x).nnz, 3);
  assert.ok(
    sparsity((v: Tensor) => v.relu(), x, { local: true }).equals(SparsityPattern.fromRows(3, [[0], [], [2]])),
  );
  const sides = (v: Tensor): Tensor => where(v.gt(0), v, v.flip(0));
  assert.equal(sparsity(sides, x).nnz, 5);
  assert.ok(sparsity(sides, x, { local: true }).equals(SparsityPattern.fromRows(3, [[0], [1], [2]])));
  assert.ok(sparsity((v: Tensor) => v.max(), x, { local: true }).equals(SparsityPattern.fromRows(3, [[2]])));
  const branchy = (v: Tensor): Tensor => (v.index(0).item() > 0 ? v.narrow(0, 1, 2) : v.narrow(0, 0, 2));
  assert.ok(sparsity(branchy, x, { local: true }).equals(SparsityPattern.fromRows(3, [[1], [2]])));
});

test("sparsity: reading a value during global detection names the operation, the shapes and { local: true }", () => {
  const x = tensor([1, -1, 2]);
  const cases: [string, (v: Tensor) => Tensor][] = [
    ["item()", (v) => (v.index(0).item() > 0 ? v : v.neg())],
    ["toArray()", (v) => tensor(v.toArray() as number[])],
    [".data", (v) => tensor(v.data)],
    ["comparison", (v) => ((v.index(0) as unknown as number) > 0 ? v : v.neg())],
  ];
  for (const [what, f] of cases) {
    assert.throws(
      () => sparsity(f, x),
      (e: unknown) =>
        e instanceof TracerError &&
        e.message.startsWith("sparsity:") &&
        e.message.includes("x of shape [3]") &&
        e.message.includes("{ local: true }"),
      what,
    );
  }
  assert.throws(
    () => hessianSparsity((v: Tensor) => (v.index(0).item() > 0 ? v.sum() : v.prod()), x),
    /^TracerError: hessianSparsity: item\(\)/,
  );
});

test("sparsity: bad arguments are refused with the function's name", () => {
  assert.throws(
    () => sparsity("f" as never, zeros([2])),
    (e: unknown) => e instanceof ArgumentError && /sparsity: f must be a function/.test(e.message),
  );
  assert.throws(
    () => sparsity((x: Tensor) => x, [1, 2] as never),
    /sparsity: x must be a Tensor, got an array/,
  );
  assert.throws(
    () => sparsity((x: Tensor) => x, zeros([2]), { locl: true } as never),
    /sparsity: unknown option "locl"/,
  );
  assert.throws(
    () => sparsity((() => 3) as never, zeros([2])),
    /sparsity: f must return a Tensor, got number/,
  );
});

test("hessianSparsity: x0·x1 links 0 and 1, x0 + x1 links nothing, sin(x0 + x1) links all pairs", () => {
  const x = randn([4], { seed: 5 });
  const p = hessianSparsity(
    (v: Tensor) =>
      v
        .index(0)
        .mul(v.index(1))
        .add(v.index(2).add(v.index(3))),
    x,
  );
  assert.ok(p.equals(SparsityPattern.fromRows(4, [[1], [0], [], []])), p.toString());
  const q = hessianSparsity(
    (v: Tensor) =>
      v
        .narrow(0, 0, 2)
        .sum()
        .sin()
        .add(v.narrow(0, 2, 2).sum()),
    x,
  );
  assert.ok(q.equals(SparsityPattern.fromRows(4, [[0, 1], [0, 1], [], []])), q.toString());
  assert.equal(hessianSparsity((v: Tensor) => v.mul(3).sum(), x).nnz, 0);
});

test("hessianSparsity: Rosenbrock's Hessian is tridiagonal, and every pattern is symmetric and covers the dense one", () => {
  const x = randn([8], { seed: 6 });
  const p = hessianSparsity(rosenbrock, x);
  assert.equal(p.nnz, 8 + 2 * 7);
  assert.ok(p.equals(denseHessianPattern(rosenbrock, x)));
  for (const [name, f] of generalFunctions) {
    const scalar = (v: Tensor): Tensor => f(v).square().sum();
    const h = hessianSparsity(scalar, zeros([6]));
    assert.ok(h.isSymmetric(), name);
    for (let seed = 0; seed < 3; seed++) {
      assert.ok(denseHessianPattern(scalar, randn([6], { seed })).isSubsetOf(h), `${name} Hessian`);
    }
  }
});

test("hessianSparsity: a non-scalar f is refused, naming the function and the shapes", () => {
  assert.throws(
    () => hessianSparsity((v: Tensor) => v.square(), zeros([3])),
    (e: unknown) =>
      e instanceof ShapeError &&
      e.message.startsWith("hessianSparsity: f must return a scalar") &&
      e.message.includes("x of shape [3]") &&
      e.message.includes("shape [3]"),
  );
});
