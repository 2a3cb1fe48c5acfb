// hasAux on every transform that has it (the aux passes through undifferentiated, under composition too),
// and the refusal of unknown options by every transform, naming the option.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  autograd,
  checkpoint,
  customVjp,
  grad,
  hessian,
  jacfwd,
  jacobian,
  jacrev,
  jvp,
  randn,
  tensor,
  valueAndGrad,
  vjp,
  vmap,
  type Tensor,
} from "../index.js";
import { assertClose, assertComposes } from "../testing/check.js";

const x = tensor([0.5, -1.5, 2]);
// f returns [output, aux]; the aux mixes a tensor computed from x, a nested tree and a plain value.
const withAux = (v: Tensor): [Tensor, { y: Tensor; tag: string; parts: Tensor[] }] => {
  const y = v.sin();
  return [y.mul(v).sum(), { y, tag: "stats", parts: [v.max(), v.mul(2)] }];
};
const scalar = (v: Tensor): Tensor => v.sin().mul(v).sum();

function checkAux(aux: { y: Tensor; tag: string; parts: Tensor[] }, at: Tensor): void {
  assert.equal(aux.tag, "stats");
  assert.equal(aux.y._level, 0, "the aux is a plain value, not a tracer");
  assertClose(aux.y, at.sin(), 1e-15, "aux.y");
  assertClose(aux.parts[1], at.mul(2), 1e-15, "aux.parts[1]");
}

test("hasAux returns the aux beside the result of grad, valueAndGrad, vjp, jvp, jacrev, jacfwd, hessian", () => {
  const [g, aux] = grad(withAux, { hasAux: true })(x);
  assertClose(g, grad(scalar)(x), 1e-15);
  checkAux(aux, x);
  const [[value, aux2], g2] = valueAndGrad(withAux, { hasAux: true })(x);
  assertClose(value, scalar(x), 1e-15);
  assertClose(g2, g, 1e-15);
  checkAux(aux2, x);
  const [out, pull, aux3] = vjp(withAux, x, { hasAux: true });
  assertClose(out, scalar(x), 1e-15);
  assertClose(pull(tensor(1))[0], g, 1e-15);
  checkAux(aux3, x);
  const [o4, t4, aux4] = jvp(withAux, [x], [tensor([1, 0, 0])], { hasAux: true });
  assertClose(o4, scalar(x), 1e-15);
  assert.ok(Math.abs(t4.item() - g.data[0]) < 1e-14);
  checkAux(aux4, x);
  for (const jac of [jacrev, jacfwd]) {
    const [j, a] = jac(withAux, { hasAux: true })(x);
    assertClose(j, g, 1e-14);
    checkAux(a, x);
  }
  const [h, aux5] = hessian(withAux, { hasAux: true })(x);
  assertClose(h, hessian(scalar)(x), 1e-12);
  checkAux(aux5, x);
  const [blocks, aux6] = hessian((a: Tensor, b: Tensor): [Tensor, Tensor] => [a.mul(b).sum(), a.add(b)], {
    argnums: [0, 1],
    hasAux: true,
  })(x, x);
  assert.deepEqual(blocks[0][1].toArray(), [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ]);
  assertClose(aux6, x.mul(2), 1e-15);
});

test("hasAux composes: vmap over it, jacfwd of jacrev of it, grad with several argnums", () => {
  const X = randn([4, 3], { seed: 71 });
  const tensorAux = (v: Tensor): [Tensor, { y: Tensor }] => [scalar(v), { y: v.sin() }];
  const [gs, auxs] = vmap(grad(tensorAux, { hasAux: true }))(X);
  assertClose(gs.index(2), grad(scalar)(X.index(2)), 1e-14);
  assertClose(auxs.y, X.sin(), 1e-15, "batched aux");
  assertComposes("grad(hasAux)[0]", (v) => grad(withAux, { hasAux: true })(v)[0], x, X);
  const [[ga, gb], aux] = grad((a: Tensor, b: Tensor): [Tensor, number] => [a.mul(b).sum(), 42], {
    argnums: [0, 1],
    hasAux: true,
  })(x, x.mul(2));
  assertClose(ga, x.mul(2), 1e-15);
  assertClose(gb, x, 1e-15);
  assert.equal(aux, 42);
  // The aux of an inner transform seen by an outer one is that level's value: differentiable outside.
  const outer = grad((v: Tensor) => grad(withAux, { hasAux: true })(v)[1].y.sum())(x);
  assertClose(outer, x.cos(), 1e-15);
});

test("hasAux without [output, aux] says what it expected", () => {
  assert.throws(
    () => grad(scalar as never, { hasAux: true })(x),
    /grad: with hasAux: true, f must return \[output, aux\] \(an array of two\), got a single tensor/,
  );
  assert.throws(
    () => jacrev((v: Tensor) => [v, v, v] as never, { hasAux: true })(x),
    /jacrev: with hasAux: true, f must return \[output, aux\] \(an array of two\), got an array of 3/,
  );
  assert.throws(
    () => grad(scalar, { hasAux: "yes" as never }),
    /grad: option hasAux must be true or false, got the string yes/,
  );
});

test("every transform refuses an option it does not know, naming it", () => {
  const f = (v: Tensor): Tensor => v.sum();
  // A torch spelling: the suggestion names jaclab's where the transform has that option.
  const bad = { has_aux: true } as never;
  const cases: [string, () => unknown][] = [
    ["grad", () => grad(f, bad)],
    ["valueAndGrad", () => valueAndGrad(f, bad)],
    ["jacrev", () => jacrev(f, bad)],
    ["jacfwd", () => jacfwd(f, bad)],
    ["hessian", () => hessian(f, bad)],
    ["jacobian", () => jacobian(f, x, bad)],
    ["vmap", () => vmap(f, bad)],
    ["jvp", () => jvp(f, [x], [x], bad)],
    ["vjp", () => (vjp as (...a: unknown[]) => unknown)(f, x, bad)],
    [
      "customVjp",
      () => customVjp(f, { fwd: (v: Tensor) => [f(v), null], bwd: () => [null], ...(bad as object) }),
    ],
    ["autograd.grad", () => autograd.grad(x.detach().requiresGrad_().sum(), x, bad)],
    ["autograd.backward", () => autograd.backward(x.detach().requiresGrad_().sum(), bad)],
    ["backward", () => x.detach().requiresGrad_().sum().backward(undefined, bad)],
  ];
  for (const [name, call] of cases) {
    assert.throws(call, (e: Error) => {
      assert.equal(e.name, "ArgumentError", name);
      assert.match(e.message, new RegExp(`^${name.replace(".", "\\.")}: unknown option "has_aux"`), name);
      return true;
    });
  }
  assert.throws(
    () => vmap(f, { in_dims: 0 } as never),
    /vmap: unknown option "in_dims" \(did you mean inDims\?\); the options of vmap are inDims, outDims, axisSize, randomness, chunkSize, progress/,
  );
  assert.throws(
    () => grad(f, 1 as never),
    /grad: options must be an object like \{ argnums: \.\.\. \}, got the number 1/,
  );
  assert.throws(
    () => autograd.grad(x.detach().requiresGrad_().sum(), x, { retain_graph: true } as never),
    /did you mean retainGraph\?/,
  );
  // checkpoint has no options; its one argument is the function.
  assert.throws(() => checkpoint(3 as never), /checkpoint: f must be a function, got number/);
});
