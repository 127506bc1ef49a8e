"""The fully connected (FC) layer ``y = W x + b``, forward and backward.

Shapes (one example):

* ``x``  -- ``(n_in,)``        input vector
* ``W``  -- ``(n_out, n_in)``  weight matrix, row ``i`` belongs to output ``i``
* ``b``  -- ``(n_out,)``       bias
* ``y``, ``dy`` -- ``(n_out,)`` output and upstream gradient ``dL/dy``

Backward (chain rule on ``y_i = sum_j W_ij x_j + b_i``)::

    dW = dy x^T      (outer product: rank 1 for one example)
    dx = W^T dy      (every input receives gradient from every output)
    db = dy

Batched, rows are examples: ``X`` is ``(N, n_in)``, ``Y = X W^T + b`` is
``(N, n_out)`` and ``dW = dY^T X`` sums the per-example outer products.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, require_shape


def _require_fc(x, W, x_ndim: int, name: str = "x"):
    W = as_float_array("W", W, 2)
    x = as_float_array(name, x, x_ndim)
    if x.shape[-1] != W.shape[1]:
        raise ValueError(
            f"{name} must have {W.shape[1]} features to match W of shape {W.shape} "
            f"(W is (n_out, n_in)), got {name} of shape {x.shape}"
        )
    return x, W


def _require_bias(b, n_out: int):
    if b is None:
        return np.zeros(n_out)
    b = as_float_array("b", b, 1)
    require_shape("b", b, (n_out,))
    return b


def fc_forward(x, W, b=None) -> np.ndarray:
    """Forward pass ``y = W x + b`` for one example.

    x: ``(n_in,)``; W: ``(n_out, n_in)``; b: ``(n_out,)`` or None (no bias).
    Returns y: ``(n_out,)``.
    """
    x, W = _require_fc(x, W, 1)
    return W @ x + _require_bias(b, W.shape[0])


def fc_backward(x, W, dy) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of the FC layer for one example: ``dW = dy x^T``, ``dx = W^T dy``.

    x: ``(n_in,)``; W: ``(n_out, n_in)``; dy: ``(n_out,)`` upstream gradient.
    Returns ``(dW, dx)`` with shapes ``(n_out, n_in)`` and ``(n_in,)``.
    The bias gradient is :func:`fc_bias_grad`.
    """
    x, W = _require_fc(x, W, 1)
    dy = as_float_array("dy", dy, 1)
    require_shape("dy", dy, (W.shape[0],))
    return np.outer(dy, x), W.T @ dy


def fc_bias_grad(dy) -> np.ndarray:
    """Bias gradient ``db = dy`` (one example, ``(n_out,)``) or ``sum_n dY[n]`` (batch ``(N, n_out)``)."""
    dy = as_float_array("dy", dy, (1, 2))
    return dy.copy() if dy.ndim == 1 else dy.sum(axis=0)


def fc_forward_batch(X, W, b=None) -> np.ndarray:
    """Batched forward ``Y = X W^T + b``.

    X: ``(N, n_in)``; W: ``(n_out, n_in)``; b: ``(n_out,)`` or None.
    Returns Y: ``(N, n_out)``.
    """
    X, W = _require_fc(X, W, 2, "X")
    return fc_forward_batch_unchecked(X, W, _require_bias(b, W.shape[0]))


def fc_forward_batch_unchecked(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """:func:`fc_forward_batch` on arguments already checked (float64 arrays of matching shapes):
    the training loop of :mod:`lessons_code.experiments.nets` checks them once, not every step."""
    return X @ W.T + b


def fc_backward_batch(X, W, dY) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Batched backward: ``dW = dY^T X``, ``dX = dY W``, ``db = sum_n dY[n]``.

    X: ``(N, n_in)``; W: ``(n_out, n_in)``; dY: ``(N, n_out)``.
    Returns ``(dW, dX, db)`` with shapes ``(n_out, n_in)``, ``(N, n_in)``, ``(n_out,)``.
    ``dW`` is the sum over the batch of the per-example outer products ``dY[n] X[n]^T``.
    """
    X, W = _require_fc(X, W, 2, "X")
    dY = as_float_array("dY", dY, 2)
    require_shape("dY", dY, (X.shape[0], W.shape[0]))
    return fc_backward_batch_unchecked(X, W, dY)


def fc_backward_batch_unchecked(X: np.ndarray, W: np.ndarray, dY: np.ndarray):
    """:func:`fc_backward_batch` on arguments already checked (see :func:`fc_forward_batch_unchecked`)."""
    return dY.T @ X, dY @ W, dY.sum(axis=0)
