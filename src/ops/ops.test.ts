// Forward values of the ops: creation, broadcasting, reductions, shapes, indexing, text, errors, realms.
import { test } from "node:test";
import assert from "node:assert/strict";
import vm from "node:vm";
import {
  arange,
  cat,
  eye,
  full,
  gather,
  indexSelect,
  linspace,
  logSoftmax,
  logsumexp,
  matmul,
  ones,
  rand,
  randn,
  scatterAdd,
  softmax,
  split,
  stack,
  tensor,
  where,
  zeros,
  displaySymbol,
  ArgumentError,
  IndexError,
  ShapeError,
  type Tensor,
} from "../index.js";

const arr = (t: Tensor): unknown => t.toArray();

test("creation from numbers, nested arrays, typed arrays and shapes", () => {
  assert.equal(tensor(3).item(), 3);
  assert.deepEqual(
    tensor([
      [1, 2],
      [3, 4],
    ]).shape,
    [2, 2],
  );
  assert.deepEqual(arr(tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] })), [
    [1, 2],
    [3, 4],
  ]);
  assert.deepEqual(arr(eye(2, 3)), [
    [1, 0, 0],
    [0, 1, 0],
  ]);
  assert.deepEqual(arr(arange(3)), [0, 1, 2]);
  assert.deepEqual(arr(arange(1, 2, 0.5)), [1, 1.5]);
  assert.deepEqual(arr(linspace(0, 1, 3)), [0, 0.5, 1]);
  assert.deepEqual(arr(full([2], 7)), [7, 7]);
  assert.deepEqual(arr(randn([3], { seed: 9 })), arr(randn([3], { seed: 9 })));
  assert.notDeepEqual(arr(rand([3], { seed: 1 })), arr(rand([3], { seed: 2 })));
  assert.throws(() => tensor([[1, 2], [3]]), ShapeError);
  assert.throws(() => tensor([1, "a"] as never), /element \[1\] is string/);
});

test("tensors from another realm's arrays (a vm context) work", () => {
  const foreign = vm.runInNewContext("[[1, 2], [3, 4]]") as number[][];
  const typed = vm.runInNewContext("new Float64Array([5, 6])") as Float64Array;
  assert.deepEqual(tensor(foreign).shape, [2, 2]);
  assert.deepEqual(arr(tensor(typed)), [5, 6]);
});

test("elementwise ops broadcast by NumPy rules", () => {
  const a = tensor([[1], [2]]);
  const b = tensor([10, 20, 30]);
  assert.deepEqual(arr(a.add(b)), [
    [11, 21, 31],
    [12, 22, 32],
  ]);
  assert.deepEqual(arr(a.mul(2).sub(1)), [[1], [3]]);
  assert.deepEqual(arr(tensor([1, 4]).sqrt().pow(2)), [1, 4]);
  assert.deepEqual(arr(tensor([-1, 2]).relu()), [0, 2]);
  assert.deepEqual(arr(tensor([1, 5]).maximum(tensor([3, 2]))), [3, 5]);
  assert.deepEqual(arr(tensor([1, 5]).gt(2)), [0, 1]);
  assert.deepEqual(arr(where(tensor([1, 0]), tensor([1, 2]), 9)), [1, 9]);
  assert.throws(() => tensor([1, 2]).add(tensor([1, 2, 3])), /add: cannot broadcast shapes \[2\] and \[3\]/);
});

test("reductions over any dims with keepdim", () => {
  const x = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.equal(x.sum().item(), 21);
  assert.deepEqual(arr(x.sum(0)), [5, 7, 9]);
  assert.deepEqual(arr(x.sum(1, true)), [[6], [15]]);
  assert.deepEqual(arr(x.mean([0, 1])), 3.5);
  assert.deepEqual(arr(x.max(1)), [3, 6]);
  assert.deepEqual(arr(x.min(0)), [1, 2, 3]);
  assert.deepEqual(arr(x.prod(1)), [6, 120]);
  assert.ok(
    Math.abs(logsumexp(x, 1).index(0).item() - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3))) < 1e-12,
  );
  assert.ok(Math.abs(softmax(x, 1).sum(1).index(1).item() - 1) < 1e-12);
  assert.ok(Math.abs(logSoftmax(x, 0).exp().sum(0).index(2).item() - 1) < 1e-12);
  assert.equal(tensor([3, 4]).norm().item(), 5);
  assert.deepEqual(
    arr(
      tensor([
        [1, 7, 7],
        [9, 0, 2],
      ]).argmax(1),
    ),
    [1, 0],
  );
  assert.deepEqual(
    arr(
      tensor([
        [1, 7, 7],
        [9, 0, 2],
      ]).argmin(0, true),
    ),
    [[0, 1, 1]],
  );
  assert.equal(
    tensor([
      [1, 7],
      [9, 0],
    ])
      .argmax()
      .item(),
    2,
  );
  assert.throws(() => x.sum(2), /sum: dim 2 is out of range for a tensor of shape \[2,3\]/);
});

test("shape ops: reshape, permute, T, expand, squeeze, flatten, narrow, index, slice", () => {
  const x = arange(6).reshape(2, 3);
  assert.deepEqual(arr(x.T), [
    [0, 3],
    [1, 4],
    [2, 5],
  ]);
  assert.deepEqual(x.reshape(-1, 2).shape, [3, 2]);
  assert.deepEqual(x.unsqueeze(0).permute(2, 0, 1).shape, [3, 1, 2]);
  assert.deepEqual(arr(tensor([1, 2]).expand(2, -1)), [
    [1, 2],
    [1, 2],
  ]);
  assert.deepEqual(zeros([1, 3, 1]).squeeze().shape, [3]);
  assert.deepEqual(zeros([2, 3, 4]).flatten(1).shape, [2, 12]);
  assert.deepEqual(arr(x.narrow(1, 1, 2)), [
    [1, 2],
    [4, 5],
  ]);
  assert.deepEqual(arr(x.index(-1)), [3, 4, 5]);
  assert.deepEqual(arr(arange(10).slice(0, 1, 8, 3)), [1, 4, 7]);
  assert.throws(
    () => x.reshape(4),
    /reshape: cannot reshape a tensor of shape \[2,3\] \(6 elements\) into \[4\]/,
  );
  assert.throws(() => x.narrow(0, 1, 2), IndexError);
  assert.throws(() => x.index(2), /index: index 2 is out of range for dim 0 of size 2/);
});

test("cat, stack, split, gather, indexSelect and scatterAdd", () => {
  const a = tensor([[1, 2]]);
  const b = tensor([[3, 4]]);
  assert.deepEqual(arr(cat([a, b], 0)), [
    [1, 2],
    [3, 4],
  ]);
  assert.deepEqual(arr(cat([a, b], 1)), [[1, 2, 3, 4]]);
  assert.deepEqual(stack([a, b], 1).shape, [1, 2, 2]);
  assert.deepEqual(split(arange(5), 2).map(arr), [[0, 1], [2, 3], [4]]);
  const x = tensor([
    [1, 2],
    [3, 4],
  ]);
  assert.deepEqual(
    arr(
      gather(
        x,
        1,
        tensor([
          [0, 0],
          [1, 0],
        ]),
      ),
    ),
    [
      [1, 1],
      [4, 3],
    ],
  );
  assert.deepEqual(arr(indexSelect(x, 0, [1, 1, 0])), [
    [3, 4],
    [3, 4],
    [1, 2],
  ]);
  assert.deepEqual(arr(scatterAdd(tensor([1, 2, 3]), 0, tensor([0, 2, 0]), [3])), [4, 0, 2]);
  assert.throws(
    () => cat([a, tensor([[1, 2, 3]])], 0),
    /cat: tensors\[1\] has shape \[1,3\], which does not match \[1,2\] outside dim 0/,
  );
  assert.throws(() => gather(x, 0, tensor([[2, 0]])), /gather: index 2 is out of range for dim 0 of size 2/);
});

test("matmul with vectors and broadcast batch dims, and its error", () => {
  const A = tensor([
    [1, 2],
    [3, 4],
  ]);
  assert.deepEqual(arr(matmul(A, tensor([1, 1]))), [3, 7]);
  assert.deepEqual(arr(matmul(tensor([1, 1]), A)), [4, 6]);
  assert.equal(matmul(tensor([1, 2]), tensor([3, 4])).item(), 11);
  const batch = stack([A, A.mul(2)]);
  assert.deepEqual(arr(batch.matmul(eye(2))), arr(batch));
  assert.deepEqual(matmul(zeros([3, 1, 2, 4]), zeros([5, 4, 6])).shape, [3, 5, 2, 6]);
  assert.throws(
    () => matmul(zeros([3, 4]), zeros([5, 2])),
    /matmul: cannot multiply \[3,4\] by \[5,2\]: inner dimensions 4 and 5 differ/,
  );
});

test("text form, item, toArray and the display bundle", () => {
  assert.equal(tensor([1, 2]).toString(), "tensor([1., 2.])");
  assert.equal(JSON.stringify({ t: tensor([[1, 2]]) }), '{"t":[[1,2]]}');
  assert.equal(tensor([[1.5, 2]]).toString(), "tensor([[1.5000, 2.0000]])");
  assert.match(tensor([1]).requiresGrad_().mul(2).toString(), /gradFn=<mul>/);
  assert.throws(() => tensor([1, 2]).item(), /item: tensor of shape \[2\] has 2 elements, not 1/);
  const bundle = tensor([1, 2])[displaySymbol]();
  assert.equal(typeof bundle["text/plain"], "string");
  assert.ok(ones([2]).data instanceof Float64Array);
});

test("arguments of the wrong kind are ArgumentErrors naming the op", () => {
  assert.throws(
    () => tensor([1]).add("x" as never),
    (e: Error) => e instanceof ArgumentError && /add: argument b/.test(e.message),
  );
  assert.throws(() => cat([] as Tensor[]), /cat: expected a non-empty array of tensors/);
});

test("negative steps and flip", () => {
  const x = arange(6);
  assert.deepEqual(arr(x.slice(0, undefined, undefined, -1)), [5, 4, 3, 2, 1, 0]);
  assert.deepEqual(arr(x.slice(0, 4, 0, -2)), [4, 2]);
  assert.deepEqual(arr(x.slice(0, -2, undefined, -3)), [4, 1]);
  assert.deepEqual(arr(x.slice(0, 1, 3, -1)), []);
  assert.deepEqual(arr(arange(4).reshape(2, 2).flip([0, 1])), [
    [3, 2],
    [1, 0],
  ]);
  assert.throws(() => x.slice(0, 0, 3, 0), /slice: step must be a non-zero integer, got 0/);
});
