"""Named checks of the claims the lesson pages state, so each check can be seen to fail.

Every ``check_*`` function takes the quantity the prose names, returns the numbers the page
prints when the claim holds, and raises :class:`~lessons_code.checks.verdict.ClaimError` (an
``AssertionError``) naming the claim and the numbers when it does not.
``tests/checks/test_claims.py`` feeds each one a false version of its claim (a flipped gradient,
another image, a wrong count, a constant) and sees it fail.

The training claims (experiments, least-squares students) are checked in
:mod:`lessons_code.checks.training_claims`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .. import conv
from .._checks import array_shape, as_float_array, as_pair, as_shape, require_int, require_seed, require_size
from ..geometry import ShiftReport
from ..gradcheck import rel_error
from .tolerances import REL_ERROR_BOUND, ROUNDING_BOUND, WRONG_FORMULA_ERROR
from .verdict import require

# --- gradients chapter ---------------------------------------------------------------------


def check_rank_one(dW) -> int:
    """Claim: a single example's FC weight gradient ``dW = dy xᵀ`` has rank one. Returns the rank."""
    dW = as_float_array("dW", dW, 2)
    rank = int(np.linalg.matrix_rank(dW))
    require(rank == 1, "the FC weight gradient of one example has rank 1", f"rank {rank}")
    return rank


def check_kernel_grad_is_window_sum(img, dy, dK) -> float:
    """Claim (eq. conv-dk): ``dK`` is the sum over output positions of ``dy[i, j]`` times the window
    read there, i.e. the valid cross-correlation of ``img`` with ``dy``. Returns the largest difference."""
    img, dy, dK = as_float_array("img", img, 2), as_float_array("dy", dy, 2), as_float_array("dK", dK, 2)
    kh, kw = img.shape[0] - dy.shape[0] + 1, img.shape[1] - dy.shape[1] + 1
    if kh < 1 or kw < 1:
        raise ValueError(
            f"dy must be no larger than img {img.shape} (dy is its output), got dy of shape {dy.shape}"
        )
    windows = sum(
        dy[i, j] * img[i : i + kh, j : j + kw] for i in range(dy.shape[0]) for j in range(dy.shape[1])
    )
    if dK.shape != windows.shape:
        raise ValueError(f"dK must have shape {windows.shape} for these img and dy, got {dK.shape}")
    err = float(np.abs(dK - windows).max())
    require(
        err < ROUNDING_BOUND * max(1.0, float(np.abs(windows).max())),
        "dK = sum of dy[i, j] · window",
        f"{err:.1e}",
    )
    return err


class FlipErrors(NamedTuple):
    """The two relative errors :func:`check_no_flip` measures."""

    correct: float  # relative error of dK against the numerical gradient
    flipped: float  # relative error of dK rotated by 180 degrees


def check_no_flip(dK, numeric) -> FlipErrors:
    """Claim: the kernel gradient has no flip. ``dK`` agrees with the centred-difference gradient
    ``numeric`` to rounding, and the 180°-rotated ``dK`` is off by order one."""
    dK, numeric = as_float_array("dK", dK, 2), as_float_array("numeric", numeric, 2)
    out = FlipErrors(rel_error(dK, numeric), rel_error(dK[::-1, ::-1], numeric))
    require(out.correct < REL_ERROR_BOUND, "dK matches finite differences", f"{out.correct:.1e}")
    require(out.flipped > WRONG_FORMULA_ERROR, "the flipped dK does not", f"{out.flipped:.1e}")
    return out


# --- geometry chapter ----------------------------------------------------------------------


def check_receptive_fields(fc_mask, conv_mask, window) -> tuple[int, int]:
    """Claim: an FC unit reads every pixel; a conv unit reads exactly its window.

    window: ``(row0, col0, kh, kw)``. Returns the two pixel counts."""
    fc_mask, conv_mask = _mask("fc_mask", fc_mask), _mask("conv_mask", conv_mask)
    r, c, kh, kw = as_shape("window", window, "(row0, col0, kh, kw)", 0)
    expected = np.zeros_like(conv_mask)
    expected[r : r + kh, c : c + kw] = True
    require(fc_mask.all(), "an FC unit reads every pixel", f"{fc_mask.sum()} of {fc_mask.size}")
    require(
        np.array_equal(conv_mask, expected),
        f"the conv unit reads the {kh}×{kw} window at ({r}, {c})",
        f"{conv_mask.sum()} pixels, window match {bool((conv_mask == expected).all())}",
    )
    return int(fc_mask.sum()), int(conv_mask.sum())


def _mask(name: str, value) -> np.ndarray:
    """A 2-D boolean mask (a geometry function's result), refused if it is anything else."""
    if not (isinstance(value, np.ndarray) and value.dtype == bool):
        raise TypeError(
            f"{name} must be a 2-D boolean array (a receptive-field mask), got {type(value).__name__}"
        )
    if value.ndim != 2:
        raise ValueError(f"{name} must be a 2-D boolean array, got shape {value.shape}")
    return np.array(value)


def check_equivariance(report) -> tuple[float, float]:
    """Claim (eq. equivariance): conv(shift x) = shift(conv x) exactly away from the border, while
    the FC output changes (by more than 1). ``report`` is a :class:`lessons_code.geometry.ShiftReport`."""
    if not isinstance(report, ShiftReport):
        raise TypeError(f"report must be the ShiftReport of geometry.shift_test, got {type(report).__name__}")
    require(
        report.conv_interior == 0.0,
        "conv commutes with the shift, exactly",
        f"difference {report.conv_interior:.1e}",
    )
    require(report.fc_change > 1.0, "the FC output changes under the shift", f"change {report.fc_change:.2f}")
    return report.conv_interior, report.fc_change


# --- gradient flow chapter -----------------------------------------------------------------


def rms_ratio_dK_dW(x, dy, kernel_shape) -> float:
    """RMS of the kernel gradient over RMS of the FC weight gradient, for input ``x`` and
    upstream gradient ``dy`` shared by both layers (``dW = dy.ravel() x.ravelᵀ``)."""
    (x, x_shape), (dy, dy_shape) = array_shape("x", x, 2), array_shape("dy", dy, 2)
    kernel_shape = as_pair("kernel_shape", kernel_shape, 1)
    n_x, n_dy = math.prod(x_shape), math.prod(dy_shape)
    require_size(
        f"the FC weight gradient of x {x_shape} and dy {dy_shape}",
        16 * (n_x * n_dy + n_x + n_dy),  # dW and dW**2
    )
    x, dy = as_float_array("x", x, 2), as_float_array("dy", dy, 2)
    dK = conv.conv_weight_grad(x, np.zeros(kernel_shape), dy)
    dW = np.outer(dy.ravel(), x.ravel())
    return float(np.sqrt(np.mean(dK**2)) / np.sqrt(np.mean(dW**2)))


def rms_ratio_draws(
    n_draws: int = 2000, input_shape=(6, 6), kernel_shape=(3, 3), seed: int = 0
) -> np.ndarray:
    """:func:`rms_ratio_dK_dW` for ``n_draws`` independent standard-normal ``x`` and ``dy``
    (all draws at once: ``dK[n, p, q] = sum_ij dy[n, i, j] x[n, i+p, j+q]``)."""
    n_draws = require_int("n_draws", n_draws, 1)
    rng = np.random.default_rng(require_seed("seed", seed))
    (h, w), (kh, kw) = as_pair("input_shape", input_shape, 1), as_pair("kernel_shape", kernel_shape, 1)
    oh, ow = conv.output_shape((h, w), (kh, kw))
    require_size(
        f"{n_draws} draws of x {(h, w)} and dy {(oh, ow)}", 8 * n_draws * (2 * h * w + oh * ow + 2 * kh * kw)
    )
    x = rng.standard_normal((n_draws, h, w))
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
    n_terms = require_int("n_terms", n_terms, 2)
    if r.size < 10:
        raise ValueError(f"ratios must hold at least 10 draws, got {r.size}")
    med = float(np.median(r))
    root = math.sqrt(n_terms)
    require(
        0.75 * root < med < 1.25 * root,
        f"a typical dK entry is about sqrt({n_terms}) = {root:.1f} times a typical dW entry",
        f"median ratio {med:.2f}",
    )
    return med


def check_frames_add_up(frames, dK, dW) -> float:
    """Claim: the per-unit frames add up to the whole-layer gradients: the running kernel gradient
    after the last frame is ``dK``, and the FC rows written one per frame make ``dW``."""
    if not isinstance(frames, (list, tuple)) or not frames:
        raise ValueError(f"frames must be a non-empty list of gradient-flow frames, got {frames!r:.60}")
    last = frames[-1]
    err = float(np.abs(last.conv_dK_sum - dK).max())
    require(err < ROUNDING_BOUND, "the frames' kernel contributions add up to dK", f"{err:.1e}")
    require(np.array_equal(last.fc_dW_sum, dW), "the frames' FC rows make dW", "rows differ")
    return err
