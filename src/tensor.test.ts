// The autograd state in a tensor's text forms: toString() and the notebook bundle's text/plain.
import { test } from "node:test";
import assert from "node:assert/strict";
import { displaySymbol, tensor } from "./index.js";

const plainText = (t: ReturnType<typeof tensor>): string => t[displaySymbol]()["text/plain"] as string;

test("a plain tensor's text shows no autograd fields", () => {
  const t = tensor([1, 2]);
  assert.equal(t.toString(), "tensor([1., 2.])");
  assert.doesNotMatch(plainText(t), /requiresGrad|gradFn/);
  assert.match(plainText(t), /^tensor\(\[1\., 2\.\], shape=\[2\]\)$/);
});

test("a leaf that requires grad shows requiresGrad=true in toString and in the display text", () => {
  const x = tensor([1, 2]).requiresGrad_();
  assert.equal(x.toString(), "tensor([1., 2.], requiresGrad=true)");
  assert.match(plainText(x), /^tensor\(\[1\., 2\.\], shape=\[2\], requiresGrad=true\)$/);
});

test("a computed tensor shows its grad function, not requiresGrad", () => {
  const x = tensor([1, 2]).requiresGrad_();
  const y = x.mul(3);
  assert.equal(y.toString(), "tensor([3., 6.], gradFn=<mul>)");
  assert.match(plainText(y), /^tensor\(\[3\., 6\.\], shape=\[2\], gradFn=<mul>\)$/);
  assert.match(plainText(y.sum()), /gradFn=<sum>\)$/);
  assert.doesNotMatch(plainText(y), /requiresGrad/);
});

test("detach drops the autograd fields", () => {
  const y = tensor([1, 2]).requiresGrad_().exp();
  assert.doesNotMatch(plainText(y.detach()), /requiresGrad|gradFn/);
  assert.doesNotMatch(y.detach().toString(), /requiresGrad|gradFn/);
});
