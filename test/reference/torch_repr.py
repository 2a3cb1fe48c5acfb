"""Regenerates torch-repr.json: PyTorch's repr of float64 tensors, the reference for jaclab's text format
(src/render/torch-repr.test.ts). Run with the peers' Python: .venv-peers/bin/python test/reference/torch_repr.py"""

import json
import math
from pathlib import Path

import numpy as np
import torch

torch.set_default_dtype(torch.float64)  # so that repr adds no dtype suffix, as jaclab's are all float64


def case(name, values, shape=None):
    data = np.asarray(values, dtype=np.float64)
    shape = list(data.shape) if shape is None else shape
    t = torch.tensor(data.reshape(-1).tolist(), dtype=torch.float64).reshape(shape)
    encoded = [v if math.isfinite(v) else str(v) for v in data.reshape(-1).tolist()]
    return {"name": name, "shape": shape, "data": encoded, "repr": repr(t)}


def cases():
    rng = np.random.default_rng(20260101)
    yield case("scalar zero", 0.0, [])
    yield case("scalar negative zero", -0.0, [])
    yield case("scalar fraction", 3.5, [])
    yield case("scalar whole", 2.0, [])
    yield case("scalar tiny", 1e-5, [])
    yield case("scalar huge", 1e9, [])
    yield case("scalar nan", float("nan"), [])
    yield case("two whole", [1, 2])
    yield case("a thousandth and ten", [0.001, 10])
    yield case("one and two thousand", [1, 2000])
    yield case("one and a thousand", [1, 1000])
    yield case("fractions", [1.5, 2])
    yield case("ties round to even", [0.03125, 0.09375, 0.15625, 0.5])
    yield case("ties in scientific notation", [0.000015625, 0.5, 1.5])
    yield case("just below the scientific threshold", [1e8, 2])
    yield case("just above the scientific threshold", [100000001.0, 2])
    yield case("negative zero among fractions", [-0.0, 1.5])
    yield case("non-finite", [float("nan"), float("inf"), float("-inf")])
    yield case("nan among fractions", [float("nan"), 1.5, -2.25])
    yield case("all zero", [0, 0, 0])
    yield case("wide range", [1e-300, 1e300])
    yield case("negative whole", [-3, 12, -150])
    yield case("seventh parts wrap at 80 columns", [i / 7 for i in range(30)])
    yield case("hundred values wrap", np.linspace(-1, 1, 100))
    yield case("long vector is summarised", np.arange(2000) / 3)
    yield case("summarised vector elides one item", np.arange(1001))
    yield case("2x2 fractions", [[1, -2.5], [3, 4]])
    yield case("4x2 whole", [[2, 0], [0, 2], [8, 0], [0, 16]])
    yield case("40x40 summarised", np.arange(1600).reshape(40, 40))
    yield case("3-D", np.arange(8).reshape(2, 2, 2))
    yield case("4-D summarised", (np.arange(4 * 5 * 6 * 7) - 300).reshape(4, 5, 6, 7) / 8)
    yield case("many small dimensions", np.arange(2048).reshape([2] * 11))
    yield case("empty vector", np.zeros(0))
    yield case("empty matrix", np.zeros((0, 3)))
    yield case("wide matrix wraps", rng.normal(size=(3, 20)))
    yield case("wide summarised matrix", rng.normal(size=(30, 50)) * 100)
    for k in range(40):
        rank = int(rng.integers(1, 4))
        shape = [int(rng.integers(1, 7)) for _ in range(rank)]
        scale = 10.0 ** int(rng.integers(-6, 10))
        values = rng.normal(size=shape) * scale
        if k % 4 == 0:
            values = np.round(values)
        if k % 5 == 0:
            values[values > scale] = 0
        yield case(f"random {k}", values)


def main():
    out = Path(__file__).with_name("torch-repr.json")
    out.write_text(json.dumps({"torch": torch.__version__, "cases": list(cases())}, indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
