"""The book's statistics: every ``mean ± half-width`` a page quotes, on SciPy's ``stats``.

Each interval carries its *unit of replication* (``over``: "seeds", "seeds and permutations",
"test images", ...), the thing that was redrawn to make the values; a page prints it beside the
interval (:meth:`Interval.text` with ``unit=True``).

* :func:`mean_interval` -- Student-t interval of a mean (values that can have either sign: a
  paired change, an accuracy);
* :func:`ratio_interval` -- interval of a *positive* ratio on the log scale (geometric mean, never
  below zero: gradient spreads, efficiencies);
* :func:`bootstrap_interval` -- percentile-free BCa bootstrap interval of any statistic
  (``scipy.stats.bootstrap``), e.g. an accuracy resampled over test images;
* :func:`binomial_standard_error` -- the standard error of an accuracy measured on one fixed
  test set (what an interval over seeds leaves out);
* :func:`paired_change` and :func:`is_real_change` -- the ONE rule the book uses to call a paired
  change real: the 95 % interval of the paired difference excludes 0.

SciPy is imported inside the functions that use it (a page that never asks for an interval does
not pay for the import).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .._checks import as_float_array, require_int

#: The confidence level every interval on the pages uses.
LEVEL = 0.95


def _require_level(level) -> float:
    if isinstance(level, bool) or not isinstance(level, (int, float)):
        raise TypeError(f"level must be a real number, got {type(level).__name__}")
    if not 0 < level < 1:
        raise ValueError(f"level must be strictly between 0 and 1, got {level}")
    return float(level)


def _require_over(over) -> str:
    if not isinstance(over, str) or not over.strip():
        raise TypeError(f"over must name the unit of replication (a non-empty str), got {over!r}")
    return over


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (``t_quantile(0.975, 4)`` = 2.776).

    SciPy's ``scipy.special.stdtrit``, the function ``scipy.stats.t.ppf`` calls (the same numbers;
    ``scipy.special`` imports in a third of the time, and most pages need nothing else of SciPy);
    ``p`` strictly between 0 and 1 (a ``ValueError`` names it otherwise)."""
    df = require_int("df", df, 1)
    if isinstance(p, bool) or not isinstance(p, (int, float)):
        raise TypeError(f"p must be a real number, got {type(p).__name__}")
    if not 0 < p < 1:
        raise ValueError(f"p must be strictly between 0 and 1, got {p}")
    from scipy import special

    return float(special.stdtrit(df, p))


class Interval(NamedTuple):
    """An estimate of ``n`` replicates with its two-sided confidence interval ``[low, high]``.

    ``over`` names the unit of replication (what was redrawn: "seeds", "test images", ...)."""

    mean: float
    low: float
    high: float
    n: int
    over: str = "seeds"

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    def excludes(self, value: float = 0.0) -> bool:
        """True when ``value`` lies outside the interval (the book's rule for a real change: 0)."""
        return not self.low <= value <= self.high

    def text(self, fmt: str = ".2f", scale: float = 1.0, unit: bool = False) -> str:
        """``'0.53 ± 0.04'``: the estimate and the half-width (symmetric intervals); with
        ``unit=True`` also the unit of replication: ``'0.53 ± 0.04 (5 seeds)'``."""
        s = f"{scale * self.mean:{fmt}} ± {scale * self.half_width:{fmt}}"
        return f"{s} ({self.n} {self.over})" if unit else s

    def range_text(self, fmt: str = ".2f", scale: float = 1.0, unit: bool = False) -> str:
        """``'0.53 [0.49, 0.58]'``: the estimate and the ends, for asymmetric (log-scale or
        bootstrap) intervals; with ``unit=True`` also the unit of replication."""
        s = f"{scale * self.mean:{fmt}} [{scale * self.low:{fmt}}, {scale * self.high:{fmt}}]"
        return f"{s} ({self.n} {self.over})" if unit else s


def mean_interval(values, level: float = LEVEL, over: str = "seeds") -> Interval:
    """Mean of ``values`` (1-D, at least 2 finite numbers) with its Student-t interval at ``level``.

    ``over`` names what the values replicate over. Identical values give a zero-width interval."""
    v = as_float_array("values", values, 1)
    if v.size < 2:
        raise ValueError(f"values must hold at least 2 numbers for an interval, got {v.size}")
    level, over = _require_level(level), _require_over(over)
    m = float(v.mean())
    sd = float(v.std(ddof=1))
    half = t_quantile(0.5 + level / 2, v.size - 1) * sd / math.sqrt(v.size) if sd > 0 else 0.0
    return Interval(m, m - half, m + half, int(v.size), over)


def ratio_interval(values, level: float = LEVEL, over: str = "seeds") -> Interval:
    """Geometric mean of positive ``values`` with the Student-t interval of the mean of their logs,
    mapped back (``exp``): the interval of a positive, skewed ratio, never below zero.

    ``mean`` is the geometric mean; the interval is asymmetric: quote it with
    :meth:`Interval.range_text`. Zero or negative values raise ``ValueError``."""
    v = as_float_array("values", values, 1)
    if np.any(v <= 0):
        raise ValueError(
            f"values must be positive for a log-scale interval, got minimum {float(v.min()):.3g}"
        )
    iv = mean_interval(np.log(v), level, over)
    return Interval(math.exp(iv.mean), math.exp(iv.low), math.exp(iv.high), iv.n, iv.over)


def geometric_mean(values, axis: int = 0) -> np.ndarray:
    """Geometric mean of positive ``values`` along ``axis`` (the centre of a log-scale interval;
    what a log axis should plot). Zero or negative values raise ``ValueError``."""
    v = as_float_array("values", values, (1, 2))
    if np.any(v <= 0):
        raise ValueError(f"values must be positive for a geometric mean, got minimum {float(v.min()):.3g}")
    return np.exp(np.log(v).mean(axis=require_int("axis", axis, 0)))


def bootstrap_interval(
    values,
    statistic=np.mean,
    level: float = LEVEL,
    over: str = "test images",
    seed: int = 0,
    n_resamples: int = 2000,
) -> Interval:
    """``statistic`` of ``values`` (1-D) with its BCa bootstrap interval (``scipy.stats.bootstrap``,
    ``n_resamples`` resamples drawn with ``np.random.default_rng(seed)``: deterministic).

    Needs at least 2 values that are not all equal (a ``ValueError`` says so otherwise: the
    bootstrap of a constant has no spread to resample)."""
    v = as_float_array("values", values, 1)
    level, over = _require_level(level), _require_over(over)
    seed = require_int("seed", seed, 0)
    n_resamples = require_int("n_resamples", n_resamples, 100)
    if not callable(statistic):
        raise TypeError(f"statistic must be callable, got {type(statistic).__name__}")
    if v.size < 2 or np.all(v == v[0]):
        raise ValueError(f"values must hold at least 2 different numbers to bootstrap, got {v.size} values")
    from scipy import stats

    res = stats.bootstrap(
        (v,),
        lambda x, axis: statistic(x, axis=axis),
        confidence_level=level,
        n_resamples=n_resamples,
        method="BCa",
        rng=np.random.default_rng(seed),
    )
    ci = res.confidence_interval
    return Interval(float(statistic(v)), float(ci.low), float(ci.high), int(v.size), over)


def binomial_standard_error(accuracy: float, n: int) -> float:
    """``sqrt(a (1 - a) / n)``: the standard error of an accuracy ``a`` measured on ``n`` test
    examples drawn independently (a binomial proportion). An interval over training seeds on one
    fixed test set does not include it; a paired change on the same test set largely cancels it."""
    n = require_int("n", n, 1)
    if isinstance(accuracy, bool) or not isinstance(accuracy, (int, float, np.floating)):
        raise TypeError(f"accuracy must be a real number, got {type(accuracy).__name__}")
    if not 0 <= accuracy <= 1:
        raise ValueError(f"accuracy must be a fraction between 0 and 1, got {accuracy}")
    return math.sqrt(float(accuracy) * (1 - float(accuracy)) / n)


def paired_change(after, before, level: float = LEVEL, over: str = "seeds") -> Interval:
    """Interval of the paired change ``after - before`` (same replicates, same order, same length)."""
    a = as_float_array("after", after, 1)
    b = as_float_array("before", before, 1)
    if a.shape != b.shape:
        raise ValueError(f"after and before must pair up (same length), got {a.size} and {b.size}")
    return mean_interval(a - b, level, over)


def is_real_change(change: Interval) -> bool:
    """The book's one rule for a paired comparison: the change is real when its 95 % interval
    excludes 0 (a :class:`Interval` from :func:`paired_change`)."""
    if not isinstance(change, Interval):
        raise TypeError(f"change must be an Interval (from paired_change), got {type(change).__name__}")
    return change.excludes(0.0)
