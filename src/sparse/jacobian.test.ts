// sparseJacobian, sparseHessian and their plans: values equal the dense jacrev/jacfwd/hessian to 1e-12 on
// functions of known structure, ONE batched pass per evaluation (countPasses), plan reuse, and the errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ArgumentError,
  ShapeError,
  SparsityPattern,
  Tensor,
  cat,
  countPasses,
  displayHostSymbol,
  hessian,
  jacfwd,
  jacrev,
  matmul,
  prepareSparseHessian,
  prepareSparseJacobian,
  randn,
  sparseHessian,
  sparseJacobian,
  sparsity,
  tensor,
  zeros,
  type DisplayHost,
} from "../index.js";
import { assertArrayClose } from "../testing/check.js";
import { brusselator, brusselatorState, rosenbrock, secondDifference } from "../testing/sparse-functions.js";

/** Checks a sparse result against the dense Jacobian (reshaped [m, n]) to 1e-12 relative to its largest entry. */
function assertMatchesDense(sparse: { toDense(): Tensor }, dense: Tensor, what: string): void {
  const d = sparse.toDense();
  assertArrayClose(d.data, dense.reshape(d.shape).data, 1e-12, what, "max");
}

const sinOfSecondDifference = (x: Tensor): Tensor => secondDifference(x).sin();

const W = randn([3, 3], { seed: 1 });
const known: [string, (x: Tensor) => Tensor, Tensor][] = [
  ["diagonal", (x) => x.sin().mul(x.exp()), randn([6], { seed: 2 })],
  ["tridiagonal", sinOfSecondDifference, randn([9], { seed: 3 })],
  ["block-diagonal", (x) => matmul(x, W).tanh(), randn([4, 3], { seed: 4 })],
  ["Brusselator N = 4", brusselator(4), brusselatorState(4)],
  ["the seed's cat", (q) => cat([q.mul(2), q.square().mul(4)], 0), tensor([1, 2])],
  ["wide sums", (x) => x.reshape(2, 5).sum(1).square(), randn([10], { seed: 5 })],
];

test("sparseJacobian: forward, reverse and auto equal the dense jacrev and jacfwd to 1e-12", () => {
  for (const [name, f, x] of known) {
    const rev = jacrev(f)(x);
    const fwd = jacfwd(f)(x);
    for (const mode of ["forward", "reverse", "auto"] as const) {
      const J = sparseJacobian(f, x, { mode });
      assertMatchesDense(J, rev, `${name} ${mode} vs jacrev`);
      assertMatchesDense(J, fwd, `${name} ${mode} vs jacfwd`);
      assert.equal(J.nnz, sparsity(f, x).nnz, `${name}: values on the detected pattern`);
    }
  }
});

test("sparseJacobian: auto takes the mode with fewer colours (a few wide rows: reverse)", () => {
  const wide = known.find(([name]) => name === "wide sums");
  assert.ok(wide);
  const plan = prepareSparseJacobian(wide[1], wide[2]);
  assert.equal(plan.mode, "reverse");
  assert.equal(plan.colors, 1);
  assert.ok(prepareSparseJacobian(wide[1], wide[2], { mode: "forward" }).colors > 1);
});

test("the original question: x = cat([2q, 4q²]) needs ONE colour, so one forward pass gives the whole Jacobian", () => {
  const f = (q: Tensor): Tensor => cat([q.mul(2), q.square().mul(4)], 0);
  const q = tensor([1, 2]);
  const plan = prepareSparseJacobian(f, q, { mode: "forward" });
  assert.equal(plan.colors, 1);
  const { forward, backward, value } = countPasses(() => plan.jacobian(q));
  assert.deepEqual([forward, backward], [1, 0]);
  assert.deepEqual(value.toDense().toArray(), [
    [2, 0],
    [0, 2],
    [8, 0],
    [0, 16],
  ]);
});

test("plans: one batched pass per evaluation in each mode, whatever the number of colours", () => {
  const N = 6;
  const f = brusselator(N);
  const x = brusselatorState(N);
  const fwd = prepareSparseJacobian(f, x, { mode: "forward" });
  const rev = prepareSparseJacobian(f, x, { mode: "reverse" });
  assert.ok(fwd.colors >= 6 && rev.colors >= 6, `${fwd.colors} and ${rev.colors} colours`);
  const a = countPasses(() => fwd.jacobian(x));
  assert.deepEqual([a.forward, a.backward], [1, 0], "forward mode: one batched jvp");
  const b = countPasses(() => rev.jacobian(x));
  assert.deepEqual(
    [b.forward, b.backward],
    [1, 1],
    "reverse mode: one forward and one batched backward pass",
  );
  const dense = jacrev(f)(x);
  assertMatchesDense(a.value, dense, "forward plan");
  assertMatchesDense(b.value, dense, "reverse plan");
});

test("plans: re-evaluated at a new x of the same shape, refused at another shape", () => {
  const f = brusselator(4);
  const plan = prepareSparseJacobian(f, brusselatorState(4), { ordering: "best" });
  const y = randn([4, 4, 2], { seed: 9 });
  assertMatchesDense(plan.jacobian(y), jacrev(f)(y), "plan at a new x");
  assert.throws(
    () => plan.jacobian(zeros([3, 3, 2])),
    (e: unknown) =>
      e instanceof ShapeError &&
      /^SparseJacobianPlan\.jacobian: this plan was prepared for x of shape \[4,4,2\], got \[3,3,2\]/.test(
        e.message,
      ),
  );
  const hplan = prepareSparseHessian((v: Tensor) => v.square().sum(), zeros([3]));
  assert.throws(
    () => hplan.hessian(zeros([4])),
    /SparseHessianPlan\.hessian: this plan was prepared for x of shape \[3\], got \[4\]/,
  );
});

test("plans with jit: true give the eager plans' values at new points, in every mode, and refuse other shapes", () => {
  for (const [name, f, x] of known) {
    for (const mode of ["forward", "reverse"] as const) {
      const compiled = prepareSparseJacobian(f, x, { mode, jit: true });
      for (const seed of [11, 12]) {
        const y = randn(x.shape, { seed }).mul(0.5).add(x);
        assertMatchesDense(compiled.jacobian(y), jacrev(f)(y), `${name} ${mode} jit at seed ${seed}`);
      }
    }
  }
  const hplan = prepareSparseHessian(rosenbrock, randn([20], { seed: 13 }), { jit: true });
  for (const seed of [14, 15]) {
    const y = randn([20], { seed });
    assertMatchesDense(hplan.hessian(y), hessian(rosenbrock)(y), `Rosenbrock jit Hessian at seed ${seed}`);
  }
  const plan = prepareSparseJacobian(brusselator(4), brusselatorState(4), { jit: true });
  assert.throws(() => plan.jacobian(zeros([3, 3, 2])), /this plan was prepared for x of shape \[4,4,2\]/);
});

test("a jit: true plan traces f once, at its first evaluation, and checks the pattern's rows then", () => {
  let calls = 0;
  const f = (v: Tensor) => {
    calls++;
    return brusselator(4)(v);
  };
  const x = brusselatorState(4);
  const plan = prepareSparseJacobian(f, x, { jit: true });
  const before = calls;
  for (let k = 0; k < 4; k++) {
    const y = randn(x.shape, { seed: 40 + k })
      .mul(0.1)
      .add(x);
    assertMatchesDense(plan.jacobian(y), jacrev(brusselator(4))(y), `evaluation ${k}`);
  }
  assert.equal(calls - before, 1, "f runs once (traced), then the compiled program is replayed");
  const wrong = prepareSparseJacobian(secondDifference, randn([9], { seed: 7 }), {
    pattern: SparsityPattern.empty(5, 9),
    jit: true,
  });
  assert.throws(
    () => wrong.jacobian(randn([9], { seed: 8 })),
    /SparseJacobianPlan\.jacobian: f returned 7 elements at x of shape \[9\], but the pattern has 5 rows/,
  );
});

test("sparseJacobian: a given pattern is used as is and must match x", () => {
  const x = randn([9], { seed: 7 });
  const pattern = sparsity(secondDifference, x);
  const J = sparseJacobian(secondDifference, x, { pattern });
  assert.equal(J.pattern, pattern);
  assertMatchesDense(J, jacrev(secondDifference)(x), "given pattern");
  assert.throws(
    () => sparseJacobian(secondDifference, zeros([8]), { pattern }),
    /sparseJacobian: the pattern is 7×9 but x has 8 elements/,
  );
  assert.throws(
    () => prepareSparseJacobian(secondDifference, x, { pattern: SparsityPattern.empty(5, 9) }).jacobian(x),
    /SparseJacobianPlan\.jacobian: f returned shape \[7\] \(7 elements\) at x of shape \[9\], but the pattern has 5 rows/,
  );
  assert.throws(() => sparseJacobian(secondDifference, x, { mode: "sideways" as never }), ArgumentError);
});

test("sparseHessian: Rosenbrock's tridiagonal Hessian from 3 colours equals the dense hessian", () => {
  for (const n of [5, 50]) {
    const x = randn([n], { seed: n });
    const plan = prepareSparseHessian(rosenbrock, x);
    assert.equal(plan.colors, 3, `n = ${n}`);
    const H = plan.hessian(x);
    assertMatchesDense(H, hessian(rosenbrock)(x), `Rosenbrock n = ${n}`);
    assert.equal(H.colors, 3);
  }
});

test("sparseHessian: one batched Hessian-vector product, the same passes for 3 colours as for 1", () => {
  const x = randn([12], { seed: 3 });
  const three = prepareSparseHessian(rosenbrock, x);
  const one = prepareSparseHessian((v: Tensor) => v.square().sum(), x);
  assert.deepEqual([three.colors, one.colors], [3, 1]);
  const a = countPasses(() => three.hessian(x));
  const b = countPasses(() => one.hessian(x));
  assert.deepEqual([a.forward, a.backward], [b.forward, b.backward]);
  assert.ok(a.backward === 1, `one backward pass (forward over reverse), got ${a.backward}`);
});

test("sparseHessian: values equal the dense hessian on the known structures made scalar", () => {
  for (const [name, f, x] of known) {
    const scalar = (v: Tensor): Tensor => f(v).square().sum();
    assertMatchesDense(sparseHessian(scalar, x), hessian(scalar)(x), name);
  }
});

test("sparseHessian: a non-scalar f is refused, naming the function and the shapes", () => {
  assert.throws(
    () => sparseHessian((v: Tensor) => v.square(), zeros([2, 2])),
    (e: unknown) =>
      e instanceof ShapeError &&
      e.message.startsWith("sparseHessian: f must return a scalar") &&
      e.message.includes("x of shape [2,2]") &&
      e.message.includes("returned shape [2,2]"),
  );
  assert.throws(
    () => prepareSparseHessian((v: Tensor) => v.sum(), zeros([3]), { pattern: SparsityPattern.empty(2, 3) }),
    /prepareSparseHessian: the pattern is 2×3 but x has 3 elements \(expected 3×3\)/,
  );
});

test("progress: true shows a bar over detection (primitives traced) and one over evaluation, both finished", () => {
  const shown: string[] = [];
  const host: DisplayHost = {
    display: (bundle) => shown.push(String(bundle["text/plain"])),
    update: (bundle) => shown.push(String(bundle["text/plain"])),
  };
  const g = globalThis as { [displayHostSymbol]?: DisplayHost };
  const before = g[displayHostSymbol];
  g[displayHostSymbol] = host;
  try {
    sparseJacobian(brusselator(4), brusselatorState(4), { progress: true });
  } finally {
    g[displayHostSymbol] = before;
  }
  const detection = shown.filter((s) => s.includes("sparseJacobian: tracing f"));
  const evaluation = shown.filter((s) => s.includes("one batched forward pass"));
  assert.ok(detection.length > 0 && evaluation.length > 0, shown.join("\n"));
  assert.match(detection[detection.length - 1], /\b\d{2,}\b.*done in/);
  assert.match(evaluation[evaluation.length - 1], /2\/2 100%.*done in/);
});
