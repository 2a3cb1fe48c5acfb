"""Shared pieces of the fidelity reference scripts: the case registry, seeded inputs, and the JSON encoding
that src/testing/fixture.ts decodes (tensors, lists, dicts, numbers, None, booleans, strings).

Each case is a function returning {"inputs": {...}, "expected": ...} (or "error": message when the peer
refuses the call). Inputs are stored in the fixture too, so the TypeScript tests need no random generator
that matches NumPy's.
"""

import math

import numpy as np
import torch

torch.set_default_dtype(torch.float64)

CASES = {}


def case(name, source):
    """Registers a case under `name`; `source` names the peer's test it is ported from."""

    def register(fn):
        if name in CASES:
            raise ValueError(f"duplicate case {name}")
        CASES[name] = (source, fn)
        return fn

    return register


def rand(seed, *shape):
    """Standard normal float64 values of `shape` from a seeded generator, as a torch tensor."""
    return torch.tensor(np.random.default_rng(seed).standard_normal(shape))


def uniform(seed, *shape, low=0.0, high=1.0):
    return torch.tensor(np.random.default_rng(seed).uniform(low, high, shape))


def num(v):
    """JSON has no NaN or infinities: they travel as strings."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def enc(v):
    """A value as JSON: tensors (torch or jax/numpy arrays) as {shape, data}, containers recursively."""
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return {"number": num(float(v))}
    if isinstance(v, str):
        return v
    if isinstance(v, torch.Tensor):
        t = v.detach().to(torch.float64)
        return {"shape": list(t.shape), "data": [num(x) for x in t.reshape(-1).tolist()]}
    if hasattr(v, "shape") and hasattr(v, "dtype"):
        a = np.asarray(v, dtype=np.float64)
        return {"shape": list(a.shape), "data": [num(float(x)) for x in a.reshape(-1)]}
    if isinstance(v, (list, tuple)):
        return [enc(e) for e in v]
    if isinstance(v, dict):
        return {"tree": {str(k): enc(e) for k, e in v.items()}}
    raise TypeError(f"cannot encode {type(v)}")


def raises(fn):
    """The message of the exception fn raises, or None."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - any refusal counts, its message is recorded
        return f"{type(e).__name__}: {e}".splitlines()[0]
    return None
