// Test helpers: central finite differences in float64 and closeness assertions with readable failures.
import { Tensor } from "../tensor.js";
import { fmtShape } from "../errors.js";

/** Seeded uniform numbers in [0, 1) (mulberry32), for reproducible random test inputs. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A tensor of `shape` with values from `draw`. */
export function randomTensor(shape: number[], draw: () => number): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = draw();
  return new Tensor(data, shape);
}

/**
 * The Jacobian of f at args with respect to args[k] by central differences, shaped out ++ in.
 * f must be a plain function of concrete tensors.
 */
export function finiteDiffJacobian(
  f: (args: Tensor[]) => Tensor,
  args: Tensor[],
  k: number,
  h = 1e-6,
): Tensor {
  const x = args[k];
  const base = f(args);
  const m = base.size;
  const n = x.size;
  const jac = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    const plus = Float64Array.from(x.data);
    const minus = Float64Array.from(x.data);
    plus[j] += h;
    minus[j] -= h;
    const withX = (d: Float64Array): Tensor[] => args.map((a, i) => (i === k ? new Tensor(d, x.shape) : a));
    const fp = f(withX(plus)).data;
    const fm = f(withX(minus)).data;
    for (let i = 0; i < m; i++) jac[i * n + j] = (fp[i] - fm[i]) / (2 * h);
  }
  return new Tensor(jac, [...base.shape, ...x.shape]);
}

/** Throws unless a and b have the same shape and |a - b| <= tol * (1 + |b|) everywhere. */
export function assertClose(a: Tensor, b: Tensor, tol = 1e-6, what = "values"): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new Error(`${what}: shape ${fmtShape(a.shape)} differs from ${fmtShape(b.shape)}`);
  }
  const x = a.data;
  const y = b.data;
  for (let i = 0; i < x.length; i++) {
    const ok =
      Math.abs(x[i] - y[i]) <= tol * (1 + Math.abs(y[i])) || (Number.isNaN(x[i]) && Number.isNaN(y[i]));
    if (!ok) {
      throw new Error(`${what}: element ${i} is ${x[i]}, expected ${y[i]} (shape ${fmtShape(a.shape)})`);
    }
  }
}
