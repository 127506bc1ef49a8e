"""Every rule the real-layer chapter states, compared three ways.

Each ``compare_*`` function takes the implementation of one rule (by default the package's) and
compares it, on a fixed set of layers with channels, a batch, stride, padding and dilation
(:data:`CASES`), with three independent references:

* **loop**: the plain-loop twin (``conv_backward_loop``, ``transposed_conv_loop``, ...);
* **matrix**: the convolution written as its matrix ``M`` (``dx = M^T dy``, ``dw`` = the tied sum
  of ``dM = dy x^T``, ...) or, for pooling and ReLU, their Jacobian matrices;
* **finite differences**: centred differences of the forward pass (``gradcheck``).

It returns a :class:`RuleReport` whose ``passed`` says whether all three agree. A wrong implementation
(a flipped kernel, a missing crop, a stride without dilating ``dy``, ...) fails at least one way,
and an implementation that raises or returns the wrong shape fails every way: the tests feed each
comparison such a wrong version. :func:`comparisons_table` prints them for the page.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import backward_rules, conv1d, matrix_view, pooling
from .._checks import as_float_array, require_int, require_seed, require_size
from ..conv_layer import col2im, conv_backward_loop, conv_forward, conv_forward_loop, im2col, output_size
from ..geometry import backward_footprint, footprint_extent, receptive_field_size, stack_forward, stack_shapes
from ..gradcheck import numerical_gradient, rel_error
from ..tables import format_sci, markdown_table
from .tolerances import EXACT_BOUND, REL_ERROR_BOUND
from .verdict import Verdict

# Exact references (loop, matrix) must agree to EXACT_BOUND; finite differences to REL_ERROR_BOUND.

#: The layers every check runs on: ``(x_shape, w_shape, geometry)``. They cover several channels
#: and a batch, stride 2 and 3, padding, dilation, and a stride that leaves unread rows
#: (``(H + 2p - span) mod s != 0``).
CASES: tuple[tuple[tuple[int, ...], tuple[int, ...], dict], ...] = (
    ((2, 2, 7, 6), (3, 2, 3, 2), {"stride": 2, "padding": 1, "dilation": 1}),
    ((1, 1, 8, 8), (1, 1, 3, 3), {"stride": 2, "padding": 0, "dilation": 1}),
    ((2, 1, 7, 7), (2, 1, 2, 3), {"stride": 1, "padding": 2, "dilation": 2}),
    ((1, 2, 9, 8), (2, 2, 3, 3), {"stride": (3, 2), "padding": (1, 0), "dilation": (2, 1)}),
)


def cases_with(feature: str, cases=CASES) -> tuple:
    """The cases whose ``feature`` ("stride", "padding" or "dilation") is not the default on some axis."""
    default = {"stride": 1, "padding": 0, "dilation": 1}
    if feature not in default:
        raise ValueError(f"feature must be one of {sorted(default)}, got {feature!r}")
    return tuple(c for c in cases if np.any(np.asarray(c[2][feature]) != default[feature]))


#: The 1-D layers the 1-D check runs on: ``(x_shape, w_shape, geometry)``.
CASES_1D = (
    ((1, 1, 7), (1, 1, 3), {"stride": 2, "padding": 0, "dilation": 1}),
    ((2, 2, 8), (3, 2, 3), {"stride": 2, "padding": 1, "dilation": 2}),
    ((1, 1, 9), (1, 1, 2), {"stride": 3, "padding": 0, "dilation": 1}),
)

#: ``(n, k, s, p, d)`` triples for the output-size check (AlexNet's 227 and 224 included).
SIZE_CASES = (
    (227, 11, 4, 0, 1), (224, 11, 4, 0, 1), (224, 11, 4, 2, 1), (8, 3, 2, 0, 1), (7, 3, 2, 1, 1),
    (9, 3, 1, 0, 2), (10, 3, 3, 2, 3), (5, 5, 1, 0, 1), (6, 2, 2, 1, 2),
)  # fmt: skip

#: Stacks of ``(k, s, d)`` layers for the receptive-field check, each with the side of its square
#: input (a little more than the stack needs, so the field never touches the border).
STACKS = (
    (((3, 1, 1),), 7), (((3, 1, 1),) * 2, 9), (((3, 1, 1),) * 3, 11), (((3, 2, 1),) * 3, 17),
    (((3, 1, 1), (3, 1, 2), (3, 1, 4)), 17), (((2, 2, 1), (3, 1, 1)), 10),
)  # fmt: skip


class RuleReport(NamedTuple):
    """A rule compared three ways: one :class:`~.verdict.Verdict` per reference (its name, the
    largest error over the cases, and its bound)."""

    rule: str  # the rule, as the page states it
    verdicts: tuple[Verdict, ...]

    @property
    def passed(self) -> bool:
        return all(v.passed for v in self.verdicts)


def _err(got, want) -> float:
    """Relative error, or infinity when ``got`` is missing or has the wrong shape."""
    if got is None:
        return float("inf")
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape or not np.all(np.isfinite(got)):
        return float("inf")
    return rel_error(got, want)


def _safe(fn: Callable, *args, **kwargs):
    """Call a candidate implementation; a crash of any kind counts as a wrong answer (None)."""
    try:
        return fn(*args, **kwargs)
    except Exception:
        return None


def _require_args(fn, cases, seed: int = 0) -> None:
    """The arguments every ``compare_*`` shares: a callable rule, a non-empty tuple of cases, a seed."""
    if not callable(fn):
        raise TypeError(f"the rule must be a function, got {type(fn).__name__}")
    if not isinstance(cases, (tuple, list)) or not cases:
        raise ValueError(f"cases must be a non-empty tuple of cases, got {cases!r:.60}")
    require_seed("seed", seed)


def _report(rule: str, per_case: list[tuple[float, float, float]], names: tuple[str, str, str],
           bounds=(EXACT_BOUND, EXACT_BOUND, REL_ERROR_BOUND)) -> RuleReport:  # fmt: skip
    worst = np.max(np.array(per_case, dtype=np.float64), axis=0)
    return RuleReport(
        rule, tuple(Verdict(n, float(e), b) for n, e, b in zip(names, worst, bounds, strict=True))
    )


WAYS = ("loop", "matrix M", "finite differences")


def _case_data(seed: int, x_shape, w_shape, geometry):
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    out = conv_forward(x, w, **geometry)[0]
    return x, w, rng.standard_normal(out.shape)


def _matrix(w, x_shape, geometry) -> np.ndarray:
    return matrix_view.conv_matrix(w, x_shape[1:], **geometry)


# --- output size ---------------------------------------------------------------------------


def compare_output_size(fn: Callable = output_size, cases=SIZE_CASES) -> RuleReport:
    """``fn(n, k, s, p, d)`` against three counts of the window positions (no gradients here):
    a loop over the start positions, the rows of ``M`` for a 1-pixel-high image, and the number
    of sliding windows of the padded input kept by the stride. Error: the number of cases wrong."""
    _require_args(fn, cases)
    wrong = np.zeros(3)
    for n, k, s, p, d in cases:
        got = _safe(fn, n, k, s, p, d)
        span = d * (k - 1) + 1
        loop = sum(1 for start in range(0, n + 2 * p) if start % s == 0 and start + span <= n + 2 * p)
        m_rows = matrix_view.conv_matrix_index((1, 1, 1, k), (1, 1, n), stride=(1, s), padding=(0, p),
                                               dilation=(1, d)).shape[0]  # fmt: skip
        windows = sliding_window_view(np.zeros(n + 2 * p), span)[::s].shape[0]
        wrong += [got != loop, got != m_rows, got != windows]
    names = ("loop over positions", "rows of M", "sliding windows")
    verdicts = tuple(Verdict(name, float(e), 0.5) for name, e in zip(names, wrong, strict=True))
    return RuleReport("floor((n + 2p - d(k-1) - 1)/s) + 1", verdicts)


# --- the three gradients -------------------------------------------------------------------


DW_RULE = "dw[o,c] = Σ_n xp[n,c] ⋆ dilate(dy[n,o], s), every d-th tap"
DX_RULE = "dx = crop_p(full_conv(dilate(dy, s), dilate(w, d)))"
#: The im2col forms of the same two gradients (eq. im2col-backward): the rows of the page's table.
DW_IM2COL_RULE = "dW_flat = dY @ colsᵀ (eq. fc-batch)"
DX_IM2COL_RULE = "dx = col2im(W_flatᵀ @ dY)"


def compare_weight_grad(rule: Callable = backward_rules.weight_grad_as_conv, cases=CASES, seed: int = 0,
                      name: str = DW_RULE) -> RuleReport:  # fmt: skip
    """``rule(x, dout, kernel_shape, stride=, padding=, dilation=) -> dw`` three ways: the loop
    backward pass, the tied sum of ``dM = dy x^T`` over the cells of ``M``, finite differences."""
    _require_args(rule, cases, seed)
    per_case = []
    for t, (x_shape, w_shape, g) in enumerate(cases):
        x, w, dout = _case_data(seed + t, x_shape, w_shape, g)
        got = _safe(rule, x, dout, w_shape[2:], **g)
        loop = conv_backward_loop(dout, x, w, **g)[1]
        tied = sum(matrix_view.tied_kernel_grad(x[n], dout[n], w_shape, **g) for n in range(x.shape[0]))
        num = numerical_gradient(
            lambda t_, x=x, dout=dout, g=g: np.sum(conv_forward(x, t_, **g)[0] * dout), w
        )
        per_case.append((_err(got, loop), _err(got, tied), _err(got, num)))
    return _report(name, per_case, WAYS)


def compare_input_grad(rule: Callable = backward_rules.input_grad_as_conv, cases=CASES, seed: int = 0,
                     name: str = DX_RULE) -> RuleReport:  # fmt: skip
    """``rule(dout, w, x_shape, stride=, padding=, dilation=) -> dx`` three ways: the loop
    backward pass, ``M^T dy`` image by image, finite differences."""
    _require_args(rule, cases, seed)
    per_case = []
    for t, (x_shape, w_shape, g) in enumerate(cases):
        x, w, dout = _case_data(seed + t, x_shape, w_shape, g)
        got = _safe(rule, dout, w, x_shape, **g)
        loop = conv_backward_loop(dout, x, w, **g)[0]
        M = _matrix(w, x_shape, g)
        mt = np.stack([(M.T @ dout[n].ravel()).reshape(x_shape[1:]) for n in range(x_shape[0])])
        num = numerical_gradient(
            lambda t_, w=w, dout=dout, g=g: np.sum(conv_forward(t_, w, **g)[0] * dout), x
        )
        per_case.append((_err(got, loop), _err(got, mt), _err(got, num)))
    return _report(name, per_case, WAYS)


def compare_bias_grad(rule: Callable = backward_rules.bias_grad, cases=CASES, seed: int = 0) -> RuleReport:
    """``rule(dout) -> db`` three ways: the loop backward pass, ``E^T dy`` where ``E`` (one
    column per output channel, ones on that channel's rows) is the bias's matrix, finite differences."""
    _require_args(rule, cases, seed)
    per_case = []
    for t, (x_shape, w_shape, g) in enumerate(cases):
        x, w, dout = _case_data(seed + t, x_shape, w_shape, g)
        got = _safe(rule, dout)
        loop = conv_backward_loop(dout, x, w, **g)[2]
        per_channel = dout.shape[2] * dout.shape[3]
        E = np.repeat(np.eye(w_shape[0]), per_channel, axis=0)  # y = M x + E b
        mat = sum(E.T @ dout[n].ravel() for n in range(x_shape[0]))
        b0 = np.zeros(w_shape[0])
        num = numerical_gradient(
            lambda t_, x=x, w=w, dout=dout, g=g: np.sum(conv_forward(x, w, t_, **g)[0] * dout), b0
        )
        per_case.append((_err(got, loop), _err(got, mat), _err(got, num)))
    return _report("db[o] = Σ_{n,i,j} dy[n,o,i,j]", per_case, WAYS)


def compare_transposed_conv(
    fn: Callable = backward_rules.transposed_conv, cases=CASES, seed: int = 0
) -> RuleReport:
    """``fn(y, w, stride=, padding=, dilation=, output_padding=)`` is the input gradient of the
    convolution with kernel ``w``: checked against the loop scatter, ``M^T y`` and the finite-
    difference gradient of ``x -> sum(conv(x) * y)``, with ``output_padding`` from the input size."""
    _require_args(fn, cases, seed)
    per_case = []
    for t, (x_shape, w_shape, g) in enumerate(cases):
        x, w, y = _case_data(seed + t, x_shape, w_shape, g)
        op = backward_rules.output_padding_for(x_shape, w_shape[2:], **g)
        got = _safe(fn, y, w, output_padding=op, **g)
        loop = backward_rules.transposed_conv_loop(y, w, output_padding=op, **g)
        M = _matrix(w, x_shape, g)
        mt = np.stack([(M.T @ y[n].ravel()).reshape(x_shape[1:]) for n in range(x_shape[0])])
        num = numerical_gradient(lambda t_, w=w, y=y, g=g: np.sum(conv_forward(t_, w, **g)[0] * y), x)
        per_case.append((_err(got, loop), _err(got, mt), _err(got, num)))
    return _report("transposed_conv(dy, w) = Mᵀ dy = dx", per_case, WAYS)


# --- im2col: the FC layer on patches -------------------------------------------------------


def forward_im2col(x, w, **geometry) -> np.ndarray:
    """``Y = W_flat @ im2col(x)``, reshaped to ``(N, C_out, H_out, W_out)``: the FC layer on patches."""
    x, w = as_float_array("x", x, 4), as_float_array("w", w, 4)
    out_hw = [output_size(x.shape[2 + a], w.shape[2 + a], *(np.broadcast_to(geometry.get(k, d), 2)[a]
              for k, d in (("stride", 1), ("padding", 0), ("dilation", 1)))) for a in range(2)]  # fmt: skip
    y = w.reshape(w.shape[0], -1) @ im2col(x, w.shape[2:], **geometry)  # (C_out, N*H_out*W_out)
    return y.reshape(w.shape[0], x.shape[0], *out_hw).transpose(1, 0, 2, 3)


def compare_im2col_forward(fn: Callable = forward_im2col, cases=CASES, seed: int = 0) -> RuleReport:
    """``fn(x, w, stride=, padding=, dilation=) -> out`` (default ``Y = W_flat @ im2col(x)``) against
    the loop forward pass, ``M x``, and an ``einsum`` over the sliding windows of the padded input
    (no gradients: the forward pass)."""
    _require_args(fn, cases, seed)
    per_case = []
    for t, (x_shape, w_shape, g) in enumerate(cases):
        x, w, _ = _case_data(seed + t, x_shape, w_shape, g)
        out_shape = conv_forward(x, w, **g)[0].shape
        got = _safe(fn, x, w, **g)
        loop = conv_forward_loop(x, w, **g)
        M = _matrix(w, x_shape, g)
        mx = np.stack([(M @ x[n].ravel()).reshape(out_shape[1:]) for n in range(x_shape[0])])
        (sh, sw), (ph, pw), (dh, dw) = (np.broadcast_to(g[k], 2) for k in ("stride", "padding", "dilation"))
        xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        spans = (dh * (w_shape[2] - 1) + 1, dw * (w_shape[3] - 1) + 1)
        win = sliding_window_view(xp, spans, axis=(2, 3))[:, :, ::sh, ::sw, ::dh, ::dw]
        ein = np.einsum("nchwpq,ocpq->nohw", win, w)
        per_case.append((_err(got, loop), _err(got, mx), _err(got, ein)))
    return _report("Y = W_flat @ cols", per_case, ("loop", "matrix M", "sliding windows"),
                  (EXACT_BOUND,) * 3)  # fmt: skip


def compare_col2im(fn: Callable = col2im, cases=CASES, seed: int = 0) -> RuleReport:
    """``fn(dcols, x_shape, kernel_shape, stride=, padding=, dilation=)`` is the adjoint of
    ``im2col``: checked against a loop that adds every column entry onto the pixel it was read
    from, the transpose of the matrix ``P`` of ``im2col`` (``P^T dcols``), and the finite-difference
    gradient of ``x -> sum(im2col(x) * dcols)``."""
    _require_args(fn, cases, seed)
    per_case = []
    for t, (x_shape, w_shape, g) in enumerate(cases):
        rng = np.random.default_rng(seed + t)
        x = rng.standard_normal(x_shape)
        kshape = w_shape[2:]
        cols = im2col(x, kshape, **g)
        dcols = rng.standard_normal(cols.shape)
        got = _safe(fn, dcols, x_shape, kshape, **g)
        require_size(f"the dense matrix P of im2col for x {x_shape}", 16 * x.size * cols.size)
        P = np.stack([im2col(e.reshape(x_shape), kshape, **g).ravel() for e in np.eye(x.size)], axis=1)
        pt = (P.T @ dcols.ravel()).reshape(x_shape)
        loop = _col2im_loop(dcols, x_shape, kshape, **g)
        num = numerical_gradient(lambda t_, dcols=dcols, k=kshape, g=g: np.sum(im2col(t_, k, **g) * dcols), x)
        per_case.append((_err(got, loop), _err(got, pt), _err(got, num)))
    return _report("col2im = im2colᵀ (adds, never overwrites)", per_case, ("loop", "matrix Pᵀ", WAYS[2]))


def _col2im_loop(dcols, x_shape, kshape, *, stride, padding, dilation) -> np.ndarray:
    n_b, c_in, h, w = x_shape
    kh, kw = kshape
    (sh, sw), (ph, pw), (dh, dw) = (tuple(np.broadcast_to(v, 2)) for v in (stride, padding, dilation))
    oh, ow = output_size(h, kh, sh, ph, dh), output_size(w, kw, sw, pw, dw)
    dxp = np.zeros((n_b, c_in, h + 2 * ph, w + 2 * pw))
    for c in range(c_in):
        for p in range(kh):
            for q in range(kw):
                for n in range(n_b):
                    for i in range(oh):
                        for j in range(ow):
                            row, col = (c * kh + p) * kw + q, (n * oh + i) * ow + j
                            dxp[n, c, i * sh + p * dh, j * sw + q * dw] += dcols[row, col]
    return dxp[:, :, ph : ph + h, pw : pw + w]


# --- ReLU and max-pool ---------------------------------------------------------------------


def _pool_input(rng, shape) -> np.ndarray:
    """Random input with no ties inside a window (a tie has no derivative)."""
    return rng.permutation(np.prod(shape)).reshape(shape) * 0.1 + rng.uniform(0, 0.05, shape)


def compare_maxpool_backward(
    fn: Callable | None = None, seed: int = 0, shapes=((2, 3, 4, 6), (1, 1, 2, 2))
) -> RuleReport:
    """``fn(dout, x) -> dx`` for the 2x2, stride-2 max-pool (default: the package's, through the
    arg-max of the forward pass) against the loop, the pool's Jacobian (a 0/1 selection matrix with
    one 1 per row, at the window's maximum), and finite differences."""
    if fn is None:

        def fn(dout, x):
            return pooling.maxpool2_backward(dout, pooling.maxpool2_forward(x)[1])

    _require_args(fn, shapes, seed)
    per_case = []
    for t, shape in enumerate(shapes):
        rng = np.random.default_rng(seed + t)
        x = _pool_input(rng, shape)
        out, _ = pooling.maxpool2_forward(x)
        dout = rng.standard_normal(out.shape)
        got = _safe(fn, dout, x)
        loop = pooling.maxpool2_backward_loop(dout, x)
        S = np.zeros((out.size, x.size))  # the Jacobian: row u picks the maximum of window u
        flat = x.ravel()
        for u, idx in enumerate(np.ndindex(out.shape)):
            n, c, i, j = idx
            cells = [
                np.ravel_multi_index((n, c, 2 * i + a, 2 * j + b), shape) for a in (0, 1) for b in (0, 1)
            ]
            S[u, cells[int(np.argmax(flat[cells]))]] = 1.0
        mat = (S.T @ dout.ravel()).reshape(shape)
        num = numerical_gradient(
            lambda t_, dout=dout: np.sum(pooling.maxpool2_forward(t_)[0] * dout), x, h=1e-4
        )
        per_case.append((_err(got, loop), _err(got, mat), _err(got, num)))
    return _report("max-pool routes dy to the arg-max", per_case, ("loop", "Jacobian S", WAYS[2]))


def compare_relu_backward(
    fn: Callable = pooling.relu_backward, seed: int = 0, shape=(2, 3, 4, 4)
) -> RuleReport:
    """``fn(dout, z) -> dz`` against a loop, the Jacobian ``diag([z > 0])``, and finite differences
    (z kept away from the kink at 0)."""
    _require_args(fn, (shape,), seed)
    if not isinstance(shape, (tuple, list)) or not shape:
        raise TypeError(f"shape must be a non-empty tuple of ints, got {shape!r}")
    shape = tuple(require_int("shape", v, 1) for v in shape)
    require_size(f"the Jacobian of ReLU on shape {shape}", 8 * math.prod(shape) ** 2)
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(shape)
    z = np.where(np.abs(z) < 0.05, 0.5, z)
    dout = rng.standard_normal(shape)
    got = _safe(fn, dout, z)
    loop = np.zeros(shape)
    for idx in np.ndindex(shape):
        loop[idx] = dout[idx] if z[idx] > 0 else 0.0
    mat = (np.diag((z.ravel() > 0).astype(float)) @ dout.ravel()).reshape(shape)
    num = numerical_gradient(lambda t_: np.sum(pooling.relu_forward(t_) * dout), z)
    return _report("ReLU masks dy where z ≤ 0", [(_err(got, loop), _err(got, mat), _err(got, num))],
                  ("loop", "Jacobian diag([z>0])", WAYS[2]))  # fmt: skip


# --- receptive field across layers -------------------------------------------------------------


def compare_receptive_field(fn: Callable = receptive_field_size, stacks=STACKS) -> RuleReport:
    """``fn(layers) -> size`` against the extent of the input gradient of one unit sent back by the
    loop backward pass, the row of the product ``M_L ... M_1``, and finite differences of the
    stack's forward pass. Error: the number of stacks where the sizes differ."""
    _require_args(fn, stacks)
    wrong = np.zeros(3)
    for layers, input_size in stacks:
        got = _safe(fn, list(layers))
        loop = footprint_extent(backward_footprint(input_size, list(layers), loop=True))[0]
        sizes = stack_shapes(input_size, list(layers))
        prod = np.eye(input_size * input_size)
        for (k, s, d), n in zip(layers, sizes[:-1], strict=True):
            prod = matrix_view.conv_matrix(np.ones((k, k)), (n, n), stride=s, dilation=d) @ prod
        c = sizes[-1] // 2
        row = prod[c * sizes[-1] + c].reshape(input_size, input_size)
        x0 = np.zeros((input_size, input_size))
        num = numerical_gradient(lambda t_, layers=layers, c=c: stack_forward(t_, list(layers))[c, c], x0)
        wrong += [
            got != loop,
            got != footprint_extent(row)[0],
            got != footprint_extent(np.abs(num) > 1e-6)[0],
        ]
    names = ("backward pass (loop)", "row of M_L⋯M_1", WAYS[2])
    verdicts = tuple(Verdict(name, float(e), 0.5) for name, e in zip(names, wrong, strict=True))
    return RuleReport("1 + Σ_l (k_l - 1) d_l Π_{m<l} s_m", verdicts)


# --- the 1-D layer ---------------------------------------------------------------------------


def compare_conv1d_backward(fn: Callable | None = None, cases=CASES_1D, seed: int = 0) -> RuleReport:
    """``fn(dout, x, w, stride=, padding=, dilation=) -> (dx, dw, db)`` for the 1-D layer (default:
    the package's) against the loop, the matrix ``M`` of the 1-D layer (``M^T dy`` and the tied
    sum), and finite differences. The error is the worst of dx, dw and db."""
    if fn is None:

        def fn(dout, x, w, **g):
            return conv1d.conv1d_backward(dout, conv1d.conv1d_forward(x, w, **g)[1])

    _require_args(fn, cases, seed)
    per_case = []
    for t, (x_shape, w_shape, g) in enumerate(cases):
        rng = np.random.default_rng(seed + t)
        x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
        dout = rng.standard_normal(conv1d.conv1d_forward(x, w, **g)[0].shape)
        got = _safe(fn, dout, x, w, **g)
        got = (None, None, None) if got is None or len(got) != 3 else got
        loop = conv1d.conv1d_backward_loop(dout, x, w, **g)
        g2 = {"stride": (1, g["stride"]), "padding": (0, g["padding"]), "dilation": (1, g["dilation"])}
        w2 = w[:, :, None, :]
        M = matrix_view.conv_matrix(w2, (x_shape[1], 1, x_shape[2]), **g2)
        mat_dx = np.stack([M.T @ dout[n].ravel() for n in range(x_shape[0])]).reshape(x_shape)
        mat_dw = sum(
            matrix_view.tied_kernel_grad(x[n][:, None, :], dout[n][:, None, :], w2.shape, **g2)
            for n in range(x_shape[0])
        )[:, :, 0, :]
        mat_db = dout.sum(axis=(0, 2))

        def loss(x_, w_, b_, dout=dout, g=g):
            return np.sum(conv1d.conv1d_forward(x_, w_, b_, **g)[0] * dout)

        b0 = np.zeros(w_shape[0])
        num = (
            numerical_gradient(lambda t_, w=w, b0=b0: loss(t_, w, b0), x),
            numerical_gradient(lambda t_, x=x, b0=b0: loss(x, t_, b0), w),
            numerical_gradient(lambda t_, x=x, w=w: loss(x, w, t_), b0),
        )
        per_case.append(tuple(
            max(_err(a, b) for a, b in zip(got, ref, strict=True))
            for ref in (loop, (mat_dx, mat_dw, mat_db), num)
        ))  # fmt: skip
    return _report("1-D layer: dx, dw, db", per_case, WAYS)


# --- the page's table -----------------------------------------------------------------------


def all_comparisons() -> list[RuleReport]:
    """Every check of the chapter, with the package's implementations."""
    return [
        compare_output_size(),
        compare_weight_grad(),
        compare_input_grad(),
        compare_bias_grad(),
        compare_transposed_conv(),
        compare_im2col_forward(),
        compare_weight_grad(backward_rules.weight_grad_im2col, name=DW_IM2COL_RULE),
        compare_input_grad(backward_rules.input_grad_im2col, name=DX_IM2COL_RULE),
        compare_col2im(),
        compare_relu_backward(),
        compare_maxpool_backward(),
        compare_receptive_field(),
        compare_conv1d_backward(),
    ]


def _cell(way: Verdict) -> str:
    """``"loop: 1 × 10⁻¹⁶"`` (no line break inside the number), or ``"rows of M: 0 wrong"`` for counts."""
    if way.bound >= 0.5:  # a count of wrong cases
        value = f"{way.error:.0f} wrong"
    elif way.error == 0:
        value = "0"
    else:
        value = format_sci(way.error, 0).replace("1 × ", "").replace(" ", "\u00a0")
    return f"{way.name}: {value}"


def comparisons_table(checks: list[RuleReport], where: list[str] | None = None) -> str:
    """The checks as a Markdown table: the rule, then each way's largest relative error (or its count
    of wrong cases), then the verdict. ``where``: one MyST reference per check (e.g. the equation),
    shown in a first column."""
    if not isinstance(checks, (list, tuple)) or not all(isinstance(c, RuleReport) for c in checks):
        raise TypeError(
            f"checks must be a list of RuleReport (from the compare_* functions), got {checks!r:.60}"
        )
    if where is not None and len(where) != len(checks):
        raise ValueError(f"where must hold one reference per check ({len(checks)}), got {len(where)}")
    rows = []
    for k, c in enumerate(checks):
        cells = [_cell(w) for w in c.verdicts]
        rows.append(((where[k],) if where else ()) + (c.rule, *cells, "pass" if c.passed else "**FAIL**"))
    headers = ["Rule", "Way 1", "Way 2", "Way 3", "All"]
    if where:
        return markdown_table(["Where", *headers], rows, align="lllllc")
    return markdown_table(headers, rows, align="llllc")
