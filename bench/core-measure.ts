// One case of the core benchmark, checked and timed: the result against the problem's reference Jacobian
// (a peer may return it transposed), then the warm-up and the timed batches. Shared by the benchmark and
// by the process the JavaScript peers run in.
import type { JacobianCase } from "./core-peers.js";
import { maxRelError, type Problem } from "./core-problems.js";
import type { Measurement } from "./core-report.js";
import { timeCase, type Clock } from "./core-timing.js";

/** How long a case is warmed up and timed for, and by which clock. */
export interface TimingOptions {
  budgetMs: number;
  warmMs: number;
  clock: Clock;
}

/** The tolerance a case is checked at: float32 peers at float32 accuracy, jax-js (whose float64 tanh is
 * accurate to about 1e-8) at 1e-6, jaclab and the Python peers near float64 precision. */
function tolerance(c: JacobianCase): number {
  if (c.note.includes("float32")) return 1e-4;
  return c.library === "jax-js" ? 1e-6 : 1e-10;
}

function transposed(m: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(m.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = m[i * cols + j];
  return t;
}

/** Checks a case against the reference, then warms it up and times it; appends the result to `into`. */
export function measure(c: JacobianCase, p: Problem, into: Measurement[], opts: TimingOptions): void {
  const m: Measurement = { kind: p.kind, size: p.size, library: c.library, method: c.method, note: c.note };
  into.push(m);
  try {
    const got = c.run();
    let err = maxRelError(got, p.reference.data);
    // A peer may lay the Jacobian out transposed (input-major): accepted, and said.
    const [rows, cols] = p.reference.shape.slice(-2);
    if (p.reference.shape.length === 2 && err > tolerance(c)) {
      const errT = maxRelError(transposed(got, cols, rows), p.reference.data);
      if (errT < err) {
        err = errT;
        m.note = `${c.note}; returns J transposed`;
      }
    }
    m.err = err;
    if (!(err <= tolerance(c))) {
      m.failure = `wrong result (max rel err ${err.toExponential(1)}), not timed`;
      return;
    }
    const t = timeCase(() => void c.run(), opts.budgetMs, opts.clock, opts.warmMs);
    [m.us, m.cores] = [t.us, t.cores];
  } catch (e) {
    m.failure = `failed: ${(e as Error).message.split("\n")[0]}`;
  }
}
