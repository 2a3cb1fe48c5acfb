// The Jacobian pattern of the 2-D Brusselator right-hand side, built directly (no detection needed).
import { SparsityPattern } from "../pattern.js";

/**
 * The flattened index of u[i, j, c] in the Brusselator state of shape [N, N, 2] (c = 0 for u, 1 for v).
 */
export function brusselatorIndex(N: number, i: number, j: number, c: number): number {
  return (i * N + j) * 2 + c;
}

/**
 * COO entries of the Jacobian of f(u) for the 2-D Brusselator on an N × N periodic grid, u of shape
 * [N, N, 2]: f_u = B + u²v − (A + 1)u + α∆u and f_v = Au − u²v + α∆v with the five-point Laplacian.
 * Output (i, j, 0) depends on u and v at (i, j) and on u at the four neighbours; output (i, j, 1) on u
 * and v at (i, j) and on v at the neighbours. For N ≥ 3 that is 12·N² distinct nonzeros.
 */
export function brusselatorEntries(N: number): { rows: number[]; cols: number[] } {
  const rows: number[] = [];
  const cols: number[] = [];
  const wrap = (k: number): number => (k + N) % N;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      for (let c = 0; c < 2; c++) {
        const row = brusselatorIndex(N, i, j, c);
        const add = (ii: number, jj: number, cc: number): void => {
          rows.push(row);
          cols.push(brusselatorIndex(N, wrap(ii), wrap(jj), cc));
        };
        add(i, j, 0);
        add(i, j, 1);
        add(i - 1, j, c);
        add(i + 1, j, c);
        add(i, j - 1, c);
        add(i, j + 1, c);
      }
    }
  }
  return { rows, cols };
}

/** The 2-D Brusselator's Jacobian pattern, (2N²) × (2N²). */
export function brusselatorPattern(N: number): SparsityPattern {
  const { rows, cols } = brusselatorEntries(N);
  return SparsityPattern.fromEntries(2 * N * N, 2 * N * N, rows, cols);
}
