"""Python peers of `npm run bench:core` (spawned by bench/core-python.ts): the same Jacobian problems computed
with JAX (jit, XLA CPU, float64) and PyTorch (torch.func, float64), one thread each.

The problems come from bench/core-problems.ts as a JSON manifest plus one raw float64 file: the inputs of
every case and its reference Jacobian (analytic, computed in JavaScript). Every peer result is checked
against that reference before it is timed. Timing mirrors bench/core-timing.ts: a warm-up of at least
`--warm` seconds, then batches of calls lasting about a tenth of `--budget`, and the median per-call time.
With `--memory`, each case instead reports the peak resident memory of one steady-state call above the
resident memory before it (Linux: VmHWM after resetting it through /proc/self/clear_refs).

Prints one JSON object on stdout: {"versions": {...}, "results": [{case, size, library, method, us, cores,
max_rel_err, peak_bytes?, error?}], "matmul": [{library, n, gflops}]}.
"""

import argparse
import ctypes
import gc
import json
import os
import sys
import time

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402


def now(clock):
    return time.process_time() if clock == "cpu" else time.perf_counter()


def time_case(fn, budget_s, warm_s, clock):
    """Median seconds per call and the cores kept busy (process CPU time / wall time of the timed batches):
    warm up for warm_s (at least 3 calls), then batches of ~budget/10."""
    start = now(clock)
    calls = 0
    per_call = float("inf")
    while calls < 3 or now(clock) - start < warm_s:
        t = now(clock)
        fn()
        per_call = min(per_call, now(clock) - t)
        calls += 1
    per_call = max(per_call, 1e-7)
    reps = max(1, round(budget_s / 10 / per_call))
    samples = []
    start = now(clock)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    while len(samples) < 3 or (now(clock) - start < budget_s and len(samples) < 50):
        t0 = now(clock)
        for _ in range(reps):
            fn()
        samples.append((now(clock) - t0) / reps)
    cores = (time.process_time() - cpu0) / max(time.perf_counter() - wall0, 1e-9)
    samples.sort()
    return samples[len(samples) // 2], cores


_libc = ctypes.CDLL("libc.so.6") if sys.platform.startswith("linux") else None


def _status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def peak_bytes(fn):
    """Peak resident memory of one call of fn above the resident memory just before it."""
    gc.collect()
    if _libc is not None:
        _libc.malloc_trim(0)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = _status_kib("VmRSS")
    fn()
    return max(0, _status_kib("VmHWM") - before) * 1024


def max_rel_err(got, want):
    got = np.asarray(got, dtype=np.float64).reshape(-1)
    want = want.reshape(-1)
    if got.shape != want.shape:
        return float("inf")
    scale = max(float(np.max(np.abs(want))), 1e-300)
    return float(np.max(np.abs(got - want)) / scale)


# ---- the problems, written once per library with that library's array module ----


def mlp(xp, a):
    w1, b1, w2, b2 = a["w1"], a["b1"], a["w2"], a["b2"]
    return lambda v: w2 @ xp.tanh(w1 @ v + b1) + b2


def rosenbrock(xp, _a):
    def f(x):
        head, tail = x[:-1], x[1:]
        return xp.sum(100.0 * (tail - head * head) ** 2 + (1.0 - head) ** 2)

    return f


def arm(xp, a):
    """Planar 5-joint arm: joint angles -> end-effector (x, y, orientation); phi = T·theta (cumulative)."""
    lengths, tri = a["lengths"], a["tri"]

    def f(theta):
        phi = tri @ theta
        return xp.stack([xp.sum(lengths * xp.cos(phi)), xp.sum(lengths * xp.sin(phi)), phi[-1]])

    return f


FUNCTIONS = {"mlp": mlp, "tall": mlp, "rosenbrock": rosenbrock, "arm": arm}


def jax_cases(kind, a):
    import jax
    import jax.numpy as jnp

    arrays = {k: jnp.asarray(v) for k, v in a.items()}
    f = FUNCTIONS[kind](jnp, arrays)
    x = arrays["x"]
    ready = lambda g: (lambda: g(x).block_until_ready())  # noqa: E731
    if kind == "mlp":
        return [("jit(jacrev)", ready(jax.jit(jax.jacrev(f)))), ("jit(jacfwd)", ready(jax.jit(jax.jacfwd(f))))]
    if kind == "tall":
        return [("jit(jacfwd)", ready(jax.jit(jax.jacfwd(f))))]
    if kind == "rosenbrock":
        return [("jit(hessian)", ready(jax.jit(jax.hessian(f))))]
    if kind == "arm":
        return [("jit(vmap(jacrev))", ready(jax.jit(jax.vmap(jax.jacrev(f)))))]
    raise ValueError(kind)


def torch_cases(kind, a):
    import torch
    from torch import func

    arrays = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in a.items()}
    f = FUNCTIONS[kind](torch, arrays)
    x = arrays["x"]
    call = lambda g: (lambda: g(x))  # noqa: E731
    if kind == "mlp":
        return [("torch.func.jacrev", call(func.jacrev(f))), ("torch.func.jacfwd", call(func.jacfwd(f)))]
    if kind == "tall":
        return [("torch.func.jacfwd", call(func.jacfwd(f)))]
    if kind == "rosenbrock":
        return [("torch.func.hessian", call(func.hessian(f)))]
    if kind == "arm":
        return [("torch.func.vmap(jacrev)", call(func.vmap(func.jacrev(f))))]
    raise ValueError(kind)


def setup_libraries():
    import torch
    import jax

    torch.set_num_threads(1)
    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")
    return {"jax": jax.__version__, "torch": torch.__version__, "numpy": np.__version__}


def matmul_rates(sizes, budget_s, warm_s, clock):
    import torch

    out = []
    rng = np.random.default_rng(99)
    for n in sizes:
        a = rng.random((n, n))
        b = rng.random((n, n))
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        for library, fn in (("numpy", lambda: a @ b), ("torch", lambda: ta @ tb)):
            s, _ = time_case(fn, budget_s, warm_s, clock)
            out.append({"library": library, "n": n, "gflops": 2 * n**3 / s / 1e9, "us": s * 1e6})
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("manifest")
    parser.add_argument("--budget", type=float, default=0.5, help="seconds of timed calls per case")
    parser.add_argument("--warm", type=float, default=1.2, help="seconds of warm-up per case")
    parser.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    parser.add_argument("--memory", action="store_true", help="measure peak memory instead of time")
    parser.add_argument("--matmul", default="", help="comma-separated n for numpy/torch matmul GFLOP/s")
    args = parser.parse_args()

    versions = setup_libraries()
    with open(args.manifest) as f:
        manifest = json.load(f)
    data = np.fromfile(manifest["data"], dtype=np.float64)

    def view(entry):
        off, shape = entry["offset"], entry["shape"]
        size = int(np.prod(shape)) if shape else 1
        return data[off : off + size].reshape(shape)

    results = []
    for case in manifest["cases"]:
        arrays = {k: view(v) for k, v in case["arrays"].items()}
        want = view(case["reference"])
        for library, build in (("JAX", jax_cases), ("PyTorch", torch_cases)):
            try:
                methods = build(case["kind"], arrays)
            except Exception as e:  # a peer that cannot build a case reports why, the others go on
                results.append({**_key(case, library, "-"), "error": f"{type(e).__name__}: {e}"})
                continue
            for method, fn in methods:
                row = _key(case, library, method)
                try:
                    got = fn()
                    row["max_rel_err"] = max_rel_err(np.asarray(got), want)
                    if args.memory:
                        fn()
                        row["peak_bytes"] = peak_bytes(fn)
                    else:
                        seconds, row["cores"] = time_case(fn, args.budget, args.warm, args.clock)
                        row["us"] = seconds * 1e6
                except Exception as e:
                    row["error"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
                results.append(row)
                print(f"  {library} {method} {case['kind']} {case['size']}", file=sys.stderr, flush=True)
    sizes = [int(s) for s in args.matmul.split(",") if s]
    matmul = matmul_rates(sizes, args.budget, args.warm, args.clock) if sizes else []
    json.dump({"versions": versions, "results": results, "matmul": matmul}, sys.stdout)


def _key(case, library, method):
    return {"case": case["kind"], "size": case["size"], "library": library, "method": method}


if __name__ == "__main__":
    main()
