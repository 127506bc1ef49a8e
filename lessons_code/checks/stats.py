"""Student-t statistics for the claims the pages quote as ``mean ± half-width`` over seeds.

:func:`mean_interval` gives the two-sided Student-t interval of a mean; :func:`t_quantile` the
quantile it needs (Simpson's rule on the density, exact enough to 1e-10).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from .._checks import as_float_array, require_int


def _t_cdf(t: float, df: int) -> float:
    """Student-t CDF by Simpson's rule on the density (exact enough for quantiles to 1e-10)."""
    if t == 0:
        return 0.5
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)

    def pdf(u):
        return math.exp(log_c - (df + 1) / 2 * math.log1p(u * u / df))

    n = 400  # even
    a, b = 0.0, abs(t)
    h = (b - a) / n
    s = pdf(a) + pdf(b) + sum((4 if k % 2 else 2) * pdf(a + k * h) for k in range(1, n))
    half = s * h / 3
    return 0.5 + half if t > 0 else 0.5 - half


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (``t_quantile(0.975, 4)`` = 2.776)."""
    df = require_int("df", df, 1)
    if not 0 < p < 1:
        raise ValueError(f"p must be strictly between 0 and 1, got {p}")
    if p == 0.5:
        return 0.0
    lo, hi = 0.0, 1.0
    target = max(p, 1 - p)
    while _t_cdf(hi, df) < target:
        hi *= 2
    for _ in range(45):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _t_cdf(mid, df) < target else (lo, mid)
    q = (lo + hi) / 2
    return q if p > 0.5 else -q


class Interval(NamedTuple):
    """Mean of ``n`` values and its two-sided Student-t confidence interval."""

    mean: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    def text(self, fmt: str = ".2f", scale: float = 1.0) -> str:
        """``'0.53 ± 0.04'``: the mean and the half-width of the interval."""
        return f"{scale * self.mean:{fmt}} ± {scale * self.half_width:{fmt}}"


def mean_interval(values, level: float = 0.95) -> Interval:
    """Mean of ``values`` (1-D, at least 2) with its Student-t interval at ``level`` (default 95 %)."""
    v = as_float_array("values", values, 1)
    if v.size < 2:
        raise ValueError(f"values must hold at least 2 numbers for an interval, got {v.size}")
    if not 0 < level < 1:
        raise ValueError(f"level must be strictly between 0 and 1, got {level}")
    m = float(v.mean())
    half = t_quantile(0.5 + level / 2, v.size - 1) * float(v.std(ddof=1)) / math.sqrt(v.size)
    return Interval(m, m - half, m + half, int(v.size))
