// Finite-difference checks of the linear-algebra primitives: first derivatives by jacrev and jacfwd, second
// derivatives by hessian, batched shapes, vmap against stacking, and the errors users see.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  add,
  cholesky,
  det,
  dot,
  eye,
  hessian,
  inv,
  jacfwd,
  jacrev,
  matmul,
  mul,
  outer,
  randn,
  reshape,
  slogdet,
  solve,
  solveTriangular,
  stack,
  sum,
  tensor,
  vmap,
  Tensor,
  adjugate,
  LinAlgError,
  ShapeError,
} from "../index.js";
import { assertArrayClose } from "../testing/check.js";

type Fn = (x: Tensor) => Tensor;

// Central differences of f at x: a [out.size, x.size] matrix.
function fdJacobian(f: Fn, x: Tensor, eps = 1e-6): Float64Array {
  const base = x.data;
  const outSize = f(x).size;
  const jac = new Float64Array(outSize * x.size);
  for (let i = 0; i < x.size; i++) {
    const plus = base.slice();
    const minus = base.slice();
    plus[i] += eps;
    minus[i] -= eps;
    const fp = f(new Tensor(plus, [...x.shape])).data;
    const fm = f(new Tensor(minus, [...x.shape])).data;
    for (let o = 0; o < outSize; o++) jac[o * x.size + i] = (fp[o] - fm[o]) / (2 * eps);
  }
  return jac;
}

/** Checks jacrev and jacfwd of f at x against central differences. */
function checkFirst(f: Fn, x: Tensor, what: string, tol = 1e-6): void {
  const fd = fdJacobian(f, x);
  const rev = jacrev(f)(x) as Tensor;
  assert.deepEqual(rev.shape, [...f(x).shape, ...x.shape], `${what}: jacrev shape`);
  assertArrayClose(rev.data, fd, tol, `${what}: jacrev`, "max");
  assertArrayClose((jacfwd(f)(x) as Tensor).data, fd, tol, `${what}: jacfwd`, "max");
}

/** Checks the Hessian of x -> sum(w ∘ f(x)) against differences of its jacrev gradient. */
function checkSecond(f: Fn, x: Tensor, what: string, seed: number, tol = 1e-5): void {
  const w = randn(f(x).shape, { seed });
  const scalar = (v: Tensor) => sum(mul(f(v), w));
  const gradient = (v: Tensor) => jacrev(scalar)(v) as Tensor;
  const fd = fdJacobian(gradient, x, 1e-5);
  assertArrayClose((hessian(scalar)(x) as Tensor).data, fd, tol, `${what}: hessian`, "max");
}

// A random matrix [..., n, n] with a strong diagonal: well conditioned.
function wellConditioned(shape: number[], seed: number): Tensor {
  const n = shape[shape.length - 1];
  return add(randn(shape, { seed }), mul(eye(n), n + 2));
}

// A symmetric positive-definite matrix [..., n, n].
function spd(shape: number[], seed: number): Tensor {
  const n = shape[shape.length - 1];
  const m = randn(shape, { seed });
  const mmT = matmul(m, m.transpose(-2, -1));
  return add(mmT, mul(eye(n), 1));
}

test("solve: derivatives in A and B, batched and vector right-hand sides", () => {
  const a = wellConditioned([3, 3], 1);
  const b = randn([3, 2], { seed: 2 });
  checkFirst((x) => solve(x, b), a, "solve dA");
  checkFirst((x) => solve(a, x), b, "solve dB");
  checkFirst((x) => solve(x, randn([3], { seed: 3 })), a, "solve vector dA");
  const ab = wellConditioned([2, 3, 3], 4);
  const bb = randn([2, 3, 2], { seed: 5 });
  checkFirst((x) => solve(x, bb), ab, "batched solve dA");
  checkFirst((x) => solve(a, x), bb, "broadcast A over batched B");
  checkSecond((x) => solve(x, b), a, "solve", 6);
  const x = solve(ab, bb);
  assertArrayClose(matmul(ab, x).data, bb.data, 1e-12, "A·solve(A, B) = B", "max");
});

test("solveTriangular: every triangle, transpose and unit-diagonal combination", () => {
  const a = wellConditioned([4, 4], 7);
  const b = randn([4, 3], { seed: 8 });
  for (const upper of [false, true]) {
    for (const transpose of [false, true]) {
      for (const unitriangular of [false, true]) {
        const opts = { upper, transpose, unitriangular };
        const what = `solveTriangular ${JSON.stringify(opts)}`;
        checkFirst((x) => solveTriangular(x, b, opts), a, `${what} dA`);
        checkFirst((x) => solveTriangular(a, x, opts), b, `${what} dB`);
      }
    }
  }
  checkSecond((x) => solveTriangular(x, b, { upper: false }), a, "solveTriangular", 9);
});

test("cholesky: value, first and second derivatives, batched", () => {
  const a = spd([4, 4], 10);
  const l = cholesky(a);
  assertArrayClose(matmul(l, l.transpose(0, 1)).data, a.data, 1e-12, "L·L^T = A", "max");
  checkFirst((x) => cholesky(x), a, "cholesky");
  checkFirst((x) => cholesky(x), spd([2, 3, 3], 11), "batched cholesky");
  checkFirst((x) => cholesky(x, { upper: true }), a, "cholesky upper");
  checkSecond((x) => cholesky(x), a, "cholesky", 12);
});

test("det, slogdet, inv and adjugate: derivatives, batched", () => {
  const a = wellConditioned([3, 3], 13);
  checkFirst((x) => det(x), a, "det");
  checkFirst((x) => slogdet(x).logabsdet, a, "slogdet");
  checkFirst((x) => inv(x), a, "inv");
  checkFirst((x) => adjugate(x), a, "adjugate");
  checkFirst((x) => det(x), wellConditioned([2, 3, 3], 14), "batched det");
  checkFirst((x) => slogdet(x)[1], wellConditioned([2, 3, 3], 15), "batched slogdet");
  checkSecond((x) => det(x), a, "det", 16);
  checkSecond((x) => slogdet(x).logabsdet, a, "slogdet", 17);
  checkSecond((x) => inv(x), a, "inv", 18);
  const [sign, logabsdet] = slogdet(
    tensor([
      [0, 2],
      [3, 4],
    ]),
  );
  assert.equal(sign.item(), -1);
  assertArrayClose([logabsdet.item()], [Math.log(6)], 1e-15, "slogdet value", "max");
});

test("det differentiates at singular matrices (the gradient is the adjugate's transpose)", () => {
  const singular = tensor([
    [1, 2, 3],
    [2, 4, 6],
    [1, 0, 1],
  ]);
  assert.equal(det(singular).item(), 0);
  checkFirst((x) => det(x), singular, "det at a rank-2 matrix");
  const zero = tensor([
    [0, 0],
    [0, 0],
  ]);
  checkFirst((x) => det(x), zero, "det at the zero matrix");
});

test("vmap over the linear-algebra ops equals stacking them per example", () => {
  const as = wellConditioned([3, 3, 3], 19);
  const bs = randn([3, 3, 2], { seed: 20 });
  const a0 = as.index(0);
  const perExample = <T>(f: (i: number) => T) => [0, 1, 2].map(f);
  const cases: [string, Tensor, Tensor][] = [
    ["solve", vmap(solve)(as, bs), stack(perExample((i) => solve(as.index(i), bs.index(i))))],
    [
      "solve, A shared",
      vmap((b: Tensor) => solve(a0, b))(bs),
      stack(perExample((i) => solve(a0, bs.index(i)))),
    ],
    [
      "solve, B shared",
      vmap((a: Tensor) => solve(a, bs.index(0)))(as),
      stack(perExample((i) => solve(as.index(i), bs.index(0)))),
    ],
    ["det", vmap(det)(as), stack(perExample((i) => det(as.index(i))))],
    [
      "slogdet",
      vmap((a: Tensor) => slogdet(a).logabsdet)(as),
      stack(perExample((i) => slogdet(as.index(i)).logabsdet)),
    ],
    ["inv", vmap(inv)(as), stack(perExample((i) => inv(as.index(i))))],
    [
      "solveTriangular, A shared",
      vmap((b: Tensor) => solveTriangular(a0, b, { upper: true }))(bs),
      stack(perExample((i) => solveTriangular(a0, bs.index(i), { upper: true }))),
    ],
    [
      "solveTriangular, both batched",
      vmap((a: Tensor, b: Tensor) => solveTriangular(a, b, { upper: false, transpose: true }))(as, bs),
      stack(perExample((i) => solveTriangular(as.index(i), bs.index(i), { upper: false, transpose: true }))),
    ],
    ["cholesky", vmap((a: Tensor) => cholesky(a))(spd([3, 3, 3], 21)), cholesky(spd([3, 3, 3], 21))],
    [
      "per-example jacobians of solve",
      vmap(jacrev((b: Tensor) => solve(a0, b)))(bs) as Tensor,
      stack(perExample((i) => jacrev((b: Tensor) => solve(a0, b))(bs.index(i)) as Tensor)),
    ],
  ];
  for (const [what, got, want] of cases) {
    assert.deepEqual(got.shape, want.shape, `${what}: shape`);
    assertArrayClose(got.data, want.data, 1e-12, what, "max");
  }
});

test("dot and outer: values and derivatives", () => {
  const u = randn([4], { seed: 22 });
  const v = randn([4], { seed: 23 });
  let expected = 0;
  for (let i = 0; i < 4; i++) expected += u.data[i] * v.data[i];
  assertArrayClose([dot(u, v).item()], [expected], 1e-14, "dot value", "max");
  assert.equal(outer(u, v).data[1 * 4 + 2], u.data[1] * v.data[2]);
  checkFirst((x) => dot(x, v), u, "dot");
  checkFirst((x) => outer(x, v), u, "outer");
  assert.throws(
    () => dot(u, randn([3], { seed: 1 })),
    /dot: expected two 1-D tensors of the same length, got \[4\] and \[3\]/,
  );
});

test("errors name the op, the shapes and the failing pivot", () => {
  assert.throws(() => solve(tensor([[1, 2, 3]]), tensor([1])), {
    name: "ShapeError",
    message: "solve: A must be a square matrix or a batch of them, got [1,3]",
  });
  assert.throws(
    () => solve(eye(3), randn([4, 2], { seed: 1 })),
    (e: unknown) => {
      assert.ok(e instanceof ShapeError);
      assert.equal(e.message, "solve: cannot solve with A [3,3] and B [4,2]: B must have 3 rows");
      return true;
    },
  );
  assert.throws(
    () =>
      inv(
        tensor([
          [1, 2],
          [2, 4],
        ]),
      ),
    (e: unknown) => {
      assert.ok(e instanceof LinAlgError);
      assert.match(e.message, /^solve: matrix is singular/);
      return true;
    },
  );
  assert.throws(
    () =>
      cholesky(
        tensor([
          [1, 0],
          [0, -0.5],
        ]),
      ),
    {
      name: "LinAlgError",
      message: "cholesky: matrix is not positive definite (pivot 1 is -0.5)",
    },
  );
  assert.throws(
    () => det(reshape(tensor([1, 2, 3, 4, 5, 6]), [2, 3])),
    /det: A must be a square matrix.*\[2,3\]/,
  );
});
