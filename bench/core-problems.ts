// The problems of the core benchmark, with deterministic data and their analytic Jacobians (plain loops,
// independent of jaclab's kernels): every case, jaclab's and the peers', is checked against these.
//  - mlp:        y = W2·tanh(W1·x + b1) + b2, R^n -> R^n, Jacobian W2·diag(1 - t²)·W1
//  - tall:       the same shape of network, R^4 -> R^m through 32 hidden units, computed by jacfwd
//  - rosenbrock: f(x) = sum_i 100 (x_{i+1} - x_i²)² + (1 - x_i)², its (tridiagonal) Hessian
//  - arm:        a planar 5-joint arm, joint angles -> end effector (x, y, orientation), per-sample
//                Jacobians over a batch of configurations (vmap of jacrev)

/** The families of problems. */
export type ProblemKind = "mlp" | "tall" | "rosenbrock" | "arm";

/** A row-major float64 array with its shape. */
export interface Array64 {
  data: Float64Array;
  shape: number[];
}

/** One problem instance: named inputs (`x` is the point of differentiation) and the reference Jacobian. */
export interface Problem {
  kind: ProblemKind;
  /** The size parameter shown in the table: n, n, m or the number of configurations. */
  size: number;
  arrays: Record<string, Array64>;
  reference: Array64;
  /** Elements of the Jacobian (m × n, times the batch for per-sample Jacobians). */
  jacobianSize: number;
}

/** The sizes measured for each family (the targets name the largest of each). */
export const SIZES: Record<ProblemKind, number[]> = {
  mlp: [8, 64, 256],
  rosenbrock: [10, 100, 1000],
  arm: [10, 100, 1000],
  tall: [64, 512, 4096],
};

/** What each family computes, for table headings. */
export const TITLES: Record<ProblemKind, string> = {
  mlp: "MLP y = W2·tanh(W1·x + b1) + b2, R^n -> R^n, jacrev/jacfwd (n)",
  rosenbrock: "hessian of Rosenbrock, R^n -> R (n)",
  arm: "vmap(jacrev) of a planar 5-joint arm's forward kinematics, R^5 -> R^3 (configurations)",
  tall: "jacfwd of a tall network R^4 -> R^m, 32 tanh hidden units (m)",
};

/** Numbers in [-0.5, 0.5) from a seeded linear congruential generator (Numerical Recipes constants). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function filled(shape: number[], draw: () => number): Array64 {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float64Array.from({ length: n }, draw), shape };
}

// J = W2·diag(1 - tanh²(W1·x + b1))·W1 for W1 [h, n], W2 [m, h].
function mlpJacobian(a: Record<string, Array64>): Array64 {
  const [h, n] = a.w1.shape;
  const m = a.w2.shape[0];
  const w1 = a.w1.data;
  const w2 = a.w2.data;
  const scaled = new Float64Array(h * n);
  for (let i = 0; i < h; i++) {
    let s = a.b1.data[i];
    for (let j = 0; j < n; j++) s += w1[i * n + j] * a.x.data[j];
    const d = 1 - Math.tanh(s) ** 2;
    for (let j = 0; j < n; j++) scaled[i * n + j] = d * w1[i * n + j];
  }
  const jac = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < h; p++) {
      const w = w2[i * h + p];
      for (let j = 0; j < n; j++) jac[i * n + j] += w * scaled[p * n + j];
    }
  }
  return { data: jac, shape: [m, n] };
}

function network(n: number, h: number, m: number, seed: number): Record<string, Array64> {
  const rnd = lcg(seed);
  // Weights scaled by 2/sqrt(fan-in) so that tanh stays away from saturation.
  return {
    w1: filled([h, n], () => (rnd() * 2) / Math.sqrt(n)),
    b1: filled([h], rnd),
    w2: filled([m, h], () => (rnd() * 2) / Math.sqrt(h)),
    b2: filled([m], rnd),
    x: filled([n], () => rnd() * 2),
  };
}

// H_ii = [i < n-1](1200 x_i² - 400 x_{i+1} + 2) + [i > 0] 200, H_{i,i+1} = H_{i+1,i} = -400 x_i.
function rosenbrockHessian(x: Float64Array): Array64 {
  const n = x.length;
  const hess = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    let d = i > 0 ? 200 : 0;
    if (i < n - 1) {
      d += 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
      hess[i * n + i + 1] = -400 * x[i];
      hess[(i + 1) * n + i] = -400 * x[i];
    }
    hess[i * n + i] = d;
  }
  return { data: hess, shape: [n, n] };
}

const JOINTS = 5;

// phi_i = sum_{j<=i} theta_j; x = sum L_i cos phi_i, y = sum L_i sin phi_i, orientation = phi_4:
// dx/dtheta_j = -sum_{i>=j} L_i sin phi_i, dy/dtheta_j = sum_{i>=j} L_i cos phi_i, d phi_4/dtheta_j = 1.
function armJacobians(thetas: Float64Array, lengths: Float64Array): Array64 {
  const batch = thetas.length / JOINTS;
  const out = new Float64Array(batch * 3 * JOINTS);
  const phi = new Float64Array(JOINTS);
  for (let b = 0; b < batch; b++) {
    let acc = 0;
    for (let i = 0; i < JOINTS; i++) phi[i] = acc += thetas[b * JOINTS + i];
    const base = b * 3 * JOINTS;
    for (let j = 0; j < JOINTS; j++) {
      let dx = 0;
      let dy = 0;
      for (let i = j; i < JOINTS; i++) {
        dx -= lengths[i] * Math.sin(phi[i]);
        dy += lengths[i] * Math.cos(phi[i]);
      }
      out[base + j] = dx;
      out[base + JOINTS + j] = dy;
      out[base + 2 * JOINTS + j] = 1;
    }
  }
  return { data: out, shape: [batch, 3, JOINTS] };
}

/** The problem of `kind` at `size`, with its reference Jacobian. */
export function makeProblem(kind: ProblemKind, size: number): Problem {
  let arrays: Record<string, Array64>;
  let reference: Array64;
  if (kind === "mlp" || kind === "tall") {
    arrays = kind === "mlp" ? network(size, size, size, 1234 + size) : network(4, 32, size, 4321 + size);
    reference = mlpJacobian(arrays);
  } else if (kind === "rosenbrock") {
    const rnd = lcg(77 + size);
    arrays = { x: filled([size], () => rnd() * 3) };
    reference = rosenbrockHessian(arrays.x.data);
  } else {
    const rnd = lcg(55 + size);
    const tri = filled([JOINTS, JOINTS], () => 0);
    for (let i = 0; i < JOINTS; i++) for (let j = 0; j <= i; j++) tri.data[i * JOINTS + j] = 1;
    arrays = {
      x: filled([size, JOINTS], () => rnd() * 2 * Math.PI),
      lengths: { data: Float64Array.of(1, 0.8, 0.6, 0.4, 0.2), shape: [JOINTS] },
      tri,
    };
    reference = armJacobians(arrays.x.data, arrays.lengths.data);
  }
  return { kind, size, arrays, reference, jacobianSize: reference.data.length };
}

/** Largest |got - want| over the largest |want| (Infinity when the lengths differ). */
export function maxRelError(got: Float64Array, want: Float64Array): number {
  if (got.length !== want.length) return Infinity;
  let worst = 0;
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  return worst / Math.max(scale, Number.MIN_VALUE);
}
