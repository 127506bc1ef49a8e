"""Receptive fields across stacked convolutions, read off the backward pass.

Send a one-hot upstream gradient from one output unit back through ``L`` stacked single-channel
convolutions; the pixels whose input gradient is non-zero are the unit's receptive field. With
kernels of ones nothing cancels, and ``dx`` counts the paths from each pixel to the unit.

Along one axis, a stack of layers with kernel sizes ``k_l``, strides ``s_l`` and dilations ``d_l``
sees ``1 + sum_l (k_l - 1) d_l prod_{m<l} s_m`` pixels (:func:`receptive_field_size`): each layer
widens the field by its kernel's span, measured in the pixels of the input, where a step of the
layer-``l`` grid is the product of the strides below it. One, two, three 3x3 layers see 3, 5,
7 pixels.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._checks import as_pair, check_int
from .conv_layer import conv_backward, conv_backward_loop, conv_forward, output_size


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
        out.append((check_int("kernel", k, 1), check_int("stride", s, 1), check_int("dilation", d, 1)))
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
    sizes = [check_int("input_size", input_size, 1)]
    for k, s, d in _layers(layers):
        sizes.append(output_size(sizes[-1], k, s, 0, d))
    return sizes


def stack_forward(x, layers) -> np.ndarray:
    """The stack applied to a square image ``x: (H, W)`` with kernels of ones: each layer sums the
    (dilated, strided) windows of the previous map. Returns the last map."""
    a = np.asarray(x, dtype=np.float64)
    for k, s, d in _layers(layers):
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
    rows, cols = np.nonzero(np.asarray(footprint))
    if rows.size == 0:
        return 0, 0
    return int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)
