"""The locally connected layer: a convolution's windows without its weight sharing.

Every output position ``(i, j)`` reads the same window a convolution reads there, but through
its *own* kernel (a "convolution with untied weights", Goodfellow et al. section 9.5). Shapes:

* ``x``    -- ``(N, C_in, H, W)``                       a batch of images
* ``w``    -- ``(H_out, W_out, C_out, C_in, kh, kw)``   one kernel per output position
* ``b``    -- ``(H_out, W_out, C_out)``                 one bias per output unit
* ``out``, ``dout`` -- ``(N, C_out, H_out, W_out)``

with ``H_out``, ``W_out`` from the convolution's formula (:func:`lessons_code.conv_layer.output_size`):
stride, zero padding and dilation act exactly as in :mod:`lessons_code.conv_layer`.

Forward (``xp`` the zero-padded input)::

    out[n, o, i, j] = b[i, j, o] + sum_{c, p, q} xp[n, c, i*s + p*d, j*s + q*d] * w[i, j, o, c, p, q]

Backward::

    dw[i, j, o, c, p, q]              = sum_n dout[n, o, i, j] * xp[n, c, i*s + p*d, j*s + q*d]
    dxp[n, c, i*s + p*d, j*s + q*d]  += sum_o dout[n, o, i, j] * w[i, j, o, c, p, q]
    db[i, j, o]                       = sum_n dout[n, o, i, j]

Compare :mod:`lessons_code.conv_layer`: there ``dw[o, c, p, q]`` sums over ``n, i, j`` (every
position the shared weight is used at); here over ``n`` only: for one example, each weight
receives **one** product. A layer whose kernels are all equal (``w[i, j] = K`` for every
position, ``b[i, j] = b_conv``) is the convolution with kernel ``K``, and the convolution's
kernel gradient is the sum of this layer's gradient over the positions.

As a matrix (:func:`local_matrix`): ``out.ravel() == M @ x.ravel()`` with the same nonzero
cells as the convolution's matrix (:func:`lessons_code.matrix_view.conv_matrix_index`), but
every cell its own parameter: no tied cells.

How it computes: the convolution's ``im2col`` gives every receptive field as a column; the
layer is then a batch of small FC layers, one per position, on that position's columns.
``lc_forward_loop`` and ``lc_backward_loop`` are the same sums as plain loops.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._checks import array_shape, as_float_array, as_pair, require_shape, require_size
from .conv_layer import col2im_unchecked, im2col_unchecked, output_size, pad_unchecked
from .matrix_view import conv_geometry, window_index_unchecked


class LocalCache(NamedTuple):
    """What :func:`lc_backward` needs from :func:`lc_forward` (float64 copies, and ``cols``)."""

    x: np.ndarray
    w: np.ndarray
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    cols: np.ndarray | None = None


def _layer_bytes(x_shape, w_shape, padding) -> int:
    """Peak of :func:`lc_forward` in float64 bytes: copies of x and w, im2col and its copy by
    position, and the larger of the padded input (while im2col runs) and the product plus the output."""
    n, c, h, w = x_shape
    oh, ow, c_out, _, kh, kw = w_shape
    positions = n * oh * ow
    padded = n * c * (h + 2 * padding[0]) * (w + 2 * padding[1])
    cols = c * kh * kw * positions
    return 8 * (n * c * h * w + math.prod(w_shape) + 2 * cols + max(padded, 2 * c_out * positions))


def _validate(x, w, b, stride, padding, dilation):
    """Shapes first (the size guard runs before any copy), then float64 copies."""
    x, x_shape = array_shape("x", x, 4)
    w, w_shape = array_shape("w", w, 6)
    if w_shape[3] != x_shape[1]:
        raise ValueError(
            f"w must have C_in={x_shape[1]} input channels to match x of shape {x_shape} "
            f"(w is (H_out, W_out, C_out, C_in, kh, kw)), got w of shape {w_shape}"
        )
    stride = as_pair("stride", stride, 1)
    padding = as_pair("padding", padding, 0)
    dilation = as_pair("dilation", dilation, 1)
    out_hw = tuple(
        output_size(x_shape[2 + a], w_shape[4 + a], stride[a], padding[a], dilation[a]) for a in range(2)
    )
    if tuple(w_shape[:2]) != out_hw:
        raise ValueError(
            f"w must have one kernel per output position: its first two axes must be (H_out, W_out) = "
            f"{out_hw} for x of shape {x_shape}, stride {stride}, padding {padding}, dilation {dilation}, "
            f"got w of shape {w_shape}"
        )
    require_size(
        f"the locally connected layer on x {tuple(x_shape)} with w {tuple(w_shape)} (im2col)",
        _layer_bytes(x_shape, w_shape, padding),
    )
    x = as_float_array("x", x, 4)
    w = as_float_array("w", w, 6)
    if b is None:
        b = np.zeros(w.shape[:3])
    else:
        b = as_float_array("b", b, 3)
        require_shape("b", b, w.shape[:3])
    return x, w, b, stride, padding, dilation, out_hw


def lc_forward(x, w, b=None, *, stride=1, padding=0, dilation=1):
    """Forward pass of the locally connected layer.

    x: ``(N, C_in, H, W)``; w: ``(H_out, W_out, C_out, C_in, kh, kw)``; b: ``(H_out, W_out, C_out)``
    or None. stride, padding, dilation: an int or a ``(rows, cols)`` pair.
    Returns ``(out, cache)`` with out ``(N, C_out, H_out, W_out)``; the cache holds copies.
    """
    x, w, b, stride, padding, dilation, _ = _validate(x, w, b, stride, padding, dilation)
    return lc_forward_unchecked(x, w, b, stride, padding, dilation)


def lc_forward_unchecked(x, w, b, stride, padding, dilation):
    """:func:`lc_forward` on checked arguments (float64 arrays of agreeing shapes, pairs): the
    training loop calls it at every step. Nothing is copied: the cache holds ``x`` and ``w``."""
    n = x.shape[0]
    oh, ow, c_out, c_in, kh, kw = w.shape
    cols = im2col_unchecked(x, (kh, kw), stride, padding, dilation, (oh, ow))  # (K, N*P)
    k, p = c_in * kh * kw, oh * ow
    # (P, N, K): each position's patches, contiguous so that each product is one BLAS call
    patches = np.ascontiguousarray(cols.reshape(k, n, p).transpose(2, 1, 0))
    y = patches @ w.reshape(p, c_out, k).transpose(0, 2, 1)  # (P, N, C_out): one FC layer per position
    y += b.reshape(p, 1, c_out)
    out = np.ascontiguousarray(y.transpose(1, 2, 0)).reshape(n, c_out, oh, ow)
    return out, LocalCache(x, w, stride, padding, dilation, cols)


def _require_cache(cache) -> LocalCache:
    if not isinstance(cache, LocalCache):
        raise TypeError(f"cache must be the LocalCache returned by lc_forward, got {type(cache).__name__}")
    x, w, _, stride, padding, dilation, (oh, ow) = _validate(cache.x, cache.w, None, *cache[2:5])
    cols = cache.cols
    if cols is not None:
        if not isinstance(cols, np.ndarray) or cols.dtype != np.float64:
            raise TypeError(f"cache.cols must be lc_forward's float64 array, got {type(cols).__name__}")
        require_shape("cache.cols", cols, (w[0, 0, 0].size, x.shape[0] * oh * ow))
    return LocalCache(x, w, stride, padding, dilation, cols)


def lc_backward(dout, cache: LocalCache):
    """Backward pass: ``dout`` ``(N, C_out, H_out, W_out)`` and the cache of :func:`lc_forward`.

    Returns ``(dx, dw, db)`` with the shapes of x, w and b.
    """
    cache = _require_cache(cache)
    x, w = cache.x, cache.w
    dout, dout_shape = array_shape("dout", dout, 4)
    oh, ow, c_out, c_in, kh, kw = w.shape
    cols = c_in * kh * kw * x.shape[0] * oh * ow
    padded = x.shape[0] * c_in * (x.shape[2] + 2 * cache.padding[0]) * (x.shape[3] + 2 * cache.padding[1])
    # the checked copies of x and w, two copies of dout, dW (w's size), the patches by position,
    # their gradient and its contiguous copy, the padded dx (and im2col for a cache made by hand)
    n_cols = 3 if cache.cols is not None else 4
    values = 2 * x.size + 2 * w.size + 2 * math.prod(dout_shape) + n_cols * cols + padded
    require_size(f"the backward pass of the locally connected layer on x {x.shape}", 8 * values)
    dout = as_float_array("dout", dout, 4)
    require_shape("dout", dout, (x.shape[0], c_out, oh, ow))
    return lc_backward_unchecked(dout, cache)


def lc_backward_unchecked(dout, cache: LocalCache):
    """:func:`lc_backward` on a checked float64 ``dout`` and a cache of :func:`lc_forward_unchecked`."""
    x, w, stride, padding, dilation, cols = cache
    oh, ow, c_out, c_in, kh, kw = w.shape
    n, k, p = x.shape[0], c_in * kh * kw, oh * ow
    if cols is None:  # a cache made by hand
        cols = im2col_unchecked(x, (kh, kw), stride, padding, dilation, (oh, ow))
    patches = np.ascontiguousarray(cols.reshape(k, n, p).transpose(2, 1, 0))  # (P, N, K)
    dy = np.ascontiguousarray(dout.reshape(n, c_out, p).transpose(2, 0, 1))  # (P, N, C_out)
    dw = (dy.transpose(0, 2, 1) @ patches).reshape(w.shape)  # per position: dY^T @ patches, no sum over P
    db = dy.sum(axis=1).reshape(oh, ow, c_out)
    dpatches = dy @ w.reshape(p, c_out, k)  # (P, N, K)
    dcols = np.ascontiguousarray(dpatches.transpose(2, 1, 0)).reshape(k, n * p)
    dx = col2im_unchecked(dcols, x.shape, (kh, kw), stride, padding, dilation, (oh, ow))
    return dx, dw, db


def lc_forward_loop(x, w, b=None, *, stride=1, padding=0, dilation=1) -> np.ndarray:
    """Plain-loop forward pass; same arguments as :func:`lc_forward`, returns only ``out``."""
    x, w, b, (sh, sw), padding, (dh, dw), (oh, ow) = _validate(x, w, b, stride, padding, dilation)
    xp = pad_unchecked(x, padding)
    _, _, c_out, c_in, kh, kw = w.shape
    out = np.zeros((x.shape[0], c_out, oh, ow))
    for n in range(x.shape[0]):
        for o in range(c_out):
            for i in range(oh):
                for j in range(ow):
                    total = b[i, j, o]
                    for c in range(c_in):
                        for p in range(kh):
                            for q in range(kw):
                                total += xp[n, c, i * sh + p * dh, j * sw + q * dw] * w[i, j, o, c, p, q]
                    out[n, o, i, j] = total
    return out


def lc_backward_loop(dout, x, w, *, stride=1, padding=0, dilation=1):
    """Plain-loop backward pass: returns ``(dx, dw, db)`` like :func:`lc_backward`."""
    x, w, b, (sh, sw), padding, (dh, dw_), (oh, ow) = _validate(x, w, None, stride, padding, dilation)
    dout = as_float_array("dout", dout, 4)
    require_shape("dout", dout, (x.shape[0], w.shape[2], oh, ow))
    xp = pad_unchecked(x, padding)
    dxp, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros_like(b)
    _, _, c_out, c_in, kh, kw = w.shape
    for n in range(x.shape[0]):
        for o in range(c_out):
            for i in range(oh):
                for j in range(ow):
                    g = dout[n, o, i, j]
                    db[i, j, o] += g
                    for c in range(c_in):
                        for p in range(kh):
                            for q in range(kw):
                                r, s = i * sh + p * dh, j * sw + q * dw_
                                dw[i, j, o, c, p, q] += g * xp[n, c, r, s]  # one product per example
                                dxp[n, c, r, s] += g * w[i, j, o, c, p, q]
    ph, pw = padding
    return dxp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]], dw, db


def tied_weights(kernel, bias, out_hw) -> tuple[np.ndarray, np.ndarray]:
    """The locally connected weights of a convolution: ``kernel`` ``(C_out, C_in, kh, kw)`` and
    ``bias`` ``(C_out,)`` copied to every position of an ``out_hw = (H_out, W_out)`` output.

    Returns ``(w, b)`` of shapes ``(H_out, W_out, C_out, C_in, kh, kw)`` and ``(H_out, W_out, C_out)``:
    with them :func:`lc_forward` computes the convolution.
    """
    kernel = as_float_array("kernel", kernel, 4)
    bias = as_float_array("bias", bias, 1)
    require_shape("bias", bias, kernel.shape[:1])
    oh, ow = as_pair("out_hw", out_hw, 1)
    require_size(f"{oh}x{ow} copies of a kernel {kernel.shape}", 8 * oh * ow * (kernel.size + bias.size))
    return (
        np.broadcast_to(kernel, (oh, ow, *kernel.shape)).copy(),
        np.broadcast_to(bias, (oh, ow, bias.size)).copy(),
    )


# --- the matrix view ------------------------------------------------------------------------------


def _matrix_geometry(w_shape, input_shape, stride, padding, dilation):
    """The convolution geometry of a locally connected layer (its windows are the convolution's)."""
    if not isinstance(w_shape, (tuple, list)) or len(w_shape) != 6:
        raise ValueError(f"w_shape must be (H_out, W_out, C_out, C_in, kh, kw), got {w_shape!r}")
    oh, ow, c_out, c_in, kh, kw = w_shape
    g = conv_geometry((c_out, c_in, kh, kw), input_shape, stride=stride, padding=padding, dilation=dilation)
    if (oh, ow) != g.output:
        raise ValueError(
            f"w_shape must start with the output size (H_out, W_out) = {g.output} for input_shape "
            f"{tuple(input_shape)}, got {tuple(w_shape)}"
        )
    return g


def _require_matrix_size(g) -> None:
    """The size guard of the matrix and its index: the index, the matrix and a temporary per cell."""
    require_size(f"the {g.rows:,} x {g.cols:,} locally connected matrix", 26 * g.rows * g.cols)


def local_matrix_index(w_shape, input_shape, *, stride=1, padding=0, dilation=1) -> np.ndarray:
    """Which weight sits in each cell of ``M``: ``np.intp`` ``(C_out*H_out*W_out, C_in*H*W)``.

    w_shape: ``(H_out, W_out, C_out, C_in, kh, kw)``; input_shape: ``(C_in, H, W)``. A cell holds the
    flat index of its weight in ``w.ravel()`` or ``-1`` where ``M`` is zero. Rows and columns are in
    the order of ``out.ravel()`` and ``x.ravel()`` for one image, as in
    :func:`lessons_code.matrix_view.conv_matrix_index`; the nonzero cells are the same, and no two
    cells hold the same weight.
    """
    g = _matrix_geometry(w_shape, input_shape, stride, padding, dilation)
    _require_matrix_size(g)
    (kh, kw), ow = g.kernel, g.output[1]
    return window_index_unchecked(
        g, lambda o, c, p, q, i, j: ((((i * ow + j) * g.c_out + o) * g.c_in + c) * kh + p) * kw + q
    )


def local_matrix(w, input_shape, *, stride=1, padding=0, dilation=1) -> np.ndarray:
    """The dense ``M`` with ``M @ x.ravel() == lc_forward(x[None], w)[0].ravel()`` (no bias).

    w: ``(H_out, W_out, C_out, C_in, kh, kw)``; input_shape: ``(C_in, H, W)``.
    """
    w = as_float_array("w", w, 6)
    index = local_matrix_index(w.shape, input_shape, stride=stride, padding=padding, dilation=dilation)
    return np.where(index >= 0, w.ravel()[np.maximum(index, 0)], 0.0)


def local_products_per_weight(w_shape, input_shape, *, stride=1, padding=0, dilation=1) -> np.ndarray:
    """How many products ``dy * x`` each weight's gradient sums for one example: ``(H_out, W_out,
    kh, kw)`` ints, 1 where the tap reads a real pixel and 0 where it reads the padding (compare
    :func:`lessons_code.matrix_view.products_per_weight`, which sums these over the positions)."""
    g = _matrix_geometry(w_shape, input_shape, stride, padding, dilation)
    (kh, kw), (h, w), (oh, ow) = g.kernel, g.input, g.output
    require_size("the products per weight", 24 * oh * ow * kh * kw)  # a bool, two temporaries, the ints
    i, j, p, q = np.indices((oh, ow, kh, kw), sparse=True)
    r = i * g.stride[0] + p * g.dilation[0] - g.padding[0]
    s = j * g.stride[1] + q * g.dilation[1] - g.padding[1]
    return ((r >= 0) & (r < h) & (s >= 0) & (s < w)).astype(np.intp)
