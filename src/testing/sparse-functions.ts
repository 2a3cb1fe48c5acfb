// Functions of known sparse structure for the sparse tests and `npm run bench:sparse`: a second difference
// (tridiagonal Jacobian), Rosenbrock's function (tridiagonal Hessian), and the 2-D Brusselator right-hand
// side on an N×N periodic grid, the standard sparse-Jacobian benchmark (as in DifferentialEquations.jl's):
// u of shape [N, N, 2] holds the two species, each coupled to its four grid neighbours by a five-point
// Laplacian and to the other species at the same point, so its Jacobian has exactly 12·N² nonzeros for
// N >= 3 (six per row). bench/sparse_peers.py writes the same Brusselator for JAX.
import type { Tensor } from "../tensor.js";
import { cat, stack } from "../ops/shape.js";
import { tensor } from "../ops/create.js";

/** y_i = x_i − 2 x_{i+1} + x_{i+2}: an (n−2) × n tridiagonal Jacobian. */
export function secondDifference(x: Tensor): Tensor {
  const n = x.size;
  return x
    .narrow(0, 0, n - 2)
    .sub(x.narrow(0, 1, n - 2).mul(2))
    .add(x.narrow(0, 2, n - 2));
}

/** Σ 100 (x_{i+1} − x_i²)² + (1 − x_i)²: a tridiagonal Hessian. */
export function rosenbrock(x: Tensor): Tensor {
  const n = x.size;
  const a = x.narrow(0, 1, n - 1).sub(x.narrow(0, 0, n - 1).square());
  return a
    .square()
    .mul(100)
    .add(
      x
        .narrow(0, 0, n - 1)
        .neg()
        .add(1)
        .square(),
    )
    .sum();
}

/** The reaction constants A, B and the diffusion coefficient α (scaled by 1/dx², dx = 1/(N-1)). */
export const BRUSSELATOR = { A: 3.4, B: 1, alpha: 10 } as const;

/** torch.roll along one dim: out[i] = t[i - shift] (indices modulo the dim's size). */
export function roll(t: Tensor, shift: number, dim: number): Tensor {
  const n = t.shape[dim];
  const k = ((shift % n) + n) % n;
  if (k === 0) return t;
  return cat([t.narrow(dim, n - k, k), t.narrow(dim, 0, n - k)], dim);
}

/**
 * The Brusselator right-hand side for an N×N grid: du = B + u²v − (A+1)u + α∇²u, dv = Au − u²v + α∇²v,
 * with periodic boundaries. Input and output have shape [N, N, 2].
 */
export function brusselator(N: number): (state: Tensor) => Tensor {
  const { A, B } = BRUSSELATOR;
  const alpha = BRUSSELATOR.alpha * (N - 1) ** 2;
  const laplacian = (w: Tensor): Tensor =>
    roll(w, 1, 0)
      .add(roll(w, -1, 0))
      .add(roll(w, 1, 1))
      .add(roll(w, -1, 1))
      .sub(w.mul(4))
      .mul(alpha);
  return (state: Tensor): Tensor => {
    const u = state.narrow(2, 0, 1).reshape(N, N);
    const v = state.narrow(2, 1, 1).reshape(N, N);
    const uuv = u.square().mul(v);
    const du = uuv
      .sub(u.mul(A + 1))
      .add(B)
      .add(laplacian(u));
    const dv = u.mul(A).sub(uuv).add(laplacian(v));
    return stack([du, dv], 2);
  };
}

/** The usual initial state: u = 22 (y(1-y))^1.5, v = 27 (x(1-x))^1.5 on the grid x, y in [0, 1]. */
export function brusselatorState(N: number): Tensor {
  const data: number[] = [];
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const [x, y] = [i / (N - 1), j / (N - 1)];
      data.push(22 * (y * (1 - y)) ** 1.5 + 0.1, 27 * (x * (1 - x)) ** 1.5 + 0.1);
    }
  }
  return tensor(data, { shape: [N, N, 2] });
}
