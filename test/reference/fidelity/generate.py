"""Writes test/reference/fidelity-cases.json: cases ported from PyTorch's and JAX's own test suites, with the
numbers PyTorch 2.13 and JAX 0.10 (float64) compute. The TypeScript tests in src/transforms/ported/ run
the same cases in jaclab and compare. Regenerate with the peers' venv (scripts/setup-peers.sh):

    .venv-peers/bin/python test/reference/fidelity/generate.py
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402
import torch  # noqa: E402

jax.config.update("jax_enable_x64", True)

from common import CASES, enc  # noqa: E402
import torch_func_cases  # noqa: E402,F401
import torch_autograd_cases  # noqa: E402,F401
import torch_functional_cases  # noqa: E402,F401
import jax_cases  # noqa: E402,F401


def main():
    out = {"torch": torch.__version__, "jax": jax.__version__, "cases": {}}
    for name, (source, fn) in CASES.items():
        result = fn()
        entry = {"source": source, "inputs": {k: enc(v) for k, v in result.get("inputs", {}).items()}}
        if "error" in result:
            entry["error"] = result["error"]
        if "expected" in result:
            entry["expected"] = enc(result["expected"])
        out["cases"][name] = entry
    path = os.path.join(os.path.dirname(__file__), "..", "fidelity-cases.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print(f"{len(CASES)} cases written to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
