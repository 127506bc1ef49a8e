"""Finite-difference gradient checks, shared by the book and the tests.

A backward formula is checked against the centred difference::

    dL/dtheta_k  ~=  (L(theta + h e_k) - L(theta - h e_k)) / (2 h)

whose error is O(h^2). For a layer with output ``y`` and upstream gradient
``dy`` the scalar loss is ``L = sum(y * dy)``: its gradient with respect to any
parameter is exactly what the layer's backward pass returns for that ``dy``.
Everything runs in float64.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import conv, conv_layer, fc
from ._checks import as_float_array, as_pair, check_int, check_real, check_seed

#: The bound the book asserts for float64 centred differences with h = 1e-6.
REL_ERROR_BOUND = 1e-7


def numerical_gradient(f: Callable[[np.ndarray], float], theta, h: float = 1e-6) -> np.ndarray:
    """Centred-difference gradient of the scalar function ``f`` at ``theta`` (any shape).

    ``theta`` is not modified; ``f`` is called ``2 * theta.size`` times.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of theta returning a number, got {type(f).__name__}")
    theta = as_float_array("theta", theta, tuple(range(0, 33)))  # a copy: the caller's theta is safe
    h = check_real("h", h)
    if not h > 0:
        raise ValueError(f"h must be a positive step, got {h}")
    grad = np.zeros_like(theta)
    flat, gflat = theta.reshape(-1), grad.reshape(-1)
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + h
        f_plus = _scalar_value(f, theta, k)
        flat[k] = old - h
        f_minus = _scalar_value(f, theta, k)
        flat[k] = old  # restored before the next entry: each difference moves one entry only
        gflat[k] = (f_plus - f_minus) / (2 * h)
    return grad


def _scalar_value(f, theta: np.ndarray, k: int) -> float:
    value = np.asarray(f(theta))
    real = np.issubdtype(value.dtype, np.integer) or np.issubdtype(value.dtype, np.floating)
    if value.size != 1 or value.dtype == bool or not real:
        raise TypeError(f"f must return one real number, got {value.dtype} of shape {value.shape}")
    out = float(value.reshape(()))
    if not np.isfinite(out):
        raise ValueError(f"f returned {out} when entry {k} of theta was moved by ±h: the loss must be finite")
    return out


def rel_error(analytic, numeric) -> float:
    """Relative error ``||a - n|| / max(||a|| + ||n||, 1e-300)`` (Frobenius norms).

    0 means identical; about 1e-10 is typical for a correct float64 gradient;
    a wrong formula gives something of order 1.
    """
    a = as_float_array("analytic", analytic, tuple(range(0, 33)))
    n = as_float_array("numeric", numeric, tuple(range(0, 33)))
    if a.shape != n.shape:
        raise ValueError(f"analytic and numeric must have the same shape, got {a.shape} and {n.shape}")
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), 1e-300))


@dataclass(frozen=True)
class GradCheck:
    """One row of a gradient-check report."""

    layer: str
    gradient: str
    formula: str
    shape: tuple[int, ...]
    rel_error: float

    @property
    def passed(self) -> bool:
        return self.rel_error < REL_ERROR_BOUND


def check_fc(seed: int = 0, n_in: int = 5, n_out: int = 3) -> list[GradCheck]:
    """Check ``dW``, ``dx`` and ``db`` of the FC layer on random float64 data."""
    rng = np.random.default_rng(check_seed("seed", seed))
    n_in, n_out = check_int("n_in", n_in, 1), check_int("n_out", n_out, 1)
    x, W = rng.standard_normal(n_in), rng.standard_normal((n_out, n_in))
    b, dy = rng.standard_normal(n_out), rng.standard_normal(n_out)
    dW, dx = fc.fc_backward(x, W, dy)
    db = fc.fc_bias_grad(dy)

    def loss(x_, W_, b_):
        return np.sum(fc.fc_forward(x_, W_, b_) * dy)

    return [
        GradCheck("FC", "dW", "dy xᵀ", dW.shape,
                  rel_error(dW, numerical_gradient(lambda t: loss(x, t, b), W))),
        GradCheck("FC", "dx", "Wᵀ dy", dx.shape,
                  rel_error(dx, numerical_gradient(lambda t: loss(t, W, b), x))),
        GradCheck("FC", "db", "dy", db.shape,
                  rel_error(db, numerical_gradient(lambda t: loss(x, W, t), b))),
    ]  # fmt: skip


def check_conv(seed: int = 0, img_shape=(6, 6), kernel_shape=(3, 3)) -> list[GradCheck]:
    """Check ``dK``, ``dx`` and ``db`` of the single-channel conv on random float64 data."""
    rng = np.random.default_rng(check_seed("seed", seed))
    img_shape, kernel_shape = as_pair("img_shape", img_shape, 1), as_pair("kernel_shape", kernel_shape, 1)
    conv.output_shape(img_shape, kernel_shape)  # the kernel must fit
    img, kernel = rng.standard_normal(img_shape), rng.standard_normal(kernel_shape)
    dy = rng.standard_normal(conv.output_shape(img_shape, kernel_shape))
    bias = float(rng.standard_normal())
    dK = conv.conv_weight_grad(img, kernel, dy)
    dx = conv.conv_input_grad(img, kernel, dy)
    db = np.array(conv.conv_bias_grad(dy))

    def loss(img_, k_, b_):
        return np.sum((conv.conv2d(img_, k_) + b_) * dy)

    return [
        GradCheck("Conv", "dK", "x ⋆ dy (valid cross-correlation)", dK.shape,
                  rel_error(dK, numerical_gradient(lambda t: loss(img, t, bias), kernel))),
        GradCheck("Conv", "dx", "full convolution of dy with K", dx.shape,
                  rel_error(dx, numerical_gradient(lambda t: loss(t, kernel, bias), img))),
        GradCheck("Conv", "db", "Σ dy", db.shape,
                  rel_error(db, numerical_gradient(lambda t: loss(img, kernel, t), np.array(bias)))),
    ]  # fmt: skip


def check_conv_layer(
    seed: int = 0, x_shape=(2, 3, 7, 6), w_shape=(4, 3, 3, 2), stride=2, padding=1, dilation=2
) -> list[GradCheck]:
    """Check ``dx``, ``dw`` and ``db`` of the batched layer with stride, padding and dilation."""
    rng = np.random.default_rng(check_seed("seed", seed))
    for name, shape in (("x_shape", x_shape), ("w_shape", w_shape)):
        if not isinstance(shape, (tuple, list)) or len(shape) != 4:
            raise ValueError(f"{name} must be a tuple of 4 ints, got {shape!r}")
        for v in shape:
            check_int(name, v, 1)
    x_shape, w_shape = tuple(int(v) for v in x_shape), tuple(int(v) for v in w_shape)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    b = rng.standard_normal(w_shape[0])
    params = dict(stride=stride, padding=padding, dilation=dilation)
    out, cache = conv_layer.conv_forward(x, w, b, **params)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = conv_layer.conv_backward(dout, cache)

    def loss(x_, w_, b_):
        return np.sum(conv_layer.conv_forward(x_, w_, b_, **params)[0] * dout)

    label = f"Conv layer (stride {stride}, padding {padding}, dilation {dilation})"
    return [
        GradCheck(label, "dx", "scatter of dout · w", dx.shape,
                  rel_error(dx, numerical_gradient(lambda t: loss(t, w, b), x))),
        GradCheck(label, "dw", "Σ dout · windows of x", dw.shape,
                  rel_error(dw, numerical_gradient(lambda t: loss(x, t, b), w))),
        GradCheck(label, "db", "Σ dout", db.shape,
                  rel_error(db, numerical_gradient(lambda t: loss(x, w, t), b))),
    ]  # fmt: skip


def run_gradient_checks(seed: int = 0) -> list[GradCheck]:
    """The checks of the gradients chapter: FC, single-channel conv, and the batched layer."""
    return check_fc(seed) + check_conv(seed) + check_conv_layer(seed)


def report_table(checks: list[GradCheck]) -> str:
    """The checks as a Markdown table: layer, gradient, formula, shape, relative error, verdict."""
    from .tables import markdown_table

    if not isinstance(checks, (list, tuple)) or not all(isinstance(c, GradCheck) for c in checks):
        raise TypeError(f"checks must be a list of GradCheck rows, got {type(checks).__name__}")
    rows = [
        (c.layer, f"`{c.gradient}`", c.formula, str(c.shape), f"{c.rel_error:.1e}",
         "pass" if c.passed else "**FAIL**")
        for c in checks
    ]  # fmt: skip
    return markdown_table(
        ["Layer", "Gradient", "Formula", "Shape", "Relative error", f"< {REL_ERROR_BOUND:.0e}"],
        rows,
        align="lllrrc",
    )
