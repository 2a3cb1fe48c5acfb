"""Reference numbers for src/transforms/torch-fidelity.test.ts, computed by PyTorch (float64).

Each block is one of the defects of issue 9 that gave wrong numbers; the test stores what this prints.
Regenerate with the peers' venv (scripts/setup-peers.sh):

    .venv-peers/bin/python test/reference/torch_defects.py
"""

import json
import math

import torch
from torch.func import grad, hessian, jacfwd, jacrev, jvp

torch.set_default_dtype(torch.float64)


def num(v):
    """JSON has no NaN or infinities: write them as strings the test turns back into numbers."""
    if isinstance(v, list):
        return [num(e) for e in v]
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


out = {"torch": torch.__version__}

# noGrad inside the function transforms: reverse mode treats the no_grad part as a constant; forward
# mode (jvp, jacfwd) ignores no_grad, as torch's forward AD does.
x = torch.tensor([1.5, -2.0, 3.0])


def partly_constant(v):
    with torch.no_grad():
        c = v**2
    return v**2 - c


scalar = lambda v: partly_constant(v).sum()
out["noGrad"] = {
    "x": x.tolist(),
    "grad": grad(scalar)(x).tolist(),
    "jacrev": jacrev(partly_constant)(x).tolist(),
    "jvpTangent": jvp(partly_constant, (x,), (torch.ones(3),))[1].tolist(),
    "jacfwd": jacfwd(partly_constant)(x).tolist(),
    "hessian": hessian(scalar)(x).tolist(),
    "gradOfGradSum": grad(lambda v: grad(scalar)(v).sum())(x).tolist(),
}
with torch.no_grad():
    out["noGrad"]["gradInsideNoGrad"] = grad(lambda v: (v**2).sum())(x).tolist()

# Duplicate argnums: torch refuses them.
try:
    grad(lambda a, b: (a * b).sum(), argnums=(0, -2))(torch.ones(2), torch.ones(2))
except RuntimeError as e:
    out["duplicateArgnums"] = str(e)

# The gradient of the p-norm at a zero vector, and over dim 1 with a zero row.
rows = torch.tensor([[0.0, 0.0, 0.0], [1.0, -2.0, 2.0], [0.0, 3.0, -4.0]])
out["norm"] = {"rows": rows.tolist(), "cases": []}
for p in [2.0, 3.0, 1.5, 1.0, 0.5, math.inf]:
    z = torch.zeros(3, requires_grad=True)
    torch.linalg.vector_norm(z, ord=p).backward()
    m = rows.clone().requires_grad_()
    values = torch.linalg.vector_norm(m, ord=p, dim=1)
    values.sum().backward()
    out["norm"]["cases"].append(
        {"p": num(p), "zeroGrad": z.grad.tolist(), "rowsValue": values.tolist(), "rowsGrad": m.grad.tolist()}
    )

# d/dx pow(x, 0), and both partials of pow(a, b) where torch special-cases them (a = 0, a < 0).
out["powZeroExponent"] = []
for a in [0.0, 2.0, -1.5]:
    t = torch.tensor(a, requires_grad=True)
    (t**0).backward()
    out["powZeroExponent"].append({"x": a, "dx": num(t.grad.item())})
out["powPartials"] = []
for a, b in [(-2.0, 2.0), (-2.0, 0.5), (-1.5, 3.0), (0.0, 2.0), (0.0, 0.0), (0.0, -1.0), (2.0, 1.5)]:
    ta = torch.tensor(a, requires_grad=True)
    tb = torch.tensor(b, requires_grad=True)
    (ta**tb).backward()
    out["powPartials"].append({"a": a, "b": b, "da": num(ta.grad.item()), "db": num(tb.grad.item())})

# A list of numbers where a tensor belongs: torch refuses it too.
try:
    jacrev(lambda v: v * 2)([1.0, 2.0])
except ValueError as e:
    out["arrayArgument"] = str(e)

print(json.dumps(out, indent=1))
