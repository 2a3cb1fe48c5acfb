// autograd.Function (torch style): forward/backward with ctx, setupContext, a user jvp, several inputs and
// outputs, non-tensor arguments, and composition with the tape, the function transforms and vmap.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  FunctionCtx,
  autograd,
  eye,
  grad,
  hessian,
  jacfwd,
  jacrev,
  jvp,
  randn,
  tensor,
  vmap,
  type Tensor,
} from "./index.js";
import { assertClose, assertComposes } from "./testing/check.js";

class Exp extends autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
    const y = x.exp();
    ctx.saveForBackward(y);
    return y;
  }
  static override backward(ctx: FunctionCtx, g: Tensor): Tensor {
    return g.mul(ctx.savedTensors[0]);
  }
}

// Two tensor inputs, a number in between, two outputs; the context set up apart from forward.
class ScaledProduct extends autograd.Function {
  static override forward(a: Tensor, k: number, b: Tensor): Tensor[] {
    return [a.mul(b).mul(k), a.add(b)];
  }
  static setupContext(ctx: FunctionCtx, inputs: unknown[]): void {
    const [a, k, b] = inputs as [Tensor, number, Tensor];
    ctx.saveForBackward(a, b);
    ctx.fields.k = k;
  }
  static override backward(ctx: FunctionCtx, gProd: Tensor, gSum: Tensor): (Tensor | null)[] {
    const [a, b] = ctx.savedTensors;
    const k = ctx.fields.k as number;
    return [gProd.mul(b).mul(k).add(gSum), null, gProd.mul(a).mul(k).add(gSum)];
  }
}

// A user-supplied forward-mode rule.
class Cube extends autograd.Function {
  static jvpCalls = 0;
  static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
    ctx.saveForBackward(x);
    return x.pow(3);
  }
  static override backward(ctx: FunctionCtx, g: Tensor): Tensor {
    return g.mul(ctx.savedTensors[0].square()).mul(3);
  }
  static jvp(ctx: FunctionCtx, t: Tensor): Tensor {
    Cube.jvpCalls++;
    return t.mul(ctx.savedTensors[0].square()).mul(3);
  }
}

const x = tensor([0.5, -1, 1.5]);
const X = randn([3, 3], { seed: 31 });

test("Function.apply on the tape: backward, double backward through backward (createGraph)", () => {
  const leaf = x.detach().requiresGrad_();
  const y = Exp.apply(leaf);
  assert.equal(y.gradFn?.name, "customCall");
  y.sum().backward();
  assertClose(leaf.grad as Tensor, x.exp(), 1e-15);
  const [d1] = autograd.grad(Exp.apply(leaf).sum(), leaf, { createGraph: true }) as Tensor[];
  const [d2] = autograd.grad(d1.sum(), leaf) as Tensor[];
  assertClose(d2, x.exp(), 1e-15, "second derivative");
});

test("Function.apply composes with grad, jacrev, jacfwd (transposed backward or the user's jvp), vmap, hessian", () => {
  assertComposes("Exp", (v) => Exp.apply(v), x, X);
  assertComposes("Cube", (v) => Cube.apply(v), x, X);
  Cube.jvpCalls = 0;
  assert.deepEqual(jvp((v: Tensor) => Cube.apply(v), [x], [tensor([1, 1, 1])])[1].toArray(), [0.75, 3, 6.75]);
  assert.equal(Cube.jvpCalls, 1);
  assertClose(hessian((v: Tensor) => Exp.apply(v).sum())(x), eye(3).mul(x.exp()), 1e-12);
});

test("several inputs and outputs, a non-tensor argument, setupContext", () => {
  const a = tensor([1, 2]);
  const b = tensor([3, -1]);
  const loss = (p: Tensor, q: Tensor): Tensor => {
    const [prod, sum] = ScaledProduct.apply(p, 2, q);
    return prod.sum().add(sum.square().sum());
  };
  const plainLoss = (p: Tensor, q: Tensor): Tensor => p.mul(q).mul(2).sum().add(p.add(q).square().sum());
  const [ga, gb] = grad(loss, { argnums: [0, 1] })(a, b);
  const [ea, eb] = grad(plainLoss, { argnums: [0, 1] })(a, b);
  assertClose(ga, ea, 1e-14);
  assertClose(gb, eb, 1e-14);
  const j = jacfwd((p: Tensor) => ScaledProduct.apply(p, 2, b)[0])(a);
  assertClose(j, jacrev((p: Tensor) => p.mul(b).mul(2))(a), 1e-14);
  const per = vmap((p: Tensor) => grad((q: Tensor) => loss(q, b))(p))(X.narrow(1, 0, 2));
  assertClose(per.index(1), grad((q: Tensor) => plainLoss(q, b))(X.index(1).narrow(0, 0, 2)), 1e-12);
});

test("needsInputGrad tells backward which gradients are wanted", () => {
  const seen: boolean[][] = [];
  class Probe extends autograd.Function {
    static override forward(_ctx: FunctionCtx, p: Tensor, q: Tensor): Tensor {
      return p.mul(q);
    }
    static override backward(ctx: FunctionCtx, g: Tensor): Tensor[] {
      seen.push(ctx.needsInputGrad);
      return [g, g];
    }
  }
  grad((p: Tensor) => Probe.apply(p, tensor(2)))(tensor(1));
  // grad differentiates argument 0 only: torch gives needs_input_grad (True, False) here too.
  assert.deepEqual(seen, [[true, false]]);
});

test("autograd.Function errors name the function", () => {
  class WrongCount extends autograd.Function {
    static override forward(_ctx: FunctionCtx, p: Tensor, q: Tensor): Tensor {
      return p.add(q);
    }
    static override backward(_ctx: FunctionCtx, g: Tensor): Tensor[] {
      return [g];
    }
  }
  assert.throws(
    () => grad((p: Tensor) => WrongCount.apply(p, p).sum())(x),
    /WrongCount.backward returned an incorrect number of gradients \(expected 2, one per argument of forward, got 1\)/,
  );
  class GradForNumber extends autograd.Function {
    static override forward(_ctx: FunctionCtx, p: Tensor, _k: number): Tensor {
      return p;
    }
    static override backward(_ctx: FunctionCtx, g: Tensor): Tensor[] {
      return [g, g];
    }
  }
  assert.throws(
    () => grad((p: Tensor) => GradForNumber.apply(p, 3).sum())(x),
    /returned a gradient for argument 1, which is not a Tensor/,
  );
  class NoBackward extends autograd.Function {
    static override forward(_ctx: FunctionCtx, p: Tensor): Tensor {
      return p;
    }
  }
  assert.throws(
    () => grad((p: Tensor) => NoBackward.apply(p).sum())(x),
    /NoBackward: an autograd.Function subclass must define a static backward/,
  );
  assert.throws(() => (Exp.apply as (...a: unknown[]) => unknown)(3), /Exp.apply: no argument is a Tensor/);
});
