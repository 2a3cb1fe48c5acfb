"""Cases ported from PyTorch's test/test_autograd.py (torch.autograd), computed by PyTorch."""

import torch

from common import case, rand, raises, uniform

SRC = "pytorch test/test_autograd.py"


@case("autograd.backward", f"{SRC} TestAutograd.test_backward")
def _():
    v, x, z = rand(1, 5, 5).requires_grad_(), rand(2, 5, 5).requires_grad_(), rand(3, 5, 5).requires_grad_()
    y = (uniform(4, 5, 5) + 0.1).requires_grad_()
    go = rand(5, 5, 5)
    v.backward(go)
    a = x + (y * z) + 4 * z**2 * x / y
    a.backward(go)
    return {"inputs": {"v": v, "x": x, "y": y, "z": z, "go": go}, "expected": [v.grad, x.grad, y.grad, z.grad]}


@case("autograd.multi_backward", f"{SRC} TestAutograd.test_multi_backward, test_dependent_backward")
def _():
    x, y, q, a, b = (rand(s, 5, 5).requires_grad_() for s in (6, 7, 8, 9, 10))
    gz, gc = rand(11, 5, 5), rand(12, 5, 5)
    q2 = q * 2
    torch.autograd.backward([x + y + q2, a * b + q2], [gz, gc])
    w = rand(13, 10).requires_grad_()
    gy, gzz = rand(14, 10), rand(15, 10)
    wy = w**2
    torch.autograd.backward([wy, wy**3], [gy, gzz])
    return {
        "inputs": {"x": x, "y": y, "q": q, "a": a, "b": b, "gz": gz, "gc": gc, "w": w, "gy": gy, "gzz": gzz},
        "expected": [x.grad, y.grad, q.grad, a.grad, b.grad, w.grad],
    }


@case("autograd.sharded_grad", f"{SRC} TestAutograd.test_sharded_grad")
def _():
    leaves = [rand(16 + i, 5, 5).requires_grad_() for i in range(4)]
    inter = [leaf * i + leaf * leaf for i, leaf in enumerate(leaves)]
    loss = sum(v * i for i, v in enumerate(inter)).sum()
    d = [g for k in range(0, 4, 2) for g in torch.autograd.grad(loss, inter[k : k + 2], retain_graph=True)]
    torch.autograd.backward(inter, d)
    return {"inputs": {f"l{i}": leaf for i, leaf in enumerate(leaves)}, "expected": [leaf.grad for leaf in leaves]}


@case("autograd.hooks", f"{SRC} TestAutograd.test_hooks")
def _():
    x = torch.ones(5, 5, requires_grad=True)
    y = (torch.ones(5, 5) * 4).requires_grad_()
    counter = [0]
    z = x**2 + x * 2 + x * y + y
    x.register_hook(lambda g: counter.__setitem__(0, counter[0] + 0))
    test = z.register_hook(lambda g: counter.__setitem__(0, counter[0] + 1))
    z.backward(torch.ones(5, 5), retain_graph=True)
    c1 = counter[0]
    test2 = z.register_hook(lambda g: counter.__setitem__(0, counter[0] + 2))
    z.backward(torch.ones(5, 5), retain_graph=True)
    c2 = counter[0]
    test2.remove()
    z.backward(torch.ones(5, 5), retain_graph=True)
    c3 = counter[0]
    test.remove()
    z.register_hook(lambda g: g.mul(2))
    y.grad = None
    z.backward(torch.ones(5, 5), retain_graph=True)
    g1 = y.grad
    y.register_hook(lambda g: g.mul(2))
    y.grad = None
    z.backward(torch.ones(5, 5))
    return {"inputs": {}, "expected": [c1, c2, c3, g1, y.grad]}


@case("autograd.retain_grad", f"{SRC} TestAutograd.test_retain_grad, test_retains_grad_can_always_observe_tensor_prehook")
def _():
    inp = uniform(21, 1, 3).requires_grad_()
    h1 = inp * 3
    out = (h1 * h1).sum()
    h1.retain_grad()
    h1.retain_grad()
    out.backward(retain_graph=True)
    first = h1.grad.clone()
    out.backward(retain_graph=True)
    second = h1.grad.clone()
    inp.grad = None
    inp.retain_grad()
    out.backward()
    leaf = inp.grad

    def observe(hook_before):
        a = torch.tensor(1.0, requires_grad=True)
        b = a.clone()
        if hook_before:
            b.register_hook(lambda g: g * 2)
        b.retain_grad()
        b.register_hook(lambda g: g * 2)
        b.clone().backward()
        return b.grad

    return {"inputs": {"inp": inp}, "expected": [first, second, leaf, observe(True), observe(False)]}


@case("autograd.grad_nonleaf", f"{SRC} TestAutograd.test_grad_nonleaf_many_outputs, test_grad_nonleaf_register_hook")
def _():
    x = rand(22, 4, 2).requires_grad_()
    a, b = x.chunk(2)
    called = [False]
    x.register_hook(lambda g: called.__setitem__(0, True))
    go = rand(23, 2, 2)
    ga, gb = torch.autograd.grad(a + 2 * b, [a, b], grad_outputs=go, create_graph=True)
    w = rand(24, 5).requires_grad_()
    parts = w.unbind()
    results = []
    parts[0].register_hook(lambda g: results.append(g))
    parts[0].backward()
    g0 = w.grad.clone()
    parts[1].backward()
    return {
        "inputs": {"x": x, "go": go, "w": w},
        "expected": [ga, gb, called[0], x.grad, results[0], g0, w.grad],
    }


@case("autograd.grad_unreachable", f"{SRC} TestAutograd.test_grad_unreachable, test_grad_unreachable_discovery")
def _():
    x, y = torch.ones(1, requires_grad=True), torch.ones(1, requires_grad=True)
    gx, gy = torch.autograd.grad(x * 2, [x, y], allow_unused=True)
    err = raises(lambda: torch.autograd.grad(x * 2, [x, y], allow_unused=False))
    z = torch.randn(1, requires_grad=True)
    torch.autograd.backward(x * 2, inputs=(z,))
    return {"inputs": {}, "expected": [gx, gy, err is not None, z.grad]}


@case("autograd.badcalls", f"{SRC} TestAutograd.test_backward_badcalls, test_grad_badcalls, test_grad_empty_inputs")
def _():
    x = torch.ones(1)
    y = x**2
    xr = torch.ones(1, requires_grad=True)
    return {
        "inputs": {},
        "expected": {
            "backward": raises(lambda: x.backward()),
            "gradOutput": raises(lambda: torch.autograd.grad(x, y)),
            "gradInput": raises(lambda: torch.autograd.grad(y, x)),
            "emptyInputs": raises(lambda: torch.autograd.grad(2 * xr, [], grad_outputs=torch.tensor([1.0]))),
        },
    }


@case("autograd.materialize_grads", f"{SRC} TestAutograd.test_grad_materialize_grads")
def _():
    x = torch.tensor(0.5, requires_grad=True)
    a = torch.tensor(1.0, requires_grad=True)
    y = x * a
    dydx = torch.autograd.grad(y, x, create_graph=True)
    none = torch.autograd.grad(dydx, x, create_graph=True, allow_unused=True)
    d2 = torch.autograd.grad(dydx, x, create_graph=True, allow_unused=True, materialize_grads=True)
    d3 = torch.autograd.grad(d2, x, materialize_grads=True)
    err = raises(lambda: torch.autograd.grad(y, x, allow_unused=False, materialize_grads=True))
    return {"inputs": {}, "expected": [dydx[0], none[0], d2[0], d3[0], err is not None]}


@case("autograd.grad_batched_grad", f"{SRC} TestAutograd.test_grad_batched_grad")
def _():
    x = rand(25, 2, 2).requires_grad_()
    bg = torch.arange(3.0).expand(2, 2, 3).transpose(0, 2)
    (g1,) = torch.autograd.grad(x.clone(), (x,), (bg,), is_grads_batched=True)
    (g2,) = torch.autograd.grad(x.sum(), (x,), (torch.arange(3.0),), is_grads_batched=True)
    err = raises(lambda: torch.autograd.grad(x.clone(), (x,), (torch.ones(2, 2),), is_grads_batched=True))
    return {"inputs": {"x": x}, "expected": [g1, g2, err is not None]}


@case("autograd.retain_graph", f"{SRC} TestAutograd.test_backward_twice_* (retain_graph)")
def _():
    x = rand(26, 3).requires_grad_()
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    err = raises(lambda: y.backward())
    return {"inputs": {"x": x}, "expected": [x.grad, err is not None]}


@case("autograd.create_graph", f"{SRC} TestAutograd.test_grad, test_grad_nonleaf (create_graph, double backward)")
def _():
    x, y = rand(27, 2, 2).requires_grad_(), rand(28, 2, 2).requires_grad_()
    z = x**2 + y * x + y**2
    z.backward(torch.ones(2, 2), create_graph=True)
    x_grad = 2 * x + y
    y_grad = x + 2 * y
    go = rand(29, 2, 2)
    (gx,) = torch.autograd.grad(x_grad, [x], grad_outputs=go, create_graph=True)
    grad_sum = 2 * x.grad + y.grad
    x_hv = torch.autograd.grad(grad_sum, [x, y], grad_outputs=torch.ones(2, 2), allow_unused=True)
    return {
        "inputs": {"x": x, "y": y, "go": go},
        "expected": [x.grad, y.grad, x_grad, y_grad, gx, list(x_hv)],
    }


@case("autograd.summed_outputs", f"{SRC} TestAutograd.test_grad (several outputs: one backward pass sums them)")
def _():
    x = rand(30, 3).requires_grad_()
    ys = [x.sin(), (x * 2).sum(), x.exp()]
    gs = torch.autograd.grad(ys, x, grad_outputs=[torch.ones(3), None, torch.ones(3)], retain_graph=True)
    rep = torch.autograd.grad(ys[1], [x, x], retain_graph=True)
    return {"inputs": {"x": x}, "expected": [gs[0], list(rep)]}


@case("autograd.grad_mode", f"{SRC} TestAutograd.test_no_grad, test_set_grad_enabled, test_enable_grad")
def _():
    x = torch.ones(5, 5, requires_grad=True)
    with torch.no_grad():
        a = x * 2
        with torch.enable_grad():
            b = x * 2
    with torch.enable_grad():
        with torch.no_grad():
            c = x * 2
    with torch.set_grad_enabled(False):
        d = x * 2
    return {"inputs": {}, "expected": [a.requires_grad, b.requires_grad, c.requires_grad, d.requires_grad]}


@case("autograd.accumulate_grad", f"{SRC} TestAutograd.test_accumulate_grad")
def _():
    x = rand(31, 2, 2).requires_grad_()
    y = x.sin()
    y.backward(torch.ones(2, 2), retain_graph=True)
    once = x.grad.clone()
    y.backward(torch.ones(2, 2))
    return {"inputs": {"x": x}, "expected": [once, x.grad]}


@case("autograd.backward_inputs", f"{SRC} TestAutograd.test_backward_with_inputs")
def _():
    x, y = rand(32, 2, 2).requires_grad_(), rand(33, 2, 2).requires_grad_()
    z = x**2 + 2 * x * y + y**2
    z.backward(torch.ones(2, 2), inputs=[x], retain_graph=True)
    xg = x.grad.clone()
    yg = y.grad
    x.grad = None
    z.backward(torch.ones(2, 2), inputs=[x, y], retain_graph=True)
    x.grad = None
    y.grad = None
    torch.autograd.backward(z, torch.ones(2, 2), inputs=[z])
    return {"inputs": {"x": x, "y": y}, "expected": [xg, yg, z.grad, x.grad]}


@case("autograd.function_higher_order", f"{SRC} TestAutograd.test_function (torch.autograd.Function, double backward)")
def _():
    class MyFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx, tensor1, pyscalar, tensor2):
            ctx.pyscalar = pyscalar
            ctx.save_for_backward(tensor1, tensor2)
            return tensor1 + pyscalar * tensor2 + tensor1 * tensor2

        @staticmethod
        def backward(ctx, grad_output):
            t1, t2 = ctx.saved_tensors
            return grad_output + grad_output * t2, None, grad_output * ctx.pyscalar + grad_output * t1

    x, y = rand(34, 5, 5).requires_grad_(), rand(35, 5, 5).requires_grad_()
    result = MyFunction.apply(x, 2, y)
    go = torch.ones(5, 5)
    result.backward(go, create_graph=True)
    first = [x.grad.clone(), y.grad.clone()]
    second = torch.autograd.grad((x.grad * y).sum(), [x, y], materialize_grads=True)
    return {"inputs": {"x": x, "y": y}, "expected": [result, first, list(second)]}
