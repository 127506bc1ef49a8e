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

from ._checks import as_float_array, check_int, check_shape
from .conv_layer import ConvCache, conv_backward, conv_forward, output_size


def _validate(x, w, b, stride, padding, dilation):
    x = as_float_array("x", x, 3)
    w = as_float_array("w", w, 3)
    if w.shape[1] != x.shape[1]:
        raise ValueError(
            f"w must have C_in={x.shape[1]} input channels to match x of shape {x.shape} "
            f"(w is (C_out, C_in, k)), got w of shape {w.shape}"
        )
    stride = check_int("stride", stride, 1)
    padding = check_int("padding", padding, 0)
    dilation = check_int("dilation", dilation, 1)
    n_out = output_size(x.shape[2], w.shape[2], stride, padding, dilation)
    if b is None:
        b = np.zeros(w.shape[0])
    else:
        b = as_float_array("b", b, 1)
        check_shape("b", b, (w.shape[0],))
    return x, w, b, stride, padding, dilation, n_out


def conv1d_forward(x, w, b=None, *, stride=1, padding=0, dilation=1):
    """Forward pass. x: ``(N, C_in, L)``; w: ``(C_out, C_in, k)``; b: ``(C_out,)`` or None.
    Returns ``(out, cache)`` with out ``(N, C_out, L_out)``."""
    x, w, b, stride, padding, dilation, _ = _validate(x, w, b, stride, padding, dilation)
    out, cache = conv_forward(x[:, :, None, :], w[:, :, None, :], b, stride=(1, stride),
                              padding=(0, padding), dilation=(1, dilation))  # fmt: skip
    return out[:, :, 0, :], cache


def conv1d_backward(dout, cache: ConvCache):
    """Backward pass. dout: ``(N, C_out, L_out)``; cache: from :func:`conv1d_forward`.
    Returns ``(dx, dw, db)`` with shapes ``(N, C_in, L)``, ``(C_out, C_in, k)``, ``(C_out,)``."""
    dout = as_float_array("dout", dout, 3)
    if not isinstance(cache, ConvCache) or cache.x.shape[2] != 1:
        raise TypeError("cache must be the cache returned by conv1d_forward")
    dx, dw, db = conv_backward(dout[:, :, None, :], cache)
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
    check_shape("dout", dout, (x.shape[0], w.shape[0], n_out))
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
