// jaclab's cases of the core benchmark: jacrev, jacfwd, autograd.grad with isGradsBatched, and a loop of
// n single backward passes, all on the same MLP as the peers.
import { add, autograd, eye, jacfwd, jacrev, matmul, tanh, Tensor } from "../src/index.js";
import type { JacobianCase, MlpProblem } from "./core-peers.js";

/** jaclab's Jacobian front ends on the benchmark problem (float64, one thread). */
export function jaclabCases(p: MlpProblem): JacobianCase[] {
  const { n } = p;
  const w1 = new Tensor(p.w1, [n, n]);
  const b1 = new Tensor(p.b1, [n]);
  const w2 = new Tensor(p.w2, [n, n]);
  const b2 = new Tensor(p.b2, [n]);
  const x = new Tensor(p.x, [n]);
  const f = (v: Tensor) => add(matmul(w2, tanh(add(matmul(w1, v), b1))), b2);
  const seeds = eye(n);
  const rows = Array.from({ length: n }, (_, i) => seeds.index(i));
  const jacrevF = jacrev(f);
  const jacfwdF = jacfwd(f);
  const batchedGrad = () => {
    const leaf = x.detach().requiresGrad_();
    const [g] = autograd.grad(f(leaf), leaf, { gradOutputs: seeds, isGradsBatched: true });
    return (g as Tensor).data;
  };
  const loop = () => {
    const leaf = x.detach().requiresGrad_();
    const y = f(leaf);
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      const [g] = autograd.grad(y, leaf, { gradOutputs: rows[i], retainGraph: i < n - 1 });
      out.set((g as Tensor).data, i * n);
    }
    return out;
  };
  const note = "float64";
  const none = () => {};
  return [
    { library: "jaclab", method: "jacrev", note, run: () => (jacrevF(x) as Tensor).data, dispose: none },
    { library: "jaclab", method: "jacfwd", note, run: () => (jacfwdF(x) as Tensor).data, dispose: none },
    { library: "jaclab", method: "autograd.grad isGradsBatched", note, run: batchedGrad, dispose: none },
    { library: "jaclab", method: "loop of n backward passes", note, run: loop, dispose: none },
  ];
}
