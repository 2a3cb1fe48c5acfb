// einsum against the ops it stands for (matmul, batched matmul, dot, outer, transpose, diagonal, trace,
// sums), its derivatives against finite differences, and its error messages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { dot, einsum, jacrev, matmul, mul, outer, randn, sum, tensor, Tensor } from "../index.js";

function assertClose(actual: Tensor, expected: Tensor, what: string, tol = 1e-12): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = actual.data;
  const e = expected.data;
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - e[i]) <= tol * (1 + Math.abs(e[i])))) {
      assert.fail(`${what}: entry ${i} is ${a[i]}, expected ${e[i]}`);
    }
  }
}

const a = randn([3, 4], { seed: 1 });
const b = randn([4, 5], { seed: 2 });
const sq = randn([4, 4], { seed: 3 });
const ba = randn([2, 3, 4], { seed: 4 });
const bb = randn([2, 4, 5], { seed: 5 });
const u = randn([4], { seed: 6 });
const v = randn([4], { seed: 7 });

test("einsum matches the equivalent ops", () => {
  assertClose(einsum("ij,jk->ik", a, b), matmul(a, b), "matmul");
  assertClose(einsum("bij,bjk->bik", ba, bb), matmul(ba, bb), "batched matmul");
  assertClose(einsum("i,i->", u, v), dot(u, v), "dot");
  assertClose(einsum("i,j->ij", u, v), outer(u, v), "outer");
  assertClose(einsum("ij->ji", a), a.transpose(0, 1), "transpose");
  assertClose(einsum("ij->i", a), sum(a, 1), "row sums");
  assertClose(einsum("ij,ij->", a, a), sum(mul(a, a)), "Frobenius inner product");
  assertClose(einsum("ij,kj->ik", a, b.transpose(0, 1)), matmul(a, b), "A·B via B^T");
  assertClose(einsum("ij,jk", a, b), matmul(a, b), "implicit output");
  const diag = tensor([sq.data[0], sq.data[5], sq.data[10], sq.data[15]]);
  assertClose(einsum("ii->i", sq), diag, "diagonal");
  assertClose(einsum("ii", sq), sum(diag), "trace");
});

test("einsum differentiates like the ops it lowers to", () => {
  const viaEinsum = jacrev((x: Tensor) => einsum("bij,bjk->bik", x, bb))(ba) as Tensor;
  const viaMatmul = jacrev((x: Tensor) => matmul(x, bb))(ba) as Tensor;
  assertClose(viaEinsum, viaMatmul, "d/dA of batched matmul");
  const traceGrad = jacrev((x: Tensor) => einsum("ii", x))(sq) as Tensor;
  assertClose(traceGrad, tensor([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]).reshape(4, 4), "d trace");
});

test("einsum errors name the spec and the shapes", () => {
  assert.throws(
    () => einsum("ij,jk->ik", a, a),
    /einsum: "ij,jk->ik": label 'j' has size 4 and 3 \(operand 1\)/,
  );
  assert.throws(
    () => einsum("ijk,jk->ik", a, b),
    /einsum: "ijk,jk->ik": operand 0 has shape \[3,4\] but 3 labels/,
  );
  assert.throws(() => einsum("ij->z", a), /output label 'z' is not in any input/);
  assert.throws(() => einsum("ij,jk,kl->il", a, b, b), /one or two operands, got 3/);
});
