"""A convolution is an FC layer with a sparse matrix whose entries are tied.

For a single-channel valid, stride-1 cross-correlation of an ``(H, W)`` input
with a ``(kh, kw)`` kernel, ``conv2d(x, K).ravel() == M @ x.ravel()`` where
``M`` has one row per output position and one column per input pixel::

    M[i * W_out + j, (i + p) * W + (j + q)] = K[p, q]

and zeros elsewhere: a doubly block Toeplitz matrix.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, as_pair
from .conv import output_shape


def conv_matrix_index(kernel_shape, input_shape) -> np.ndarray:
    """Which kernel entry sits in each cell of ``M``: an int array of shape ``(H_out*W_out, H*W)``.

    A cell holds the flat kernel index ``p * kw + q`` or ``-1`` where ``M`` is zero.
    Cells with the same index are *tied*: they are one parameter.
    """
    kh, kw = as_pair("kernel_shape", kernel_shape, 1)
    h, w = as_pair("input_shape", input_shape, 1)
    if kh > h or kw > w:
        raise ValueError(f"kernel_shape {(kh, kw)} is larger than input_shape {(h, w)}")
    oh, ow = output_shape((h, w), (kh, kw))
    index = np.full((oh * ow, h * w), -1, dtype=np.int64)
    for i in range(oh):
        for j in range(ow):
            for p in range(kh):
                for q in range(kw):
                    index[i * ow + j, (i + p) * w + (j + q)] = p * kw + q
    return index


def conv_matrix(kernel, input_shape) -> np.ndarray:
    """The dense matrix ``M`` with ``M @ x.ravel() == conv2d(x, kernel).ravel()``.

    kernel: ``(kh, kw)``; input_shape: ``(H, W)``. Returns M: ``(H_out*W_out, H*W)``.
    """
    kernel = as_float_array("kernel", kernel, 2)
    index = conv_matrix_index(kernel.shape, input_shape)
    return np.where(index >= 0, kernel.ravel()[np.maximum(index, 0)], 0.0)
