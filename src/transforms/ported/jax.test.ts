// Cases ported from JAX's tests/api_test.py: jaclab's side of each case of test/reference/fidelity-cases.json
// named "jax.*", compared with JAX 0.10's float64 numbers. JAX's Python floats are jaclab's 0-d tensors.
import {
  arange,
  checkpoint,
  customJvp,
  customVjp,
  grad,
  hessian,
  jacfwd,
  jacrev,
  jvp,
  linearTranspose,
  linearize,
  stack,
  tensor,
  valueAndGrad,
  vjp,
  vmap,
  zeros,
  type Tensor,
} from "../../index.js";
import { diverges, portedSuite, thrown, type FixtureCase } from "../../testing/fixture.js";

type T = Tensor;
const inputs = (c: FixtureCase): Record<string, T> => c.inputs;
const t = (v: number): T => tensor(v);
const outer = (a: T, b: T): T => a.unsqueeze(1).mul(b.unsqueeze(0));

function customSinJvp(): (x: T) => T {
  return customJvp(
    (x: T) => x.sin(),
    ([x], [g]) => [x.sin(), x.cos().mul(g).mul(2)],
  );
}

function customSinVjp(): (x: T) => T {
  return customVjp((x: T) => x.sin(), {
    fwd: (x) => [x.sin(), x.cos()],
    bwd: (cos, g) => [cos.mul(g).mul(2)],
  });
}

portedSuite("jax.", {
  "jax.grad_argnums": () => {
    const f = (x: T, y: T, z: T): T => x.mul(1).add(y.mul(2)).add(z.mul(3));
    const a: [T, T, T] = [t(1), t(1), t(1)];
    return {
      default: grad(f)(...a),
      one: grad(f, { argnums: 1 })(...a),
      pair: grad(f, { argnums: [2, 0] })(...a),
      valueAndGrad: [...valueAndGrad(f, { argnums: [2, 0] })(...a)[1], valueAndGrad(f)(...a)[0]],
    };
  },
  "jax.jacobian_hessian": (c) => {
    const { A, x, B, y } = inputs(c);
    const lin = (v: T): T => A.matmul(v);
    const th = (v: T): T => A.matmul(v).tanh();
    return {
      linear: [jacfwd(lin)(x), jacrev(lin)(x)],
      tanh: [jacfwd(th)(x), jacrev(th)(x)],
      hessian: hessian((v: T) => v.matmul(B.matmul(v)))(y),
    };
  },
  "jax.jacobian_on_pytrees": (c) => {
    const { x, y } = inputs(c);
    const run = (jac: typeof jacrev) => ({
      pair: jac((a: T, b: T) => [a, b])(t(0), t(1)),
      second: jac((a: T, b: T) => [a, b], { argnums: 1 })(t(0), t(1)),
      both: jac((a: T, b: T) => [a, b], { argnums: [0, 1] })(t(0), t(1)),
      slice: jac((p: T[]) => p.slice(0, 2))([t(1), t(2), t(3)]),
      dict: jac((a: T, b: T) => ({ x: a, xy: outer(a, b) }))(x, y),
    });
    return {
      fwd: run(jacfwd as typeof jacrev),
      rev: run(jacrev),
      hessian: hessian((p: T[]) => stack(p).pow(2) as T)([t(1), t(2)] as never),
    };
  },
  "jax.issue1372": (c) => {
    const { x, u } = inputs(c);
    const f = (a: T, b: T): T => a.matmul(a).pow(1.5).add(b.matmul(b).mul(a.sum()));
    const modes = { rev: jacrev, fwd: jacfwd as typeof jacrev };
    const out: Record<string, unknown> = {};
    for (const [a, oa] of Object.entries(modes)) {
      for (const [b, ob] of Object.entries(modes)) {
        for (const i of [0, 1]) {
          for (const j of [0, 1]) out[`${a}_${b}_${i}${j}`] = oa(ob(f, { argnums: i }), { argnums: j })(x, u);
        }
      }
    }
    return out;
  },
  "jax.grad_and_aux": () => {
    const [g, aux] = grad((x: T): [T, T[]] => [x.pow(3), [x.pow(2)]], { hasAux: true })(t(3));
    const nested = (x: T): T =>
      grad((v: T): [T, T[]] => [v.pow(3), [v.pow(3)]], { hasAux: true })(x)[1][0].mul(x.sin());
    const [g2, aux2] = grad((x: T): [T, unknown[]] => [x.pow(3), [x.pow(2), 4]], { hasAux: true })(t(4));
    const [, aux3] = grad((x: T): [T, unknown] => [x.pow(2), { identity: x, p1: x.add(1) }], {
      hasAux: true,
    })(t(3));
    return [g, aux, grad(nested)(t(4)), g2, aux2, aux3];
  },
  "jax.jvp_vjp_structure_errors": () => {
    const [, pull] = vjp((x: T, y: T) => x.mul(y), t(3), t(4));
    return {
      jvpTree: thrown(() => jvp((x: T, y: T) => x.mul(y), [t(2)] as never, [] as never)),
      vjpTree: thrown(() => pull([t(7), t(100)] as never)),
      vjp: pull(t(7)),
    };
  },
  "jax.custom_jvp_basic": () => {
    const f = customSinJvp();
    const h = customJvp(
      (x: T) => x.mul(2).cos().div(2),
      ([x], [g]) => [x.mul(2).cos().div(2), g.mul(3)],
    );
    const h2 = (x: T): T => jvp(h, [x], [x])[0];
    const h3 = (x: T): T => jvp(h2, [x], [x])[0];
    const branch = (x: T): T => (x.item() > 0 ? x.sin() : x.cos());
    const cf = customJvp(branch, ([x], [g]) => [branch(x), g.mul(x.item() > 0 ? 2 : 3)]);
    return {
      basic: [f(t(3)), jvp(f, [t(3)], [t(1)]), grad(f)(t(3))],
      invariance: [jvp(h, [t(1)], [t(1)]), jvp(h2, [t(1)], [t(1)]), jvp(h3, [t(1)], [t(1)])],
      control: [jvp(cf, [t(2)], [t(1)]), jvp(cf, [t(-2)], [t(1)]), grad(cf)(t(2)), grad(cf)(t(-2))],
    };
  },
  "jax.custom_jvp_vmap": (c) => {
    const f = customSinJvp();
    const { x, xx } = inputs(c);
    const p = customJvp(
      (v: { a: T }) => ({ b: v.a.sin() }),
      ([v], [g]) => [{ b: v.a.sin() }, { b: v.a.cos().mul(g.a).mul(2) }],
    );
    // The JVP rule applies the custom function itself to the tangent (JAX's test_linear_in_scan).
    const neg: (v: T) => T = customJvp(
      (v: T) => v.neg(),
      ([v], [g]) => [v.neg(), neg(g)],
    );
    return {
      vmap: [vmap(f)(x), vmap(vmap(f))(xx)],
      vmapJvp: vmap((v: T) => jvp(f, [v], [v]))(x),
      vmapVmapJvp: vmap(vmap((v: T) => jvp(f, [v], [v])))(xx),
      jvpVmap: jvp(vmap(f), [x], [x]),
      vmapJvpVmap: vmap((v: T) => jvp(vmap(f), [v], [v]))(xx),
      pytree: [p({ a: t(3) }), jvp(p, [{ a: t(3) }], [{ a: t(3) }])],
      linear: grad(neg)(t(3)),
      gradVmap: grad((v: T) => vmap(f)(v).sum())(x),
    };
  },
  "jax.custom_vjp_basic": () => {
    const f = customSinVjp();
    const h = customVjp((x: T) => x.mul(2).cos().div(2), {
      fwd: (x) => [x.mul(2).cos().div(2), x],
      bwd: (_x, g) => [g.mul(3)],
    });
    const h2 = (x: T): T => valueAndGrad(h)(x)[0];
    const h3 = (x: T): T => valueAndGrad(h2)(x)[0];
    const branch = (x: T): T => (x.item() > 0 ? x.sin() : x.cos());
    const cf = customVjp(branch, {
      fwd: (x) => [branch(x), x],
      bwd: (x, g) => [g.mul(x.item() > 0 ? 2 : 3)],
    });
    return {
      basic: [f(t(3)), grad(f)(t(3)), valueAndGrad(f)(t(3))],
      invariance: [h(t(1)), h2(t(1)), h3(t(1)), grad(h)(t(1)), grad(h2)(t(1)), grad(h3)(t(1))],
      control: [valueAndGrad(cf)(t(2)), valueAndGrad(cf)(t(-2))],
      jvpError: diverges("JAX refuses jvp of a custom_vjp function; jaclab transposes bwd (custom.test.ts)"),
    };
  },
  "jax.custom_vjp_vmap": (c) => {
    const f = customSinVjp();
    const { x, xx } = inputs(c);
    const p = customVjp((v: { a: T }) => ({ b: v.a.sin() }), {
      fwd: (v) => [{ b: v.a.sin() }, { r: v.a.cos() }],
      bwd: (res, g) => [{ a: res.r.mul(g.b).mul(2) }],
    });
    const sq = customVjp((v: T) => v.pow(2), { fwd: (v) => [v.pow(2), v], bwd: (v, g) => [g.mul(v.pow(2))] });
    return {
      vmap: [vmap(f)(x), vmap(vmap(f))(xx)],
      vmapGrad: [vmap(grad(f))(x), vmap(valueAndGrad(f))(x), vmap(vmap(grad(f)))(xx)],
      gradVmap: [grad((v: T) => vmap(f)(v).sum())(x), grad((v: T) => vmap(vmap(f))(v).sum())(xx)],
      vmapGradVmap: vmap(grad((v: T) => vmap(f)(v).sum()))(xx),
      pytree: [p({ a: t(3) }), grad((v: { a: T }) => p(v).b)({ a: t(3) })],
      higherOrder: grad(grad(sq))(t(3)),
    };
  },
  "jax.remat": () => {
    const g = (x: T): T => x.sin().sin().mul(x.cos());
    const r = checkpoint(g);
    return {
      grad: [grad(r)(t(2)), grad(g)(t(2))],
      gradGrad: grad(grad(r))(t(2)),
      jvp: jvp(r, [t(2)], [t(3)]),
      vmapGrad: vmap(grad(r))(arange(3)),
    };
  },
  "jax.linearize": (c) => {
    const { x, t: tan, ts } = inputs(c);
    const f = (v: T): T => v.sin().mul(v.pow(2).sum());
    const [y, push] = linearize(f, x);
    return {
      value: [y, push(tan), jvp(f, [x], [tan])[1]],
      vmap: vmap(push)(ts),
      wrongShape: thrown(() => linearize((v: T) => v.sum(), tensor([1, 2, 3]))[1](zeros([3, 2]))),
    };
  },
  "jax.linear_transpose": (c) => {
    const { A, b, ct } = inputs(c);
    return {
      matmul: linearTranspose((v: T) => A.matmul(v), b)(ct),
      scale: linearTranspose((v: T) => v.mul(-2).add(v.sum()), b)(b),
      pytree: linearTranspose(
        (p: { u: T; v: T }) => ({ s: p.u.mul(3).sub(p.v.narrow(0, 0, 2).sum()), t: p.v }),
        {
          u: t(1),
          v: b,
        },
      )({ s: t(2), t: b }),
      twoArgs: linearTranspose((p: T, q: T) => p.add(q.mul(2)), b, b)(b),
      nonLinear: thrown(() => linearTranspose((v: T) => v.sin(), b)(b)),
    };
  },
  "jax.vmap_axes": (c) => {
    const { x, y, w } = inputs(c);
    const f = (p: { x: T; w: T }, ys: T[]): T => p.x.mul(p.w).add(ys[0]).sub(ys[1]);
    return {
      inTree: vmap(f, { inDims: [{ x: 0, w: null }, [1, 0]] })({ x, w }, [y, x]),
      outTree: vmap((v: T) => ({ row: v.mul(2), shared: w.sum() }), { outDims: { row: 1, shared: null } })(x),
      axisSize: vmap((v: T) => v.add(1), { inDims: null, axisSize: 5 })(w),
      nested: vmap((a: T) => vmap((v: T) => v.sin(), { inDims: 1 })(a), { inDims: 1 })(
        arange(24).reshape(2, 3, 4),
      ),
      outNoneBatched: thrown(() => vmap((v: T) => v.mul(2), { outDims: null })(x)),
      sizes: thrown(() => vmap((a: T, b2: T) => a.add(b2))(zeros([2, 3]), zeros([3, 3]))),
    };
  },
});
