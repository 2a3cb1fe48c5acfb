"""Cases ported from JAX's tests/api_test.py (APITest, CustomJVPTest, CustomVJPTest, remat, linearize,
linear_transpose, vmap), computed by JAX in float64."""

import jax
import jax.numpy as jnp
import numpy as np

from common import case, raises

SRC = "jax tests/api_test.py"


def R(seed, *shape):
    return jnp.asarray(np.random.default_rng(1000 + seed).standard_normal(shape))


def tolist(t):
    return [np.asarray(e) for e in t]


@case("jax.grad_argnums", f"{SRC} APITest.test_grad_argnums, test_value_and_grad_argnums")
def _():
    def f(x, y, z):
        return 1.0 * x + 2.0 * y + 3.0 * z

    a = (1.0, 1.0, 1.0)
    return {
        "inputs": {},
        "expected": {
            "default": jax.grad(f)(*a),
            "one": jax.grad(f, argnums=1)(*a),
            "pair": list(jax.grad(f, argnums=(2, 0))(*a)),
            "valueAndGrad": list(jax.value_and_grad(f, argnums=(2, 0))(*a)[1]) + [jax.value_and_grad(f)(*a)[0]],
        },
    }


@case("jax.jacobian_hessian", f"{SRC} APITest.test_jacobian, test_hessian")
def _():
    A, x, B, y = R(1, 4, 3), R(2, 3), R(3, 4, 4), R(4, 4)
    return {
        "inputs": {"A": A, "x": x, "B": B, "y": y},
        "expected": {
            "linear": [jax.jacfwd(lambda x: A @ x)(x), jax.jacrev(lambda x: A @ x)(x)],
            "tanh": [jax.jacfwd(lambda x: jnp.tanh(A @ x))(x), jax.jacrev(lambda x: jnp.tanh(A @ x))(x)],
            "hessian": jax.hessian(lambda x: x @ (B @ x))(y),
        },
    }


@case("jax.jacobian_on_pytrees", f"{SRC} APITest.test_jacobian_on_pytrees, test_hessian_on_pytrees")
def _():
    x, y = R(5, 2), R(6, 3)
    out = {}
    for name, jac in (("fwd", jax.jacfwd), ("rev", jax.jacrev)):
        out[name] = {
            "pair": list(jac(lambda x, y: (x, y))(0.0, 1.0)),
            "second": list(jac(lambda x, y: (x, y), 1)(0.0, 1.0)),
            "both": [list(r) for r in jac(lambda x, y: (x, y), (0, 1))(0.0, 1.0)],
            "slice": [list(r) for r in jac(lambda x: x[:2])((1.0, 2.0, 3.0))],
            "dict": jac(lambda x, y: {"x": x, "xy": jnp.outer(x, y)})(x, y),
        }
    h = jax.hessian(lambda x: jnp.array(x) ** 2)((1.0, 2.0))
    out["hessian"] = [list(r) for r in h]
    return {"inputs": {"x": x, "y": y}, "expected": out}


@case("jax.issue1372", f"{SRC} APITest.test_issue1372 (every rev/fwd composition, diagonal and off-diagonal)")
def _():
    x, u = R(7, 5), R(8, 2)

    def f(x, u):
        return jnp.dot(x, x) ** 1.5 + jnp.dot(u, u) * jnp.sum(x)

    out = {}
    for a, oa in (("rev", jax.jacrev), ("fwd", jax.jacfwd)):
        for b, ob in (("rev", jax.jacrev), ("fwd", jax.jacfwd)):
            for i in (0, 1):
                for j in (0, 1):
                    out[f"{a}_{b}_{i}{j}"] = oa(ob(f, i), j)(x, u)
    return {"inputs": {"x": x, "u": u}, "expected": out}


@case("jax.grad_and_aux", f"{SRC} APITest.test_grad_and_aux_basic, _nested, _constant, _no_tracers")
def _():
    g, aux = jax.grad(lambda x: (x**3, [x**2]), has_aux=True)(3.0)

    def nested(x):
        _, aux = jax.grad(lambda x: (x**3, [x**3]), has_aux=True)(x)
        return aux[0] * jnp.sin(x)

    g2, aux2 = jax.grad(lambda x: (x**3, [x**2, 4.0]), has_aux=True)(4.0)
    _, aux3 = jax.grad(lambda x: (x**2, {"identity": x, "p1": x + 1}), has_aux=True)(3.0)
    return {
        "inputs": {},
        "expected": [g, list(aux), jax.grad(nested)(4.0), g2, [aux2[0], aux2[1]], aux3],
    }


@case("jax.jvp_vjp_structure_errors", f"{SRC} APITest.test_jvp_mismatched_arguments, test_vjp_mismatched_arguments")
def _():
    _, pullback = jax.vjp(lambda x, y: x * y, jnp.float64(3), jnp.float64(4))
    return {
        "inputs": {},
        "expected": {
            "jvpTree": raises(lambda: jax.jvp(lambda x, y: x * y, (jnp.float64(2),), ())),
            "vjpTree": raises(lambda: pullback((jnp.float64(7), jnp.float64(100)))),
            "vjp": list(pullback(jnp.float64(7))),
        },
    }


def custom_sin_jvp():
    @jax.custom_jvp
    def f(x):
        return jnp.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (g,) = primals, tangents
        return f(x), 2 * jnp.cos(x) * g

    return f


@case("jax.custom_jvp_basic", f"{SRC} CustomJVPTest.test_basic, test_invariance, test_python_control_flow")
def _():
    f = custom_sin_jvp()
    x = 3.0

    @jax.custom_jvp
    def h(x):
        return jnp.cos(2 * x) / 2.0

    @h.defjvp
    def h_jvp(primals, tangents):
        return h(primals[0]), 3 * tangents[0]

    def h2(x):
        return jax.jvp(h, (x,), (x,))[0]

    def h3(x):
        return jax.jvp(h2, (x,), (x,))[0]

    @jax.custom_jvp
    def c(x):
        return jnp.sin(x) if x > 0 else jnp.cos(x)

    @c.defjvp
    def c_jvp(primals, tangents):
        x, g = primals[0], tangents[0]
        return c(x), (2 if x > 0 else 3) * g

    return {
        "inputs": {},
        "expected": {
            "basic": [f(x), list(jax.jvp(f, (x,), (1.0,))), jax.grad(f)(x)],
            "invariance": [list(jax.jvp(h, (1.0,), (1.0,))), list(jax.jvp(h2, (1.0,), (1.0,))), list(jax.jvp(h3, (1.0,), (1.0,)))],
            "control": [list(jax.jvp(c, (2.0,), (1.0,))), list(jax.jvp(c, (-2.0,), (1.0,))), jax.grad(c)(2.0), jax.grad(c)(-2.0)],
        },
    }


@case("jax.custom_jvp_vmap", f"{SRC} CustomJVPTest.test_vmap, test_pytrees, test_linear_in_scan")
def _():
    f = custom_sin_jvp()
    x, xx = jnp.arange(3.0), jnp.arange(6.0).reshape(2, 3)

    @jax.custom_jvp
    def p(x):
        return {"b": jnp.sin(x["a"])}

    @p.defjvp
    def p_jvp(primals, tangents):
        return p(primals[0]), {"b": 2 * jnp.cos(primals[0]["a"]) * tangents[0]["a"]}

    @jax.custom_jvp
    def neg(x):
        return -x

    @neg.defjvp
    def neg_jvp(primals, tangents):
        return neg(primals[0]), neg(tangents[0])

    return {
        "inputs": {"x": x, "xx": xx},
        "expected": {
            "vmap": [jax.vmap(f)(x), jax.vmap(jax.vmap(f))(xx)],
            "vmapJvp": list(jax.vmap(lambda x: jax.jvp(f, (x,), (x,)))(x)),
            "vmapVmapJvp": list(jax.vmap(jax.vmap(lambda x: jax.jvp(f, (x,), (x,))))(xx)),
            "jvpVmap": list(jax.jvp(jax.vmap(f), (x,), (x,))),
            "vmapJvpVmap": list(jax.vmap(lambda x: jax.jvp(jax.vmap(f), (x,), (x,)))(xx)),
            "pytree": [p({"a": 3.0}), list(jax.jvp(p, ({"a": 3.0},), ({"a": 3.0},)))],
            "linear": jax.grad(neg)(3.0),
            "gradVmap": jax.grad(lambda x: jax.vmap(f)(x).sum())(x),
        },
    }


def custom_sin_vjp():
    @jax.custom_vjp
    def f(x):
        return jnp.sin(x)

    def f_fwd(x):
        return f(x), jnp.cos(x)

    def f_rev(cos_x, g):
        return (2 * cos_x * g,)

    f.defvjp(f_fwd, f_rev)
    return f


@case("jax.custom_vjp_basic", f"{SRC} CustomVJPTest.test_basic, test_invariance, test_python_control_flow, test_jvp_error")
def _():
    f = custom_sin_vjp()

    @jax.custom_vjp
    def h(x):
        return jnp.cos(2 * x) / 2.0

    h.defvjp(lambda x: (h(x), x), lambda x, g: (g * 3,))

    def h2(x):
        return jax.value_and_grad(h)(x)[0]

    def h3(x):
        return jax.value_and_grad(h2)(x)[0]

    @jax.custom_vjp
    def c(x):
        return jnp.sin(x) if x > 0 else jnp.cos(x)

    c.defvjp(lambda x: (c(x), x), lambda x, g: ((2 if x > 0 else 3) * g,))
    return {
        "inputs": {},
        "expected": {
            "basic": [f(3.0), jax.grad(f)(3.0), list(jax.value_and_grad(f)(3.0))],
            "invariance": [h(1.0), h2(1.0), h3(1.0), jax.grad(h)(1.0), jax.grad(h2)(1.0), jax.grad(h3)(1.0)],
            "control": [list(jax.value_and_grad(c)(2.0)), list(jax.value_and_grad(c)(-2.0))],
            "jvpError": raises(lambda: jax.jvp(f, (3.0,), (1.0,))),
        },
    }


@case("jax.custom_vjp_vmap", f"{SRC} CustomVJPTest.test_vmap, test_pytrees, test_nondiff_arg, test_defvjp_higher_order")
def _():
    f = custom_sin_vjp()
    x, xx = jnp.arange(3.0), jnp.arange(6.0).reshape(2, 3)

    @jax.custom_vjp
    def p(x):
        return {"b": jnp.sin(x["a"])}

    p.defvjp(lambda x: (p(x), {"r": jnp.cos(x["a"])}), lambda res, g: ({"a": 2 * res["r"] * g["b"]},))

    @jax.custom_vjp
    def sq(x):
        return x**2

    sq.defvjp(lambda x: (sq(x), x), lambda x, g: (g * x**2,))
    return {
        "inputs": {"x": x, "xx": xx},
        "expected": {
            "vmap": [jax.vmap(f)(x), jax.vmap(jax.vmap(f))(xx)],
            "vmapGrad": [jax.vmap(jax.grad(f))(x), list(jax.vmap(jax.value_and_grad(f))(x)), jax.vmap(jax.vmap(jax.grad(f)))(xx)],
            "gradVmap": [jax.grad(lambda x: jax.vmap(f)(x).sum())(x), jax.grad(lambda x: jax.vmap(jax.vmap(f))(x).sum())(xx)],
            "vmapGradVmap": jax.vmap(jax.grad(lambda x: jax.vmap(f)(x).sum()))(xx),
            "pytree": [p({"a": 3.0}), jax.grad(lambda x: p(x)["b"])({"a": 3.0})],
            "higherOrder": jax.grad(jax.grad(sq))(3.0),
        },
    }


@case("jax.remat", f"{SRC} APITest.test_remat_basic, test_remat_grad_python_control_flow")
def _():
    def g(x):
        return jnp.sin(jnp.sin(x)) * jnp.cos(x)

    return {
        "inputs": {},
        "expected": {
            "grad": [jax.grad(jax.checkpoint(g))(2.0), jax.grad(g)(2.0)],
            "gradGrad": jax.grad(jax.grad(jax.checkpoint(g)))(2.0),
            "jvp": list(jax.jvp(jax.checkpoint(g), (2.0,), (3.0,))),
            "vmapGrad": jax.vmap(jax.grad(jax.checkpoint(g)))(jnp.arange(3.0)),
        },
    }


@case("jax.linearize", f"{SRC} APITest.test_linearize, test_linearize_jvp_fn, test_issue_871")
def _():
    x, t, ts = R(9, 3), R(10, 3), R(11, 4, 3)

    def f(x):
        return jnp.sin(x) * jnp.sum(x**2)

    y, push = jax.linearize(f, x)
    T = jnp.ones((3, 2))
    return {
        "inputs": {"x": x, "t": t, "ts": ts},
        "expected": {
            "value": [y, push(t), jax.jvp(f, (x,), (t,))[1]],
            "vmap": jax.vmap(push)(ts),
            "wrongShape": raises(lambda: jax.linearize(jnp.sum, jnp.array([1.0, 2.0, 3.0]))[1](T)),
        },
    }


@case("jax.linear_transpose", f"{SRC} APITest.test_linear_transpose_*")
def _():
    A, b, ct = R(12, 3, 4), R(13, 4), R(14, 3)
    lt = jax.linear_transpose
    return {
        "inputs": {"A": A, "b": b, "ct": ct},
        "expected": {
            "matmul": list(lt(lambda x: A @ x, b)(ct)),
            "scale": list(lt(lambda x: -2.0 * x + x.sum(), b)(b)),
            "pytree": list(lt(lambda p: {"s": p["u"] * 3 - p["v"][:2].sum(), "t": p["v"]}, {"u": 1.0, "v": b})({"s": 2.0, "t": b})),
            "twoArgs": list(lt(lambda x, y: x + 2 * y, b, b)(b)),
            "nonLinear": raises(lambda: lt(lambda x: jnp.sin(x), b)(b)),
        },
    }


@case("jax.vmap_axes", f"{SRC} APITest.test_vmap_in_axes_*, test_vmap_out_axes_*, test_vmap_axis_size, test_vmap_error_message*")
def _():
    x, y, w = R(15, 3, 4), R(16, 4, 3), R(17, 4)
    f = lambda p, ys: p["x"] * p["w"] + ys[0] - ys[1]  # noqa: E731
    return {
        "inputs": {"x": x, "y": y, "w": w},
        "expected": {
            "inTree": jax.vmap(f, in_axes=({"x": 0, "w": None}, [1, 0]))({"x": x, "w": w}, [y, x]),
            "outTree": jax.vmap(lambda x: {"row": x * 2, "shared": w.sum()}, out_axes={"row": 1, "shared": None})(x),
            "axisSize": jax.vmap(lambda v: v + 1, in_axes=None, axis_size=5)(w),
            "nested": jax.vmap(lambda a: jax.vmap(jnp.sin, in_axes=1)(a), in_axes=1)(jnp.reshape(jnp.arange(24.0), (2, 3, 4))),
            "outNoneBatched": raises(lambda: jax.vmap(lambda x: x * 2, out_axes=None)(x)),
            "sizes": raises(lambda: jax.vmap(lambda a, b: a + b)(jnp.zeros((2, 3)), jnp.zeros((3, 3)))),
        },
    }
