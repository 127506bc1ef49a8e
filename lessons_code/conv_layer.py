"""The general 2-D convolution layer on batches, with stride, padding and dilation.

Shapes:

* ``x``    -- ``(N, C_in, H, W)``         a batch of images
* ``w``    -- ``(C_out, C_in, kh, kw)``   one kernel per (output, input) channel pair
* ``b``    -- ``(C_out,)``                one bias per output channel
* ``out``, ``dout`` -- ``(N, C_out, H_out, W_out)``

with, per spatial axis (:func:`output_size`)::

    H_out = floor((H + 2 * padding - dilation * (kh - 1) - 1) / stride) + 1

Forward (valid cross-correlation of the zero-padded input ``xp``)::

    out[n, o, i, j] = b[o] + sum_{c, p, q} xp[n, c, i*s + p*d, j*s + q*d] * w[o, c, p, q]

Backward (each term of the sum sends ``dout[n, o, i, j]`` back to its two factors)::

    dw[o, c, p, q]                   = sum_{n, i, j} dout[n, o, i, j] * xp[n, c, i*s + p*d, j*s + q*d]
    dxp[n, c, i*s + p*d, j*s + q*d] += sum_o dout[n, o, i, j] * w[o, c, p, q]
    db[o]                            = sum_{n, i, j} dout[n, o, i, j]

and ``dx`` is ``dxp`` with the padding cut off. The API follows the
forward/backward pair of CS231n: ``conv_forward`` returns ``(out, cache)`` and
``conv_backward(dout, cache)`` returns ``(dx, dw, db)``.

How it computes (im2col): every receptive field becomes one column of a matrix ``cols``
(:func:`im2col`, shape ``(C_in*kh*kw, N*H_out*W_out)``), so the layer is an FC layer applied to
every patch with the same weights::

    Y = W_flat @ cols          dW_flat = dY @ cols.T          dcols = W_flat.T @ dY

with ``Y``, ``dY`` of shape ``(C_out, N*H_out*W_out)`` (``out`` and ``dout`` with the channel axis
first) and ``W_flat = w.reshape(C_out, -1)`` of shape ``(C_out, C_in*kh*kw)``. Row ``(c, p, q)``
of ``cols`` is what tap ``(p, q)`` of channel ``c`` reads; the rows of one kernel tap, over all the
channels, are filled by one strided copy of the padded input, and :func:`col2im` (the adjoint of
:func:`im2col`) adds them back with one strided addition.

The forward pass keeps ``cols`` in the cache, so the backward pass reuses it instead of copying
every patch again (7-13 % of a forward + backward on the shapes of ``benchmarks/bench_kernels.py``).
The price is memory: ``cols``, about ``kh*kw/(s_h*s_w)`` times the size of ``x``, lives from the
forward to the backward pass, and the backward pass allocates ``dcols`` of the same size beside it.

**Groups** (``groups=g``, PyTorch's ``Conv2d(groups=g)``): the input channels and the output
channels are split into ``g`` equal blocks, and output channel ``o`` reads only the input channels of
its block, so ``w`` has shape ``(C_out, C_in / g, kh, kw)`` and block ``b = o // (C_out / g)``::

    out[n, o, i, j] = b[o] + sum_{c < C_in/g, p, q} xp[n, b*C_in/g + c, i*s + p*d, j*s + q*d] * w[o, c, p, q]

``groups=C_in`` with ``C_out = C_in`` is the *depthwise* convolution (one kernel per channel); a
depthwise layer followed by a 1x1 convolution is the *depthwise-separable* block. In the im2col form
each group is its own FC layer on the rows of ``cols`` that belong to its channels; the matrix ``M``
of the layer is block-diagonal over the groups. ``groups=1`` (the default) is the ordinary layer.

``conv_forward_loop`` and ``conv_backward_loop`` are the same sums as plain loops, kept for
reading and for the tests.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._checks import array_shape, as_float_array, as_pair, require_int, require_shape, require_size


class ConvCache(NamedTuple):
    """What :func:`conv_backward` needs from the forward pass.

    ``cols`` is ``im2col`` of ``x`` (``(C_in*kh*kw, N*H_out*W_out)``), kept so that the backward
    pass does not build it again; a cache made by hand may leave it out (``None``).
    """

    x: np.ndarray
    w: np.ndarray
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    cols: np.ndarray | None = None
    groups: int = 1


def output_size(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Output length along one axis: ``floor((n + 2p - d(k - 1) - 1) / s) + 1``.

    n, k, stride, dilation: ints >= 1; padding: an int >= 0 (``TypeError`` for anything but an
    int, ``ValueError`` out of range). Raises ``ValueError`` when the dilated kernel does not fit
    in the padded input.
    """
    n, k = require_int("n", n, 1), require_int("k", k, 1)
    stride, padding = require_int("stride", stride, 1), require_int("padding", padding, 0)
    dilation = require_int("dilation", dilation, 1)
    span = dilation * (k - 1) + 1
    if n + 2 * padding < span:
        raise ValueError(
            f"the kernel spans {span} pixels (k={k}, dilation={dilation}) but the padded input "
            f"has only {n + 2 * padding} (n={n}, padding={padding})"
        )
    return (n + 2 * padding - span) // stride + 1


def require_groups(groups, c_in: int, c_out: int) -> int:
    """``groups`` as an int ``>= 1`` that divides both ``C_in`` and ``C_out`` (else a named error)."""
    groups = require_int("groups", groups, 1)
    if c_in % groups or c_out % groups:
        raise ValueError(f"groups must divide C_in={c_in} and C_out={c_out}, got groups={groups}")
    return groups


def _validate(x, w, b, stride, padding, dilation, groups=1):
    # shapes and sizes first, from the arrays' shapes: the size guard runs before any copy
    x, x_shape = array_shape("x", x, 4)
    w, w_shape = array_shape("w", w, 4)
    groups = require_int("groups", groups, 1)
    if w_shape[1] * groups != x_shape[1]:
        per = f"C_in / groups = {x_shape[1]} / {groups}" if groups != 1 else f"C_in={x_shape[1]}"
        raise ValueError(
            f"w must have {per} input channels to match x of shape {x_shape} "
            f"(w is (C_out, C_in / groups, kh, kw)), got w of shape {w_shape}"
        )
    groups = require_groups(groups, x_shape[1], w_shape[0])
    stride = as_pair("stride", stride, 1)
    padding = as_pair("padding", padding, 0)
    dilation = as_pair("dilation", dilation, 1)
    out_hw = tuple(
        output_size(x_shape[2 + a], w_shape[2 + a], stride[a], padding[a], dilation[a]) for a in range(2)
    )
    _require_layer_size(x_shape, (w_shape[0], x_shape[1], *w_shape[2:]), padding, out_hw)
    x = as_float_array("x", x, 4)
    w = as_float_array("w", w, 4)
    if b is None:
        b = np.zeros(w.shape[0])
    else:
        b = as_float_array("b", b, 1)
        require_shape("b", b, (w.shape[0],))
    return x, w, b, stride, padding, dilation, out_hw, groups


def _layer_bytes(x_shape, w_shape, padding, out_hw) -> int:
    """The peak of :func:`conv_forward` in float64 bytes: the copies of x and w, the im2col matrix,
    and the larger of the padded input (while im2col runs) and the product plus the output."""
    n, c, h, w = x_shape
    c_out, _, kh, kw = w_shape
    positions = n * out_hw[0] * out_hw[1]
    padded = n * c * (h + 2 * padding[0]) * (w + 2 * padding[1])
    values = (
        n * c * h * w + c_out * c * kh * kw + c * kh * kw * positions + max(padded, 2 * c_out * positions)
    )
    return 8 * values


def _require_layer_size(x_shape, w_shape, padding, out_hw) -> None:
    """The size guard of the layer (``_layer_bytes``), from shapes only."""
    require_size(
        f"the conv layer on x {tuple(x_shape)} with w {tuple(w_shape)} (im2col)",
        _layer_bytes(x_shape, w_shape, padding, out_hw),
    )


def require_cache(cache) -> ConvCache:
    """A :class:`ConvCache` as conv_forward makes it (one built by hand is validated like the inputs)."""
    if not isinstance(cache, ConvCache):
        raise TypeError(f"cache must be the ConvCache returned by conv_forward, got {type(cache).__name__}")
    x, w, _, stride, padding, dilation, (oh, ow), groups = _validate(
        cache.x, cache.w, None, *cache[2:5], cache.groups
    )
    cols = cache.cols
    if cols is not None:  # checked, not copied: it is the forward pass's own array
        if not isinstance(cols, np.ndarray) or cols.dtype != np.float64:
            raise TypeError(f"cache.cols must be conv_forward's float64 array, got {type(cols).__name__}")
        require_shape("cache.cols", cols, (w[0].size * groups, x.shape[0] * oh * ow))
    return ConvCache(x, w, stride, padding, dilation, cols, groups)


def pad_unchecked(x: np.ndarray, padding: tuple[int, int]) -> np.ndarray:
    """``x`` with ``padding`` zeros on both sides of its last two axes."""
    ph, pw = padding
    xp = np.zeros((*x.shape[:-2], x.shape[-2] + 2 * ph, x.shape[-1] + 2 * pw))
    xp[..., ph : ph + x.shape[-2], pw : pw + x.shape[-1]] = x
    return xp


def _out_hw(x_shape, kernel_shape, stride, padding, dilation) -> tuple[int, int]:
    """:func:`output_size` of both spatial axes, on checked pairs (no checks here)."""
    return tuple(
        (x_shape[2 + a] + 2 * padding[a] - dilation[a] * (kernel_shape[a] - 1) - 1) // stride[a] + 1
        for a in range(2)
    )


def _taps(kernel_shape, stride, dilation, out_hw):
    """For every kernel tap ``(p, q)``: the slices of the padded input that it reads.

    Tap ``(p, q)`` of output position ``(i, j)`` reads padded pixel ``(i*s + p*d, j*s + q*d)``,
    so over all positions it reads rows ``p*d, p*d + s, ..., p*d + s*(H_out - 1)`` (same for columns).
    """
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel_shape, stride, dilation, out_hw
    for p in range(kh):
        for q in range(kw):
            rows = slice(p * dh, p * dh + sh * (oh - 1) + 1, sh)
            cols = slice(q * dw, q * dw + sw * (ow - 1) + 1, sw)
            yield p, q, rows, cols


def _geometry(x_shape, kernel_shape, stride, padding, dilation):
    """Checked ``(kh, kw), stride, padding, dilation, (H_out, W_out)``; raises if the kernel does not fit."""
    kernel_shape = as_pair("kernel_shape", kernel_shape, 1)
    stride, padding, dilation = (
        as_pair("stride", stride, 1),
        as_pair("padding", padding, 0),
        as_pair("dilation", dilation, 1),
    )
    out_hw = tuple(
        output_size(x_shape[2 + a], kernel_shape[a], stride[a], padding[a], dilation[a]) for a in range(2)
    )
    _require_layer_size(x_shape, (1, x_shape[1], *kernel_shape), padding, out_hw)  # raises if too big
    return kernel_shape, stride, padding, dilation, out_hw


def im2col(x, kernel_shape, *, stride=1, padding=0, dilation=1) -> np.ndarray:
    """Every receptive field of ``x`` as a column: ``(C_in*kh*kw, N*H_out*W_out)``.

    x: ``(N, C_in, H, W)``; kernel_shape: ``(kh, kw)``. Row ``(c, p, q)`` (row-major, the order of
    ``w.reshape(C_out, -1)``) holds the pixel that tap ``(p, q)`` of channel ``c`` reads; column
    ``(n, i, j)`` is output position ``(i, j)`` of image ``n``::

        cols[(c, p, q), (n, i, j)] = xp[n, c, i*s + p*d, j*s + q*d]

    Taps that land on the padding read 0. One strided copy per kernel tap fills the rows
    ``(:, p, q)`` for every channel, image and position at once.
    """
    x, x_shape = array_shape("x", x, 4)
    kernel_shape, stride, padding, dilation, out_hw = _geometry(
        x_shape, kernel_shape, stride, padding, dilation
    )
    x = as_float_array("x", x, 4)
    return im2col_unchecked(x, kernel_shape, stride, padding, dilation, out_hw)


def im2col_unchecked(x, kernel_shape, stride, padding, dilation, out_hw) -> np.ndarray:
    """:func:`im2col` on checked arguments (the layer calls it: no second copy of ``x``)."""
    (n, c), (kh, kw), (oh, ow) = x.shape[:2], kernel_shape, out_hw
    xp = pad_unchecked(
        x.transpose(1, 0, 2, 3), padding
    )  # (C_in, N, H + 2ph, W + 2pw): channel first, like the rows
    cols = np.empty((c, kh, kw, n, oh, ow))
    for p, q, rows, cs in _taps(kernel_shape, stride, dilation, out_hw):
        cols[:, p, q] = xp[:, :, rows, cs]
    return cols.reshape(c * kh * kw, n * oh * ow)


def col2im(dcols, x_shape, kernel_shape, *, stride=1, padding=0, dilation=1) -> np.ndarray:
    """The adjoint of :func:`im2col`: add every column back onto the pixels it was read from.

    dcols: ``(C_in*kh*kw, N*H_out*W_out)``; x_shape: ``(N, C_in, H, W)``. Returns ``(N, C_in, H, W)``::

        dx[n, c, r, t] = sum of dcols[(c, p, q), (n, i, j)] over every (p, q, i, j) with
                         (i*s + p*d, j*s + q*d) = (r + ph, t + pw)

    (entries that read the padding are dropped with it). One strided addition per kernel tap.
    """
    if not isinstance(x_shape, (tuple, list)) or len(x_shape) != 4:
        raise ValueError(f"x_shape must be a tuple (N, C_in, H, W), got {x_shape!r}")
    n, c, h, w = (require_int("x_shape", v, 1) for v in x_shape)
    (kh, kw), stride, padding, dilation, (oh, ow) = _geometry(
        (n, c, h, w), kernel_shape, stride, padding, dilation
    )
    dcols = as_float_array("dcols", dcols, 2)
    require_shape("dcols", dcols, (c * kh * kw, n * oh * ow))
    return col2im_unchecked(dcols, (n, c, h, w), (kh, kw), stride, padding, dilation, (oh, ow))


def col2im_unchecked(dcols, x_shape, kernel_shape, stride, padding, dilation, out_hw) -> np.ndarray:
    """:func:`col2im` on checked arguments (the layer calls it: no copy of ``dcols``)."""
    (n, c, h, w), (kh, kw), (ph, pw) = x_shape, kernel_shape, padding
    d = dcols.reshape(c, kh, kw, n, *out_hw)
    dxp = np.zeros((c, n, h + 2 * ph, w + 2 * pw))
    for p, q, rows, cs in _taps(kernel_shape, stride, dilation, out_hw):
        dxp[:, :, rows, cs] += d[:, p, q]
    return np.ascontiguousarray(dxp[:, :, ph : ph + h, pw : pw + w].transpose(1, 0, 2, 3))


def ungroup_weights(w, groups: int) -> np.ndarray:
    """The weights of a grouped layer as those of an ordinary one: ``(C_out, C_in / groups, kh, kw)``
    -> ``(C_out, C_in, kh, kw)``, zero wherever output channel ``o`` does not read input channel ``c``
    (``c`` outside ``o``'s group). ``conv_forward(x, ungroup_weights(w, g))`` equals
    ``conv_forward(x, w, groups=g)``; its matrix ``M`` is block-diagonal over the groups."""
    w, w_shape = array_shape("w", w, 4)
    groups = require_groups(groups, w_shape[1] * require_int("groups", groups, 1), w_shape[0])
    require_size(f"the ungrouped weights of w {w_shape}", 8 * math.prod(w_shape) * (groups + 1))
    w = as_float_array("w", w, 4)
    c_out, c_g = w.shape[:2]
    og = c_out // groups
    dense = np.zeros((c_out, c_g * groups, *w.shape[2:]))
    for g in range(groups):
        dense[g * og : (g + 1) * og, g * c_g : (g + 1) * c_g] = w[g * og : (g + 1) * og]
    return dense


def _w_flat(w: np.ndarray) -> np.ndarray:
    """``(C_out, C_in, kh, kw)`` -> ``(C_out, C_in*kh*kw)``: one row per output channel, in the row
    order of ``cols``."""
    return w.reshape(w.shape[0], -1)


def conv_forward(x, w, b=None, *, stride=1, padding=0, dilation=1, groups=1):
    """Forward pass of the batched conv layer (im2col: one matrix product for the whole batch).

    x: ``(N, C_in, H, W)``; w: ``(C_out, C_in / groups, kh, kw)``; b: ``(C_out,)`` or None.
    stride, padding, dilation: an int or a ``(rows, cols)`` pair; groups: an int dividing
    ``C_in`` and ``C_out`` (one matrix product per group).
    Returns ``(out, cache)`` with out: ``(N, C_out, H_out, W_out)``.
    The cache holds float64 *copies* of ``x`` and ``w`` (every public function copies its array
    arguments, see :mod:`lessons_code`) and ``cols``: changing ``x`` or ``w`` after the forward
    pass does not change what :func:`conv_backward` returns.
    """
    x, w, b, stride, padding, dilation, _, groups = _validate(x, w, b, stride, padding, dilation, groups)
    return conv_forward_unchecked(x, w, b, stride, padding, dilation, groups)


def conv_forward_unchecked(x, w, b, stride, padding, dilation, groups=1):
    """:func:`conv_forward` on checked arguments, for callers inside the package that checked them
    once (the training loop, the backward rules): float64 ``x`` and ``w``, ``b`` of shape
    ``(C_out,)``, and ``(rows, cols)`` pairs. Nothing is copied: the cache holds ``x`` and ``w``."""
    n, c_out = x.shape[0], w.shape[0]
    oh, ow = _out_hw(x.shape, w.shape[2:], stride, padding, dilation)
    cols = im2col_unchecked(
        x, w.shape[2:], stride, padding, dilation, (oh, ow)
    )  # (C_in*kh*kw, N*H_out*W_out)
    if groups == 1:
        y = _w_flat(w) @ cols  # (C_out, N*H_out*W_out): one FC layer, every patch
    else:  # one FC layer per group, on the rows of cols that hold its input channels
        y = np.concatenate([wg @ cg for wg, cg in zip(*_split(w, cols, groups), strict=True)])
    out = np.empty((n, c_out, oh, ow))
    np.add(y.reshape(c_out, n, oh, ow).transpose(1, 0, 2, 3), b[:, None, None], out=out)
    return out, ConvCache(x, w, stride, padding, dilation, cols, groups)


def _grouped_grads(w: np.ndarray, cols: np.ndarray, dy: np.ndarray, groups: int):
    """``dw`` and ``dcols`` of a grouped layer: each group's FC gradients on its rows of ``cols``."""
    w_groups, col_groups = _split(w, cols, groups)
    dy_groups = np.split(dy, groups)
    dw = np.concatenate([dg @ cg.T for dg, cg in zip(dy_groups, col_groups, strict=True)])
    dcols = np.concatenate([wg.T @ dg for wg, dg in zip(w_groups, dy_groups, strict=True)])
    return dw.reshape(w.shape), dcols


def _split(w: np.ndarray, cols: np.ndarray, groups: int):
    """Per group: the rows of ``W_flat`` (its output channels) and the rows of ``cols`` (its input
    channels' taps), as views."""
    og, kg = w.shape[0] // groups, w[0].size
    w_flat = _w_flat(w)
    return (
        [w_flat[g * og : (g + 1) * og] for g in range(groups)],
        [cols[g * kg : (g + 1) * kg] for g in range(groups)],
    )


def conv_backward(dout, cache: ConvCache):
    """Backward pass of the batched conv layer (im2col: the FC gradients with patches as the batch).

    dout: ``(N, C_out, H_out, W_out)``; cache: from :func:`conv_forward`.
    Returns ``(dx, dw, db)`` with the shapes of x, w and ``(C_out,)``.
    """
    cache = require_cache(cache)
    x, w = cache.x, cache.w
    dout, dout_shape = array_shape("dout", dout, 4)
    # the copies of x (two: the cache's check and dx) and of dout (two: dy), dcols, the padded dx
    padded = (
        x.shape[0] * x.shape[1] * (x.shape[2] + 2 * cache.padding[0]) * (x.shape[3] + 2 * cache.padding[1])
    )
    cols = x.shape[1] * w[0, 0].size * math.prod(dout_shape) // w.shape[0]
    values = 2 * x.size + 2 * math.prod(dout_shape) + cols * (1 if cache.cols is not None else 2) + padded
    require_size(f"the backward pass of the conv layer on x {x.shape}", 8 * values)
    dout = as_float_array("dout", dout, 4)
    require_shape("dout", dout, (x.shape[0], w.shape[0], *_out_hw(x.shape, w.shape[2:], *cache[2:5])))
    return conv_backward_unchecked(dout, cache)


def conv_backward_unchecked(dout, cache: ConvCache):
    """:func:`conv_backward` on a checked float64 ``dout`` and a cache from :func:`conv_forward` or
    :func:`conv_forward_unchecked` (the training loop calls it at every step)."""
    x, w, stride, padding, dilation, cols, groups = cache
    c_out, _, kh, kw = w.shape
    geometry = (stride, padding, dilation, _out_hw(x.shape, (kh, kw), stride, padding, dilation))
    if cols is None:  # a cache made by hand
        cols = im2col_unchecked(x, (kh, kw), *geometry)
    dy = dout.transpose(1, 0, 2, 3).reshape(c_out, -1)  # (C_out, N*H_out*W_out)
    db = dy.sum(axis=1)
    if groups == 1:
        # FC gradients, the patches as the batch, summed over the patches
        dw = (cols @ dy.T).T.reshape(w.shape)  # = dY @ cols.T, fast in BLAS
        dcols = _w_flat(w).T @ dy  # the input gradient of every patch
    else:  # the same per group, on its own rows of cols and of dY
        dw, dcols = _grouped_grads(w, cols, dy, groups)
    # back onto the pixels
    dx = col2im_unchecked(dcols, x.shape, (kh, kw), *geometry)
    return dx, dw, db


def conv_forward_loop(x, w, b=None, *, stride=1, padding=0, dilation=1, groups=1) -> np.ndarray:
    """Plain-loop forward pass; same arguments as :func:`conv_forward`, returns only ``out``."""
    x, w, b, (sh, sw), padding, (dh, dw), (oh, ow), groups = _validate(
        x, w, b, stride, padding, dilation, groups
    )
    xp = pad_unchecked(x, padding)
    n_batch, _, _, _ = x.shape
    c_out, c_in, kh, kw = w.shape
    out = np.zeros((n_batch, c_out, oh, ow))
    for n in range(n_batch):
        for o in range(c_out):
            for i in range(oh):
                for j in range(ow):
                    total = b[o]
                    first = (o // (c_out // groups)) * c_in  # the first input channel of o's group
                    for c in range(c_in):  # c_in = C_in / groups: the channels of o's group
                        for p in range(kh):
                            for q in range(kw):
                                total += xp[n, first + c, i * sh + p * dh, j * sw + q * dw] * w[o, c, p, q]
                    out[n, o, i, j] = total
    return out


def conv_backward_loop(dout, x, w, *, stride=1, padding=0, dilation=1, groups=1):
    """Plain-loop backward pass: returns ``(dx, dw, db)`` like :func:`conv_backward`."""
    x, w, _, (sh, sw), padding, (dh, dw_), (oh, ow), groups = _validate(
        x, w, None, stride, padding, dilation, groups
    )
    dout = as_float_array("dout", dout, 4)
    require_shape("dout", dout, (x.shape[0], w.shape[0], oh, ow))
    xp = pad_unchecked(x, padding)
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.zeros(w.shape[0])
    n_batch = x.shape[0]
    c_out, c_in, kh, kw = w.shape
    for n in range(n_batch):
        for o in range(c_out):
            for i in range(oh):
                for j in range(ow):
                    g = dout[n, o, i, j]
                    db[o] += g
                    first = (o // (c_out // groups)) * c_in  # the first input channel of o's group
                    for c in range(c_in):
                        for p in range(kh):
                            for q in range(kw):
                                r, s = i * sh + p * dh, j * sw + q * dw_
                                dw[o, c, p, q] += g * xp[n, first + c, r, s]
                                dxp[n, first + c, r, s] += g * w[o, c, p, q]
    ph, pw = padding
    return dxp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]], dw, db
