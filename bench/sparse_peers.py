"""JAX's dense Jacobians of the 2-D Brusselator right-hand side, for `npm run bench:sparse`.

Reads a JSON list of cases {"N", "x": [...], "rows": [...], "cols": [...], "values": [...]} (the state
flattened from shape [N, N, 2], and jaclab's sparse Jacobian at it as COO entries) from the file named on
the command line. For each case it builds jit(jacfwd(f)) and jit(jacrev(f)) of the same function as
src/testing/brusselator.ts (float64, one XLA thread), checks both against jaclab's entries (every entry
equal to 1e-12 relative to the largest, nothing outside the pattern), then times each after a warm-up of at
least a second and prints one JSON object per case: {"N", "jacfwd_ms", "jacrev_ms", "max_rel_diff"}.
JACLAB_BENCH_CLOCK=cpu times this process's CPU time (as the jaclab side does by default), else wall time.
"""

import json
import os
import sys
import time

os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

jax.config.update("jax_enable_x64", True)

A, B, ALPHA = 3.4, 1.0, 10.0
clock = time.process_time if os.environ.get("JACLAB_BENCH_CLOCK") == "cpu" else time.perf_counter


def brusselator(N):
    alpha = ALPHA * (N - 1) ** 2

    def laplacian(w):
        return (
            jnp.roll(w, 1, 0) + jnp.roll(w, -1, 0) + jnp.roll(w, 1, 1) + jnp.roll(w, -1, 1) - 4 * w
        ) * alpha

    def f(state):
        u, v = state[:, :, 0], state[:, :, 1]
        uuv = u * u * v
        du = uuv - (A + 1) * u + B + laplacian(u)
        dv = A * u - uuv + laplacian(v)
        return jnp.stack([du, dv], 2)

    return f


def median_ms(fn, x, budget_s=1.0):
    """Median milliseconds per call, after a warm-up of at least budget_s seconds."""
    start = clock()
    calls = 0
    while calls < 3 or clock() - start < budget_s:
        fn(x).block_until_ready()
        calls += 1
    per_call = (clock() - start) / calls
    reps = max(1, round(budget_s / 10 / per_call))
    samples = []
    start = clock()
    while len(samples) < 5 or (clock() - start < budget_s and len(samples) < 50):
        t0 = clock()
        for _ in range(reps):
            fn(x).block_until_ready()
        samples.append((clock() - t0) * 1000 / reps)
    samples.sort()
    return samples[len(samples) // 2]


def max_rel_diff(dense, case):
    """Largest |dense - jaclab| over all entries (zero outside jaclab's pattern), relative to max |dense|."""
    sparse = np.zeros_like(dense)
    sparse[np.asarray(case["rows"]), np.asarray(case["cols"])] = np.asarray(case["values"])
    scale = max(np.abs(dense).max(), 1e-300)
    return float(np.abs(dense - sparse).max() / scale)


def run(case):
    N = case["N"]
    n = 2 * N * N
    x = jnp.asarray(np.asarray(case["x"], dtype=np.float64).reshape(N, N, 2))
    f = brusselator(N)
    fwd = jax.jit(jax.jacfwd(f))
    rev = jax.jit(jax.jacrev(f))
    diff = max(
        max_rel_diff(np.asarray(fwd(x)).reshape(n, n), case),
        max_rel_diff(np.asarray(rev(x)).reshape(n, n), case),
    )
    return {"N": N, "jacfwd_ms": median_ms(fwd, x), "jacrev_ms": median_ms(rev, x), "max_rel_diff": diff}


def main():
    cases = json.load(open(sys.argv[1]))
    for case in cases:
        print(json.dumps(run(case)), flush=True)


if __name__ == "__main__":
    main()
