// Tests of the PyTorch-style text/plain: alignment, formats, summarising, labels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tensorText, labelledText } from "./text.js";
import { chooseColumnFormat, exponentDigits, fixedDigits, numberFormat, valueStats } from "./format.js";
import { countingView, matrix, viewOf } from "./testing.js";
import { edgeIndices, TensorViewError } from "./view.js";

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
  const text = tensorText(viewOf([40, 40], (i) => i % 500));
  const lines = text.split("\n");
  assert.equal(lines.length, 7); // 3 rows, "...", 3 rows
  assert.match(lines[0], /^tensor\(\[\[\s+0\.,\s+1\.,\s+2\., {2}\.\.\., +37\., +38\., +39\.\],$/);
  assert.equal(lines[3].trim(), "...,");
  assert.match(text, /99\.\]\], shape=\[40, 40\]\)$/);
  assert.ok(!text.includes(" 260."), "a middle value was printed");
});

test("a summarised tensor's format comes from the values shown, as PyTorch chooses it", () => {
  // The hidden middle holds 1e9, which would force scientific notation if it were looked at.
  const text = tensorText(viewOf([2000], (i) => (i === 1000 ? 1e9 : i % 7)));
  assert.match(text, /^tensor\(\[0\., 1\., 2\., {2}\.\.\., /);
});

test("printing a huge tensor reads only its corners", () => {
  const { view, reads } = countingView([1e8]);
  assert.equal(tensorText(view), "tensor([0., 0., 0.,  ..., 0., 0., 0.], shape=[100000000])");
  assert.ok(reads() <= 12, `read ${reads()} values to print six`);
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

test("number helpers: PyTorch's formats with ties to even, one compact format per matrix, edge indices", () => {
  assert.equal(chooseColumnFormat([1.5, 2]).kind, "fixed");
  assert.equal(chooseColumnFormat([1, 2e9, 1]).kind, "sci");
  assert.equal(chooseColumnFormat([1, 2000]).kind, "sci");
  assert.equal(chooseColumnFormat([0, 0]).width, 1);
  assert.equal(fixedDigits(0.03125, 4), "0.0312");
  assert.equal(fixedDigits(0.09375, 4), "0.0938");
  assert.equal(fixedDigits(2.5, 0), "2");
  assert.equal(fixedDigits(-0, 2), "-0.00");
  assert.equal(exponentDigits(0.125, 1), "1.2e-01");
  assert.equal(exponentDigits(0.375, 1), "3.8e-01");
  assert.equal(exponentDigits(1e300, 2), "1.00e+300");
  const cells = (values: number[]): string[] => values.map(numberFormat(valueStats(values)).format);
  assert.deepEqual(cells([1459.25, 3, 12]), ["1459.25", "3.00", "12.00"]);
  assert.deepEqual(cells([1 / 3, 2 / 3, 10]), ["0.3", "0.7", "10.0"]);
  assert.deepEqual(cells([0.627, 0.0027, 0.981]), ["0.6270", "0.0027", "0.9810"]);
  assert.deepEqual(cells([Math.PI, 0.0001]), ["3.14", "0.00"]);
  assert.deepEqual(cells([1459, 3, 12]), ["1459", "3", "12"]);
  assert.deepEqual(cells([2, 0.5, -1.25]), ["2.00", "0.50", "−1.25"]);
  assert.deepEqual(cells([1e-6, 2e-4, 0]), ["1.00e−6", "2.00e−4", "0"]);
  assert.deepEqual(cells([2e6, 1.5]), ["2.00e6", "1.50e0"]);
  assert.deepEqual(edgeIndices(7, 3), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(edgeIndices(7, 3, 1), [0, 1, 2, null, 4, 5, 6]);
  assert.deepEqual(edgeIndices(9, 3), [0, 1, 2, null, 6, 7, 8]);
  assert.equal(edgeIndices(1e9, 2).length, 5);
});
