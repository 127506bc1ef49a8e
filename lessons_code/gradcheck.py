"""Finite-difference gradients and relative errors (as small as CS231n's ``gradient_check.py``).

A backward formula is checked against the centred difference::

    dL/dtheta_k  ~=  (L(theta + h e_k) - L(theta - h e_k)) / (2 h)

whose error is O(h^2). For a layer with output ``y`` and upstream gradient
``dy`` the scalar loss is ``L = sum(y * dy)``: its gradient with respect to any
parameter is exactly what the layer's backward pass returns for that ``dy``.
Everything runs in float64. The reports the gradients chapter prints are
:mod:`lessons_code.checks.gradients`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._checks import as_float_array, require_real


def numerical_gradient(f: Callable[[np.ndarray], float], theta, h: float = 1e-6) -> np.ndarray:
    """Centred-difference gradient of the scalar function ``f`` at ``theta`` (any shape).

    ``theta`` is not modified; ``f`` is called ``2 * theta.size`` times.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of theta returning a number, got {type(f).__name__}")
    theta = as_float_array("theta", theta, tuple(range(0, 33)))  # a copy: the caller's theta is safe
    h = require_real("h", h)
    if not h > 0:
        raise ValueError(f"h must be a positive step, got {h}")
    grad = np.zeros_like(theta)
    flat, gflat = theta.reshape(-1), grad.reshape(-1)
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + h
        f_plus = _scalar_value(f, theta, k)
        flat[k] = old - h
        f_minus = _scalar_value(f, theta, k)
        flat[k] = old  # restored before the next entry: each difference moves one entry only
        gflat[k] = (f_plus - f_minus) / (2 * h)
    return grad


def _scalar_value(f, theta: np.ndarray, k: int) -> float:
    value = np.asarray(f(theta))
    real = np.issubdtype(value.dtype, np.integer) or np.issubdtype(value.dtype, np.floating)
    if value.size != 1 or value.dtype == bool or not real:
        raise TypeError(f"f must return one real number, got {value.dtype} of shape {value.shape}")
    out = float(value.reshape(()))
    if not np.isfinite(out):
        raise ValueError(f"f returned {out} when entry {k} of theta was moved by ±h: the loss must be finite")
    return out


def rel_error(analytic, numeric) -> float:
    """Relative error ``||a - n|| / max(||a|| + ||n||, 1e-300)`` (Frobenius norms).

    0 means identical; about 1e-10 is typical for a correct float64 gradient;
    a wrong formula gives something of order 1.
    """
    a = as_float_array("analytic", analytic, tuple(range(0, 33)))
    n = as_float_array("numeric", numeric, tuple(range(0, 33)))
    if a.shape != n.shape:
        raise ValueError(f"analytic and numeric must have the same shape, got {a.shape} and {n.shape}")
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), 1e-300))
