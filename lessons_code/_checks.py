"""Input validation shared by every public function.

Each helper raises a ``TypeError`` (wrong kind of value) or a ``ValueError``
(right kind, wrong shape or range) whose message names what was expected and
what was given, so a learner can fix the call without reading the source.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(name: str, value, ndim: int | tuple[int, ...]) -> np.ndarray:
    """Return ``value`` as a float64 array after checking its dtype and ndim.

    Booleans, strings, objects and complex numbers are refused: the lesson's
    formulas are about real-valued tensors.
    """
    arr = np.asarray(value)
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must hold real numbers (an integer or float dtype), got dtype {arr.dtype}")
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if arr.ndim not in allowed:
        want = " or ".join(f"{d}-D" for d in allowed)
        raise ValueError(f"{name} must be {want}, got a {arr.ndim}-D array of shape {arr.shape}")
    return arr.astype(np.float64, copy=False)


def check_shape(name: str, arr: np.ndarray, expected: tuple[int, ...]) -> None:
    """Raise ``ValueError`` unless ``arr.shape == expected``."""
    if tuple(arr.shape) != tuple(expected):
        raise ValueError(f"{name} must have shape {tuple(expected)}, got shape {tuple(arr.shape)}")


def as_pair(name: str, value, minimum: int) -> tuple[int, int]:
    """Turn an int or a pair of ints into ``(rows, cols)``, each ``>= minimum``."""
    items = (value, value) if not isinstance(value, (tuple, list)) else tuple(value)
    if len(items) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    out = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, numbers.Integral):
            raise TypeError(f"{name} must be an int or a pair of ints, got {value!r}")
        if item < minimum:
            raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
        out.append(int(item))
    return out[0], out[1]


def check_int(name: str, value, minimum: int) -> int:
    """Return ``value`` as an int after checking it is an integer ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)
