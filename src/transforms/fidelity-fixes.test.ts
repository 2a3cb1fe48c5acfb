// The disagreements the ported cases (src/transforms/ported/) and reading the peers' tests turned up, each
// fixed and tested here under its own name, with the behaviour PyTorch 2.13 / JAX 0.10 show.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  FunctionCtx,
  autograd,
  cat,
  countPasses,
  customJvp,
  customVjp,
  grad,
  jacobian,
  jacrev,
  jvp,
  tensor,
  vjp,
  vmap,
  type Tensor,
} from "../index.js";

const x = tensor([1, 2]);

test("a vjp cotangent with another tree structure is refused, even with as many leaves (torch, JAX)", () => {
  const [, pull] = vjp((t: Tensor): [Tensor, [Tensor, Tensor]] => [t, [t, t]], x);
  assert.throws(
    () => pull([[x, [x, x]]] as never),
    /vjp: the structure of the cotangent is \[\[\*,\[\*,\*\]\]\], but that of the output of f is \[\*,\[\*,\*\]\]/,
  );
  assert.deepEqual(pull([x, [x, x]])[0].toArray(), [3, 6]);
});

test("jvp tangents with another tree structure are refused, even with as many leaves (torch, JAX)", () => {
  const one = tensor(1);
  const id = (...a: unknown[]) => a[0];
  assert.throws(
    () => jvp(id, [[one, one], one], [one, [one, one]]),
    /jvp: the structure of the tangents is \[\*,\[\*,\*\]\], but that of the primals is \[\[\*,\*\],\*\]/,
  );
});

test("needsInputGrad of autograd.Function follows what the backward pass needs (torch: True, False)", () => {
  const seen: boolean[][] = [];
  class Product extends autograd.Function {
    static override forward(_ctx: FunctionCtx, a: Tensor, b: Tensor): Tensor {
      return a.mul(b);
    }
    static override backward(ctx: FunctionCtx, g: Tensor): (Tensor | null)[] {
      seen.push(ctx.needsInputGrad);
      return [g, null];
    }
  }
  grad((a: Tensor, b: Tensor) => Product.apply(a, b))(tensor(2), tensor(3));
  grad((a: Tensor, b: Tensor) => Product.apply(a, b), { argnums: 1 })(tensor(2), tensor(3));
  assert.deepEqual(seen, [
    [true, false],
    [false, true],
  ]);
});

test("materializeGrads under createGraph gives zeros that can be differentiated again (torch)", () => {
  const v = tensor(0.5, { requiresGrad: true });
  const a = tensor(1, { requiresGrad: true });
  const [dydx] = autograd.grad(v.mul(a), v, { createGraph: true }) as Tensor[];
  const [d2] = autograd.grad(dydx, v, { createGraph: true, materializeGrads: true }) as Tensor[];
  assert.equal(d2.requiresGrad, true);
  assert.equal(d2.item(), 0);
  const [d3] = autograd.grad(d2, v, { materializeGrads: true }) as Tensor[];
  assert.equal(d3.item(), 0);
  const [plain] = autograd.grad(dydx, v, { materializeGrads: true }) as Tensor[];
  assert.equal(plain.requiresGrad, false);
});

test("a custom JVP rule that applies the custom function to the tangent is transposed (JAX linear_in_scan)", () => {
  const neg: (t: Tensor) => Tensor = customJvp(
    (t: Tensor) => t.neg(),
    ([t], [dt]) => [t.neg(), neg(dt)],
  );
  assert.equal(grad(neg)(tensor(3)).item(), -1);
  // -0 off the diagonal (the transpose of a negation), equal to 0.
  assert.deepEqual(jacrev(neg)(x).add(0).toArray(), [
    [-1, 0],
    [0, -1],
  ]);
});

test("a hook on a non-leaf that autograd.grad asks for runs even when nothing beyond it is needed (torch)", () => {
  const a = tensor(1, { requiresGrad: true });
  const b = a.mul(2);
  const c = b.mul(2);
  let calls = 0;
  a.registerHook(() => void (calls += 100));
  b.registerHook((g) => {
    calls += 1;
    return g.mul(10);
  });
  const [gb] = autograd.grad(c, b, { retainGraph: true }) as Tensor[];
  assert.equal(calls, 1, "b's hook once, a's not at all");
  assert.equal(gb.item(), 20, "the hook's result is what autograd.grad returns");
});

test("requiresGrad_ and retainGrad on a value inside a transform are refused (torch.func)", () => {
  assert.throws(
    () => grad((t: Tensor) => t.mul(2).requiresGrad_().sum())(x),
    /requiresGrad_: not supported on a value inside a function transform/,
  );
  assert.throws(
    () =>
      grad((t: Tensor) => {
        const y = t.sin();
        y.retainGrad();
        return y.sum();
      })(x),
    /retainGrad: not supported on a value inside a function transform/,
  );
  assert.throws(
    () => vmap((t: Tensor) => t.requiresGrad_())(tensor([[1], [2]])),
    /requiresGrad_: not supported/,
  );
});

test("a function with no tensor output is refused by the differentiating transforms (torch, JAX)", () => {
  for (const [name, call] of [
    ["jacrev", () => jacrev((_t: Tensor) => [])(x)],
    ["vjp", () => vjp((_t: Tensor) => ({}), x)],
    ["jvp", () => jvp((_t: Tensor) => [], [x], [x])],
  ] as const) {
    assert.throws(call as () => unknown, new RegExp(`${name}: f returned no tensor \\(an empty output\\)`));
  }
});

test('jacobian "auto" in forward mode costs one forward pass, not two', () => {
  const r = countPasses(() => jacobian((q: Tensor) => cat([q.mul(2), q.square()], 0), x));
  assert.deepEqual([r.forward, r.backward], [1, 0]);
});

test("where JAX refuses jvp of a custom_vjp function, jaclab transposes bwd (a documented divergence)", () => {
  const f = customVjp((t: Tensor) => t.sin(), {
    fwd: (t) => [t.sin(), t.cos()],
    bwd: (c, g) => [g.mul(c).mul(2)],
  });
  const [, tangent] = jvp(f, [tensor(3)], [tensor(1)]);
  assert.ok(Math.abs(tangent.item() - 2 * Math.cos(3)) < 1e-15);
  assert.equal(
    grad(f)(tensor(3)).item(),
    tangent.item(),
    "forward and reverse mode agree on the custom rule",
  );
});
