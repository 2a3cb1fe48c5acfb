// Cases ported from PyTorch's test/test_autograd.py (torch.autograd): jaclab's side of each case of
// test/reference/fidelity-cases.json named "autograd.*", compared with PyTorch 2.13's numbers.
import {
  FunctionCtx,
  autograd,
  enableGrad,
  noGrad,
  ones,
  setGradEnabled,
  tensor,
  type Tensor,
} from "../../index.js";
import { portedSuite, thrown, type FixtureCase } from "../../testing/fixture.js";

type T = Tensor;
const leaf = (t: T): T => t.detach().requiresGrad_();
const inputs = (c: FixtureCase): Record<string, T> => c.inputs;

portedSuite("autograd.", {
  "autograd.backward": (c) => {
    const [v, x, y, z] = ["v", "x", "y", "z"].map((k) => leaf(inputs(c)[k]));
    const go = inputs(c).go;
    v.backward(go);
    x.add(y.mul(z)).add(z.pow(2).mul(4).mul(x).div(y)).backward(go);
    return [v.grad, x.grad, y.grad, z.grad];
  },
  "autograd.multi_backward": (c) => {
    const [x, y, q, a, b, w] = ["x", "y", "q", "a", "b", "w"].map((k) => leaf(inputs(c)[k]));
    const { gz, gc, gy, gzz } = inputs(c);
    const q2 = q.mul(2);
    autograd.backward([x.add(y).add(q2), a.mul(b).add(q2)], { gradTensors: [gz, gc] });
    const wy = w.pow(2);
    autograd.backward([wy, wy.pow(3)], [gy, gzz]);
    return [x.grad, y.grad, q.grad, a.grad, b.grad, w.grad];
  },
  "autograd.sharded_grad": (c) => {
    const leaves = [0, 1, 2, 3].map((i) => leaf(inputs(c)[`l${i}`]));
    const inter = leaves.map((l, i) => l.mul(i).add(l.mul(l)));
    const loss = inter
      .map((v, i) => v.mul(i))
      .reduce((s, v) => s.add(v))
      .sum();
    const d = [0, 2].flatMap((k) => autograd.grad(loss, inter.slice(k, k + 2), { retainGraph: true }) as T[]);
    autograd.backward(inter, { gradTensors: d });
    return leaves.map((l) => l.grad);
  },
  "autograd.hooks": () => {
    const x = ones([5, 5]).requiresGrad_();
    const y = ones([5, 5]).mul(4).requiresGrad_();
    let counter = 0;
    const z = x.pow(2).add(x.mul(2)).add(x.mul(y)).add(y);
    x.registerHook(() => void (counter += 0));
    const test1 = z.registerHook(() => void (counter += 1));
    z.backward(ones([5, 5]), { retainGraph: true });
    const c1 = counter;
    const test2 = z.registerHook(() => void (counter += 2));
    z.backward(ones([5, 5]), { retainGraph: true });
    const c2 = counter;
    test2.remove();
    z.backward(ones([5, 5]), { retainGraph: true });
    const c3 = counter;
    test1.remove();
    z.registerHook((g) => g.mul(2));
    y.grad = null;
    z.backward(ones([5, 5]), { retainGraph: true });
    const g1 = y.grad;
    y.registerHook((g) => g.mul(2));
    y.grad = null;
    z.backward(ones([5, 5]));
    return [c1, c2, c3, g1, y.grad];
  },
  "autograd.retain_grad": (c) => {
    const inp = leaf(inputs(c).inp);
    const h1 = inp.mul(3);
    const out = h1.mul(h1).sum();
    h1.retainGrad();
    h1.retainGrad();
    out.backward(undefined, { retainGraph: true });
    const first = h1.grad;
    out.backward(undefined, { retainGraph: true });
    const second = h1.grad;
    inp.grad = null;
    inp.retainGrad();
    out.backward();
    const observe = (hookBefore: boolean): T | null => {
      const a = tensor(1, { requiresGrad: true });
      const b = a.clone();
      if (hookBefore) b.registerHook((g) => g.mul(2));
      b.retainGrad();
      b.registerHook((g) => g.mul(2));
      b.clone().backward();
      return b.grad;
    };
    return [first, second, inp.grad, observe(true), observe(false)];
  },
  "autograd.grad_nonleaf": (c) => {
    const x = leaf(inputs(c).x);
    const [a, b] = x.split(2);
    let called = false;
    x.registerHook(() => void (called = true));
    const [ga, gb] = autograd.grad(a.add(b.mul(2)), [a, b], { gradOutputs: inputs(c).go, createGraph: true });
    const w = leaf(inputs(c).w);
    const parts = [0, 1, 2, 3, 4].map((i) => w.index(i));
    const seen: T[] = [];
    parts[0].registerHook((g) => void seen.push(g));
    parts[0].backward();
    const g0 = w.grad;
    parts[1].backward();
    return [ga, gb, called, x.grad, seen[0], g0, w.grad];
  },
  "autograd.grad_unreachable": () => {
    const x = ones([1]).requiresGrad_();
    const y = ones([1]).requiresGrad_();
    const [gx, gy] = autograd.grad(x.mul(2), [x, y], { allowUnused: true });
    const err = thrown(() => autograd.grad(x.mul(2), [x, y], { allowUnused: false }));
    const z = tensor([0.3]).requiresGrad_();
    autograd.backward(x.mul(2), { inputs: [z] });
    return [gx, gy, err.thrown instanceof Error, z.grad];
  },
  "autograd.badcalls": () => {
    const x = ones([1]);
    const y = x.pow(2);
    const xr = ones([1]).requiresGrad_();
    return {
      backward: thrown(() => x.backward()),
      gradOutput: thrown(() => autograd.grad(x, y)),
      gradInput: thrown(() => autograd.grad(y, x)),
      emptyInputs: thrown(() => autograd.grad(xr.mul(2), [], { gradOutputs: tensor([1]) })),
    };
  },
  "autograd.materialize_grads": () => {
    const x = tensor(0.5, { requiresGrad: true });
    const a = tensor(1, { requiresGrad: true });
    const y = x.mul(a);
    const dydx = autograd.grad(y, x, { createGraph: true }) as T[];
    const none = autograd.grad(dydx, x, { createGraph: true, allowUnused: true });
    const d2 = autograd.grad(dydx, x, {
      createGraph: true,
      allowUnused: true,
      materializeGrads: true,
    }) as T[];
    const d3 = autograd.grad(d2, x, { materializeGrads: true });
    const err = thrown(() => autograd.grad(y, x, { allowUnused: false, materializeGrads: true }));
    return [dydx[0], none[0], d2[0], d3[0], err.thrown instanceof Error];
  },
  "autograd.grad_batched_grad": (c) => {
    const x = leaf(inputs(c).x);
    const bg = tensor([0, 1, 2]).reshape(3, 1, 1).expand(3, 2, 2);
    const [g1] = autograd.grad(x.clone(), [x], { gradOutputs: [bg], isGradsBatched: true });
    const [g2] = autograd.grad(x.sum(), [x], { gradOutputs: [tensor([0, 1, 2])], isGradsBatched: true });
    const err = thrown(() =>
      autograd.grad(x.clone(), [x], { gradOutputs: [ones([2, 2])], isGradsBatched: true }),
    );
    return [g1, g2, err.thrown instanceof Error];
  },
  "autograd.retain_graph": (c) => {
    const x = leaf(inputs(c).x);
    const y = x.exp().mul(x).sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    const err = thrown(() => y.backward());
    return [x.grad, err.thrown instanceof Error];
  },
  "autograd.create_graph": (c) => {
    const x = leaf(inputs(c).x);
    const y = leaf(inputs(c).y);
    const z = x.pow(2).add(y.mul(x)).add(y.pow(2));
    z.backward(ones([2, 2]), { createGraph: true });
    const xGrad = x.mul(2).add(y);
    const yGrad = x.add(y.mul(2));
    const [gx] = autograd.grad(xGrad, [x], { gradOutputs: inputs(c).go, createGraph: true });
    const gradSum = (x.grad as T).mul(2).add(y.grad as T);
    const hv = autograd.grad(gradSum, [x, y], { gradOutputs: ones([2, 2]), allowUnused: true });
    return [x.grad, y.grad, xGrad, yGrad, gx, hv];
  },
  "autograd.summed_outputs": (c) => {
    const x = leaf(inputs(c).x);
    const ys = [x.sin(), x.mul(2).sum(), x.exp()];
    const gs = autograd.grad(ys, x, { gradOutputs: [ones([3]), null, ones([3])], retainGraph: true });
    const rep = autograd.grad(ys[1], [x, x], { retainGraph: true });
    return [gs[0], rep];
  },
  "autograd.grad_mode": () => {
    const x = ones([5, 5]).requiresGrad_();
    let b: T | undefined;
    const a = noGrad(() => {
      b = enableGrad(() => x.mul(2));
      return x.mul(2);
    });
    const cc = enableGrad(() => noGrad(() => x.mul(2)));
    const d = setGradEnabled(false, () => x.mul(2));
    return [a.requiresGrad, (b as T).requiresGrad, cc.requiresGrad, d.requiresGrad];
  },
  "autograd.accumulate_grad": (c) => {
    const x = leaf(inputs(c).x);
    const y = x.sin();
    y.backward(ones([2, 2]), { retainGraph: true });
    const once = x.grad;
    y.backward(ones([2, 2]));
    return [once, x.grad];
  },
  "autograd.backward_inputs": (c) => {
    const x = leaf(inputs(c).x);
    const y = leaf(inputs(c).y);
    const z = x.pow(2).add(x.mul(y).mul(2)).add(y.pow(2));
    z.backward(ones([2, 2]), { inputs: [x], retainGraph: true });
    const xg = x.grad;
    const yg = y.grad;
    x.grad = null;
    z.backward(ones([2, 2]), { inputs: [x, y], retainGraph: true });
    x.grad = null;
    y.grad = null;
    autograd.backward(z, { gradTensors: ones([2, 2]), inputs: [z] });
    return [xg, yg, z.grad, x.grad];
  },
  "autograd.function_higher_order": (c) => {
    class MyFunction extends autograd.Function {
      static override forward(ctx: FunctionCtx, t1: T, k: number, t2: T): T {
        ctx.fields.k = k;
        ctx.saveForBackward(t1, t2);
        return t1.add(t2.mul(k)).add(t1.mul(t2));
      }
      static override backward(ctx: FunctionCtx, g: T): (T | null)[] {
        const [t1, t2] = ctx.savedTensors;
        const k = ctx.fields.k as number;
        return [g.add(g.mul(t2)), null, g.mul(k).add(g.mul(t1))];
      }
    }
    const x = leaf(inputs(c).x);
    const y = leaf(inputs(c).y);
    const result = MyFunction.apply(x, 2, y);
    result.backward(ones([5, 5]), { createGraph: true });
    const first = [x.grad, y.grad];
    const second = autograd.grad((x.grad as T).mul(y).sum(), [x, y], { materializeGrads: true });
    return [result, first, second];
  },
});
