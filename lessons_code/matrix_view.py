"""A convolution is an FC layer with a sparse matrix whose entries are tied.

For a single-channel valid, stride-1 cross-correlation of an ``(H, W)`` input
with a ``(kh, kw)`` kernel, ``conv2d(x, K).ravel() == M @ x.ravel()`` where
``M`` has one row per output position and one column per input pixel::

    M[i * W_out + j, (i + p) * W + (j + q)] = K[p, q]

and zeros elsewhere: a doubly block Toeplitz matrix.

The general layer (``C_in -> C_out`` channels, stride ``s``, zero padding
``pad``, dilation ``d``) is the same idea with one row per output unit
``(o, i, j)`` and one column per input value ``(c, r, s)``::

    M[(o * H_out + i) * W_out + j, (c * H + r) * W + s] = w[o, c, p, q]
    where r = i * s_h + p * d_h - pad_h and s = j * s_w + q * d_w - pad_w

for every ``(p, q)`` whose pixel ``(r, s)`` lies inside the input. Taps that
land on the zero padding multiply a zero and have no column: padding removes
entries from ``M``, it never adds any.

Backward, because ``y = M x`` is an FC layer (see ``eq-fc-dw`` and ``eq-fc-dx``)::

    dx = M.T @ dy                    the conv input gradient
    dM = outer(dy, x)                the FC weight gradient of M
    dK[t] = sum of dM over the cells of M tied to kernel weight t

Weight sharing in the forward pass is gradient summation in the backward pass.
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, as_index_array, as_pair, require_int, require_shape, require_size
from .conv_layer import output_size

# --- shapes -----------------------------------------------------------------------


class ConvGeometry(NamedTuple):
    """Every size that fixes the matrix of a convolution."""

    c_out: int
    c_in: int
    kernel: tuple[int, int]
    input: tuple[int, int]
    output: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]

    @property
    def rows(self) -> int:
        """Rows of M: one per output unit, ``C_out * H_out * W_out``."""
        return self.c_out * self.output[0] * self.output[1]

    @property
    def cols(self) -> int:
        """Columns of M: one per input value, ``C_in * H * W``."""
        return self.c_in * self.input[0] * self.input[1]

    @property
    def n_weights(self) -> int:
        """Kernel weights: ``C_out * C_in * kh * kw``."""
        return self.c_out * self.c_in * self.kernel[0] * self.kernel[1]


def _ints(name: str, value, n: int, minimum: int) -> tuple[int, ...]:
    if not isinstance(value, (tuple, list)) or len(value) != n:
        raise ValueError(f"{name} must be a tuple of {n} ints, got {value!r}")
    for item in value:
        if isinstance(item, bool) or not isinstance(item, numbers.Integral):
            raise TypeError(f"{name} must hold ints, got {value!r}")
    return tuple(require_int(name, int(v), minimum) for v in value)


def conv_geometry(kernel_shape, input_shape, *, stride=1, padding=0, dilation=1) -> ConvGeometry:
    """Validate a convolution's shapes and work out its output size.

    Single channel: ``kernel_shape`` is ``(kh, kw)`` (or an int) and ``input_shape`` is ``(H, W)``.
    Several channels: ``kernel_shape`` is ``(C_out, C_in, kh, kw)`` and ``input_shape`` is
    ``(C_in, H, W)``. stride, padding, dilation: an int or a ``(rows, cols)`` pair.
    """
    if isinstance(kernel_shape, (tuple, list)) and len(kernel_shape) == 4:
        c_out, c_in, kh, kw = _ints("kernel_shape", kernel_shape, 4, 1)
        c_in_x, h, w = _ints("input_shape", input_shape, 3, 1)
        if c_in_x != c_in:
            raise ValueError(
                f"input_shape {tuple(input_shape)} must have C_in={c_in} channels to match "
                f"kernel_shape {tuple(kernel_shape)} (C_out, C_in, kh, kw)"
            )
    else:
        c_out = c_in = 1
        kh, kw = as_pair("kernel_shape", kernel_shape, 1)
        h, w = as_pair("input_shape", input_shape, 1)
    stride = as_pair("stride", stride, 1)
    padding = as_pair("padding", padding, 0)
    dilation = as_pair("dilation", dilation, 1)
    if padding == (0, 0) and dilation == (1, 1) and (kh > h or kw > w):
        raise ValueError(f"kernel_shape {(kh, kw)} is larger than input_shape {(h, w)}")
    oh = output_size(h, kh, stride[0], padding[0], dilation[0])
    ow = output_size(w, kw, stride[1], padding[1], dilation[1])
    return ConvGeometry(c_out, c_in, (kh, kw), (h, w), (oh, ow), stride, padding, dilation)


# --- the tying pattern and the matrix -----------------------------------------------


def _require_matrix_size(g: ConvGeometry, per_cell: float) -> None:
    """The size guard of every function that builds ``M`` or its index: ``per_cell`` bytes per cell
    of ``M`` at the caller's peak (the index: 8 + temporaries; the matrix: the index, the matrix and a
    temporary; the tied gradient: the index, ``dM`` and temporaries)."""
    require_size(
        f"the {g.rows:,} x {g.cols:,} conv matrix of a {g.input[0]}x{g.input[1]} input "
        f"({g.c_in} -> {g.c_out} channels, {g.kernel[0]}x{g.kernel[1]} kernel)",
        per_cell * g.rows * g.cols,
    )


def conv_matrix_index(kernel_shape, input_shape, *, stride=1, padding=0, dilation=1) -> np.ndarray:
    """Which kernel weight sits in each cell of ``M``: an int array of shape ``(rows, cols)``.

    rows = ``C_out * H_out * W_out`` (output units, in ``out.ravel()`` order), cols = ``C_in * H * W``
    (input values, in ``x.ravel()`` order). A cell holds the flat kernel index
    ``((o * C_in + c) * kh + p) * kw + q`` (``p * kw + q`` for one channel) or ``-1`` where ``M``
    is zero. Cells with the same index are *tied*: they are one parameter. The dtype is
    ``np.intp``, the platform's index type (``np.bincount`` needs it on 32-bit Pythons).
    Shapes as in :func:`conv_geometry`.
    """
    g = conv_geometry(kernel_shape, input_shape, stride=stride, padding=padding, dilation=dilation)
    _require_matrix_size(g, 8.5)
    (kh, kw) = g.kernel
    return window_index_unchecked(g, lambda o, c, p, q, i, j: ((o * g.c_in + c) * kh + p) * kw + q)


def window_index_unchecked(g: ConvGeometry, weight) -> np.ndarray:
    """The ``(rows, cols)`` index of any layer whose output units read the windows of ``g``: the cell
    of output ``(o, i, j)`` and the input value its tap ``(p, q)`` of channel ``c`` reads holds
    ``weight(o, c, p, q, i, j)`` (called once with sparse index arrays), every other cell ``-1``.
    The core of :func:`conv_matrix_index` (the tap's kernel index: tied across positions) and of
    :func:`lessons_code.locally_connected.local_matrix_index` (one weight per position and tap);
    ``g`` comes from :func:`conv_geometry` and the caller guards the size."""
    (kh, kw), (h, w), (oh, ow) = g.kernel, g.input, g.output
    o, c, p, q, i, j = np.indices((g.c_out, g.c_in, kh, kw, oh, ow), sparse=True)
    r = i * g.stride[0] + p * g.dilation[0] - g.padding[0]
    s = j * g.stride[1] + q * g.dilation[1] - g.padding[1]
    shape = (g.c_out, g.c_in, kh, kw, oh, ow)
    inside = np.broadcast_to((r >= 0) & (r < h) & (s >= 0) & (s < w), shape)
    row = np.broadcast_to((o * oh + i) * ow + j, shape)[inside]
    col = np.broadcast_to((c * h + r) * w + s, shape)[inside]
    index = np.full((g.rows, g.cols), -1, dtype=np.intp)
    index[row, col] = np.broadcast_to(weight(o, c, p, q, i, j), shape)[inside]
    return index


def conv_matrix_index_loop(kernel_shape, input_shape, *, stride=1, padding=0, dilation=1) -> np.ndarray:
    """Loop version of :func:`conv_matrix_index`: one kernel tap at a time."""
    g = conv_geometry(kernel_shape, input_shape, stride=stride, padding=padding, dilation=dilation)
    _require_matrix_size(g, 8.5)
    (kh, kw), (h, w), (oh, ow) = g.kernel, g.input, g.output
    index = np.full((g.rows, g.cols), -1, dtype=np.intp)
    for o in range(g.c_out):
        for i in range(oh):
            for j in range(ow):
                for c in range(g.c_in):
                    for p in range(kh):
                        for q in range(kw):
                            r = i * g.stride[0] + p * g.dilation[0] - g.padding[0]
                            s = j * g.stride[1] + q * g.dilation[1] - g.padding[1]
                            if 0 <= r < h and 0 <= s < w:  # a tap on the padding has no column
                                index[(o * oh + i) * ow + j, (c * h + r) * w + s] = (
                                    (o * g.c_in + c) * kh + p
                                ) * kw + q
    return index


def conv_matrix(kernel, input_shape, *, stride=1, padding=0, dilation=1) -> np.ndarray:
    """The dense matrix ``M`` with ``M @ x.ravel() == conv(x, kernel).ravel()``.

    kernel: ``(kh, kw)`` with input_shape ``(H, W)``, or ``(C_out, C_in, kh, kw)`` with
    input_shape ``(C_in, H, W)``. Returns M: ``(C_out*H_out*W_out, C_in*H*W)`` (no bias).
    """
    kernel = as_float_array("kernel", kernel, (2, 4))
    g = conv_geometry(kernel.shape, input_shape, stride=stride, padding=padding, dilation=dilation)
    _require_matrix_size(g, 26)
    index = conv_matrix_index(kernel.shape, input_shape, stride=stride, padding=padding, dilation=dilation)
    return np.where(index >= 0, kernel.ravel()[np.maximum(index, 0)], 0.0)


# --- the backward pass through M ---------------------------------------------------------


def _require_index(index) -> np.ndarray:
    """A 2-D integer index of M as ``np.intp``, entries ``>= -1``."""
    arr = np.asarray(index)
    if arr.ndim != 2 or arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"index must be a 2-D int array from conv_matrix_index, got {arr.dtype} {arr.shape}")
    index = as_index_array("index", index, 2)
    if index.size == 0:
        raise ValueError(f"index must not be empty, got shape {index.shape}")
    if index.min() < -1:
        raise ValueError(f"index must hold kernel indices >= 0 or -1 for a zero cell, got {index.min()}")
    return index


def _require_tie_args(dM, index, kernel_shape):
    dM = as_float_array("dM", dM, 2)
    index = _require_index(index)
    require_shape("dM", dM, index.shape)
    if not isinstance(kernel_shape, (tuple, list)) or not kernel_shape:
        raise TypeError(f"kernel_shape must be a tuple of ints, got {kernel_shape!r}")
    kernel_shape = tuple(require_int("kernel_shape", v, 1) for v in kernel_shape)
    n = int(np.prod(kernel_shape))
    if index.max() >= n:
        raise ValueError(f"index refers to weight {index.max()} but kernel_shape {kernel_shape} has only {n}")
    return dM, index, kernel_shape, n


def tie_counts(index) -> np.ndarray:
    """How many cells of ``M`` each kernel weight fills: ``(n_weights,)`` ints.

    This is also how many products are summed into each entry of the kernel gradient.
    The length is ``index.max() + 1``; pass the index of :func:`conv_matrix_index`.
    """
    index = _require_index(index)
    tied = index[index >= 0]
    return np.bincount(tied, minlength=int(index.max()) + 1 if tied.size else 0)


def tie_sum(dM, index, kernel_shape) -> np.ndarray:
    """Sum a matrix-shaped gradient over the cells tied to each kernel weight.

    dM: ``(rows, cols)``, the gradient of the loss with respect to every cell of ``M``;
    index: the same shape, from :func:`conv_matrix_index`; kernel_shape: the shape to return.
    Returns dK with ``dK.ravel()[t] = sum(dM[index == t])``.
    """
    dM, index, kernel_shape, n = _require_tie_args(dM, index, kernel_shape)
    mask = index >= 0
    return np.bincount(index[mask], weights=dM[mask], minlength=n).reshape(kernel_shape)


def tie_sum_loop(dM, index, kernel_shape) -> np.ndarray:
    """Loop version of :func:`tie_sum`: for each weight, add up the cells it fills."""
    dM, index, kernel_shape, n = _require_tie_args(dM, index, kernel_shape)
    dK = np.zeros(n)
    for t in range(dK.size):
        for row, col in zip(*np.nonzero(index == t), strict=True):
            dK[t] += dM[row, col]
    return dK.reshape(kernel_shape)


def tied_kernel_grad(x, dy, kernel_shape, *, stride=1, padding=0, dilation=1) -> np.ndarray:
    """Kernel gradient of a convolution computed as an FC layer's gradient, then tied.

    x: ``(H, W)`` or ``(C_in, H, W)``; dy: ``(H_out, W_out)`` or ``(C_out, H_out, W_out)``.
    Treat the conv as ``y = M x``; the FC rule gives ``dM = outer(dy, x)`` (``eq-fc-dw``);
    every kernel weight then collects the cells it fills. Returns dK of ``kernel_shape``.
    """
    x = as_float_array("x", x, (2, 3))
    dy = as_float_array("dy", dy, (2, 3))
    kernel_shape = tuple(kernel_shape) if isinstance(kernel_shape, (tuple, list)) else kernel_shape
    g = conv_geometry(kernel_shape, x.shape, stride=stride, padding=padding, dilation=dilation)
    out_shape = g.output if x.ndim == 2 else (g.c_out, *g.output)
    require_shape("dy", dy, out_shape)
    _require_matrix_size(g, 32)  # dM = outer(dy, x) has one entry per cell of M
    index = conv_matrix_index(kernel_shape, x.shape, stride=stride, padding=padding, dilation=dilation)
    shape = g.kernel if x.ndim == 2 else (g.c_out, g.c_in, *g.kernel)
    return tie_sum(np.outer(dy.ravel(), x.ravel()), index, shape)


# --- counting M without building it ---------------------------------------------------------


class MatrixCounts(NamedTuple):
    """Sizes of the dense matrix of a convolution (bias not included)."""

    rows: int  # output units, C_out * H_out * W_out
    cols: int  # input values, C_in * H * W
    entries: int  # rows * cols: the weights of an FC layer with the same input and output
    nonzeros: int  # cells that hold a kernel weight (taps on the padding excluded)
    distinct: int  # kernel weights that fill at least one cell: the free parameters of M


def _require_axis_size(g: ConvGeometry) -> None:
    """The counts walk each axis once per kernel offset: ``kh * H_out + kw * W_out`` positions."""
    require_size("the per-axis tap counts", 16 * (g.kernel[0] * g.output[0] + g.kernel[1] * g.output[1]))


def _taps_inside(n: int, k: int, n_out: int, stride: int, padding: int, dilation: int) -> np.ndarray:
    """For each kernel offset along one axis: how many output positions read a real pixel with it."""
    i = np.arange(n_out)
    return np.array(
        [
            np.count_nonzero(
                (i * stride + p * dilation - padding >= 0) & (i * stride + p * dilation - padding < n)
            )
            for p in range(k)
        ],
        dtype=np.intp,
    )


def conv_matrix_counts(input_shape, kernel_shape, *, stride=1, padding=0, dilation=1) -> MatrixCounts:
    """Entries, nonzeros and distinct values of ``M``, computed from the sizes alone.

    Shapes as in :func:`conv_geometry` (note the order: input first, then kernel). A cell is
    nonzero when it holds a kernel weight; rows and columns factor by axis, so the nonzeros
    are ``C_out * C_in * (sum_p n_p) * (sum_q n_q)`` where ``n_p`` counts the output rows whose
    tap ``p`` lands inside the input. Cost: ``O(kh * H_out + kw * W_out)``, no matrix.
    """
    g = conv_geometry(kernel_shape, input_shape, stride=stride, padding=padding, dilation=dilation)
    _require_axis_size(g)
    per_axis = [
        _taps_inside(g.input[a], g.kernel[a], g.output[a], g.stride[a], g.padding[a], g.dilation[a])
        for a in range(2)
    ]
    nonzeros = g.c_out * g.c_in * int(per_axis[0].sum()) * int(per_axis[1].sum())
    distinct = g.c_out * g.c_in * int(np.count_nonzero(per_axis[0])) * int(np.count_nonzero(per_axis[1]))
    return MatrixCounts(g.rows, g.cols, g.rows * g.cols, nonzeros, distinct)


def products_per_weight(input_shape, kernel_shape, *, stride=1, padding=0, dilation=1) -> np.ndarray:
    """How many products ``dy * x`` are summed into each kernel-gradient entry, for one example.

    Returns an int array ``(kh, kw)``: entry ``(p, q)`` counts the output positions whose tap
    ``(p, q)`` reads a real pixel (the same for every channel pair ``(o, c)``). Equals the number of
    cells of ``M`` tied to that weight (:func:`tie_counts`), computed from the sizes alone.
    """
    g = conv_geometry(kernel_shape, input_shape, stride=stride, padding=padding, dilation=dilation)
    _require_axis_size(g)
    rows, cols = (
        _taps_inside(g.input[a], g.kernel[a], g.output[a], g.stride[a], g.padding[a], g.dilation[a])
        for a in range(2)
    )
    return np.outer(rows, cols)


def conv_matrix_counts_built(input_shape, kernel_shape, *, stride=1, padding=0, dilation=1) -> MatrixCounts:
    """The same counts read off the built index (small shapes only): the check of the formula."""
    index = conv_matrix_index(kernel_shape, input_shape, stride=stride, padding=padding, dilation=dilation)
    tied = index[index >= 0]
    return MatrixCounts(index.shape[0], index.shape[1], index.size, tied.size, np.unique(tied).size)
