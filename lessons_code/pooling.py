"""ReLU and 2x2 max-pooling, forward and backward: what happens to ``dy`` before it reaches a conv.

* ReLU, ``a = max(z, 0)``: the backward pass **masks** the gradient, ``dz = da * [z > 0]``.
* 2x2 max-pool with stride 2: the backward pass **routes** each ``dout`` entry to the one pixel
  that was the maximum of its window (the first one, row-major, on a tie); the other three pixels
  of the window get exactly 0.

Shapes: any shape for ReLU; ``(N, C, H, W)`` with even ``H`` and ``W`` for the pool, whose output
and arg-max are ``(N, C, H/2, W/2)``. ``lessons_code.experiments.nets`` builds its CNN from these.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_shape


def relu_forward(z) -> np.ndarray:
    """``max(z, 0)`` elementwise (any shape)."""
    return np.maximum(as_float_array("z", z, tuple(range(0, 33))), 0.0)


def relu_backward(dout, z) -> np.ndarray:
    """``dout * [z > 0]``: the gradient passes only where the unit was active. Same shape as z."""
    dout = as_float_array("dout", dout, tuple(range(0, 33)))
    z = as_float_array("z", z, tuple(range(0, 33)))
    check_shape("dout", dout, z.shape)
    return dout * (z > 0)


def _check_even(x: np.ndarray) -> None:
    if x.shape[2] % 2 or x.shape[3] % 2 or min(x.shape) == 0:
        raise ValueError(f"x must be (N, C, H, W) with even, non-zero H and W for a 2x2 pool, got {x.shape}")


def maxpool2_forward(x) -> tuple[np.ndarray, np.ndarray]:
    """2x2 max-pool with stride 2. x: ``(N, C, H, W)`` with even H, W.

    Returns ``(out, argmax)``: out ``(N, C, H/2, W/2)``; argmax ``(N, C, H/2, W/2)`` is the
    index 0..3 (row-major in the 2x2 window) of the first maximum, used by the backward pass.
    """
    x = as_float_array("x", x, 4)
    _check_even(x)
    n, c, h, w = x.shape
    win = x.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4)
    arg = win.argmax(axis=-1)
    return np.take_along_axis(win, arg[..., None], axis=-1)[..., 0], arg


def maxpool2_backward(dout, arg) -> np.ndarray:
    """Route each ``dout`` entry to the one pixel that was the maximum of its window.

    dout, arg: ``(N, C, H/2, W/2)``. Returns dx: ``(N, C, H, W)``, three zeros in every window.
    """
    dout = as_float_array("dout", dout, 4)
    arg = np.asarray(arg)
    check_shape("arg", arg, dout.shape)
    if not np.issubdtype(arg.dtype, np.integer) or (arg.size and (arg.min() < 0 or arg.max() > 3)):
        raise ValueError(f"arg must hold window indices 0..3 from maxpool2_forward, got dtype {arg.dtype}")
    n, c, hh, ww = dout.shape
    win = np.zeros((n, c, hh, ww, 4))
    np.put_along_axis(win, arg[..., None].astype(np.intp), dout[..., None], axis=-1)
    return win.reshape(n, c, hh, ww, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, 2 * hh, 2 * ww)


def maxpool2_backward_loop(dout, x) -> np.ndarray:
    """Loop version of the pool's backward pass, from the input ``x``: each window's first maximum
    receives its ``dout``. dout: ``(N, C, H/2, W/2)``; x: ``(N, C, H, W)``. Returns ``(N, C, H, W)``."""
    x = as_float_array("x", x, 4)
    _check_even(x)
    dout = as_float_array("dout", dout, 4)
    check_shape("dout", dout, (x.shape[0], x.shape[1], x.shape[2] // 2, x.shape[3] // 2))
    dx = np.zeros_like(x)
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    best = (2 * i, 2 * j)
                    for r in (2 * i, 2 * i + 1):
                        for s in (2 * j, 2 * j + 1):
                            if x[n, c, r, s] > x[n, c, best[0], best[1]]:
                                best = (r, s)
                    dx[n, c, best[0], best[1]] += dout[n, c, i, j]
    return dx
