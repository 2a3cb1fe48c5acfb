"""Cases ported from PyTorch's test/autograd/test_functional.py (torch.autograd.functional), by PyTorch."""

import torch
import torch.autograd.functional as AF

from common import case, rand, uniform

SRC = "pytorch test/autograd/test_functional.py"


def exp_reducer(x):
    return x.exp().sum(dim=1)


def add_exp_reducer(x, y):
    return (x + y.exp()).sum(dim=1)


@case("functional.vjp_output", f"{SRC} TestAutogradFunctional.test_vjp_output, test_vjp_scalar")
def _():
    x, a, b = uniform(1, 4, 4), uniform(2, 2), uniform(3, 2)
    s = uniform(4)
    return {
        "inputs": {"x": x, "a": a, "b": b, "s": s},
        "expected": {
            "reducer": list(AF.vjp(lambda x: x.sum(dim=1), x, torch.ones(4))),
            "adder": list(AF.vjp(lambda x, y: 2 * x + 3 * y, (a, b), torch.ones(2))),
            "adder2": list(AF.vjp(lambda x, y: (2 * x + 3 * y, x + y), (a, b), (torch.tensor([1.0, 0]), torch.tensor([1.0, 0])))),
            "scalar": list(AF.vjp(lambda x: x.sum(), x, torch.ones([]))),
            "expander": list(AF.vjp(lambda x: x.unsqueeze(0).repeat(4), s, torch.ones(4))),
        },
    }


@case("functional.jvp_output", f"{SRC} TestAutogradFunctional.test_jvp_output, test_jvp_scalar")
def _():
    x, a, b = uniform(5, 4, 4), uniform(6, 2), uniform(7, 2)
    return {
        "inputs": {"x": x, "a": a, "b": b},
        "expected": {
            "reducer": list(AF.jvp(lambda x: x.sum(dim=1), x, torch.ones(4, 4))),
            "adder": list(AF.jvp(lambda x, y: (2 * x + 3 * y, x + y), (a, b), (torch.ones(2), torch.ones(2)))),
        },
    }


@case("functional.jacobian_output", f"{SRC} TestAutogradFunctional.test_jacobian_output, test_jacobian_scalar")
def _():
    x, i, y, s = uniform(8, 4, 4), uniform(9, 4), uniform(10, 4, 4), uniform(11)
    return {
        "inputs": {"x": x, "i": i, "y": y, "s": s},
        "expected": {
            "expReducer": AF.jacobian(exp_reducer, x),
            "identity": AF.jacobian(lambda x: x.clone(), i),
            "addExpReducer": list(AF.jacobian(add_exp_reducer, (x, y))),
            "reducer": AF.jacobian(lambda x: x.sum(), x),
            "expander": AF.jacobian(lambda x: x.unsqueeze(0).repeat(4), s),
        },
    }


@case("functional.jacobian_strategies", f"{SRC} TestAutogradFunctional.test_jacobian_vectorize_correctness_*")
def _():
    x, y = rand(12, 2, 3), rand(13, 3, 5)
    u, w = rand(14, 5, 3), rand(15, 3, 5)
    out = {}
    for strategy in ("reverse-mode", "forward-mode"):
        J = lambda f, inp: AF.jacobian(f, inp, strategy=strategy, vectorize=True)  # noqa: E731
        out[strategy] = {
            "simple": J(lambda x: 3 * x**2, x),
            "multiInput": list(J(lambda x, y: (x.cos() * x) @ y.sin(), (x, y))),
            "multiOutput": [list(r) for r in J(lambda x, y: ((x * x) @ y, x @ (x.sum(1) * y), y.sum()), (u, w))],
        }
    return {"inputs": {"x": x, "y": y, "u": u, "w": w}, "expected": out}


@case("functional.hessian_output", f"{SRC} TestAutogradFunctional.test_hessian_output, test_hessian_scalar, test_hessian_err_check")
def _():
    x, a, b = uniform(16, 2, 2), uniform(17, 4), uniform(18, 5)
    return {
        "inputs": {"x": x, "a": a, "b": b},
        "expected": {
            "powReducer": AF.hessian(lambda x: x.pow(3).sum(), x),
            "narrowExp": AF.hessian(lambda a: 3 * a.narrow(0, 0, 3).exp().sum(), a),
            "twoInputs": [list(r) for r in AF.hessian(lambda a, b: (3 * b.narrow(0, 0, 3) * a.narrow(0, 0, 3)).sum(), (a, b))],
            "strategies": [
                AF.hessian(lambda x: (x**3).sum() + x.prod(), x, outer_jacobian_strategy=s, vectorize=True)
                for s in ("reverse-mode", "forward-mode")
            ],
        },
    }


@case("functional.hvp_vhp", f"{SRC} TestAutogradFunctional.test_vhp_output, test_hvp_output, test_vhp_scalar, test_hvp_scalar")
def _():
    x, v = uniform(19, 4, 4), torch.ones(4, 4)
    a, b = uniform(20, 3), uniform(21, 4)
    va, vb = torch.ones(3), torch.ones(4)

    def foo(a):
        return 3 * a.narrow(0, 0, 3).exp().sum()

    def bar(a, b):
        return (a.exp() * b.narrow(0, 0, 3)).sum() + (b**2).sum()

    s = uniform(22)
    return {
        "inputs": {"x": x, "v": v, "a": a, "b": b, "va": va, "vb": vb, "s": s},
        "expected": {
            "vhp": AF.vhp(foo, x.reshape(16)[:4], torch.ones(4))[1],
            "hvp": AF.hvp(foo, x.reshape(16)[:4], torch.ones(4))[1],
            "vhpTwo": list(AF.vhp(bar, (a, b), (va, vb))[1]),
            "hvpTwo": list(AF.hvp(bar, (a, b), (va, vb))[1]),
            "scalar": [AF.vhp(lambda t: t.pow(3) * 2, s, torch.ones([]))[1], AF.hvp(lambda t: t.pow(3) * 2, s, torch.ones([]))[1]],
            "powReducer": AF.vhp(lambda x: x.pow(3).sum(), x, v)[1],
        },
    }
