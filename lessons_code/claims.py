"""Named checks of the claims the lesson pages state, so each check can be seen to fail.

Every ``check_*`` function takes the quantity the prose names, returns the numbers the page
prints when the claim holds, and raises :class:`ClaimError` (an ``AssertionError``) naming the
claim and the numbers when it does not. ``tests/test_claims.py`` feeds each one a false version
of its claim (a flipped gradient, another image, a wrong count, a constant) and sees it fail.

The training claims (experiments, least-squares students) are checked in
:mod:`lessons_code.experiments.claims`; :func:`mean_interval` (Student-t 95 % interval) lives
here so both parts quote intervals the same way.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import conv
from ._checks import as_float_array, check_int
from .gradcheck import REL_ERROR_BOUND, rel_error

#: A wrong gradient formula gives a relative error of order 1; this is the line the book draws.
WRONG_FORMULA_ERROR = 1e-2


class ClaimError(AssertionError):
    """A claim a page makes does not hold for the numbers it was given."""


def _require(ok, claim: str, detail: str) -> None:
    if not bool(ok):
        raise ClaimError(f"claim does not hold: {claim} ({detail})")


# --- intervals -----------------------------------------------------------------------------


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
    df = check_int("df", df, 1)
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


# --- gradients chapter ---------------------------------------------------------------------


def check_rank_one(dW) -> int:
    """Claim: a single example's FC weight gradient ``dW = dy xᵀ`` has rank one. Returns the rank."""
    dW = as_float_array("dW", dW, 2)
    rank = int(np.linalg.matrix_rank(dW))
    _require(rank == 1, "the FC weight gradient of one example has rank 1", f"rank {rank}")
    return rank


def check_kernel_grad_is_window_sum(img, dy, dK) -> float:
    """Claim (eq. conv-dk): ``dK`` is the sum over output positions of ``dy[i, j]`` times the window
    read there, i.e. the valid cross-correlation of ``img`` with ``dy``. Returns the largest difference."""
    img, dy, dK = as_float_array("img", img, 2), as_float_array("dy", dy, 2), as_float_array("dK", dK, 2)
    kh, kw = img.shape[0] - dy.shape[0] + 1, img.shape[1] - dy.shape[1] + 1
    windows = sum(
        dy[i, j] * img[i : i + kh, j : j + kw] for i in range(dy.shape[0]) for j in range(dy.shape[1])
    )
    if dK.shape != windows.shape:
        raise ValueError(f"dK must have shape {windows.shape} for these img and dy, got {dK.shape}")
    err = float(np.abs(dK - windows).max())
    _require(
        err < 1e-12 * max(1.0, float(np.abs(windows).max())), "dK = sum of dy[i, j] · window", f"{err:.1e}"
    )
    return err


class FlipCheck(NamedTuple):
    correct: float  # relative error of dK against the numerical gradient
    flipped: float  # relative error of dK rotated by 180 degrees


def check_no_flip(dK, numeric) -> FlipCheck:
    """Claim: the kernel gradient has no flip. ``dK`` agrees with the centred-difference gradient
    ``numeric`` to rounding, and the 180°-rotated ``dK`` is off by order one."""
    dK, numeric = as_float_array("dK", dK, 2), as_float_array("numeric", numeric, 2)
    out = FlipCheck(rel_error(dK, numeric), rel_error(dK[::-1, ::-1], numeric))
    _require(out.correct < REL_ERROR_BOUND, "dK matches finite differences", f"{out.correct:.1e}")
    _require(out.flipped > WRONG_FORMULA_ERROR, "the flipped dK does not", f"{out.flipped:.1e}")
    return out


# --- geometry chapter ----------------------------------------------------------------------


def check_receptive_fields(fc_mask, conv_mask, window) -> tuple[int, int]:
    """Claim: an FC unit reads every pixel; a conv unit reads exactly its window.

    window: ``(row0, col0, kh, kw)``. Returns the two pixel counts."""
    fc_mask, conv_mask = np.asarray(fc_mask, dtype=bool), np.asarray(conv_mask, dtype=bool)
    r, c, kh, kw = window
    expected = np.zeros_like(conv_mask)
    expected[r : r + kh, c : c + kw] = True
    _require(fc_mask.all(), "an FC unit reads every pixel", f"{fc_mask.sum()} of {fc_mask.size}")
    _require(
        np.array_equal(conv_mask, expected),
        f"the conv unit reads the {kh}×{kw} window at ({r}, {c})",
        f"{conv_mask.sum()} pixels, window match {bool((conv_mask == expected).all())}",
    )
    return int(fc_mask.sum()), int(conv_mask.sum())


def check_equivariance(report) -> tuple[float, float]:
    """Claim (eq. equivariance): conv(shift x) = shift(conv x) exactly away from the border, while
    the FC output changes (by more than 1). ``report`` is a :class:`lessons_code.geometry.ShiftReport`."""
    _require(
        report.conv_interior == 0.0,
        "conv commutes with the shift, exactly",
        f"difference {report.conv_interior:.1e}",
    )
    _require(
        report.fc_change > 1.0, "the FC output changes under the shift", f"change {report.fc_change:.2f}"
    )
    return report.conv_interior, report.fc_change


# --- gradient flow chapter -----------------------------------------------------------------


def rms_ratio_dK_dW(x, dy, kernel_shape) -> float:
    """RMS of the kernel gradient over RMS of the FC weight gradient, for input ``x`` and
    upstream gradient ``dy`` shared by both layers (``dW = dy.ravel() x.ravelᵀ``)."""
    x, dy = as_float_array("x", x, 2), as_float_array("dy", dy, 2)
    dK = conv.conv_weight_grad(x, np.zeros(kernel_shape), dy)
    dW = np.outer(dy.ravel(), x.ravel())
    return float(np.sqrt(np.mean(dK**2)) / np.sqrt(np.mean(dW**2)))


def rms_ratio_draws(
    n_draws: int = 2000, input_shape=(6, 6), kernel_shape=(3, 3), seed: int = 0
) -> np.ndarray:
    """:func:`rms_ratio_dK_dW` for ``n_draws`` independent standard-normal ``x`` and ``dy``
    (all draws at once: ``dK[n, p, q] = sum_ij dy[n, i, j] x[n, i+p, j+q]``)."""
    n_draws = check_int("n_draws", n_draws, 1)
    rng = np.random.default_rng(seed)
    kh, kw = kernel_shape
    oh, ow = conv.output_shape(input_shape, kernel_shape)
    x = rng.standard_normal((n_draws, *input_shape))
    dy = rng.standard_normal((n_draws, oh, ow))
    dK = np.stack(
        [np.einsum("nij,nij->n", dy, x[:, p : p + oh, q : q + ow]) for p in range(kh) for q in range(kw)],
        axis=1,
    )
    rms_dW = np.sqrt(
        np.mean(dy.reshape(n_draws, -1) ** 2, axis=1) * np.mean(x.reshape(n_draws, -1) ** 2, axis=1)
    )
    return np.sqrt(np.mean(dK**2, axis=1)) / rms_dW


def check_random_walk_growth(ratios, n_terms: int) -> float:
    """Claim: a kernel-gradient entry sums ``n_terms`` products of mixed sign, so a typical entry is
    about ``sqrt(n_terms)`` times a typical FC entry: neither ``n_terms`` times nor "not larger".

    ratios: RMS |dK| / RMS |dW| over many random draws (:func:`rms_ratio_draws`). The median must
    lie within 25 % of ``sqrt(n_terms)``. Returns the median."""
    r = as_float_array("ratios", ratios, 1)
    n_terms = check_int("n_terms", n_terms, 2)
    if r.size < 10:
        raise ValueError(f"ratios must hold at least 10 draws, got {r.size}")
    med = float(np.median(r))
    root = math.sqrt(n_terms)
    _require(
        0.75 * root < med < 1.25 * root,
        f"a typical dK entry is about sqrt({n_terms}) = {root:.1f} times a typical dW entry",
        f"median ratio {med:.2f}",
    )
    return med


def check_frames_add_up(frames, dK, dW) -> float:
    """Claim: the per-unit frames add up to the whole-layer gradients: the running kernel gradient
    after the last frame is ``dK``, and the FC rows written one per frame make ``dW``."""
    last = frames[-1]
    err = float(np.abs(last.conv_dK_sum - dK).max())
    _require(err < 1e-12, "the frames' kernel contributions add up to dK", f"{err:.1e}")
    _require(np.array_equal(last.fc_dW_sum, dW), "the frames' FC rows make dW", "rows differ")
    return err
