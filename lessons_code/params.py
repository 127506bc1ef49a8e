"""Parameter counts of FC and convolution layers.

* FC from ``n_in`` to ``n_out`` units: ``n_in * n_out`` weights ``+ n_out`` biases.
* Conv with a ``kh x kw`` kernel from ``C_in`` to ``C_out`` channels:
  ``kh * kw * C_in * C_out`` weights ``+ C_out`` biases -- independent of the image size.
"""

from __future__ import annotations

from ._checks import as_pair, check_int


def fc_param_count(n_in: int, n_out: int, bias: bool = True) -> int:
    """Number of parameters of an FC layer: ``n_in * n_out (+ n_out)``."""
    n_in = check_int("n_in", n_in, 1)
    n_out = check_int("n_out", n_out, 1)
    return n_in * n_out + (n_out if bias else 0)


def conv_param_count(k, c_in: int, c_out: int, bias: bool = True) -> int:
    """Number of parameters of a conv layer: ``kh * kw * C_in * C_out (+ C_out)``.

    k: the kernel size, an int (square) or a ``(kh, kw)`` pair.
    """
    kh, kw = as_pair("k", k, 1)
    c_in = check_int("c_in", c_in, 1)
    c_out = check_int("c_out", c_out, 1)
    return kh * kw * c_in * c_out + (c_out if bias else 0)
