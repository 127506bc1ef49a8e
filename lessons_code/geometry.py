"""Who sees what: receptive fields and translation equivariance, computed.

The receptive field of an output unit is read off the backward pass: send a
one-hot upstream gradient ``dy = e_t`` back through the layer and look at which
input pixels receive a non-zero ``dx``. That is the non-zero pattern of row
``t`` of the Jacobian ``dy/dx``, so geometry and gradients are one picture.

This module is the one home of receptive fields: one layer (:func:`fc_receptive_field`,
:func:`conv_receptive_field`) and stacked layers (:func:`receptive_field_size`,
:func:`backward_footprint`).

**Across stacked layers.** Send a one-hot upstream gradient from one output unit back through
``L`` stacked single-channel convolutions; the pixels whose input gradient is non-zero are the
unit's receptive field. With kernels of ones nothing cancels, and ``dx`` counts the paths from
each pixel to the unit.

Along one axis, a stack of layers with kernel sizes ``k_l``, strides ``s_l`` and dilations ``d_l``
sees ``1 + sum_l (k_l - 1) d_l prod_{m<l} s_m`` pixels (:func:`receptive_field_size`): each layer
widens the field by its kernel's span, measured in the pixels of the input, where a step of the
layer-``l`` grid is the product of the strides below it. One, two, three 3x3 layers see 3, 5,
7 pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import conv, fc, matrix_view
from ._checks import as_float_array, as_pair, require_int
from .conv_layer import conv_backward, conv_backward_loop, conv_forward, output_size


def shift_image(img, rows: int = 0, cols: int = 0) -> np.ndarray:
    """Shift a 2-D image down by ``rows`` and right by ``cols`` (negative: up/left), filling with 0."""
    img = as_float_array("img", img, 2)
    return shift_image_unchecked(img, *require_shift(rows, cols, img.shape))


def require_shift(rows, cols, image_shape) -> tuple[int, int]:
    """``(rows, cols)`` as ints, each shorter than the image ``(H, W)`` in its direction."""
    for name, s, n in (("rows", rows, image_shape[0]), ("cols", cols, image_shape[1])):
        if require_int(name, s, -(n - 1)) > n - 1:
            raise ValueError(f"{name} shift must be smaller than the image size {n}, got {s}")
    return int(rows), int(cols)


def shift_image_unchecked(img: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """:func:`shift_image` on the last two axes of ``img`` (any batch and channel axes before them),
    the shift already checked by :func:`require_shift`."""
    h, w = img.shape[-2:]
    out = np.zeros_like(img)
    src_r = slice(max(-rows, 0), h - max(rows, 0))
    dst_r = slice(max(rows, 0), h - max(-rows, 0))
    src_c = slice(max(-cols, 0), w - max(cols, 0))
    dst_c = slice(max(cols, 0), w - max(-cols, 0))
    out[..., dst_r, dst_c] = img[..., src_r, src_c]
    return out


def fc_receptive_field(W, unit: int, input_shape) -> np.ndarray:
    """Boolean mask of the input pixels that output ``unit`` of ``y = W x.ravel()`` depends on.

    W: ``(n_out, H*W)``; unit: an output index; input_shape: ``(H, W)``.
    Computed as ``dx = W^T e_unit != 0``.
    """
    W = as_float_array("W", W, 2)
    h, w = as_pair("input_shape", input_shape, 1)
    if W.shape[1] != h * w:
        raise ValueError(f"W must have {h * w} columns for input_shape {(h, w)}, got W of shape {W.shape}")
    unit = require_int("unit", unit, 0)
    if unit >= W.shape[0]:
        raise ValueError(f"unit must be < n_out = {W.shape[0]}, got {unit}")
    dy = np.zeros(W.shape[0])
    dy[unit] = 1.0
    _, dx = fc.fc_backward(np.zeros(h * w), W, dy)
    return (dx != 0).reshape(h, w)


def conv_receptive_field(kernel, unit, input_shape) -> np.ndarray:
    """Boolean mask of the input pixels that conv output ``unit = (i, j)`` depends on.

    kernel: ``(kh, kw)``; input_shape: ``(H, W)``.
    Computed as the non-zero pattern of ``conv_input_grad`` for a one-hot ``dy``: the window of
    the unit, minus the pixels under zero kernel entries (the output does not depend on those).
    """
    kernel = as_float_array("kernel", kernel, 2)
    h, w = as_pair("input_shape", input_shape, 1)
    oh, ow = conv.output_shape((h, w), kernel.shape)
    i, j = as_pair("unit", unit, 0)
    if i >= oh or j >= ow:
        raise ValueError(f"unit must index the ({oh}, {ow}) output, got {(i, j)}")
    dy = np.zeros((oh, ow))
    dy[i, j] = 1.0
    return conv.conv_input_grad(np.zeros((h, w)), kernel, dy) != 0


def shift_determined(shape, rows: int, cols: int) -> np.ndarray:
    """Boolean mask of the positions of a ``shape`` output that a shift by ``(rows, cols)`` carries
    over from the unshifted output: ``out_shifted[i, j] = out[i - rows, j - cols]`` holds there.
    False on the ``|rows|`` rows and ``|cols|`` columns where the zero fill entered."""
    h, w = as_pair("shape", shape, 1)
    rows, cols = require_int("rows", rows), require_int("cols", cols)
    mask = np.zeros((h, w), dtype=bool)
    mask[max(rows, 0) : h + min(rows, 0), max(cols, 0) : w + min(cols, 0)] = True
    return mask


class ShiftReport(NamedTuple):
    """Max absolute differences after shifting the input (see :func:`shift_test`)."""

    conv_interior: float  # |conv(shift x) - shift(conv x)| away from the border: 0 exactly
    conv_border: float  # the same on the rows/cols where zeros entered: not 0 in general
    fc_change: float  # |fc(shift x) - fc(x)|: no shift of the output undoes it


def shift_test(img, kernel, W, rows: int = 0, cols: int = 1) -> ShiftReport:
    """Shift the input by ``(rows, cols)`` and compare conv and FC outputs.

    img: ``(H, W)``; kernel: ``(kh, kw)``; W: ``(n_out, H*W)`` for the FC layer.
    Convolution commutes with the shift (translation equivariance) everywhere
    except where the zero fill entered; the FC output just changes.
    """
    img = as_float_array("img", img, 2)
    shifted = shift_image(img, rows, cols)
    y, y_shifted = conv.conv2d(img, kernel), conv.conv2d(shifted, kernel)
    diff = np.abs(y_shifted - shift_image(y, rows, cols))
    border = ~shift_determined(diff.shape, rows, cols)
    fc_change = np.abs(fc.fc_forward(shifted.ravel(), W) - fc.fc_forward(img.ravel(), W))
    return ShiftReport(
        conv_interior=float(diff[~border].max(initial=0.0)),
        conv_border=float(diff[border].max(initial=0.0)),
        fc_change=float(fc_change.max()),
    )


def coverage_count(input_shape, kernel_shape) -> np.ndarray:
    """How many conv output positions read each input pixel: an int array ``(H, W)``.

    It is the number of non-zero entries in each column of the conv matrix
    (:func:`lessons_code.matrix_view.conv_matrix_index`). For a 3×3 kernel away from
    small images: 1 at the corners, 9 in the interior.
    """
    h, w = as_pair("input_shape", input_shape, 1)
    index = matrix_view.conv_matrix_index(kernel_shape, (h, w))
    return (index >= 0).sum(axis=0).reshape(h, w)


def coverage_count_loop(input_shape, kernel_shape) -> np.ndarray:
    """Loop version of :func:`coverage_count`: drop every window on the image and count."""
    h, w = as_pair("input_shape", input_shape, 1)
    kh, kw = as_pair("kernel_shape", kernel_shape, 1)
    if kh > h or kw > w:
        raise ValueError(f"kernel_shape {(kh, kw)} is larger than input_shape {(h, w)}")
    count = np.zeros((h, w), dtype=np.intp)
    oh, ow = conv.output_shape((h, w), (kh, kw))
    for i in range(oh):
        for j in range(ow):
            count[i : i + kh, j : j + kw] += 1
    return count


# --- receptive fields across stacked layers ------------------------------------------------


def _layers(layers) -> list[tuple[int, int, int]]:
    if not isinstance(layers, Sequence) or isinstance(layers, str) or len(layers) == 0:
        raise ValueError(
            f"layers must be a non-empty list of (kernel, stride, dilation) triples, got {layers!r}"
        )
    out = []
    for item in layers:
        if not isinstance(item, (tuple, list)) or len(item) != 3:
            raise ValueError(f"each layer must be a (kernel, stride, dilation) triple, got {item!r}")
        k, s, d = item
        out.append((require_int("kernel", k, 1), require_int("stride", s, 1), require_int("dilation", d, 1)))
    return out


def receptive_field_size(layers) -> int:
    """Pixels (along one axis) seen by one unit after ``layers``, a list of ``(k, s, d)`` triples:
    ``1 + sum_l (k_l - 1) d_l prod_{m<l} s_m``."""
    size, jump = 1, 1
    for k, s, d in _layers(layers):
        size += (k - 1) * d * jump
        jump *= s
    return size


def stack_shapes(input_size: int, layers) -> list[int]:
    """The side length after each layer of a square input of side ``input_size`` (no padding)."""
    sizes = [require_int("input_size", input_size, 1)]
    for k, s, d in _layers(layers):
        sizes.append(output_size(sizes[-1], k, s, 0, d))
    return sizes


def stack_forward(x, layers) -> np.ndarray:
    """The stack applied to an image ``x: (H, W)`` (square in the lesson; any ``H``, ``W`` works)
    with kernels of ones: each layer sums the (dilated, strided) windows of the previous map.
    Returns the last map."""
    a = as_float_array("x", x, 2)
    for k, s, d in _layers(layers):
        output_size(a.shape[0], k, s, 0, d), output_size(a.shape[1], k, s, 0, d)  # the kernel fits
        span = d * (k - 1) + 1
        a = sliding_window_view(a, (span, span))[::s, ::s, ::d, ::d].sum(axis=(2, 3))
    return a


def backward_footprint(input_size: int, layers, unit=None, *, loop: bool = False) -> np.ndarray:
    """The input gradient of one output unit sent back through the stack (kernels of ones).

    input_size: side of the square input; layers: ``(k, s, d)`` triples; unit: ``(i, j)`` in the
    last map (default: its centre). ``loop=True`` uses the plain-loop backward pass.
    Returns ``(input_size, input_size)``: how many paths join each pixel to the unit (0 outside the
    receptive field).
    """
    layers = _layers(layers)
    sizes = stack_shapes(input_size, layers)
    last = sizes[-1]
    i, j = (last // 2, last // 2) if unit is None else as_pair("unit", unit, 0)
    if i >= last or j >= last:
        raise ValueError(f"unit must lie in the last {last}x{last} map, got {(i, j)}")
    caches, a = [], np.zeros((1, 1, input_size, input_size))
    for k, s, d in layers:
        a, cache = conv_forward(a, np.ones((1, 1, k, k)), stride=s, dilation=d)
        caches.append(cache)
    g = np.zeros((1, 1, last, last))
    g[0, 0, i, j] = 1.0
    for cache in reversed(caches):
        if loop:
            g, _, _ = conv_backward_loop(g, cache.x, cache.w, stride=cache.stride, dilation=cache.dilation)
        else:
            g, _, _ = conv_backward(g, cache)
    return g[0, 0]


def footprint_extent(footprint) -> tuple[int, int]:
    """Rows and columns spanned by the non-zero entries of a footprint (0, 0 if it is all zero)."""
    if isinstance(footprint, np.ndarray) and footprint.dtype == bool and footprint.ndim == 2:
        fp = footprint  # a mask
    else:
        fp = as_float_array("footprint", footprint, 2)
    rows, cols = np.nonzero(fp)
    if rows.size == 0:
        return 0, 0
    return int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)
