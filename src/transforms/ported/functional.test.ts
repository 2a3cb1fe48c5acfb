// Cases ported from PyTorch's test/autograd/test_functional.py (torch.autograd.functional): jaclab's side
// of each case of test/reference/fidelity-cases.json named "functional.*", against PyTorch 2.13's numbers.
// torch.autograd.functional's vjp(f, inputs, v) and jacobian(f, inputs) map to jaclab's vjp, jacobian and
// jacrev/jacfwd with argnums; its hessian to hessian with argnums; hvp/vhp to hvp/vhp.
import {
  hessian,
  hvp,
  jacfwd,
  jacobian,
  jacrev,
  jvp,
  ones,
  tensor,
  vhp,
  vjp,
  type Tensor,
} from "../../index.js";
import { portedSuite, type FixtureCase } from "../../testing/fixture.js";

type T = Tensor;
const inputs = (c: FixtureCase): Record<string, T> => c.inputs;
const expReducer = (x: T): T => x.exp().sum(1);
const addExpReducer = (x: T, y: T): T => x.add(y.exp()).sum(1);

/** torch.autograd.functional.vjp(f, inputs, v): [f(inputs), vjp] with one cotangent per input. */
function afVjp<A extends T[]>(f: (...a: A) => unknown, args: A, v: unknown): unknown {
  const [out, pull] = vjp(f, ...args);
  const grads = pull(v as never);
  return [out, args.length === 1 ? grads[0] : grads];
}

portedSuite("functional.", {
  "functional.vjp_output": (c) => {
    const { x, a, b, s } = inputs(c);
    return {
      reducer: afVjp((t: T) => t.sum(1), [x], ones([4])),
      adder: afVjp((p: T, q: T) => p.mul(2).add(q.mul(3)), [a, b], ones([2])),
      adder2: afVjp(
        (p: T, q: T) => [p.mul(2).add(q.mul(3)), p.add(q)],
        [a, b],
        [tensor([1, 0]), tensor([1, 0])],
      ),
      scalar: afVjp((t: T) => t.sum(), [x], tensor(1)),
      expander: afVjp((t: T) => t.unsqueeze(0).expand(4), [s], ones([4])),
    };
  },
  "functional.jvp_output": (c) => {
    const { x, a, b } = inputs(c);
    return {
      reducer: jvp((t: T) => t.sum(1), [x], [ones([4, 4])]),
      adder: jvp((p: T, q: T) => [p.mul(2).add(q.mul(3)), p.add(q)], [a, b], [ones([2]), ones([2])]),
    };
  },
  "functional.jacobian_output": (c) => {
    const { x, i, y, s } = inputs(c);
    return {
      expReducer: jacobian(expReducer, x),
      identity: jacobian((t: T) => t.clone(), i),
      addExpReducer: jacrev(addExpReducer, { argnums: [0, 1] })(x, y),
      reducer: jacobian((t: T) => t.sum(), x, { strategy: "forward-mode" }),
      expander: jacobian((t: T) => t.unsqueeze(0).expand(4), s, { strategy: "reverse-mode" }),
    };
  },
  "functional.jacobian_strategies": (c) => {
    const { x, y, u, w } = inputs(c);
    const multiOut = (p: T, q: T) => [p.mul(p).matmul(q), p.matmul(p.sum(1).mul(q)), q.sum()];
    const run = (strategy: "reverse-mode" | "forward-mode") => {
      const jac = strategy === "reverse-mode" ? jacrev : (jacfwd as typeof jacrev);
      return {
        simple: jacobian((t: T) => t.pow(2).mul(3), x, { strategy }),
        multiInput: jac((p: T, q: T) => p.cos().mul(p).matmul(q.sin()), { argnums: [0, 1] })(x, y),
        multiOutput: jac(multiOut, { argnums: [0, 1] })(u, w),
      };
    };
    return { "reverse-mode": run("reverse-mode"), "forward-mode": run("forward-mode") };
  },
  "functional.hessian_output": (c) => {
    const { x, a, b } = inputs(c);
    const f = (t: T): T => t.pow(3).sum().add(t.prod());
    return {
      powReducer: hessian((t: T) => t.pow(3).sum())(x),
      narrowExp: hessian((t: T) => t.narrow(0, 0, 3).exp().sum().mul(3))(a),
      twoInputs: hessian(
        (p: T, q: T) =>
          q
            .narrow(0, 0, 3)
            .mul(3)
            .mul(p.narrow(0, 0, 3))
            .sum(),
        { argnums: [0, 1] },
      )(a, b),
      // torch's outer_jacobian_strategy picks the outer mode: jacrev(jacrev) and jacfwd(jacrev)
      strategies: [jacrev(jacrev(f))(x), hessian(f)(x)],
    };
  },
  "functional.hvp_vhp": (c) => {
    const { x, v, a, b, va, vb, s } = inputs(c);
    const foo = (t: T): T => t.narrow(0, 0, 3).exp().sum().mul(3);
    const bar = (p: T[]): T =>
      p[0]
        .exp()
        .mul(p[1].narrow(0, 0, 3))
        .sum()
        .add(p[1].pow(2).sum());
    const x4 = x.reshape(16).narrow(0, 0, 4);
    const cube = (t: T): T => t.pow(3).mul(2);
    return {
      vhp: vhp(foo, x4, ones([4])),
      hvp: hvp(foo, x4, ones([4])),
      vhpTwo: vhp(bar, [a, b], [va, vb]),
      hvpTwo: hvp(bar, [a, b], [va, vb]),
      scalar: [vhp(cube, s, tensor(1)), hvp(cube, s, tensor(1))],
      powReducer: vhp((t: T) => t.pow(3).sum(), x, v),
    };
  },
});
