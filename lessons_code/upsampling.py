"""Upsampling by a strided transposed convolution, and where its checkerboard comes from.

A transposed convolution with stride ``s`` and a ``k x k`` kernel scatters every input value onto
a ``k x k`` window, windows ``s`` pixels apart. Output pixel ``r`` (along one axis) is reached by
the input positions ``i`` and taps ``u`` with ``i*s + u = r``: ``ceil(k / s)`` or ``floor(k / s)``
of them, alternating when ``k`` is not a multiple of ``s``. In 2-D the counts multiply, so a
constant input comes out as a checkerboard (Odena, Dumoulin & Olah 2016). The same counts are the
number of paths of :func:`lessons_code.geometry.backward_footprint`: the input gradient of a
strided convolution *is* this transposed convolution.

Two remedies, both with an even count away from the border:

* a kernel size divisible by the stride (``k = 4``, ``s = 2``): every pixel gets ``(k / s)²`` taps;
* resize, then convolve: nearest-neighbour upsampling by ``s`` and a stride-1 ``k x k`` convolution
  ("same" padding): every pixel gets ``k²`` taps.
"""

from __future__ import annotations

import numpy as np

from ._checks import require_int, require_size
from .backward_rules import transposed_conv
from .conv_layer import conv_forward


def transposed_overlap(n_in: int, k: int, stride: int) -> np.ndarray:
    """How many (input pixel, kernel tap) pairs write each output pixel of a stride-``stride``
    transposed convolution with a ``k x k`` kernel on an ``n_in x n_in`` input: the transposed
    convolution of ones with a kernel of ones. Returns ``((n_in - 1) * stride + k,) * 2`` counts."""
    n_in, k, stride = require_int("n_in", n_in, 1), require_int("k", k, 1), require_int("stride", stride, 1)
    n_out = (n_in - 1) * stride + k
    require_size(f"the overlap counts of a {n_out}x{n_out} output", 8 * 4 * n_out * n_out)
    return transposed_conv(np.ones((1, 1, n_in, n_in)), np.ones((1, 1, k, k)), stride=stride)[0, 0]


def resize_conv_overlap(n_in: int, k: int, factor: int) -> np.ndarray:
    """The same count for "resize, then convolve": nearest-neighbour upsampling of an
    ``n_in x n_in`` input by ``factor``, then a stride-1 ``k x k`` convolution with "same"
    padding (``k`` odd). Returns ``(n_in * factor,) * 2`` counts of taps that read a real pixel."""
    n_in, k, factor = require_int("n_in", n_in, 1), require_int("k", k, 1), require_int("factor", factor, 1)
    if k % 2 == 0:
        raise ValueError(f"k must be odd for 'same' padding, got k={k}")
    n = n_in * factor
    require_size(f"the overlap counts of a {n}x{n} output", 8 * (k * k + 4) * n * n)
    up = np.ones((1, 1, n, n))  # nearest-neighbour upsampling of ones: ones
    return conv_forward(up, np.ones((1, 1, k, k)), padding=k // 2)[0][0, 0]
