// Tests of the PyTorch-style text/plain: alignment, formats, summarising, labels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tensorText, labelledText } from "./text.js";
import { chooseColumnFormat, compactNumber, edgeIndices } from "./format.js";
import { matrix, viewOf } from "./testing.js";
import { TensorViewError } from "./view.js";

test("a 2x2 matrix prints with aligned columns, four decimals and its shape", () => {
  const text = tensorText(
    matrix([
      [1, -2.5],
      [3, 4],
    ]),
  );
  assert.equal(text, "tensor([[ 1.0000, -2.5000],\n        [ 3.0000,  4.0000]], shape=[2, 2])");
});

test("whole numbers print as PyTorch's `2.` and columns align to the widest value", () => {
  const text = tensorText(
    matrix([
      [2, 0],
      [0, 2],
      [8, 0],
      [0, 16],
    ]),
  );
  const lines = text.split("\n");
  assert.equal(lines[0], "tensor([[ 2.,  0.],");
  assert.equal(lines[3], "        [ 0., 16.]], shape=[4, 2])");
  // Every row's closing bracket sits in the same column.
  const closing = lines.map((l) => l.indexOf("]"));
  assert.ok(
    closing.every((c) => c === closing[0]),
    `columns misaligned: ${text}`,
  );
});

test("a scalar prints without a shape", () => {
  assert.equal(tensorText({ shape: [], data: Float64Array.of(3.5) }), "tensor(3.5000)");
});

test("values spanning many decades switch to scientific notation with two-digit exponents", () => {
  const text = tensorText(viewOf([3], (i) => 10 ** (-6 + 3 * i)));
  assert.match(text, /1\.0000e-06, 1\.0000e-03, 1\.0000e\+00/);
});

test("NaN and infinities print as nan, inf and -inf", () => {
  const text = tensorText({ shape: [3], data: Float64Array.of(NaN, Infinity, -Infinity) });
  assert.match(text, /nan,\s+inf, -inf/);
});

test("tensors over 1000 elements are summarised with three edge items and an ellipsis", () => {
  const text = tensorText(viewOf([40, 40], (i) => i));
  const lines = text.split("\n");
  assert.equal(lines.length, 7); // 3 rows, "...", 3 rows
  assert.match(lines[0], /^tensor\(\[\[\s+0\.,\s+1\.,\s+2\., \.\.\., +37\., +38\., +39\.\],$/);
  assert.equal(lines[3].trim(), "...,");
  assert.match(text, /1599\.\]\], shape=\[40, 40\]\)$/);
  assert.ok(!text.includes(" 500."), "a middle value was printed");
});

test("small tensors are printed in full", () => {
  const text = tensorText(viewOf([10, 10], (i) => i));
  assert.ok(!text.includes("..."));
  assert.ok(text.includes("55."));
});

test("3-D tensors separate their matrices by a blank line", () => {
  const text = tensorText(viewOf([2, 2, 2], (i) => i));
  assert.equal(
    text,
    "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]], shape=[2, 2, 2])",
  );
});

test("long rows wrap at 80 columns", () => {
  const text = tensorText(viewOf([30], (i) => i / 7));
  assert.ok(
    text.split("\n").every((line) => line.length <= 80),
    text,
  );
  assert.ok(text.split("\n").length > 2);
});

test("empty tensors, extra fields and a custom prefix", () => {
  assert.equal(tensorText(viewOf([0, 3], () => 0)), "tensor([], shape=[0, 3])");
  const text = tensorText(
    viewOf([2], (i) => i),
    { fields: ["requiresGrad=true"], prefix: "Tensor" },
  );
  assert.equal(text, "Tensor([0., 1.], shape=[2], requiresGrad=true)");
});

test("a view whose data does not match its shape is rejected with the shapes named", () => {
  assert.throws(
    () => tensorText({ shape: [2, 3], data: new Float64Array(5) }),
    (e: unknown) => e instanceof TensorViewError && /\[2, 3\] needs 6 values but data has 5/.test(e.message),
  );
});

test("labelled text names rows and columns", () => {
  const text = labelledText(
    matrix([
      [2, 0],
      [0, 16],
    ]),
    {
      title: "J",
      rowLabels: ["x0", "x1"],
      colLabels: ["q0", "q1"],
    },
  );
  assert.equal(text, "J shape=[2, 2]\n     q0   q1\nx0   2.   0.\nx1   0.  16.");
});

test("number helpers: formats, compact labels and edge indices", () => {
  assert.equal(chooseColumnFormat([1.5, 2]).kind, "fixed");
  assert.equal(chooseColumnFormat([1, 2e9, 1]).kind, "sci");
  assert.equal(compactNumber(-2.5), "−2.5");
  assert.equal(compactNumber(0.000012345), "1.23e-5");
  assert.equal(compactNumber(1 / 3), "0.333");
  assert.deepEqual(edgeIndices(7, 3), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(edgeIndices(9, 3), [0, 1, 2, null, 6, 7, 8]);
});
