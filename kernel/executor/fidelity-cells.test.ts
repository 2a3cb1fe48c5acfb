// The fidelity API in notebook cells, through the real interpreter: the new transforms and classes are in
// scope without an import and type-check (a subclass of autograd.Function, hasAux's tuple types, vmap's
// option trees), a misspelt option is a type error before the cell runs, and the numbers come out right.
import assert from "node:assert/strict";
import { test } from "node:test";
import { run, sharedInterpreter } from "./test-support.js";

const interpreter = sharedInterpreter();

test("customJvp, linearize, jacobian auto, hasAux and autograd.Function type-check and run in a cell", async () => {
  const cell = [
    "const stable = customJvp((x: Tensor) => x.exp().log1p(), ([x], [t]) => [x.exp().log1p(), t.mul(x.sigmoid())]);",
    "const [g, top] = grad((v: Tensor): [Tensor, Tensor] => [stable(v).sum(), v.max()], { hasAux: true })(tensor([800, 0]));",
    "const [, push] = linearize((v: Tensor) => v.sin().mul(v), tensor([0, 1]));",
    "const passes = countPasses(() => jacobian((v: Tensor) => v.square(), tensor([1, 2, 3])));",
    "class Cube extends autograd.Function {",
    "  static override forward(ctx: FunctionCtx, x: Tensor): Tensor { ctx.saveForBackward(x); return x.pow(3); }",
    "  static override backward(ctx: FunctionCtx, gy: Tensor): Tensor { return gy.mul(ctx.savedTensors[0].square()).mul(3); }",
    "}",
    "const h = hessian((v: Tensor) => Cube.apply(v).sum())(tensor([1, 2]));",
    "const per = vmap((p: { w: Tensor; b: Tensor }) => p.w.add(p.b), { inDims: [{ w: 0, b: null }] })({ w: eye(2), b: tensor([1, 1]) });",
    "const remat = grad((v: Tensor) => checkpoint((u: Tensor) => u.sin().exp())(v).sum())(tensor([0]));",
    "console.log(JSON.stringify({ g, top, push: push(tensor([1, 0])), passes: [passes.forward, passes.backward], h, per, remat }));",
  ].join("\n");
  const { outcome, sink } = await run(interpreter, cell);
  assert.equal(outcome.status, "ok", JSON.stringify(outcome));
  assert.equal(
    sink.text("stdout").trim(),
    JSON.stringify({
      g: [1, 0.5],
      top: 800,
      push: [0, 0],
      passes: [1, 1],
      h: [
        [6, 0],
        [0, 12],
      ],
      per: [
        [2, 1],
        [1, 2],
      ],
      remat: [1],
    }),
  );
});

test("a misspelt option is a type error in the cell, and refused at run time when unchecked", async () => {
  const typed = await run(interpreter, "grad((v: Tensor) => v.sum(), { hasaux: true })");
  assert.equal(typed.outcome.status, "error");
  assert.match(
    typed.outcome.status === "error" ? typed.outcome.traceback[0] : "",
    /error TS2353|error TS2769/,
  );
  const unchecked = await run(interpreter, "// @ts-nocheck\ngrad((v) => v.sum(), { hasaux: true })");
  assert.equal(unchecked.outcome.status, "error");
  assert.match(
    unchecked.outcome.status === "error" ? unchecked.outcome.evalue : "",
    /grad: unknown option "hasaux" \(did you mean hasAux\?\)/,
  );
});
