// jaclab's cases of the core benchmark: for each problem the transforms a user would call, eager and
// under jit, each returning the Jacobian's values so that the benchmark can check them.
import {
  add,
  autograd,
  cos,
  eye,
  hessian,
  jacfwd,
  jacrev,
  jit,
  type Jitted,
  matmul,
  mul,
  sin,
  stack,
  sub,
  sum,
  tanh,
  Tensor,
  vmap,
} from "../src/index.js";
import type { Array64, Problem } from "./core-problems.js";
import type { JacobianCase } from "./core-peers.js";

const tensorOf = (a: Array64) => new Tensor(a.data, a.shape);
const none = () => {};
const note = "float64";

function jaclab(method: string, fn: (x: Tensor) => unknown, x: Tensor): JacobianCase {
  return { library: "jaclab", method, note, run: () => (fn(x) as Tensor).data, dispose: none };
}

function jitted(method: string, fn: Jitted<[Tensor], unknown>, x: Tensor): JacobianCase {
  const planBytes = () => {
    const plan = fn.plan(x);
    return { buffers: plan.bufferBytes, outputs: plan.outputBytes };
  };
  return { ...jaclab(method, fn, x), planBytes };
}

/** The network y = W2·tanh(W1·x + b1) + b2 of the mlp and tall problems. */
export function networkFunction(p: Problem): (v: Tensor) => Tensor {
  const [w1, b1, w2, b2] = ["w1", "b1", "w2", "b2"].map((k) => tensorOf(p.arrays[k]));
  return (v: Tensor) => add(matmul(w2, tanh(add(matmul(w1, v), b1))), b2);
}

/** Rosenbrock's function of a vector. */
export function rosenbrock(x: Tensor): Tensor {
  const n = x.shape[0];
  const head = x.narrow(0, 0, n - 1);
  const tail = x.narrow(0, 1, n - 1);
  return sum(add(mul(tail.sub(head.square()).square(), 100), sub(1, head).square()));
}

/** The arm's forward kinematics: joint angles -> (x, y, orientation), with phi = T·theta cumulative. */
export function armFunction(p: Problem): (theta: Tensor) => Tensor {
  const lengths = tensorOf(p.arrays.lengths);
  const tri = tensorOf(p.arrays.tri);
  const last = lengths.shape[0] - 1;
  return (theta: Tensor) => {
    const phi = matmul(tri, theta);
    return stack([sum(mul(lengths, cos(phi))), sum(mul(lengths, sin(phi))), phi.index(last)]);
  };
}

/** jaclab's cases for one problem. */
export function jaclabCases(p: Problem): JacobianCase[] {
  const x = tensorOf(p.arrays.x);
  if (p.kind === "mlp") {
    const f = networkFunction(p);
    const n = p.size;
    const seeds = eye(n);
    const batchedGrad = (v: Tensor) => {
      const leaf = v.detach().requiresGrad_();
      return autograd.grad(f(leaf), leaf, { gradOutputs: seeds, isGradsBatched: true })[0];
    };
    return [
      jaclab("jacrev", jacrev(f), x),
      jaclab("jacfwd", jacfwd(f), x),
      jaclab("autograd.grad isGradsBatched", batchedGrad, x),
      jitted("jit(jacrev)", jit(jacrev(f)), x),
      jitted("jit(jacfwd)", jit(jacfwd(f)), x),
    ];
  }
  if (p.kind === "tall") {
    const f = networkFunction(p);
    return [jaclab("jacfwd", jacfwd(f), x), jitted("jit(jacfwd)", jit(jacfwd(f)), x)];
  }
  if (p.kind === "rosenbrock") {
    return [jaclab("hessian", hessian(rosenbrock), x), jitted("jit(hessian)", jit(hessian(rosenbrock)), x)];
  }
  const arm = armFunction(p);
  return [
    jaclab("vmap(jacrev)", vmap(jacrev(arm)), x),
    jitted("jit(vmap(jacrev))", jit(vmap(jacrev(arm))), x),
  ];
}
