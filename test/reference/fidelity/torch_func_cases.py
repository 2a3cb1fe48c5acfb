"""Cases ported from PyTorch's test/functorch/test_eager_transforms.py (torch.func), computed by PyTorch."""

import torch
import torch.nn.functional as F
from torch.func import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize, vjp, vmap

from common import case, rand, raises

SRC = "pytorch test/functorch/test_eager_transforms.py"


@case("func.grad_primitive", f"{SRC} TestGradTransform.test_primitive")
def _():
    x = rand(1)
    return {"inputs": {"x": x}, "expected": grad(torch.sin)(x)}


@case("func.grad_composite_simple", f"{SRC} TestGradTransform.test_composite_simple")
def _():
    x = rand(2, 2, 3, 4)
    return {"inputs": {"x": x}, "expected": grad(lambda x: torch.flatten(x).sum())(x)}


@case("func.grad_composite_complicated", f"{SRC} TestGradTransform.test_composite_complicated")
def _():
    x, y = rand(3, 3), rand(4, 3, 5)
    return {"inputs": {"x": x, "y": y}, "expected": grad(lambda x, y: (x @ y).sum())(x, y)}


@case("func.grad_composite_two_ops", f"{SRC} TestGradTransform.test_composite_two_ops (cross entropy)")
def _():
    y = rand(5, 2, 5)
    targets = torch.tensor([3, 1])
    return {
        "inputs": {"y": y, "targets": targets.double()},
        "expected": grad(lambda y: F.cross_entropy(y, targets))(y),
    }


@case("func.grad_nesting_simple", f"{SRC} TestGradTransform.test_nesting_simple")
def _():
    x = rand(6)
    return {"inputs": {"x": x}, "expected": grad(grad(torch.sin))(x)}


@case("func.grad_composed_with_autograd", f"{SRC} TestGradTransform.test_composed_with_autograd")
def _():
    x = rand(7).requires_grad_()
    y = grad(torch.sin)(x)
    return {"inputs": {"x": x}, "expected": torch.autograd.grad(y, x)[0]}


@case("func.grad_of_vjp_composition", f"{SRC} TestGradTransform.test_grad_of_vjp_composition")
def _():
    x, y = rand(8), rand(9)

    def foo(x, y):
        _, vjp_fn = vjp(torch.sin, x)
        return grad(lambda y: vjp_fn(y)[0])(y)

    return {"inputs": {"x": x, "y": y}, "expected": foo(x, y)}


@case("func.vjp_of_grad_composition", f"{SRC} TestGradTransform.test_vjp_of_grad_composition")
def _():
    x, y = rand(10), rand(11)
    _, vjp_fn = vjp(grad(torch.sin), x)
    return {"inputs": {"x": x, "y": y}, "expected": vjp_fn(y)[0]}


@case("func.grad_of_vjp_of_grad_composition", f"{SRC} TestGradTransform.test_grad_of_vjp_of_grad_composition")
def _():
    x, y = rand(12), rand(13)
    _, vjp_fn = vjp(grad(lambda x: -torch.cos(x)), x)
    return {"inputs": {"x": x, "y": y}, "expected": grad(lambda y: vjp_fn(y)[0])(y)}


@case("func.grad_views", f"{SRC} TestGradTransform.test_views")
def _():
    x, y = rand(14).requires_grad_(), rand(15).requires_grad_()
    result = grad(lambda x: x.view([]).sin())(x) + torch.cos(y)
    return {"inputs": {"x": x, "y": y}, "expected": list(torch.autograd.grad(result, [x, y]))}


@case("func.grad_argnums", f"{SRC} TestGradTransform.test_argnums, test_out_of_order_argnums, test_negative_argnums")
def _():
    x, y = rand(16), rand(17)
    return {
        "inputs": {"x": x, "y": y},
        "expected": {
            "a0": grad(torch.mul, argnums=0)(x, y),
            "a1": grad(torch.mul, argnums=1)(x, y),
            "t0": list(grad(torch.mul, argnums=(0,))(x, y)),
            "t01": list(grad(torch.mul, argnums=(0, 1))(x, y)),
            "t10": list(grad(torch.mul, argnums=(1, 0))(x, y)),
            "m2": grad(torch.mul, argnums=-2)(x, y),
            "tm": list(grad(torch.mul, argnums=(-2, -1))(x, y)),
        },
    }


@case("func.grad_invalid_argnums", f"{SRC} TestGradTransform.test_invalid_argnums")
def _():
    x, y = rand(18), rand(19)
    return {
        "inputs": {"x": x, "y": y},
        "expected": {
            "m3": raises(lambda: grad(torch.mul, argnums=-3)(x, y)),
            "p2": raises(lambda: grad(torch.mul, argnums=2)(x, y)),
            "dup": raises(lambda: grad(torch.mul, argnums=(0, 0))(x, y)),
            "alias": raises(lambda: grad(torch.mul, argnums=(0, -2))(x, y)),
        },
    }


@case("func.grad_pytree_inputs", f"{SRC} TestGradTransform.test_grad_pytree_inputs")
def _():
    x = rand(20)

    def f(a, b):
        x, y = a
        return 1 * x + 2 * y + 3 * b["foo"]

    args = ((x, x), {"foo": x})
    return {
        "inputs": {"x": x},
        "expected": {
            "default": list(grad(f)(*args)),
            "a0": [list(t) for t in grad(f, argnums=(0,))(*args)],
            "a01": [list(grad(f, argnums=(0, 1))(*args)[0]), grad(f, argnums=(0, 1))(*args)[1]],
        },
    }


@case("func.grad_aux_pytree", f"{SRC} TestGradTransform.test_grad_aux_tensor, test_grad_aux_pytree")
def _():
    x = rand(21, 3)
    g, aux = grad(lambda x: (x.sin().sum(), {"a": x.cos(), "b": [x.tan()]}), has_aux=True)(x)
    return {"inputs": {"x": x}, "expected": [g, aux]}


@case("func.grad_zero_grad", f"{SRC} TestGradTransform.test_zero_grad")
def _():
    inps = {"a": rand(22, 10) + 3, "b": rand(23, 10)}
    return {"inputs": inps, "expected": grad(lambda x: (x["a"] ** 2.0).sum())(inps)}


@case("func.grad_unrelated", f"{SRC} TestGradTransform.test_unrelated_grad, test_unrelated_vjp*")
def _():
    w, x, y, v = torch.tensor(3.0), torch.tensor(4.0), torch.tensor(2.0), torch.tensor(1.0)
    _, vjp_fn = vjp(lambda w, x: (y, y, x), w, x)
    return {
        "inputs": {"w": w, "x": x, "y": y, "v": v},
        "expected": {"grad": grad(lambda x: y)(x), "vjp": list(vjp_fn((v, v, v)))},
    }


@case("func.grad_unrelated_hessian", f"{SRC} TestGradTransform.test_unrelated_hessian")
def _():
    W, x = rand(24, 5, 3), rand(25, 3)
    return {"inputs": {"W": W, "x": x}, "expected": jacrev(jacrev(lambda x: W @ x))(x)}


@case("func.vjp_pytree_input_output", f"{SRC} TestGradTransform.test_vjp_pytree_input, test_vjp_pytree_output")
def _():
    x, v, v1, v2, v3 = (rand(s) for s in (26, 27, 28, 29, 30))
    _, vjp_in = vjp(lambda x: x[0] * x[1][0], (x, (x, x)))
    (gin,) = vjp_in(v)
    _, vjp_out = vjp(lambda x: (x, (x, x)), x)
    (gout,) = vjp_out((v1, (v2, v3)))
    return {
        "inputs": {"x": x, "v": v, "v1": v1, "v2": v2, "v3": v3},
        "expected": {"input": [gin[0], [gin[1][0], gin[1][1]]], "output": gout},
    }


@case("func.vjp_pytree_error", f"{SRC} TestGradTransform.test_vjp_pytree_error")
def _():
    x = rand(31)
    _, vjp_fn = vjp(lambda x: (x, (x, x)), x)
    return {"inputs": {"x": x}, "error": raises(lambda: vjp_fn(((x, (x, x)),)))}


@case("func.vjp_aux", f"{SRC} TestGradTransform.test_vjp_aux_tensor, test_vjp_aux_pytree")
def _():
    x, v = rand(32, 3), rand(33, 3)
    out, vjp_fn, aux = vjp(lambda x: (x.sin(), {"a": x.cos(), "b": [x.tan()]}), x, has_aux=True)
    return {"inputs": {"x": x, "v": v}, "expected": [out, vjp_fn(v)[0], aux]}


@case("func.no_grad_inside", f"{SRC} TestGradTransform.test_no_grad_inside")
def _():
    def f(x):
        with torch.no_grad():
            shift = x**2
        return x**2 - shift

    x = rand(34)
    xr = x.clone().requires_grad_()
    y = grad(f)(xr)
    return {
        "inputs": {"x": x},
        "expected": [grad(f)(x), grad(grad(f))(x), torch.autograd.grad(y, xr)[0]],
    }


@case("func.no_grad_nested", f"{SRC} TestGradTransform.test_no_grad_nested_simple, _complicated, test_no_grad_value")
def _():
    def h(x):
        with torch.no_grad():
            shift = grad(lambda x: 0.25 * x**4)(x)
        return x**3 - shift

    def f(x):
        with torch.no_grad():
            shift = x**3
        return x**3 - shift

    def g(x):
        r1 = grad(f)(x)
        with torch.no_grad():
            shift = grad(f)(x)
        return r1 - shift

    def hv(x):
        with torch.no_grad():
            _, value = grad_and_value(lambda x: x**3)(x)
        return x**3 - value

    x = torch.tensor(1.5, requires_grad=True)
    out = []
    for fn in (h, g, hv):
        y = grad(fn)(x)
        out.append([y, torch.autograd.grad(y, x)[0]])
    return {"inputs": {"x": x}, "expected": out}


@case("func.no_grad_outside_vjp", f"{SRC} TestGradTransform.test_no_grad_outside_vjp*")
def _():
    x = torch.tensor(3.14, requires_grad=True)
    with torch.no_grad():
        out, vjp_fn = vjp(lambda x: x**2, x)
    (y,) = vjp_fn(torch.tensor(1.0))
    (z,) = torch.autograd.grad(y, x)
    out2, vjp_fn2 = vjp(lambda x: x**2, x)
    with torch.no_grad():
        (y2,) = vjp_fn2(torch.tensor(1.0))
    return {
        "inputs": {"x": x},
        "expected": {
            "y": y,
            "yRequiresGrad": y.requires_grad,
            "outRequiresGrad": out.requires_grad,
            "z": z,
            "y2": y2,
            "y2RequiresGrad": y2.requires_grad,
            "out2RequiresGrad": out2.requires_grad,
            "z2": torch.autograd.grad(out2, x)[0],
        },
    }


@case("func.log_softmax_vmap_vjp", f"{SRC} TestVmapOfGrad.test_log_softmax")
def _():
    x, v = rand(35, 3, 5), rand(36, 5)

    def foo(x, v):
        _, vjp_fn = vjp(lambda t: torch.log_softmax(t, dim=-1), x)
        return vjp_fn(v)[0]

    return {"inputs": {"x": x, "v": v}, "expected": vmap(foo, (0, None))(x, v)}


@case("func.per_sample_grads_simple", f"{SRC} TestVmapOfGrad.test_per_sample_grads_simple")
def _():
    weight, x, t = rand(37, 16, 2), rand(38, 8, 16), rand(39, 8, 2)

    def compute_loss(weight, x, t):
        return ((x @ weight - t) ** 2).sum()

    return {
        "inputs": {"weight": weight, "x": x, "t": t},
        "expected": vmap(lambda x, t: grad(compute_loss)(weight, x, t))(x, t),
    }


@case("func.jac_simple", f"{SRC} TestJac.test_simple, test_simple_not_flat, test_vmap_on_jac_simple, test_nested_jac_simple")
def _():
    x, y = rand(40, 3), rand(41, 2, 3)
    return {
        "inputs": {"x": x, "y": y},
        "expected": {
            "rev": jacrev(torch.sin)(x),
            "fwd": jacfwd(torch.sin)(x),
            "notFlat": jacrev(torch.sin)(y),
            "vmapRev": vmap(jacrev(torch.sin))(y),
            "vmapFwd": vmap(jacfwd(torch.sin))(y),
            "nestedRev": jacrev(jacrev(lambda x: x.sin().sum()))(x),
            "nestedFwd": jacfwd(jacfwd(lambda x: x.sin().sum()))(x),
        },
    }


@case("func.jac_diff_numel", f"{SRC} TestJac.test_diff_numel")
def _():
    x = rand(42, 2, 4)
    f = lambda x: x[0, 1:].unsqueeze(-1)  # noqa: E731
    return {"inputs": {"x": x}, "expected": [jacrev(f)(x), jacfwd(f)(x)]}


@case("func.jac_multiple_outputs_argnums", f"{SRC} TestJac.test_multiple_args, test_multiple_outputs_*")
def _():
    x, y = rand(43, 3), rand(44, 3)
    f = lambda x, y: (2 * x + 3 * y, 4 * x + 5 * y)  # noqa: E731
    g = lambda x, y: {"left": 2 * x + 3 * y, "right": 4 * x + 5 * y}  # noqa: E731
    out = {}
    for name, jac in (("rev", jacrev), ("fwd", jacfwd)):
        out[name] = {
            "mul1": jac(torch.multiply, argnums=1)(x, y),
            "both": [list(r) for r in jac(f, argnums=(0, 1))(x, y)],
            "single": list(jac(f, argnums=0)(x, y)),
            "tuple0": [list(r) for r in jac(f, argnums=(0,))(x, y)],
            "pytree": {k: list(v) for k, v in jac(g, argnums=(0, 1))(x, y).items()},
        }
    return {"inputs": {"x": x, "y": y}, "expected": out}


@case("func.jac_multiple_inputs_pytree", f"{SRC} TestJac.test_multiple_inputs_pytree, test_multiple_inputs_outputs_pytree")
def _():
    x = rand(45)
    f = lambda a, b, c: a[0] + a[1] * 2 + b * 3 + c * 4  # noqa: E731
    g = lambda a, b, c: (a[0] + a[1] * 2, {"foo": b * 3 + c * 4})  # noqa: E731
    args = ((x, x), x, x)
    r = jacrev(f, argnums=(0, 1, 2))(*args)
    rg = jacfwd(g, argnums=(0, 1))(*args)
    return {
        "inputs": {"x": x},
        "expected": {
            "all": [list(r[0]), r[1], r[2]],
            "default": list(jacrev(f)(*args)),
            "outputs": [[list(rg[0][0]), rg[0][1]], {"foo": [list(rg[1]["foo"][0]), rg[1]["foo"][1]]}],
        },
    }


@case("func.jac_multidim_pytree", f"{SRC} TestJac.test_multiple_inputs_outputs_pytree_multidim")
def _():
    x = rand(46, 3)
    f = lambda d: {"c": d["a"].sin(), "d": d["b"].cos()}  # noqa: E731
    return {"inputs": {"x": x}, "expected": [jacrev(f)({"a": x, "b": x}), jacfwd(f)({"a": x, "b": x})]}


@case("func.jac_dimensionality_unrelated", f"{SRC} TestJac.test_dimensionality, test_unrelated_input, test_unrelated_output")
def _():
    s, one, x, y = rand(47), rand(48, 1), rand(49, 2, 3), rand(50, 2, 3)
    return {
        "inputs": {"s": s, "one": one, "x": x, "y": y},
        "expected": {
            "scalar": [jacrev(lambda t: t)(s), jacfwd(lambda t: t)(s)],
            "one": [jacrev(lambda t: t)(one), jacfwd(lambda t: t)(one)],
            "unrelatedInput": list(jacrev(lambda a, b: a, argnums=(0, 1))(x, y)),
            "unrelatedOutput": jacfwd(lambda a: y)(x),
        },
    }


@case("func.jac_aux", f"{SRC} TestJac.test_aux_tensor, test_aux_pytree")
def _():
    x = rand(51, 3)
    f = lambda x: (x.clone(), {"a": x.cos(), "b": [x.tan()]})  # noqa: E731
    return {"inputs": {"x": x}, "expected": [list(jacrev(f, has_aux=True)(x)), list(jacfwd(f, has_aux=True)(x))]}


@case("func.jac_against_reference", f"{SRC} TestJac.test_against_reference_* (torch.autograd.functional.jacobian)")
def _():
    x1, x2, y2, x3, y3 = rand(52, 2, 3, 5), rand(53, 2, 3), rand(54, 3, 5), rand(55, 5, 3), rand(56, 3, 5)
    a, b, s, t, u = rand(57, 2), rand(58, 3), rand(59), rand(60, 1), rand(61)
    J = torch.autograd.functional.jacobian
    return {
        "inputs": {"x1": x1, "x2": x2, "y2": y2, "x3": x3, "y3": y3, "a": a, "b": b, "s": s, "t": t, "u": u},
        "expected": {
            "simple": J(lambda x: 3 * x**2, x1),
            "multiInput": list(J(lambda x, y: (x.cos() * x) @ y.sin(), (x2, y2))),
            "multiOutput": [list(r) for r in J(lambda x, y: ((x * x) @ y, x @ (x.sum(1) * y), y.sum()), (x3, y3))],
            "unrelated": [list(r) for r in J(lambda x, y: (x, y, x, y), (a, b))],
            "zeroDimOut": [list(r) for r in J(lambda x, y: (x.sum(), y.sum(), x * y), (b, b * 2))],
            "zeroDimIn": J(lambda x: torch.stack([x, x, x]), s),
            "mixed": [list(r) for r in J(lambda x, y: (y.sum(), x * y), (u, t))],
            "nonTensorArg": J(lambda t: t + 3, x2),
        },
    }


@case("func.jacrev_chunks", f"{SRC} TestJac.test_chunk_jacrev, test_chunk_jacrev_composition")
def _():
    x, y = rand(62, 10, 2), rand(63, 1, 2)
    f = lambda x, y: ((x.sin(), x + y), (x + 2, x.sum()))  # noqa: E731
    r = jacrev(f, argnums=(0, 1))(x, y)
    g = lambda x: ((x.sin(), x), (x + 2, x.sum()))  # noqa: E731
    return {
        "inputs": {"x": x, "y": y},
        "expected": {
            "chunked": [[list(r[0][0]), list(r[0][1])], [list(r[1][0]), list(r[1][1])]],
            "chunkErr": raises(lambda: jacrev(f, argnums=(0,), chunk_size=0)(x, y)),
            "composed": vmap(jacrev(jacrev(g)))(x),
        },
    }


@case("func.hessian_against_reference", f"{SRC} TestHessian.test_hessian_vectorize_correctness_*")
def _():
    x, y, z = rand(64, 2, 3), rand(65, 3, 5), rand(66, 5, 5)
    a, b = rand(67, 2), rand(68, 3)
    H = torch.autograd.functional.hessian
    return {
        "inputs": {"x": x, "y": y, "z": z, "a": a, "b": b},
        "expected": {
            "simple": H(lambda x: (3 * x**2).sum(), x),
            "multi": [list(r) for r in H(lambda x, y, z: ((x.relu() * x) @ y.sin() @ z).sum(), (x, y, z))],
            "unrelated": [list(r) for r in H(lambda x, y: (x**2).sum(), (a, b))],
            "constant": [list(r) for r in H(lambda x, y: torch.ones([]), (a, b))],
        },
    }


@case("func.hessian_different_levels", f"{SRC} TestHessian.test_jacfwd_different_levels")
def _():
    A, x1 = 0.1 * rand(69, 2, 2, 2), rand(70, 2, 5, 2)

    def loss(A, x1, x2):
        return ((x2 - (A @ x1.T).T) ** 2).sum()

    return {
        "inputs": {"A": A, "x1": x1},
        "expected": [vmap(jacrev(jacrev(loss)))(A, x1, x1), vmap(hessian(loss))(A, x1, x1)],
    }


@case("func.jvp_basics", f"{SRC} TestJvp.test_simple ... test_multiple_inputs_outputs")
def _():
    x, y, tx, ty = rand(71, 2, 3), rand(72, 2, 3), rand(73, 2, 3), rand(74, 2, 3)
    one = torch.tensor(1.0)
    return {
        "inputs": {"x": x, "y": y, "tx": tx, "ty": ty},
        "expected": {
            "simple": list(jvp(torch.sin, (x,), (tx,))),
            "multipleInputs": list(jvp(lambda x, y: x * y, (x, y), (tx, ty))),
            "pytree": list(jvp(lambda x, y, z: x[0] + 2 * x[1] + 3 * y + 4 * z, ((one, one), one, one), ((one, one), one, one))),
            "unrelatedInput": list(jvp(lambda x, y: x, (x, y), (tx, ty))),
            "unrelatedOutput": list(jvp(lambda x: y, (x,), (tx,))),
            "multipleOutputs": [list(r) for r in jvp(lambda x: (torch.sin(x), torch.cos(x)), (x,), (tx,))],
            "both": [list(r) for r in jvp(lambda x, y: (2 * x + 3 * y, 4 * x + 5 * y), (x, y), (tx, ty))],
        },
    }


@case("func.jvp_errors", f"{SRC} TestJvp.test_pytree_inputs_error_cases, test_primals_tangents_length_mismatch")
def _():
    one = torch.tensor(1.0)
    x = rand(75, 2, 3)
    f = lambda x: x  # noqa: E731
    return {
        "inputs": {"x": x},
        "expected": {
            "structure": raises(lambda: jvp(f, ((one, one), one), (one, (one, one)))),
            "length": raises(lambda: jvp(torch.sin, (x,), (x, x))),
            "notTuple": raises(lambda: jvp(f, one, one)),
        },
    }


@case("func.jvp_aux", f"{SRC} TestJvp.test_aux_tensor, test_aux_pytree")
def _():
    x, t = rand(76, 3), rand(77, 3)
    r = jvp(lambda x: (x.sin(), {"a": x.cos(), "b": [x.tan()]}), (x,), (t,), has_aux=True)
    return {"inputs": {"x": x, "t": t}, "expected": list(r)}


@case("func.jvp_inside_autograd_function", f"{SRC} TestJvp.test_jvp_inside_autograd_function")
def _():
    class MySin(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            _, neg_sin_x = jvp(torch.cos, (x,), (torch.ones_like(x),))
            ctx.save_for_backward(x)
            return -neg_sin_x

        @staticmethod
        def backward(ctx, gx):
            (x,) = ctx.saved_tensors
            _, cos_x = jvp(torch.sin, (x,), (torch.ones_like(x),))
            return gx * cos_x

    x = rand(78).requires_grad_()
    y = MySin.apply(x)
    return {"inputs": {"x": x}, "expected": [y, torch.autograd.grad(y, x)[0]]}


@case("func.linearize", f"{SRC} TestLinearize.test_linearize_*")
def _():
    xp, xt, xb = rand(79, 3, 1), rand(80, 3, 1), rand(81, 3, 3, 1)
    yp, yt, zp, zt = rand(82, 3, 1), rand(83, 3, 1), rand(84, 3, 1), rand(85, 3, 1)
    out, fn = linearize(lambda x: x.cos(), xp)
    out2, fn2 = linearize(lambda x: (x.cos(), x.sum()), xp)
    _, fn3 = linearize(lambda x: (x.cos(), x.sum()), xp)
    v = xp.reshape(3)
    _, fn4 = linearize(lambda x: grad(lambda x: torch.ones(3) @ (x * x))(x), v)

    def nested(arg):
        x, y, z = arg["x"], arg["yz"][0], arg["yz"][1]
        return {"a": x.sum(), "b": {"c": y + z, "d": (x * z, y.exp())}}

    out5, fn5 = linearize(nested, {"x": xp, "yz": (yp, zp)})
    t5 = fn5({"x": xt, "yz": (yt, zt)})
    return {
        "inputs": {"xp": xp, "xt": xt, "xb": xb, "yp": yp, "yt": yt, "zp": zp, "zt": zt},
        "expected": {
            "basic": [out, fn(xt)],
            "return": [list(out2), list(fn2(xt))],
            "vmap": list(vmap(fn3)(xb)),
            "grad": fn4(xt.reshape(3)),
            "nested": [
                {"a": out5["a"], "b": {"c": out5["b"]["c"], "d": list(out5["b"]["d"])}},
                {"a": t5["a"], "b": {"c": t5["b"]["c"], "d": list(t5["b"]["d"])}},
            ],
        },
    }


@case("func.autograd_function_needs_input_grad", f"{SRC} TestAutogradFunction.test_needs_input_grads")
def _():
    seen = []

    class A(torch.autograd.Function):
        @staticmethod
        def forward(x, y):
            return x * y

        @staticmethod
        def setup_context(ctx, inputs, output):
            return

        @staticmethod
        def backward(ctx, grad_output):
            seen.append(list(ctx.needs_input_grad))
            return grad_output * 3, None

    x, y = torch.tensor(2.0), torch.tensor(3.0)
    g = grad(A.apply)(x, y)
    return {"inputs": {"x": x, "y": y}, "expected": [g, seen[0][0], seen[0][1]]}


@case("func.maml_regression", f"{SRC} TestExamplesCorrectness.test_maml_regression (a smaller net)")
def _():
    w1, b1, w2, b2 = rand(86, 1, 8), rand(87, 8), rand(88, 8, 1), rand(89, 1)
    x1, y1, x2, y2 = rand(90, 3, 5, 1), rand(91, 3, 5, 1), rand(92, 3, 5, 1), rand(93, 3, 5, 1)
    params = [t.requires_grad_() for t in (w1, b1, w2, b2)]

    def net(p, x):
        return torch.tanh(x @ p[0] + p[1]) @ p[2] + p[3]

    def loss_for_task(x1, y1, x2, y2):
        inner = lambda p: ((net(p, x1) - y1) ** 2).mean()  # noqa: E731
        grads = grad(inner)(params)
        new = [p - 0.1 * g for p, g in zip(params, grads)]
        return ((net(new, x2) - y2) ** 2).mean()

    losses = vmap(loss_for_task)(x1, y1, x2, y2)
    result = torch.autograd.grad(losses.sum() / 3, params)
    return {
        "inputs": {"w1": w1, "b1": b1, "w2": w2, "b2": b2, "x1": x1, "y1": y1, "x2": x2, "y2": y2},
        "expected": [losses, list(result)],
    }


@case("func.lennard_jones_batched_jac", f"{SRC} TestExamplesCorrectness.test_lennard_jones_batched_jac")
def _():
    w1, b1, w2, b2 = rand(94, 1, 8), rand(95, 8), rand(96, 8, 1), rand(97, 1)
    params = [t.requires_grad_() for t in (w1, b1, w2, b2)]
    r = torch.linspace(0.5, 1.0, 6)
    drs = torch.outer(r, torch.tensor([1.0, 0, 0]))

    def model(x):
        return torch.tanh(x @ params[0] + params[1]) @ params[2] + params[3]

    out = {}
    for name, jac in (("rev", jacrev), ("fwd", jacfwd)):
        norms = torch.norm(drs, dim=1).reshape(-1, 1)
        energies = model(norms)
        derivs = vmap(jac(model))(norms).squeeze(-1)
        forces = -derivs * drs / norms
        loss = (energies**2).mean() + 0.01 * (forces**2).mean() / 3
        out[name] = list(torch.autograd.grad(loss, params))
    return {"inputs": {"w1": w1, "b1": b1, "w2": w2, "b2": b2, "drs": drs}, "expected": out}


@case("func.ensemble_train_step", f"{SRC} TestExamplesCorrectness.test_ensemble_regression (grad_and_value under vmap)")
def _():
    W1, W2 = rand(98, 2, 2, 6), rand(99, 2, 6, 2)
    points, labels = rand(100, 10, 2), torch.tensor([0, 1, 1, 0, 1, 0, 0, 1, 1, 0])

    def step(w1, w2, x, y):
        def loss(w1, w2):
            logits = torch.log_softmax(torch.relu(x @ w1) @ w2, -1)
            return -logits.gather(1, y[:, None]).mean()

        (g1, g2), value = grad_and_value(loss, argnums=(0, 1))(w1, w2)
        return value, w1 - 0.2 * g1, w2 - 0.2 * g2

    loss, n1, n2 = vmap(step, in_dims=(0, 0, None, None))(W1, W2, points, labels)
    return {
        "inputs": {"W1": W1, "W2": W2, "points": points, "labels": labels.double()},
        "expected": [loss, n1, n2],
    }
