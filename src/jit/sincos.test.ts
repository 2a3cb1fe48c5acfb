// The paired sin/cos of fused loops against Math.sin / Math.cos, and a jitted function using both.
import { test } from "node:test";
import assert from "node:assert/strict";
import { sinCosStatements } from "./sincos.js";
import { cos, jit, mul, sin, add, Tensor } from "../index.js";

const pair = new Function("x", `${sinCosStatements("x", "s", "c", "0").join("\n")}\nreturn [s, c];`) as (
  x: number,
) => [number, number];

test("sinCosStatements agrees with Math.sin and Math.cos to about 1 ulp", () => {
  const xs: number[] = [1e-300, 5e-324, 1e-8, 0.3, 0.785, Math.PI / 4, 1, 2, Math.PI, 1e5, 99999.5];
  for (let k = -40; k <= 40; k++) xs.push((k * Math.PI) / 2, (k * Math.PI) / 2 + 1e-9, (k * Math.PI) / 4);
  let seed = 7;
  for (let i = 0; i < 20000; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    xs.push((seed / 2147483648 - 0.5) * (i < 10000 ? 20 : 2e5));
  }
  for (const v of [...xs, ...xs.map((x) => -x)]) {
    const [s, c] = pair(v);
    assert.ok(Math.abs(s - Math.sin(v)) <= 3e-16, `sin(${v}): ${s} vs ${Math.sin(v)}`);
    assert.ok(Math.abs(c - Math.cos(v)) <= 3e-16, `cos(${v}): ${c} vs ${Math.cos(v)}`);
  }
});

test("sinCosStatements leaves zeros, non-finite and large arguments to Math", () => {
  for (const v of [0, -0, NaN, Infinity, -Infinity, 1e6, -3e300]) {
    const [s, c] = pair(v);
    assert.ok(Object.is(s, Math.sin(v)), `sin(${v})`);
    assert.ok(Object.is(c, Math.cos(v)), `cos(${v})`);
  }
});

test("a jitted function with sin and cos of one operand matches eager", () => {
  const f = (x: Tensor) => add(mul(sin(x), 2), mul(cos(x), sin(x)));
  const x = new Tensor(
    Float64Array.from({ length: 257 }, (_, i) => (i - 128) * 0.37),
    [257],
  );
  const got = jit(f)(x).data;
  const want = f(x).data;
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-15, `element ${i}`);
  const plan = jit(f).plan(x).describe();
  assert.match(plan, /fused\[257\] .*sin.*cos|fused\[257\] .*cos.*sin/);
});
