"""The backward pass of one small layer, cell by cell: what the page's explorer must highlight.

The book's backward-pass explorer (``book/explorer.md``, script ``book/_static/explorer.js``)
lets a reader pick a square input size, a kernel size, stride, padding, dilation, the layer type
(FC, convolution or locally connected) and 1-3 stacked convolution layers, then select a cell. This
module is the Python side of its proof: for every setting the controls allow it builds the same small integer
values and reads every highlight off the layer's Jacobian ``M`` (:mod:`lessons_code.matrix_view`;
the FC layer's Jacobian is ``W`` itself; the locally connected layer's is
:func:`lessons_code.locally_connected.local_matrix`, the convolution's cells, none tied).

One layer, ``y = M x`` (both flattened), upstream gradient ``dy``:

* **output unit** ``u``: the input pixels of row ``u`` of ``M`` light up; pixel ``j`` receives the
  share ``dy[u] * M[u, j]`` of ``dx = M.T @ dy``;
* **weight** ``t``: every cell ``(u, j)`` of ``M`` tied to ``t`` is one product ``x[j] * dy[u]``;
  they sum to ``dw[t]`` (:func:`lessons_code.matrix_view.tie_sum`; FC: one cell, one product);
* **input pixel** ``j``: the output units of column ``j`` of ``M``, each with the weight it used;
  they sum to ``dx[j] = sum_u dy[u] * M[u, j]`` (the transposed-convolution view).

Stacked layers (all with the same settings): the receptive field of a last-layer unit on layer
``l`` is the non-zero pattern of its row in ``B_L @ ... @ B_{l+1}``, where ``B`` is ``M``'s pattern
as 0/1 ints; the entries count the paths from a cell to the unit.
"""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import numpy as np

from .. import fc, locally_connected, matrix_view
from .._checks import as_float_array, require_int, require_size
from ..checks.verdict import require
from ..conv_layer import conv_backward, conv_forward, output_size

#: The values each control of the explorer offers.
SIZES = (4, 5, 6, 7, 8, 9)
KERNELS = (1, 2, 3, 4, 5)
STRIDES = (1, 2, 3)
PADDINGS = (0, 1, 2)
DILATIONS = (1, 2)
LAYERS = (1, 2, 3)
MODES = ("conv", "fc", "local")
#: FC mode keeps ``W`` readable: input at most 5x5, at most 9 output units, one layer.
FC_MAX_SIZE = 5
FC_MAX_UNITS = 9
#: Locally connected mode: one layer, at most 9 output units (one kernel each).
LOCAL_MAX_UNITS = 9

#: Small integers, repeated in reading order, so a reader can check every sum by hand.
#: ``explorer.js`` holds the same four lists (the browser test compares them).
#: ``W_VALUES`` has 11 entries, a prime larger than ``FC_MAX_UNITS`` that divides neither row length
#: (16 or 25): row ``u`` of ``W`` starts at entry ``u * n * n % 11``, a different one for every unit,
#: so no two rows of ``W`` are equal (with 8 entries every row of a 4x4 input's ``W`` was the same,
#: and the FC layer looked weight-shared).
X_VALUES = (1, 2, 0, -1, 3, -2, 1, -1, 2)
K_VALUES = (1, -1, 2, 1, -2, 3, -1)
W_VALUES = (1, -1, 2, -2, 1, 3, -1, 2, -3, 1, 2)
DY_VALUES = (1, -1, 2, 1, -2, 1, 3, -1)
#: The locally connected kernels: 11 different non-zero values, cycled over ``(units, k*k)``. Unit
#: ``u``'s kernel starts at entry ``u * k * k % 11``, a different entry for each of at most 9 units
#: (11 is a prime larger than 9 that divides no ``k * k``), and the values all differ, so no two
#: positions have the same kernel at any setting.
L_VALUES = (2, -1, 3, 1, -2, 4, -3, 5, -4, 6, -5)


class Setting(NamedTuple):
    """One state of the explorer's controls."""

    size: int  # the input is size x size
    kernel: int  # the kernel is kernel x kernel
    stride: int
    padding: int
    dilation: int
    layers: int  # stacked convolution layers, all with these settings
    mode: str  # "conv", "fc" or "local"


def cycled(values, shape) -> np.ndarray:
    """``values`` repeated in reading order to fill ``shape``, as float64."""
    values = as_float_array("values", values, 1)
    shape = tuple(
        require_int("shape", v, 0) for v in (shape if isinstance(shape, (tuple, list)) else (shape,))
    )
    n = math.prod(shape)
    require_size(f"an array of shape {shape}", 16 * n)
    return values[np.arange(n, dtype=np.intp) % values.size].reshape(shape)


def _require_setting(setting) -> Setting:
    if not isinstance(setting, Setting):
        raise TypeError(f"setting must be an explorer.Setting, got {type(setting).__name__}")
    for name, allowed in (
        ("size", SIZES),
        ("kernel", KERNELS),
        ("stride", STRIDES),
        ("padding", PADDINGS),
        ("dilation", DILATIONS),
        ("layers", LAYERS),
        ("mode", MODES),
    ):
        value = getattr(setting, name)
        if name != "mode" and (isinstance(value, bool) or not isinstance(value, numbers.Integral)):
            raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
        if value not in allowed:
            raise ValueError(f"{name} must be one of {allowed}, got {getattr(setting, name)!r}")
    return setting


def layer_sizes(setting: Setting) -> list[int]:
    """Side lengths ``[n, n_1, ..., n_L]`` of the input and of each conv layer's output.

    Raises ``ValueError`` (with the reason the explorer shows) when some layer's output is empty.
    """
    s = _require_setting(setting)
    sizes = [s.size]
    for _ in range(s.layers if s.mode == "conv" else 1):
        sizes.append(output_size(sizes[-1], s.kernel, s.stride, s.padding, s.dilation))
    return sizes


def disabled_reason(setting: Setting) -> str | None:
    """Why the explorer disables ``setting`` (``None`` when it is allowed).

    A convolution is disabled when some layer's output would be empty; FC mode when the input
    is larger than 5x5, layers are stacked, or the convolution would have more than 9 units.
    """
    s = _require_setting(setting)
    n = s.size
    span = s.dilation * (s.kernel - 1) + 1
    for layer in range(s.layers if s.mode == "conv" else 1):
        if n + 2 * s.padding < span:
            where = "the input" if layer == 0 else f"layer {layer}'s output"
            return f"the kernel spans {span} pixels but {where} padded is only {n + 2 * s.padding} wide"
        n = (n + 2 * s.padding - span) // s.stride + 1
    if s.mode == "fc":
        if s.size > FC_MAX_SIZE:
            return f"FC mode keeps W readable: input at most {FC_MAX_SIZE}x{FC_MAX_SIZE}"
        if s.layers != 1:
            return "FC mode shows one layer"
        if n * n > FC_MAX_UNITS:
            most = f"at most {FC_MAX_UNITS} output units"
            return f"FC mode keeps W readable: {most}, these settings give {n * n}"
    if s.mode == "local":
        if s.layers != 1:
            return "locally connected mode shows one layer"
        if n * n > LOCAL_MAX_UNITS:
            most = f"at most {LOCAL_MAX_UNITS} output units"
            return f"locally connected mode keeps its kernels readable: {most}, these settings give {n * n}"
    return None


def allowed_settings() -> list[Setting]:
    """Every setting the explorer's controls allow, in the order the browser test enumerates them."""
    out = []
    for mode in MODES:
        for layers in LAYERS:
            for size in SIZES:
                for kernel in KERNELS:
                    for stride in STRIDES:
                        for padding in PADDINGS:
                            for dilation in DILATIONS:
                                s = Setting(size, kernel, stride, padding, dilation, layers, mode)
                                if disabled_reason(s) is None:
                                    out.append(s)
    return out


class LayerMap(NamedTuple):
    """One layer's values and Jacobian, flattened in reading order.

    x ``(n*n,)``; w: the kernel ``(k*k,)`` or FC ``W.ravel()`` ``(units*n*n,)``; dy, y ``(units,)``;
    M ``(units, n*n)``: ``y = M @ x``; tie ``(units, n*n)`` ints: the weight in each cell of ``M``
    (-1: none); dx ``(n*n,)``; dw like w.
    """

    x: np.ndarray
    w: np.ndarray
    dy: np.ndarray
    y: np.ndarray
    M: np.ndarray
    tie: np.ndarray
    dx: np.ndarray
    dw: np.ndarray


def layer_map(setting: Setting) -> LayerMap:
    """Values, Jacobian and gradients of the first layer of ``setting`` (the one the explorer computes).

    Convolution: ``M`` and its tying from :mod:`lessons_code.matrix_view`; ``y``, ``dx``, ``dK`` from
    :func:`lessons_code.conv_layer.conv_forward` / ``conv_backward`` (the batched layer, im2col),
    so the matrix view and the layer are checked against each other by :func:`check_layer_map`.
    FC: ``W`` has the convolution's number of units; ``y``, ``dx``, ``dW`` from :mod:`lessons_code.fc`.
    """
    s = _require_setting(setting)
    if disabled_reason(s) is not None:
        raise ValueError(f"the explorer does not allow {s}: {disabled_reason(s)}")
    n, m = layer_sizes(s)[:2]
    x = cycled(X_VALUES, (n, n))
    dy = cycled(DY_VALUES, (m, m))
    if s.mode == "fc":
        W = cycled(W_VALUES, (m * m, n * n))
        y = fc.fc_forward(x.ravel(), W)
        dW, dx = fc.fc_backward(x.ravel(), W, dy.ravel())
        tie = np.arange(W.size, dtype=np.int64).reshape(W.shape)
        return LayerMap(x.ravel(), W.ravel(), dy.ravel(), y, W, tie, dx, dW.ravel())
    geometry = {"stride": s.stride, "padding": s.padding, "dilation": s.dilation}
    if s.mode == "local":  # one kernel per output position, W[i, j] of shape (k, k)
        W = cycled(L_VALUES, (m, m, 1, 1, s.kernel, s.kernel))
        M = locally_connected.local_matrix(W, (1, n, n), **geometry)
        tie = locally_connected.local_matrix_index(W.shape, (1, n, n), **geometry)
        y, cache = locally_connected.lc_forward(x[None, None], W, None, **geometry)
        dx, dW, _ = locally_connected.lc_backward(dy[None, None], cache)
        return LayerMap(x.ravel(), W.ravel(), dy.ravel(), y.ravel(), M, tie, dx.ravel(), dW.ravel())
    K = cycled(K_VALUES, (s.kernel, s.kernel))
    M = matrix_view.conv_matrix(K, (n, n), **geometry)
    tie = matrix_view.conv_matrix_index(K.shape, (n, n), **geometry)
    w4 = K[None, None]
    y, cache = conv_forward(x[None, None], w4, None, **geometry)
    dx, dK, _ = conv_backward(dy[None, None], cache)
    return LayerMap(x.ravel(), K.ravel(), dy.ravel(), y.ravel(), M, tie, dx.ravel(), dK.ravel())


def check_layer_map(lm: LayerMap) -> None:
    """Claim: the layer's numbers agree with its Jacobian (else it raises ``ClaimError``).

    ``y == M @ x``, ``dx == M.T @ dy``, ``dw[t]`` is the sum of the products ``x[j] * dy[u]`` over the
    cells tied to ``t``, and ``M`` holds ``w[tie]`` exactly where ``tie >= 0``. All values are small
    integers, so the comparison is exact.
    """
    if not isinstance(lm, LayerMap):
        raise TypeError(f"lm must be a LayerMap, got {type(lm).__name__}")
    require(np.array_equal(lm.y, lm.M @ lm.x), "y = M x", "y != M @ x")
    require(np.array_equal(lm.dx, lm.M.T @ lm.dy), "dx = Mᵀ dy", "dx != M.T @ dy")
    tied = lm.tie >= 0
    require(
        np.array_equal(lm.M, np.where(tied, lm.w[np.maximum(lm.tie, 0)], 0.0)), "M = w[tie]", "M != w[tie]"
    )
    products = np.outer(lm.dy, lm.x)
    sums = np.bincount(lm.tie[tied], weights=products[tied], minlength=lm.w.size)
    require(np.array_equal(lm.dw, sums), "dw[t] = Σ x[j] dy[u] over the cells tied to t", "dw differs")


def receptive_paths(setting: Setting) -> list[np.ndarray]:
    """For stacked layers: path counts from every cell of each layer to every last-layer unit.

    Returns ``L`` int arrays; entry ``l`` has shape ``(n_L**2, n_l**2)`` and equals
    ``B_L @ ... @ B_{l+1}`` with ``B`` the 0/1 pattern of a layer's Jacobian: entry ``[u, j]``
    counts the chains of kernel taps from cell ``j`` of layer ``l`` (``l = 0``: the input) to unit
    ``u``. Non-zero entries are the receptive field; in particular row ``u`` of entry 0 is the
    non-zero pattern of the stack's Jacobian ``dy_u / dx`` for kernels of one sign.
    """
    s = _require_setting(setting)
    if s.mode != "conv":
        raise ValueError(f"receptive_paths needs mode 'conv', got {s.mode!r}")
    sizes = layer_sizes(s)
    geometry = {"stride": s.stride, "padding": s.padding, "dilation": s.dilation}
    patterns = [
        (matrix_view.conv_matrix_index((s.kernel, s.kernel), (n, n), **geometry) >= 0).astype(np.int64)
        for n in sizes[:-1]
    ]
    acc = np.eye(sizes[-1] ** 2, dtype=np.int64)
    out = []
    for B in reversed(patterns):  # B maps layer l (columns) to layer l + 1 (rows)
        acc = acc @ B
        out.insert(0, acc)
    return out
