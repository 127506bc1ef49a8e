"""The 1-D convolution layer (signals, sequences): the 2-D layer with one row.

Shapes: ``x: (N, C_in, L)``, ``w: (C_out, C_in, k)``, ``b: (C_out,)``,
``out, dout: (N, C_out, L_out)`` with ``L_out = floor((L + 2p - d(k - 1) - 1) / s) + 1``::

    out[n, o, i]             = b[o] + sum_{c, p} xp[n, c, i*s + p*d] * w[o, c, p]
    dw[o, c, p]              = sum_{n, i} dout[n, o, i] * xp[n, c, i*s + p*d]
    dxp[n, c, i*s + p*d]    += sum_o dout[n, o, i] * w[o, c, p]
    db[o]                    = sum_{n, i} dout[n, o, i]

``conv1d_forward``/``conv1d_backward`` call :mod:`lessons_code.conv_layer` on ``(N, C, 1, L)``;
the ``_loop`` twins are the sums above, written out (the exercise asks for them by hand).
"""

from __future__ import annotations

import numpy as np

from ._checks import array_shape, as_float_array, require_int, require_shape, require_size
from .conv_layer import ConvCache, conv_backward_unchecked, conv_forward_unchecked, output_size, require_cache


def _validate(x, w, b, stride, padding, dilation):
    x, x_shape = array_shape("x", x, 3)
    w, w_shape = array_shape("w", w, 3)
    if w.shape[1] != x.shape[1]:
        raise ValueError(
            f"w must have C_in={x.shape[1]} input channels to match x of shape {x.shape} "
            f"(w is (C_out, C_in, k)), got w of shape {w.shape}"
        )
    stride = require_int("stride", stride, 1)
    padding = require_int("padding", padding, 0)
    dilation = require_int("dilation", dilation, 1)
    n_out = output_size(x.shape[2], w.shape[2], stride, padding, dilation)
    (n, c, length), (c_out, _, k) = x_shape, w_shape
    # the copies of x and w, the columns, and the larger of the padded x and the product plus out
    values = n * c * length + c_out * c * k + c * k * n * n_out
    values += max(n * c * (length + 2 * padding), 2 * c_out * n * n_out)
    require_size(f"the 1-D layer on x {x_shape} with w {w_shape} (im2col)", 8 * values)
    x, w = as_float_array("x", x, 3), as_float_array("w", w, 3)
    if b is None:
        b = np.zeros(w.shape[0])
    else:
        b = as_float_array("b", b, 1)
        require_shape("b", b, (w.shape[0],))
    return x, w, b, stride, padding, dilation, n_out


def conv1d_forward(x, w, b=None, *, stride=1, padding=0, dilation=1):
    """Forward pass. x: ``(N, C_in, L)``; w: ``(C_out, C_in, k)``; b: ``(C_out,)`` or None.
    Returns ``(out, cache)`` with out ``(N, C_out, L_out)``."""
    x, w, b, stride, padding, dilation, _ = _validate(x, w, b, stride, padding, dilation)
    out, cache = conv_forward_unchecked(x[:, :, None, :], w[:, :, None, :], b, (1, stride), (0, padding),
                                        (1, dilation))  # fmt: skip
    return out[:, :, 0, :], cache


def conv1d_backward(dout, cache: ConvCache):
    """Backward pass. dout: ``(N, C_out, L_out)``; cache: from :func:`conv1d_forward`.
    Returns ``(dx, dw, db)`` with shapes ``(N, C_in, L)``, ``(C_out, C_in, k)``, ``(C_out,)``."""
    if not isinstance(cache, ConvCache) or np.shape(cache.x)[2:3] != (1,):
        raise TypeError("cache must be the cache returned by conv1d_forward")
    cache = require_cache(cache)
    dout = as_float_array("dout", dout, 3)
    (n, _, _, length), (c_out, _, _, k) = cache.x.shape, cache.w.shape
    n_out = output_size(length, k, cache.stride[1], cache.padding[1], cache.dilation[1])
    require_shape("dout", dout, (n, c_out, n_out))
    dx, dw, db = conv_backward_unchecked(dout[:, :, None, :], cache)
    return dx[:, :, 0, :], dw[:, :, 0, :], db


def conv1d_forward_loop(x, w, b=None, *, stride=1, padding=0, dilation=1) -> np.ndarray:
    """Plain-loop forward pass; same arguments as :func:`conv1d_forward`, returns only ``out``."""
    x, w, b, s, pad, d, n_out = _validate(x, w, b, stride, padding, dilation)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad)))
    out = np.zeros((x.shape[0], w.shape[0], n_out))
    for n in range(x.shape[0]):
        for o in range(w.shape[0]):
            for i in range(n_out):
                out[n, o, i] = b[o] + sum(
                    xp[n, c, i * s + p * d] * w[o, c, p] for c in range(w.shape[1]) for p in range(w.shape[2])
                )
    return out


def conv1d_backward_loop(dout, x, w, *, stride=1, padding=0, dilation=1):
    """Plain-loop backward pass: returns ``(dx, dw, db)`` like :func:`conv1d_backward`."""
    x, w, _, s, pad, d, n_out = _validate(x, w, None, stride, padding, dilation)
    dout = as_float_array("dout", dout, 3)
    require_shape("dout", dout, (x.shape[0], w.shape[0], n_out))
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad)))
    dxp, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros(w.shape[0])
    for n in range(x.shape[0]):
        for o in range(w.shape[0]):
            for i in range(n_out):
                db[o] += dout[n, o, i]
                for c in range(w.shape[1]):
                    for p in range(w.shape[2]):
                        dw[o, c, p] += dout[n, o, i] * xp[n, c, i * s + p * d]
                        dxp[n, c, i * s + p * d] += dout[n, o, i] * w[o, c, p]
    return dxp[:, :, pad : pad + x.shape[2]], dw, db
