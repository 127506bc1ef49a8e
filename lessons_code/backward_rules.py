"""The backward pass of the general conv layer, written as convolutions.

:func:`lessons_code.conv_layer.conv_backward` computes the gradients with im2col. This module
writes the same gradients as the rules a reader can state in one line each, for a layer with
stride ``s``, zero padding ``p`` and dilation ``d`` (per axis), ``x: (N, C_in, H, W)``,
``w: (C_out, C_in, kh, kw)`` and ``dout: (N, C_out, H_out, W_out)``:

* **weight gradient**: ``dw[o, c] = xp[:, c] ⋆ dilate(dout[:, o], s)`` sampled every ``d`` pixels,
  summed over the batch -- a valid cross-correlation of the padded input with the upstream
  gradient, in which stride and dilation swap roles (:func:`weight_grad_as_conv`);
* **input gradient**: ``dx[n, c] = crop_p(sum_o full_conv(dilate(dout[n, o], s), dilate(w[o, c], d)))``,
  zero-filled at the bottom/right where no window reads (:func:`input_grad_as_conv`);
* **bias gradient**: ``db[o] = sum_{n, i, j} dout[n, o, i, j]`` (:func:`bias_grad`).

``dilate(a, s)`` inserts ``s - 1`` zeros between neighbouring entries (:func:`dilate`).

The input gradient is what frameworks call a **transposed convolution** (also "deconvolution",
the upsampling layer of decoders): :func:`transposed_conv` is that layer, with PyTorch's
``ConvTranspose2d`` sizes, and ``conv_backward``'s ``dx`` is ``transposed_conv(dout, w, ...)``
with ``output_padding = (H + 2p - d(k - 1) - 1) mod s``.

:func:`strided_backward_frames` is the data of the book's stride-2 animation: one output unit's
gradient at a time, scattered onto its window.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._checks import array_shape, as_float_array, as_pair, as_shape, require_int, require_shape, require_size
from .conv_layer import (
    col2im_unchecked,
    conv_forward_unchecked,
    im2col_unchecked,
    output_size,
    pad_unchecked,
)
from .fc import fc_backward_batch_unchecked


def dilate(a, factor) -> np.ndarray:
    """Insert ``factor - 1`` zeros between neighbouring entries of the last two axes.

    a: ``(..., H, W)``; factor: an int or a ``(rows, cols)`` pair, each ``>= 1``.
    Returns ``(..., factor_h * (H - 1) + 1, factor_w * (W - 1) + 1)`` with
    ``out[..., i * f_h, j * f_w] = a[..., i, j]`` and zeros elsewhere. ``dilate(a, 1)`` is a copy.
    """
    a, shape = array_shape("a", a, tuple(range(2, 9)))
    factor = as_pair("factor", factor, 1)
    _require_dilated_size(shape, factor)
    return dilate_unchecked(as_float_array("a", a, tuple(range(2, 9))), factor)


def _require_dilated_size(shape, factor) -> None:
    """The guard of :func:`dilate`: the float64 copy of ``a`` and the dilated array."""
    (h, w), (fh, fw) = shape[-2:], factor
    rest = math.prod(shape[:-2])
    require_size(
        f"dilating a {tuple(shape)} by {factor}", 8 * rest * (h * w + (fh * (h - 1) + 1) * (fw * (w - 1) + 1))
    )


def dilate_unchecked(a: np.ndarray, factor: tuple[int, int]) -> np.ndarray:
    """:func:`dilate` on a checked float64 ``a`` and a ``(rows, cols)`` pair (no copy of ``a``)."""
    fh, fw = factor
    h, w = a.shape[-2:]
    out = np.zeros((*a.shape[:-2], fh * (h - 1) + 1, fw * (w - 1) + 1))
    out[..., ::fh, ::fw] = a
    return out


def dilate_loop(a, factor) -> np.ndarray:
    """Loop version of :func:`dilate` for a 2-D ``a``: copy ``a[i, j]`` to ``(i * f_h, j * f_w)``."""
    a, shape = array_shape("a", a, 2)
    fh, fw = as_pair("factor", factor, 1)
    _require_dilated_size(shape, (fh, fw))
    a = as_float_array("a", a, 2)
    h, w = a.shape
    out = np.zeros((fh * (h - 1) + 1, fw * (w - 1) + 1))
    for i in range(h):
        for j in range(w):
            out[i * fh, j * fw] = a[i, j]
    return out


def _geometry(x_shape, w, dout, stride, padding, dilation, copies):
    """Validate the shapes of a backward call; return the pairs and the output size."""
    n, c_in, h, wd = as_shape("x_shape", x_shape, "(N, C, H, W)")
    if w.shape[1] != c_in:
        raise ValueError(
            f"w must have C_in={c_in} input channels for x_shape {tuple(x_shape)}, got {w.shape}"
        )
    stride, padding, dilation = (
        as_pair("stride", stride, 1),
        as_pair("padding", padding, 0),
        as_pair("dilation", dilation, 1),
    )
    kh, kw = w.shape[2:]
    out_hw = (
        output_size(h, kh, stride[0], padding[0], dilation[0]),
        output_size(wd, kw, stride[1], padding[1], dilation[1]),
    )
    require_shape("dout", dout, (n, w.shape[0], *out_hw))
    patches = c_in * kh * kw * n * out_hw[0] * out_hw[1]
    inputs = n * c_in * h * wd + math.prod(w.shape) + math.prod(dout.shape)
    # copies: how many patch-sized arrays the caller holds at its peak (measured: benchmarks/bench_guards.py)
    require_size(
        f"the patches of x {(n, c_in, h, wd)} for w {tuple(w.shape)}", 8 * (copies * patches + inputs)
    )
    return (n, c_in, h, wd), stride, padding, dilation, out_hw


def input_grad_as_conv(dout, w, x_shape, *, stride=1, padding=0, dilation=1) -> np.ndarray:
    """``dx`` as a full convolution of the dilated ``dout`` with the dilated kernel, then cropped.

    dout: ``(N, C_out, H_out, W_out)``; w: ``(C_out, C_in, kh, kw)``; x_shape: ``(N, C_in, H, W)``.
    Steps (per axis): insert ``s - 1`` zeros between the entries of ``dout``; full-convolve with
    the kernel dilated by ``d`` (= pad by the kernel span minus 1 and cross-correlate with the
    kernel rotated by 180°, input and output channels swapped); add the
    ``(H + 2p - span) mod s`` rows no window reads as zeros; crop the padding ``p``.
    Returns dx: ``(N, C_in, H, W)``.
    """
    dout, _ = array_shape("dout", dout, 4)
    w, _ = array_shape("w", w, 4)
    (n, c_in, h, wd), stride, padding, dilation, _ = _geometry(
        x_shape, w, dout, stride, padding, dilation, 1.6
    )
    dout, w = as_float_array("dout", dout, 4), as_float_array("w", w, 4)
    d_dout = dilate_unchecked(dout, stride)  # (N, C_out, s(H_out-1)+1, ...)
    w_d = dilate_unchecked(w, dilation)  # (C_out, C_in, span_h, span_w)
    span = w_d.shape[2:]
    full_hw = [d_dout.shape[2 + a] + span[a] - 1 for a in range(2)]
    full = n * full_hw[0] * full_hw[1]  # the columns, then dout (copied, dilated, padded) and dx (twice)
    values = dout.shape[1] * span[0] * span[1] * full + 3 * dout.shape[1] * full + 2 * c_in * full
    require_size("the full convolution of the dilated dout", 8 * values)
    flipped = w_d[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)  # (C_in, C_out, span_h, span_w)
    full, _ = conv_forward_unchecked(
        d_dout, flipped, np.zeros(c_in), (1, 1), (span[0] - 1, span[1] - 1), (1, 1)
    )
    # full covers the padded input up to the last pixel a window reads; the rest gets nothing
    hp, wp = h + 2 * padding[0], wd + 2 * padding[1]
    dxp = np.zeros((n, c_in, hp, wp))
    dxp[:, :, : full.shape[2], : full.shape[3]] = full
    return dxp[:, :, padding[0] : padding[0] + h, padding[1] : padding[1] + wd]


def weight_grad_as_conv(x, dout, kernel_shape, *, stride=1, padding=0, dilation=1) -> np.ndarray:
    """``dw`` as a valid cross-correlation of the padded input with the dilated ``dout``.

    x: ``(N, C_in, H, W)``; dout: ``(N, C_out, H_out, W_out)``; kernel_shape: ``(kh, kw)``.
    ``dw[o, c, p, q] = sum_n sum_{i,j} dout[n, o, i, j] xp[n, c, i*s + p*d, j*s + q*d]``: the
    batch plays the role of the channels, ``dout`` the role of a kernel dilated by the stride
    ``s``, and the result is sampled with stride ``d`` (stride and dilation swap roles); only the
    first ``kh x kw`` samples are taps. Returns dw: ``(C_out, C_in, kh, kw)``.
    """
    x, x_shape = array_shape("x", x, 4)
    dout, _ = array_shape("dout", dout, 4)
    kh, kw = as_pair("kernel_shape", kernel_shape, 1)
    fake_w = np.broadcast_to(0.0, (dout.shape[1], x_shape[1], kh, kw))
    _, stride, padding, dilation, _ = _geometry(x_shape, fake_w, dout, stride, padding, dilation, 1.25)
    x, dout = as_float_array("x", x, 4), as_float_array("dout", dout, 4)
    xp = pad_unchecked(x, padding).transpose(1, 0, 2, 3)  # (C_in, N, Hp, Wp): channels as the batch
    kernel = dout.transpose(1, 0, 2, 3)  # (C_out, N, H_out, W_out): dout as the kernel
    corr, _ = conv_forward_unchecked(xp, kernel, np.zeros(dout.shape[1]), dilation, (0, 0), stride)
    # corr: (C_in, C_out, >=kh, >=kw)
    return np.ascontiguousarray(corr[:, :, :kh, :kw].transpose(1, 0, 2, 3))


def bias_grad(dout) -> np.ndarray:
    """``db[o] = sum_{n, i, j} dout[n, o, i, j]``.

    dout: ``(N, C_out, H_out, W_out)``; returns ``(C_out,)``."""
    return as_float_array("dout", dout, 4).sum(axis=(0, 2, 3))


# --- the transposed convolution -------------------------------------------------------------


def transposed_output_size(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1,
                           output_padding: int = 0) -> int:  # fmt: skip
    """Output length of a transposed convolution along one axis (PyTorch's ``ConvTranspose``):
    ``(n - 1) s - 2p + d(k - 1) + output_padding + 1``.

    ``output_padding`` (``0 <= output_padding < s``) picks which of the ``s`` input sizes
    that a stride-``s`` convolution maps to ``n`` outputs is meant.
    """
    n, k = require_int("n", n, 1), require_int("k", k, 1)
    stride, dilation = require_int("stride", stride, 1), require_int("dilation", dilation, 1)
    padding, output_padding = (
        require_int("padding", padding, 0),
        require_int("output_padding", output_padding, 0),
    )
    if output_padding >= stride:
        raise ValueError(f"output_padding must be smaller than the stride {stride}, got {output_padding}")
    size = (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1
    if size < 1:
        raise ValueError(f"the padding {padding} crops everything: output size {size} for n={n}, k={k}")
    return size


def _transposed_args(y, w, stride, padding, dilation, output_padding):
    y, _ = array_shape("y", y, 4)
    w, _ = array_shape("w", w, 4)
    if w.shape[0] != y.shape[1]:
        raise ValueError(
            f"w must have C_out={y.shape[1]} rows to match y of shape {y.shape} "
            f"(w is (C_out, C_in, kh, kw), as in the convolution it transposes), got w of shape {w.shape}"
        )
    stride, padding, dilation, output_padding = (
        as_pair("stride", stride, 1),
        as_pair("padding", padding, 0),
        as_pair("dilation", dilation, 1),
        as_pair("output_padding", output_padding, 0),
    )
    out_hw = tuple(
        transposed_output_size(y.shape[2 + a], w.shape[2 + a], stride[a], padding[a], dilation[a],
                               output_padding[a])
        for a in range(2)
    )  # fmt: skip
    # the guard, from shapes: the copies of y and w, the columns (C_in*kh*kw, N*H*W), the canvas
    (n, c_out, h, wd), (_, c_in, kh, kw) = y.shape, w.shape
    canvas = n * c_in * (out_hw[0] + 2 * padding[0]) * (out_hw[1] + 2 * padding[1])
    values = n * c_out * h * wd + math.prod(w.shape) + c_in * kh * kw * n * h * wd + 2 * canvas
    require_size(f"the transposed convolution of y {tuple(y.shape)} with w {tuple(w.shape)}", 8 * values)
    return as_float_array("y", y, 4), as_float_array("w", w, 4), stride, padding, dilation, out_hw


def transposed_conv(y, w, *, stride=1, padding=0, dilation=1, output_padding=0) -> np.ndarray:
    """The transposed convolution ("deconvolution"): ``M^T`` of the convolution with kernel ``w``.

    y: ``(N, C_out, H, W)``; w: ``(C_out, C_in, kh, kw)`` (the kernel of the convolution it
    transposes, PyTorch's ``ConvTranspose2d(C_out, C_in)`` weight layout). Every entry
    ``y[n, o, i, j]`` adds ``y[n, o, i, j] * w[o, c, p, q]`` to output pixel
    ``(i*s + p*d - pad, j*s + q*d - pad)``. Returns ``(N, C_in, H', W')`` with the sizes of
    :func:`transposed_output_size`; with stride ``s > 1`` it upsamples by about ``s``.
    """
    y, w, stride, padding, dilation, (oh, ow) = _transposed_args(y, w, stride, padding, dilation,
                                                                 output_padding)  # fmt: skip
    c_out, c_in, kh, kw = w.shape
    cols = w.reshape(c_out, -1).T @ y.transpose(1, 0, 2, 3).reshape(c_out, -1)  # every patch's FC dx
    return col2im_unchecked(
        cols, (y.shape[0], c_in, oh, ow), (kh, kw), stride, padding, dilation, y.shape[2:]
    )


def transposed_conv_loop(y, w, *, stride=1, padding=0, dilation=1, output_padding=0) -> np.ndarray:
    """Plain-loop :func:`transposed_conv`: scatter ``y[n, o, i, j] * w[o, c]`` onto each window."""
    y, w, (sh, sw), (ph, pw), (dh, dw), (oh, ow) = _transposed_args(y, w, stride, padding, dilation,
                                                                    output_padding)  # fmt: skip
    n_batch, c_out, h, wd = y.shape
    _, c_in, kh, kw = w.shape
    out = np.zeros((n_batch, c_in, oh + 2 * ph, ow + 2 * pw))  # the padded canvas, cropped at the end
    for n in range(n_batch):
        for o in range(c_out):
            for i in range(h):
                for j in range(wd):
                    for c in range(c_in):
                        for p in range(kh):
                            for q in range(kw):
                                r, s = i * sh + p * dh, j * sw + q * dw
                                out[n, c, r, s] += y[n, o, i, j] * w[o, c, p, q]
    return out[:, :, ph : ph + oh, pw : pw + ow]


def output_padding_for(x_shape, kernel_shape, *, stride=1, padding=0, dilation=1) -> tuple[int, int]:
    """The ``output_padding`` that makes :func:`transposed_conv` return the conv's input size.

    x_shape: ``(H, W)`` (or longer; the last two entries are used); kernel_shape: ``(kh, kw)``.
    Per axis ``(H + 2p - d(k - 1) - 1) mod s``: the rows past the last window, which no output reads.
    """
    if not isinstance(x_shape, (tuple, list)) or len(x_shape) < 2:
        raise TypeError(f"x_shape must be a tuple (H, W) (or longer) of ints, got {x_shape!r}")
    h, w = (require_int("x_shape", v, 1) for v in tuple(x_shape)[-2:])
    kh, kw = as_pair("kernel_shape", kernel_shape, 1)
    (sh, sw), (ph, pw), (dh, dw) = (
        as_pair("stride", stride, 1),
        as_pair("padding", padding, 0),
        as_pair("dilation", dilation, 1),
    )
    output_size(h, kh, sh, ph, dh), output_size(w, kw, sw, pw, dw)  # raises if the kernel does not fit
    return (h + 2 * ph - dh * (kh - 1) - 1) % sh, (w + 2 * pw - dw * (kw - 1) - 1) % sw


# --- the data of the stride-2 animation -----------------------------------------------------


class StrideFrame(NamedTuple):
    """One step of the strided backward pass (single channel, no padding)."""

    t: int  # output unit, row-major
    unit: tuple[int, int]  # its position (i, j) in dy
    dy_t: float  # its upstream gradient
    dilated_at: tuple[int, int]  # where dy_t sits in the dilated dy: (i*s, j*s)
    window: tuple[int, int]  # top-left pixel of its window in x: (i*s, j*s)
    dx_step: np.ndarray  # (H, W): dy_t * K on the window, zero elsewhere (row t of M^T, scaled)
    dx_sum: np.ndarray  # (H, W): the sum of the steps so far


def strided_backward_frames(x_shape, kernel, dy, *, stride=2) -> list[StrideFrame]:
    """The input gradient of a strided single-channel convolution, one output unit per frame.

    x_shape: ``(H, W)``; kernel: ``(kh, kw)``; dy: ``(H_out, W_out)`` with
    ``H_out = (H - kh) // s + 1``. Frame ``t`` sends ``dy[i, j]`` back onto the window at
    ``(i*s, j*s)``; after the last frame ``dx_sum`` is :func:`input_grad_as_conv`'s dx. Pixels no
    window reads (the last ``(H - kh) mod s`` rows and columns) stay 0 in every frame.
    """
    h, w = as_pair("x_shape", x_shape, 1)
    kernel = as_float_array("kernel", kernel, 2)
    dy = as_float_array("dy", dy, 2)
    sh, sw = as_pair("stride", stride, 1)
    kh, kw = kernel.shape
    out = (output_size(h, kh, sh), output_size(w, kw, sw))
    require_shape("dy", dy, out)
    require_size(f"{out[0] * out[1]} frames of two ({h}, {w}) arrays", 8 * 2 * out[0] * out[1] * h * w)
    frames, total = [], np.zeros((h, w))
    for t in range(out[0] * out[1]):
        i, j = divmod(t, out[1])
        step = np.zeros((h, w))
        step[i * sh : i * sh + kh, j * sw : j * sw + kw] = dy[i, j] * kernel
        total = total + step
        frames.append(
            StrideFrame(t, (i, j), float(dy[i, j]), (i * sh, j * sw), (i * sh, j * sw), step, total)
        )
    return frames


# --- the same gradients as the FC layer on patches (im2col) ---------------------------------


def weight_grad_im2col(x, dout, kernel_shape, *, stride=1, padding=0, dilation=1) -> np.ndarray:
    """``dw`` as the batched FC weight gradient ``dW = dY^T X`` with the patches as the batch.

    x: ``(N, C_in, H, W)``; dout: ``(N, C_out, H_out, W_out)``; kernel_shape: ``(kh, kw)``.
    ``X = im2col(x).T`` is ``(N*H_out*W_out, C_in*kh*kw)`` (one row per patch), ``dY`` is
    ``(N*H_out*W_out, C_out)``, and :func:`lessons_code.fc.fc_backward_batch` gives
    ``dW_flat = dY^T X = dout_flat @ cols.T``. Returns ``(C_out, C_in, kh, kw)``.
    """
    x, x_shape = array_shape("x", x, 4)
    dout, _ = array_shape("dout", dout, 4)
    kh, kw = as_pair("kernel_shape", kernel_shape, 1)
    fake_w = np.broadcast_to(0.0, (dout.shape[1], x_shape[1], kh, kw))
    _, stride, padding, dilation, out_hw = _geometry(x_shape, fake_w, dout, stride, padding, dilation, 2.15)
    x, dout = as_float_array("x", x, 4), as_float_array("dout", dout, 4)
    w_flat = np.zeros((dout.shape[1], x.shape[1] * kh * kw))
    cols = im2col_unchecked(x, (kh, kw), stride, padding, dilation, out_hw)
    d_y = dout.transpose(1, 0, 2, 3).reshape(dout.shape[1], -1)  # (C_out, patches)
    dw_flat, _, _ = fc_backward_batch_unchecked(cols.T, w_flat, d_y.T)
    return dw_flat.reshape(dout.shape[1], x.shape[1], kh, kw)


def input_grad_im2col(dout, w, x_shape, *, stride=1, padding=0, dilation=1) -> np.ndarray:
    """``dx`` as the batched FC input gradient of every patch, ``dcols = W_flat^T dY``, added back
    onto the pixels by :func:`lessons_code.conv_layer.col2im`. Shapes as :func:`input_grad_as_conv`."""
    dout, _ = array_shape("dout", dout, 4)
    w, _ = array_shape("w", w, 4)
    x_shape, stride, padding, dilation, out_hw = _geometry(x_shape, w, dout, stride, padding, dilation, 1.25)
    dout, w = as_float_array("dout", dout, 4), as_float_array("w", w, 4)
    d_y = dout.transpose(1, 0, 2, 3).reshape(w.shape[0], -1)
    dcols = w.reshape(w.shape[0], -1).T @ d_y
    return col2im_unchecked(dcols, x_shape, w.shape[2:], stride, padding, dilation, out_hw)
