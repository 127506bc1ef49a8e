"""ReLU and 2x2 max-pooling, forward and backward: what happens to ``dy`` before it reaches a conv.

* ReLU, ``a = max(z, 0)``: the backward pass **masks** the gradient, ``dz = da * [z > 0]``.
* 2x2 max-pool with stride 2: the backward pass **routes** each ``dout`` entry to the one pixel
  that was the maximum of its window (the first one, row-major, on a tie); the other three pixels
  of the window get exactly 0.

Shapes: any shape for ReLU; ``(N, C, H, W)`` with even ``H`` and ``W`` for the pool, whose output
and arg-max are ``(N, C, H/2, W/2)``. ``lessons_code.experiments.nets`` builds its CNN from these.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, as_index_array, require_int, require_shape
from .conv_layer import conv_backward, conv_forward


def relu_forward(z) -> np.ndarray:
    """``max(z, 0)`` elementwise (any shape)."""
    return relu_forward_unchecked(as_float_array("z", z, tuple(range(1, 33))))


def relu_forward_unchecked(z: np.ndarray) -> np.ndarray:
    """:func:`relu_forward` on a float64 array already checked (the training loop of
    :mod:`lessons_code.experiments.nets` checks its inputs once, not every step)."""
    return np.maximum(z, 0.0)


def relu_backward(dout, z) -> np.ndarray:
    """``dout * [z > 0]``: the gradient passes only where the unit was active. Same shape as z."""
    dout = as_float_array("dout", dout, tuple(range(1, 33)))
    z = as_float_array("z", z, tuple(range(1, 33)))
    require_shape("dout", dout, z.shape)
    return relu_backward_unchecked(dout, z)


def relu_backward_unchecked(dout: np.ndarray, z: np.ndarray) -> np.ndarray:
    """:func:`relu_backward` on float64 arrays of one shape, already checked."""
    return dout * (z > 0)


def _require_even(x: np.ndarray) -> None:
    if x.shape[2] % 2 or x.shape[3] % 2 or min(x.shape) == 0:
        raise ValueError(f"x must be (N, C, H, W) with even, non-zero H and W for a 2x2 pool, got {x.shape}")


def maxpool2_forward(x) -> tuple[np.ndarray, np.ndarray]:
    """2x2 max-pool with stride 2. x: ``(N, C, H, W)`` with even H, W.

    Returns ``(out, argmax)``: out ``(N, C, H/2, W/2)``; argmax ``(N, C, H/2, W/2)`` is the
    index 0..3 (row-major in the 2x2 window) of the first maximum, used by the backward pass.
    """
    x = as_float_array("x", x, 4)
    _require_even(x)
    return maxpool2_forward_unchecked(x)


def maxpool2_forward_unchecked(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`maxpool2_forward` on a float64 ``(N, C, H, W)`` array with even H, W, already checked.

    Two passes of pairs: the left and right pixel of every pair of columns, then the top and
    bottom row of every pair of rows; window index ``2 * row + column``. A tie keeps the first
    pixel (strict ``>``), as ``argmax`` over the window would."""
    left, right = x[..., 0::2], x[..., 1::2]
    to_right = right > left
    pairs = np.maximum(left, right)  # (N, C, H, W/2): the larger of each pair of columns
    top, bottom = pairs[:, :, 0::2], pairs[:, :, 1::2]
    down = bottom > top
    arg = np.where(down, 2 + to_right[:, :, 1::2], to_right[:, :, 0::2]).astype(np.intp)
    return np.maximum(top, bottom), arg


def maxpool2_backward(dout, arg) -> np.ndarray:
    """Route each ``dout`` entry to the one pixel that was the maximum of its window.

    dout, arg: ``(N, C, H/2, W/2)``. Returns dx: ``(N, C, H, W)``, three zeros in every window.
    """
    dout = as_float_array("dout", dout, 4)
    arg = as_index_array("arg", arg, 4)
    require_shape("arg", arg, dout.shape)
    if arg.min() < 0 or arg.max() > 3:
        raise ValueError(
            f"arg must hold window indices 0..3 from maxpool2_forward, got [{arg.min()}, {arg.max()}]"
        )
    return maxpool2_backward_unchecked(dout, arg)


def maxpool2_backward_unchecked(dout: np.ndarray, arg: np.ndarray) -> np.ndarray:
    """:func:`maxpool2_backward` on a float64 ``dout`` and the ``arg`` of :func:`maxpool2_forward_unchecked`,
    already checked: window pixel ``2r + s`` (the strided view ``dx[..., r::2, s::2]``) receives
    ``dout`` where it was the maximum, 0 elsewhere."""
    n, c, hh, ww = dout.shape
    dx = np.empty((n, c, 2 * hh, 2 * ww))
    for k in range(4):
        dx[:, :, k // 2 :: 2, k % 2 :: 2] = np.where(arg == k, dout, 0.0)
    return dx


def maxpool2_backward_loop(dout, x) -> np.ndarray:
    """Loop version of the pool's backward pass, from the input ``x``: each window's first maximum
    receives its ``dout``. dout: ``(N, C, H/2, W/2)``; x: ``(N, C, H, W)``. Returns ``(N, C, H, W)``."""
    x = as_float_array("x", x, 4)
    _require_even(x)
    dout = as_float_array("dout", dout, 4)
    require_shape("dout", dout, (x.shape[0], x.shape[1], x.shape[2] // 2, x.shape[3] // 2))
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


# --- what reaches the convolution: a small network on the book's example -------------------------


class BackwardSparsity(NamedTuple):
    """How much of the gradient survives max-pool and ReLU on its way back to a conv layer."""

    zeros_after_pool: float  # fraction of zeros in the gradient after the pool's backward pass
    zeros_at_conv: float  # ... after the ReLU's as well: the dy that reaches the conv output
    predicted: float  # 1 - (1 - 2^-4) / 4: pool keeps 1 of 4, ReLU then drops windows whose max is < 0
    positions: int  # products in one kernel-gradient entry per image and channel without pool/ReLU
    terms_per_entry: float  # ... how many of them are non-zero (mean over images and channels)
    conv_dk_zero: float  # fraction of exactly-zero entries in the per-image kernel gradients
    fc_dw_zero: float  # fraction of exactly-zero entries in the per-image weight gradients of a ReLU FC layer


def pool_relu_sparsity(seed: int, n_images: int = 16, channels: int = 8, size: int = 6) -> BackwardSparsity:
    """Send a random upstream gradient back through conv -> ReLU -> 2x2 max-pool -> FC and count zeros.

    The images are ``size x size`` standard-normal arrays like the book's running example; the conv
    is 3x3 with padding 1, ``channels`` output channels; the FC head maps the pooled maps to 10
    scores whose gradient is standard normal. For comparison, an FC layer from the ``size**2``
    pixels to ``channels * size**2 / 4`` ReLU units gets the same kind of upstream gradient.
    Everything is drawn from ``np.random.default_rng(seed)``.
    """
    rng = np.random.default_rng(require_int("seed", seed, 0))
    n, c, s = (
        require_int("n_images", n_images, 1),
        require_int("channels", channels, 1),
        require_int("size", size, 2),
    )
    if s % 2:
        raise ValueError(f"size must be even for the 2x2 pool, got {s}")
    x = rng.standard_normal((n, 1, s, s))
    w = rng.standard_normal((c, 1, 3, 3)) / 3.0
    z = conv_forward(x, w, padding=1)[0]  # (N, C, s, s)
    pooled, arg = maxpool2_forward(relu_forward(z))
    head = rng.standard_normal((10, pooled[0].size)) / np.sqrt(pooled[0].size)
    dscores = rng.standard_normal((n, 10))
    dpooled = (dscores @ head).reshape(pooled.shape)
    da = maxpool2_backward(dpooled, arg)
    dz = relu_backward(da, z)  # the gradient that reaches the convolution's output
    caches = [conv_forward(x[k : k + 1], w, padding=1)[1] for k in range(n)]  # one image each
    per_image = [conv_backward(dz[k : k + 1], caches[k])[1] for k in range(n)]
    # the FC comparison: pixels -> ReLU units, dW = dz x^T per image
    units = c * s * s // 4
    W = rng.standard_normal((units, s * s)) / s
    zf = x.reshape(n, -1) @ W.T
    dzf = rng.standard_normal((n, units)) * (zf > 0)
    dw_fc = dzf[:, :, None] * x.reshape(n, 1, -1)
    return BackwardSparsity(
        zeros_after_pool=float(np.mean(da == 0)),
        zeros_at_conv=float(np.mean(dz == 0)),
        predicted=1 - (1 - 2.0**-4) / 4,
        positions=s * s,
        terms_per_entry=float(np.mean(np.count_nonzero(dz, axis=(2, 3)))),
        conv_dk_zero=float(np.mean([np.mean(g == 0) for g in per_image])),
        fc_dw_zero=float(np.mean(dw_fc == 0)),
    )
