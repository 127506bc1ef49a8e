"""Input validation shared by every public function: the package's input policy in code.

The policy itself is written out in the package docstring (:mod:`lessons_code`) and the README.
Each helper here raises a ``TypeError`` (wrong kind of value) or a ``ValueError`` (right kind,
wrong shape, range or size) whose message names what was expected and what was given, so a
learner can fix the call without reading the source.

How to apply the policy to a new public function (the helpers are small and independent):

* every array argument: ``x = as_float_array("x", x, ndim)`` -- a new float64 array (never a view
  of the caller's data), finite, non-empty, with the given number of dimensions; pass
  ``finite=False`` or ``allow_empty=True`` only where the function documents why;
* shapes that must agree: ``require_shape("dy", dy, expected_shape)``;
* integers: ``require_int("k", k, minimum)``, pairs: ``as_pair("stride", stride, 1)``;
* real scalars: ``require_real("h", h, positive=True)``; seeds: ``require_seed("seed", seed)``;
  integer index arrays: ``as_index_array("perm", perm, ndim=1)`` (``np.intp``);
* anything that allocates in proportion to a product of sizes: estimate the bytes first and call
  ``require_size("what it builds", n_bytes)`` before allocating; it refuses above :data:`MAX_BYTES`
  with the estimate in the message. Estimate from shapes, before any copy: ``x, shape =
  array_shape("x", x, 4)`` checks an array's dtype, ndim and emptiness without converting it (a
  nested list is converted: it already occupies its memory), then guard, then ``as_float_array``
  (which refuses a float64 copy above the limit by itself). The estimate is the call's peak
  (within 10 %, ``tests/test_near_misses.py``; near the limit, ``benchmarks/bench_guards.py``).

Validate once, at the door a learner calls: inside the package, a function that has checked its
arguments calls the other modules' unchecked cores (``conv_forward_unchecked``, ...), never their
``_private`` names and never a second check. The validators here are ``require_*`` and ``as_*``.

The tests in ``tests/test_input_policy.py`` feed every public function each kind of bad input;
a new public function gets a row there.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

#: The size guard: a function refuses up front, with its estimate, when what it would allocate
#: exceeds this many bytes (512 MiB: a laptop and a 32-bit Python in the browser both cope).
MAX_BYTES = 512 * 2**20

#: Integers up to 2**53 are exact in float64; larger ones would be rounded silently.
_EXACT_INT = 2**53


def format_bytes(n: float) -> str:
    """``1536 -> '1.5 KiB'``: a byte count for an error message."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def require_size(what: str, n_bytes: float, limit: int | None = None) -> None:
    """Refuse (``ValueError``) when building ``what`` would need more than ``limit`` bytes
    (default: :data:`MAX_BYTES`, read at each call).

    Call it with an *estimate* before allocating: the message gives the estimate and the limit.
    """
    limit = MAX_BYTES if limit is None else limit
    if n_bytes > limit:
        raise ValueError(
            f"{what} would need about {format_bytes(n_bytes)}, more than the package's limit of "
            f"{format_bytes(limit)} (lessons_code._checks.MAX_BYTES): use smaller sizes"
        )


def as_float_array(
    name: str, value, ndim: int | tuple[int, ...], *, finite: bool = True, allow_empty: bool = False
) -> np.ndarray:
    """Return ``value`` as a new float64 array after checking kind, dtype, ndim, values and size.

    * accepted: numpy arrays and anything ``np.asarray`` turns into a rectangular array (lists,
      tuples, scalars for ``ndim=0``) holding integers (``|value| <= 2**53``, exact in float64) or
      floats of at most 64 bits (float16/float32 are converted to float64: computed in float64);
    * refused with ``TypeError``: booleans, strings, objects, complex numbers, ``None``,
      ``np.longdouble`` (it would be rounded), masked arrays with masked entries (the mask
      would be lost: pass ``arr.filled(value)``; with nothing masked, the data is used),
      ragged nested lists;
    * refused with ``ValueError``: the wrong number of dimensions, NaN or inf (unless
      ``finite=False``), an axis of length 0 (unless ``allow_empty=True``).

    The result is always a copy, so a function never keeps a reference to the caller's array
    (e.g. a cache stays valid when the caller later changes its ``x``).
    """
    if value is None:
        raise TypeError(f"{name} must be an array of real numbers, got None")
    if is_array(value):  # checked before any conversion: a copy of a huge array is refused first
        _require_array_meta(name, tuple(value.shape), value.dtype, ndim, allow_empty)
        require_size(f"{name} as float64", 8 * math.prod(value.shape))
    if isinstance(value, np.ma.MaskedArray):
        if np.ma.getmaskarray(value).any():
            raise TypeError(
                f"{name} must be a plain array, got a masked array with masked entries (the mask "
                "would be ignored): pass arr.filled(value) or arr.compressed()"
            )
        value = np.ma.getdata(value)
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as err:
        raise TypeError(
            f"{name} must be a rectangular array of real numbers, got {type(value).__name__}: {err}"
        ) from None
    _require_array_meta(name, arr.shape, arr.dtype, ndim, allow_empty)
    if np.issubdtype(arr.dtype, np.integer):
        if arr.size and (int(arr.max()) > _EXACT_INT or int(arr.min()) < -_EXACT_INT):
            raise ValueError(
                f"{name} must hold integers of magnitude <= 2**53 (exact in float64), "
                f"got values in [{arr.min()}, {arr.max()}]"
            )
        return arr.astype(np.float64)
    out = np.array(arr, dtype=np.float64)  # always a copy
    if finite and out.size and not (np.isfinite(out.min()) and np.isfinite(out.max())):  # no n-byte mask
        bad = np.argwhere(~np.isfinite(out))[0]
        where = tuple(int(i) for i in bad)
        raise ValueError(
            f"{name} must hold finite numbers (no NaN or inf), got {out[where]} at index {where}"
        )
    return out


def is_array(value) -> bool:
    """A numpy array or anything like one (it has ``shape`` and ``dtype``): its size is known
    before any conversion."""
    return hasattr(value, "shape") and hasattr(value, "dtype")


def _require_array_meta(name, shape, dtype, ndim, allow_empty) -> None:
    """The checks of :func:`as_float_array` that read only the shape and the dtype."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} must be a numpy array of real numbers, got dtype {dtype}") from None
    if dtype.kind == "b" or not (np.issubdtype(dtype, np.integer) or np.issubdtype(dtype, np.floating)):
        raise TypeError(f"{name} must hold real numbers (an integer or float dtype), got dtype {dtype}")
    if np.issubdtype(dtype, np.floating) and dtype.itemsize > 8:
        raise TypeError(
            f"{name} must have a float dtype of at most 64 bits, got {dtype} (it would be rounded)"
        )
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if len(shape) not in allowed:
        want = " or ".join(f"{d}-D" for d in allowed)
        raise ValueError(f"{name} must be {want}, got a {len(shape)}-D array of shape {tuple(shape)}")
    if math.prod(shape) == 0 and not allow_empty:
        raise ValueError(f"{name} must not be empty, got shape {tuple(shape)}")


def array_shape(name: str, value, ndim: int | tuple[int, ...], *, allow_empty: bool = False):
    """``(value, shape)`` for a size guard that must run before any copy: an array's shape and
    dtype are checked as :func:`as_float_array` checks them, without converting it; anything else
    (a nested list: it already occupies its memory) is converted first."""
    if value is not None and is_array(value):
        _require_array_meta(name, tuple(value.shape), value.dtype, ndim, allow_empty)
        return value, tuple(int(s) for s in value.shape)
    arr = as_float_array(name, value, ndim, allow_empty=allow_empty)
    return arr, arr.shape


def as_index_array(name: str, value, ndim: int = 1) -> np.ndarray:
    """Return ``value`` as an ``np.intp`` array (the platform's index type: 32-bit in a 32-bit
    Python, so ``np.bincount`` and indexing work everywhere). Refuses bool, float, masked arrays."""
    if isinstance(value, np.ma.MaskedArray):
        if np.ma.getmaskarray(value).any():
            raise TypeError(f"{name} must be a plain integer array, got a masked array with masked entries")
        value = np.ma.getdata(value)
    arr = np.asarray(value)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got a {arr.ndim}-D array of shape {arr.shape}")
    info = np.iinfo(np.intp)
    if arr.size and (int(arr.max()) > info.max or int(arr.min()) < info.min):
        raise ValueError(
            f"{name} must fit the platform's index type {np.dtype(np.intp)}, got values beyond it"
        )
    return arr.astype(np.intp)


def require_shape(name: str, arr: np.ndarray, expected: tuple[int, ...]) -> None:
    """Raise ``ValueError`` unless ``arr.shape == expected``."""
    if tuple(arr.shape) != tuple(expected):
        raise ValueError(f"{name} must have shape {tuple(expected)}, got shape {tuple(arr.shape)}")


def as_shape(name: str, value, axes: str, minimum: int = 1) -> tuple[int, ...]:
    """A shape given as a tuple or list of ints ``>= minimum``, one per axis of ``axes`` (e.g.
    ``"(N, C, H, W)"``); floats, strings and bools are refused, not truncated."""
    n = axes.count(",") + 1
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{name} must be a tuple {axes} of ints, got {type(value).__name__} {value!r}")
    if len(value) != n:
        raise ValueError(f"{name} must be a tuple {axes} of {n} ints, got {len(value)} entries: {value!r}")
    return tuple(require_int(name, v, minimum) for v in value)


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


def require_int(name: str, value, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an int after checking it is an integer in ``[minimum, maximum]``.

    Python and numpy integers are accepted; ``bool``, floats (even ``5.0``) and strings are not.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return int(value)


def require_real(name: str, value, *, positive: bool = False, minimum: float | None = None) -> float:
    """Return ``value`` as a float after checking it is a finite real number (int or float, numpy
    scalars included; not ``bool``), ``> 0`` if ``positive``, ``>= minimum`` if given."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if positive and not v > 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    if minimum is not None and v < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return v


def require_seed(name: str, value) -> int | tuple[int, ...]:
    """A seed for ``np.random.default_rng``: an int ``>= 0`` or a non-empty tuple/list of them."""
    if isinstance(value, (tuple, list)):
        if not value:
            raise ValueError(f"{name} must be an int >= 0 or a non-empty sequence of them, got {value!r}")
        return tuple(require_int(name, v, 0) for v in value)
    return require_int(name, value, 0)


def require_rng(name: str, value) -> np.random.Generator:
    """Refuse anything but a ``np.random.Generator`` (``np.random.default_rng(seed)``)."""
    if not isinstance(value, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy Generator (np.random.default_rng(seed)), got {type(value).__name__}"
        )
    return value
