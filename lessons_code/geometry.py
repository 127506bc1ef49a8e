"""Who sees what: receptive fields and translation equivariance, computed.

The receptive field of an output unit is read off the backward pass: send a
one-hot upstream gradient ``dy = e_t`` back through the layer and look at which
input pixels receive a non-zero ``dx``. That is the non-zero pattern of row
``t`` of the Jacobian ``dy/dx``, so geometry and gradients are one picture.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import conv, fc, matrix_view
from ._checks import as_float_array, as_pair, check_int


def shift_image(img, rows: int = 0, cols: int = 0) -> np.ndarray:
    """Shift a 2-D image down by ``rows`` and right by ``cols`` (negative: up/left), filling with 0."""
    img = as_float_array("img", img, 2)
    for name, s, n in (("rows", rows, img.shape[0]), ("cols", cols, img.shape[1])):
        if check_int(name, s, -(n - 1)) > n - 1:
            raise ValueError(f"{name} shift must be smaller than the image size {n}, got {s}")
    out = np.zeros_like(img)
    h, w = img.shape
    src_r = slice(max(-rows, 0), h - max(rows, 0))
    dst_r = slice(max(rows, 0), h - max(-rows, 0))
    src_c = slice(max(-cols, 0), w - max(cols, 0))
    dst_c = slice(max(cols, 0), w - max(-cols, 0))
    out[dst_r, dst_c] = img[src_r, src_c]
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
    unit = check_int("unit", unit, 0)
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
    rows, cols = check_int("rows", rows), check_int("cols", cols)
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
