// Tests of reading parameter names from function source.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parameterNames } from "./param-names.js";

test("parameterNames reads arrows, functions, defaults, rest and destructuring", () => {
  assert.deepEqual(
    parameterNames((q: number) => q),
    ["q"],
  );
  assert.deepEqual(
    parameterNames((x: number, w: number) => x + w),
    ["x", "w"],
  );
  const loss = function (pred: number, target = [1, 2]): number {
    return pred + target.length;
  };
  assert.deepEqual(parameterNames(loss), ["pred", "target"]);
  assert.deepEqual(
    parameterNames(({ a }: { a: number }, ...rest: number[]) => a + rest.length),
    [undefined, "rest"],
  );
  assert.deepEqual(
    parameterNames(() => 1),
    [],
  );
});
