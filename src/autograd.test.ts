// torch-style autograd: the original question, torch.autograd.grad's semantics, backward and .grad.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  autograd,
  cat,
  countPasses,
  eye,
  jacobian,
  onesLike,
  tensor,
  GradError,
  type Tensor,
} from "./index.js";

/** The question's setup: q = [1, 2] and x = cat([2q, 4q^2]). */
function setup(): { q: Tensor; x: Tensor } {
  const q = tensor([1, 2]).requiresGrad_();
  const x = cat([q.mul(2), q.mul(q).mul(4)], 0);
  return { q, x };
}

const loopResult = [
  [2, 0],
  [0, 2],
  [8, 0],
  [0, 16],
];

test("original question: one grad over the four slices sums them into every row", () => {
  const { q, x } = setup();
  const outs = [0, 1, 2, 3].map((i) => x.narrow(0, i, 1));
  const grads = autograd.grad(outs, [q, q, q, q], { gradOutputs: outs.map((o) => onesLike(o)) });
  assert.deepEqual(
    grads.map((g) => (g as Tensor).toArray()),
    [
      [10, 18],
      [10, 18],
      [10, 18],
      [10, 18],
    ],
  );
});

test("original question: a loop of single backward passes gives the Jacobian rows", () => {
  const { q, x } = setup();
  const rows = [0, 1, 2, 3].map((i) =>
    (autograd.grad([x.narrow(0, i, 1)], [q], { retainGraph: true })[0] as Tensor).toArray(),
  );
  assert.deepEqual(rows, loopResult);
});

test("original question: isGradsBatched with eye(4) is the Jacobian in ONE backward pass", () => {
  const { q, x } = setup();
  const r = countPasses(() => autograd.grad([x], [q], { gradOutputs: [eye(4)], isGradsBatched: true }));
  assert.equal(r.backward, 1);
  assert.deepEqual((r.value[0] as Tensor).toArray(), loopResult);
});

test("original question: jacobian gives the loop's result with one forward and one backward pass", () => {
  const f = (q: Tensor): Tensor => cat([q.mul(2), q.mul(q).mul(4)], 0);
  const r = countPasses(() => jacobian(f, tensor([1, 2]), { strategy: "reverse" }));
  assert.deepEqual({ forward: r.forward, backward: r.backward }, { forward: 1, backward: 1 });
  assert.deepEqual(r.value.toArray(), loopResult);
  assert.deepEqual(jacobian(f, tensor([1, 2])).toArray(), loopResult);
});

test("a second backward through a freed graph is a clear error; retainGraph allows it", () => {
  const { q, x } = setup();
  const y = x.sum();
  autograd.grad([y], [q]);
  assert.throws(
    () => autograd.grad([y], [q]),
    (e: Error) => e instanceof GradError && /second time/.test(e.message),
  );
  const z = setup();
  const w = z.x.sum();
  autograd.grad([w], [z.q], { retainGraph: true });
  assert.deepEqual((autograd.grad([w], [z.q])[0] as Tensor).toArray(), [10, 18]);
});

test("createGraph makes the gradient differentiable (second derivative of q^3)", () => {
  const q = tensor([1, 2]).requiresGrad_();
  const y = q.pow(3).sum();
  const [g] = autograd.grad([y], [q], { createGraph: true }) as Tensor[];
  assert.deepEqual(g.toArray(), [3, 12]);
  assert.ok(g.requiresGrad);
  const [h] = autograd.grad([g.sum()], [q]) as Tensor[];
  assert.deepEqual(h.toArray(), [6, 12]);
});

test("without createGraph the gradient is not recorded", () => {
  const q = tensor([1, 2]).requiresGrad_();
  const [g] = autograd.grad([q.mul(q).sum()], [q]) as Tensor[];
  assert.equal(g.requiresGrad, false);
});

test("an unused input is an error unless allowUnused", () => {
  const q = tensor([1, 2]).requiresGrad_();
  const p = tensor([3]).requiresGrad_();
  const y = q.sum();
  assert.throws(
    () => autograd.grad([y], [q, p], { retainGraph: true }),
    (e: Error) => e instanceof GradError && /inputs\[1\] \(shape \[1\]\) was not used/.test(e.message),
  );
  const [gq, gp] = autograd.grad([y], [q, p], { allowUnused: true });
  assert.deepEqual((gq as Tensor).toArray(), [1, 1]);
  assert.equal(gp, null);
});

test("non-scalar outputs need gradOutputs; inputs must require grad", () => {
  const q = tensor([1, 2]).requiresGrad_();
  assert.throws(() => autograd.grad([q.mul(2)], [q]), /one-element outputs.*shape \[2\].*gradOutputs/);
  assert.throws(() => autograd.grad([q.sum()], [tensor([1])]), /inputs\[0\].*does not require grad/);
  assert.throws(
    () => autograd.grad([q.mul(2)], [q], { gradOutputs: [tensor([1, 2, 3])] }),
    /gradOutputs\[0\] has shape \[3\] but outputs\[0\] has shape \[2\]/,
  );
});

test("backward accumulates into leaves' .grad", () => {
  const q = tensor([1, 2]).requiresGrad_();
  q.mul(q).sum().backward();
  assert.deepEqual(q.grad?.toArray(), [2, 4]);
  q.mul(3).sum().backward();
  assert.deepEqual(q.grad?.toArray(), [5, 7]);
  const y = q.mul(2);
  y.backward(tensor([1, 10]));
  assert.deepEqual(q.grad?.toArray(), [7, 27]);
  assert.throws(() => q.mul(2).backward(), /one-element outputs/);
});

test("detach cuts the graph; gradFn exposes the tape read-only", () => {
  const q = tensor([1, 2]).requiresGrad_();
  const y = q.mul(2).add(1);
  assert.equal(y.gradFn?.name, "add");
  const mulNode = y.gradFn?.inputs[0].gradFn;
  assert.equal(mulNode?.name, "mul");
  assert.equal(mulNode?.inputs[0], q);
  assert.ok(q.isLeaf && q.requiresGrad);
  const d = y.detach();
  assert.equal(d.requiresGrad, false);
  assert.equal(d.gradFn, null);
  assert.deepEqual(d.toArray(), [3, 5]);
});

test("isGradsBatched agrees with a loop over several outputs and inputs", () => {
  const a = tensor([0.5, -1, 2]).requiresGrad_();
  const b = tensor([
    [1, 2],
    [3, 4],
  ]).requiresGrad_();
  const y1 = a.sin().mul(a.sum());
  const y2 = b.matmul(b).tanh();
  const v1 = tensor([
    [1, 0, 2],
    [0, 1, 0],
  ]);
  const v2 = tensor([
    [
      [1, 0],
      [0, 0],
    ],
    [
      [0, 2],
      [1, 0],
    ],
  ]);
  const batched = autograd.grad([y1, y2], [a, b, a], {
    gradOutputs: [v1, v2],
    isGradsBatched: true,
    retainGraph: true,
  }) as Tensor[];
  for (let k = 0; k < 2; k++) {
    const single = autograd.grad([y1, y2], [a, b], {
      gradOutputs: [v1.index(k), v2.index(k)],
      retainGraph: true,
    }) as Tensor[];
    for (const [i, s] of [single[0], single[1], single[0]].entries()) {
      const got = batched[i].index(k).toArray() as number[];
      const want = s.toArray() as number[];
      assert.deepEqual(
        got.flat().map((v) => v.toFixed(12)),
        want.flat().map((v) => v.toFixed(12)),
      );
    }
  }
});
