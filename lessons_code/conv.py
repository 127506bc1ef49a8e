"""Single-channel 2-D convolution, forward and backward: the teaching version.

Convention: *valid cross-correlation* (no kernel flip), as in PyTorch,
TensorFlow and most frameworks, with stride 1 and no padding::

    y[i, j] = sum_{p, q} x[i + p, j + q] * K[p, q]

Shapes: ``x`` is ``(H, W)``, ``K`` is ``(kh, kw)``, ``y`` and ``dy`` are
``(H - kh + 1, W - kw + 1)``.

Backward::

    dK[p, q] = sum_{i, j} dy[i, j] * x[i + p, j + q]   valid cross-correlation x * dy (no flip)
    dx       = full convolution of dy with K           (K flipped by 180 degrees)
    db       = sum_{i, j} dy[i, j]

Each vectorised function has a plain-loop twin (``*_loop``) that spells the
sum out index by index; the tests check that the two agree.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._checks import as_float_array, as_pair, require_shape


def _require_fits(img_shape, kernel_shape, img_name: str = "img") -> None:
    if kernel_shape[0] > img_shape[0] or kernel_shape[1] > img_shape[1]:
        raise ValueError(
            f"kernel of shape {tuple(kernel_shape)} is larger than {img_name} of shape {tuple(img_shape)}: "
            f"a valid convolution needs kernel rows <= {img_name} rows and kernel cols <= {img_name} cols"
        )


def _require_img_kernel(img, kernel):
    img = as_float_array("img", img, 2)
    kernel = as_float_array("kernel", kernel, 2)
    _require_fits(img.shape, kernel.shape)
    return img, kernel


def output_shape(img_shape: tuple[int, int], kernel_shape: tuple[int, int]) -> tuple[int, int]:
    """Shape of a valid, stride-1 output: ``(H - kh + 1, W - kw + 1)``.

    img_shape, kernel_shape: pairs of ints >= 1 (or one int for a square); the kernel must fit.
    """
    h, w = as_pair("img_shape", img_shape, 1)
    kh, kw = as_pair("kernel_shape", kernel_shape, 1)
    _require_fits((h, w), (kh, kw))
    return (h - kh + 1, w - kw + 1)


def _require_dy(img, kernel, dy):
    dy = as_float_array("dy", dy, 2)
    require_shape("dy", dy, output_shape(img.shape, kernel.shape))
    return dy


def cross_correlate(a, k) -> np.ndarray:
    """Valid cross-correlation of two 2-D arrays, the building block of every function here.

    a: ``(H, W)``; k: ``(kh, kw)`` with ``kh <= H`` and ``kw <= W``. Returns ``(H - kh + 1, W - kw + 1)``.
    """
    a = as_float_array("a", a, 2)
    k = as_float_array("k", k, 2)
    _require_fits(a.shape, k.shape, "a")
    return _correlate(a, k)


def _correlate(a: np.ndarray, k: np.ndarray) -> np.ndarray:
    return np.einsum("ijpq,pq->ij", sliding_window_view(a, k.shape), k)


def conv2d(img, kernel) -> np.ndarray:
    """Forward pass ``y = img * kernel`` (valid cross-correlation).

    img: ``(H, W)``; kernel: ``(kh, kw)``. Returns y: ``(H - kh + 1, W - kw + 1)``.
    """
    img, kernel = _require_img_kernel(img, kernel)
    return _correlate(img, kernel)


def conv_weight_grad(img, kernel, dy) -> np.ndarray:
    """Kernel gradient ``dK = img * dy``: valid cross-correlation of the input with ``dy``.

    img: ``(H, W)``; kernel: ``(kh, kw)`` (used for its shape); dy: the output's shape.
    Returns dK: ``(kh, kw)``. Each kernel weight sums the contributions of every
    output position it was used at -- weight sharing becomes gradient summation.
    """
    img, kernel = _require_img_kernel(img, kernel)
    dy = _require_dy(img, kernel, dy)
    return _correlate(img, dy)


def conv_input_grad(img, kernel, dy) -> np.ndarray:
    """Input gradient ``dx``: the *full* convolution of ``dy`` with ``kernel``.

    Equivalently: pad ``dy`` with ``kh - 1`` rows and ``kw - 1`` columns of zeros
    on every side and cross-correlate it with the kernel flipped by 180 degrees.
    img: ``(H, W)`` (used for its shape); kernel: ``(kh, kw)``; dy: the output's shape.
    Returns dx: ``(H, W)``.
    """
    img, kernel = _require_img_kernel(img, kernel)
    dy = _require_dy(img, kernel, dy)
    kh, kw = kernel.shape
    padded = np.pad(dy, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    return _correlate(padded, kernel[::-1, ::-1])


def conv_bias_grad(dy) -> float:
    """Bias gradient of a single-channel conv: ``db = sum_{i,j} dy[i, j]``."""
    dy = as_float_array("dy", dy, 2)
    return float(dy.sum())


# --- plain-loop references: the sums written out, one index at a time -------------


def conv2d_loop(img, kernel) -> np.ndarray:
    """Loop version of :func:`conv2d`."""
    img, kernel = _require_img_kernel(img, kernel)
    kh, kw = kernel.shape
    oh, ow = output_shape(img.shape, kernel.shape)
    y = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            for p in range(kh):
                for q in range(kw):
                    y[i, j] += img[i + p, j + q] * kernel[p, q]
    return y


def conv_weight_grad_loop(img, kernel, dy) -> np.ndarray:
    """Loop version of :func:`conv_weight_grad`: each output position adds its share to dK."""
    img, kernel = _require_img_kernel(img, kernel)
    dy = _require_dy(img, kernel, dy)
    kh, kw = kernel.shape
    dK = np.zeros((kh, kw))
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            dK += dy[i, j] * img[i : i + kh, j : j + kw]
    return dK


def conv_input_grad_loop(img, kernel, dy) -> np.ndarray:
    """Loop version of :func:`conv_input_grad`: each output sends ``dy[i, j] * K`` back to its window."""
    img, kernel = _require_img_kernel(img, kernel)
    dy = _require_dy(img, kernel, dy)
    kh, kw = kernel.shape
    dx = np.zeros(img.shape)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            dx[i : i + kh, j : j + kw] += dy[i, j] * kernel
    return dx
