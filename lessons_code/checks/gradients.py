"""The gradients chapter's report: every backward formula of the FC layer, the single-channel
convolution and the batched layer against centred differences, one :class:`GradientRow` each."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import conv, conv_layer, fc
from .._checks import as_pair, require_int, require_seed
from ..gradcheck import numerical_gradient, rel_error
from ..tables import markdown_table
from .tolerances import REL_ERROR_BOUND
from .verdict import Verdict


class GradientRow(NamedTuple):
    """One row of the report: which gradient, its formula and shape, and its verdict (the relative
    error against the centred difference, under :data:`~.tolerances.REL_ERROR_BOUND`)."""

    layer: str
    gradient: str
    formula: str
    shape: tuple[int, ...]
    verdict: Verdict

    @property
    def rel_error(self) -> float:
        return self.verdict.error

    @property
    def passed(self) -> bool:
        return self.verdict.passed


def _row(layer: str, gradient: str, formula: str, analytic: np.ndarray, numeric: np.ndarray) -> GradientRow:
    error = rel_error(analytic, numeric)
    return GradientRow(layer, gradient, formula, analytic.shape, Verdict(gradient, error, REL_ERROR_BOUND))


def fc_gradient_rows(seed: int = 0, n_in: int = 5, n_out: int = 3) -> list[GradientRow]:
    """The rows of ``dW``, ``dx`` and ``db`` of the FC layer on random float64 data."""
    rng = np.random.default_rng(require_seed("seed", seed))
    n_in, n_out = require_int("n_in", n_in, 1), require_int("n_out", n_out, 1)
    x, W = rng.standard_normal(n_in), rng.standard_normal((n_out, n_in))
    b, dy = rng.standard_normal(n_out), rng.standard_normal(n_out)
    dW, dx = fc.fc_backward(x, W, dy)
    db = fc.fc_bias_grad(dy)

    def loss(x_, W_, b_):
        return np.sum(fc.fc_forward(x_, W_, b_) * dy)

    return [
        _row("FC", "dW", "dy xᵀ", dW,
             numerical_gradient(lambda t: loss(x, t, b), W)),
        _row("FC", "dx", "Wᵀ dy", dx,
             numerical_gradient(lambda t: loss(t, W, b), x)),
        _row("FC", "db", "dy", db,
             numerical_gradient(lambda t: loss(x, W, t), b)),
    ]  # fmt: skip


def conv_gradient_rows(seed: int = 0, img_shape=(6, 6), kernel_shape=(3, 3)) -> list[GradientRow]:
    """The rows of ``dK``, ``dx`` and ``db`` of the single-channel conv on random float64 data."""
    rng = np.random.default_rng(require_seed("seed", seed))
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
        _row("Conv", "dK", "x ⋆ dy (valid cross-correlation)", dK,
             numerical_gradient(lambda t: loss(img, t, bias), kernel)),
        _row("Conv", "dx", "full convolution of dy with K", dx,
             numerical_gradient(lambda t: loss(t, kernel, bias), img)),
        _row("Conv", "db", "Σ dy", db,
             numerical_gradient(lambda t: loss(img, kernel, t), np.array(bias))),
    ]  # fmt: skip


def conv_layer_gradient_rows(
    seed: int = 0, x_shape=(2, 3, 7, 6), w_shape=(4, 3, 3, 2), stride=2, padding=1, dilation=2
) -> list[GradientRow]:
    """The rows of ``dx``, ``dw`` and ``db`` of the batched layer with stride, padding and dilation."""
    rng = np.random.default_rng(require_seed("seed", seed))
    for name, shape in (("x_shape", x_shape), ("w_shape", w_shape)):
        if not isinstance(shape, (tuple, list)) or len(shape) != 4:
            raise ValueError(f"{name} must be a tuple of 4 ints, got {shape!r}")
        for v in shape:
            require_int(name, v, 1)
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
        _row(label, "dx", "scatter of dout · w", dx,
             numerical_gradient(lambda t: loss(t, w, b), x)),
        _row(label, "dw", "Σ dout · windows of x", dw,
             numerical_gradient(lambda t: loss(x, t, b), w)),
        _row(label, "db", "Σ dout", db,
             numerical_gradient(lambda t: loss(x, w, t), b)),
    ]  # fmt: skip


def gradient_rows(seed: int = 0) -> list[GradientRow]:
    """The rows of the gradients chapter: FC, single-channel conv, and the batched layer."""
    return fc_gradient_rows(seed) + conv_gradient_rows(seed) + conv_layer_gradient_rows(seed)


def report_table(checks: list[GradientRow]) -> str:
    """The rows as a Markdown table: layer, gradient, formula, shape, relative error, verdict."""
    if not isinstance(checks, (list, tuple)) or not all(isinstance(c, GradientRow) for c in checks):
        raise TypeError(f"checks must be a list of GradientRow rows, got {type(checks).__name__}")
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
