"""Small, exact experiments behind the seed's optimization claims (parameters chapter).

A linear *teacher* produces the targets: the sum over all positions of a 3x3 convolution of the
image, plus noise, ``y = sum_ij (x * K_true)[i, j] + noise``. Two linear students fit it by least
squares (the minimum-norm solution, which is where gradient descent from zero converges):

* FC: ``y_hat = w . x.ravel()``, one weight per pixel (``H * W`` parameters);
* conv: ``y_hat = sum_ij (x * K)[i, j]``, one weight per kernel entry (``kh * kw`` parameters).

Its features are ``S(x) = conv_weight_grad(x, K, ones)``: the kernel gradient for an upstream
gradient of ones, i.e. for each kernel entry the sum of the pixels it reads.

Both students can represent the teacher exactly (the conv sum is a linear function of the
pixels), so any gap between them is about how many examples each needs, not about what it can
express. The inputs are white noise, not natural images: these are controlled demonstrations.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import conv
from .._checks import as_float_array, as_pair, require_int, require_real, require_rng, require_seed
from ..checks.stats import mean_interval, ratio_interval
from ..tables import markdown_table


class Data(NamedTuple):
    x: np.ndarray  # (N, H, W) images
    y: np.ndarray  # (N,) targets


def teacher_data(n: int, image_shape, kernel_true, noise: float, rng: np.random.Generator) -> Data:
    """``n`` white-noise images and their targets ``sum(x * K_true) + noise * N(0, 1)``."""
    n = require_int("n", n, 1)
    h, w = as_pair("image_shape", image_shape, 1)
    kernel_true = as_float_array("kernel_true", kernel_true, 2)
    conv.output_shape((h, w), kernel_true.shape)  # the kernel must fit the images
    noise = require_real("noise", noise, minimum=0.0)
    require_rng("rng", rng)
    x = rng.standard_normal((n, h, w))
    y = conv_features(x, kernel_true.shape) @ kernel_true.ravel() + noise * rng.standard_normal(n)
    return Data(x, y)


def _require_data(name: str, data) -> None:
    if not isinstance(data, Data):
        raise TypeError(f"{name} must be a Data(x, y) from teacher_data, got {type(data).__name__}")
    x = as_float_array(f"{name}.x", data.x, 3)
    y = as_float_array(f"{name}.y", data.y, 1)
    if len(y) != len(x):
        raise ValueError(f"{name}.y must have one target per image ({len(x)}), got {len(y)}")


def fc_features(x: np.ndarray) -> np.ndarray:
    """FC student's inputs: the flattened pixels, ``(N, H*W)``; x: ``(N, H, W)``."""
    x = as_float_array("x", x, 3)
    return x.reshape(len(x), -1)


def conv_features(x: np.ndarray, kernel_shape) -> np.ndarray:
    """Conv student's inputs: ``S(x)`` flattened, ``(N, kh*kw)``; ``sum(x * K) = K . S(x)``.

    ``S(x)[p, q]`` is the sum of the pixels kernel entry ``(p, q)`` reads, i.e.
    ``conv_weight_grad(x, K, ones)`` (the loop twin is :func:`conv_features_loop`)."""
    x = as_float_array("x", x, 3)
    kh, kw = as_pair("kernel_shape", kernel_shape, 1)
    oh, ow = conv.output_shape(x.shape[1:], (kh, kw))
    return np.stack(
        [x[:, p : p + oh, q : q + ow].sum(axis=(1, 2)) for p in range(kh) for q in range(kw)], axis=1
    )


def conv_features_loop(x: np.ndarray, kernel_shape) -> np.ndarray:
    """:func:`conv_features` one image at a time, through ``conv.conv_weight_grad``."""
    x = as_float_array("x", x, 3)
    k = np.zeros(as_pair("kernel_shape", kernel_shape, 1))
    ones = np.ones(conv.output_shape(x.shape[1:], k.shape))
    return np.stack([conv.conv_weight_grad(img, k, ones).ravel() for img in x])


class FitReport(NamedTuple):
    """Mean squared errors of one student after a least-squares fit."""

    model: str
    n_params: int
    n_train: int
    train_mse: float
    test_mse: float


def fit_students(train: Data, test: Data, kernel_shape=(3, 3)) -> list[FitReport]:
    """Fit the FC and the conv student on ``train`` (min-norm least squares); score both sets."""
    _require_data("train", train)
    _require_data("test", test)
    if train.x.shape[1:] != test.x.shape[1:]:
        raise ValueError(
            f"train and test images must have the same shape, got {train.x.shape} and {test.x.shape}"
        )
    reports = []
    for name, feats in (("FC", fc_features), ("conv", lambda x: conv_features(x, kernel_shape))):
        a_train, a_test = feats(train.x), feats(test.x)
        w, *_ = np.linalg.lstsq(a_train, train.y, rcond=None)
        reports.append(
            FitReport(
                name,
                a_train.shape[1],
                len(train.y),
                float(np.mean((a_train @ w - train.y) ** 2)),
                float(np.mean((a_test @ w - test.y) ** 2)),
            )
        )
    return reports


class StepEfficiency(NamedTuple):
    """One SGD step on a quadratic loss, against a full-batch step (McCandlish et al. 2018).

    A step ``w -> w - eta g_B`` on a loss with Hessian ``H`` changes it, in expectation over
    batches of ``B`` examples drawn with replacement, by
    ``-eta ||g||^2 + eta^2 / 2 (g^T H g + tr(H Sigma) / B)``, ``Sigma`` the covariance of one
    example's gradient. At its best step ``eta* = ||g||^2 / (g^T H g + tr(H Sigma) / B)`` it gains
    ``||g||^4 / (2 (g^T H g + tr(H Sigma) / B))``; a full-batch step at its best, ``||g||^4 / (2 g^T H g)``.
    ``efficiency`` is the ratio, ``1 / (1 + noise_scale / B)``, ``noise_scale = tr(H Sigma) / g^T H g``.
    """

    efficiency: float  # one minibatch step's expected loss decrease / a full-batch step's (best steps)
    best_step: float  # eta* of the minibatch step
    full_step: float  # eta* of the full-batch step, ||g||^2 / g^T H g
    noise_scale: float  # tr(H Sigma) / g^T H g: the batch size at which the efficiency is 1/2
    curvature: float  # g^T H g
    noise_trace: float  # tr(H Sigma)


def step_efficiency(features, targets, weights=None, batch: int = 10) -> StepEfficiency:
    """Per-step efficiency of SGD with batches of ``batch`` on the least-squares loss
    ``L(w) = mean_n (a_n . w - y_n)^2 / 2`` at ``weights`` (default zero).

    features: ``(N, d)`` rows ``a_n``; targets: ``(N,)``. The Hessian is ``H = A^T A / N``, one
    example's gradient ``g_n = a_n (a_n . w - y_n)``, ``Sigma`` their covariance over the ``N``
    examples. A gradient of zero (e.g. all-zero targets at ``w = 0``) or no curvature along it has
    no step to compare: ``ValueError``."""
    a = as_float_array("features", features, 2)
    y = as_float_array("targets", targets, 1)
    if len(y) != len(a):
        raise ValueError(f"targets must hold one number per row of features ({len(a)}), got {len(y)}")
    if len(y) < 2:
        raise ValueError(f"features must hold at least 2 examples, got {len(y)}")
    w = np.zeros(a.shape[1]) if weights is None else as_float_array("weights", weights, 1)
    if w.shape != (a.shape[1],):
        raise ValueError(f"weights must have one entry per feature ({a.shape[1]}), got {w.shape}")
    batch = require_int("batch", batch, 1)
    per_example = a * (a @ w - y)[:, None]
    g = per_example.mean(axis=0)
    g2 = float(g @ g)
    if not g2 > 0:
        raise ValueError("the full gradient is zero (e.g. all-zero targets at w = 0): no step to compare")
    curvature = float(np.sum((a @ g) ** 2) / len(y))  # g^T H g
    if not curvature > 0:
        raise ValueError("the loss has no curvature along the gradient (features orthogonal to it)")
    centred = per_example - g
    # tr(H Sigma) = mean_n (g_n - g)^T H (g_n - g) = mean_n ||A (g_n - g)||^2 / N
    noise_trace = float(np.sum((centred @ a.T) ** 2) / len(y) ** 2)
    denom = curvature + noise_trace / batch
    return StepEfficiency(
        curvature / denom, g2 / denom, g2 / curvature, noise_trace / curvature, curvature, noise_trace
    )


class NoiseReport(NamedTuple):
    """How far mini-batch gradients stray from the full-batch gradient, relative to its size, and
    what that costs one SGD step.

    ``relative_noise`` is an RMS, so ``relative_noise^2 = along^2 + across^2``: it grows like
    ``sqrt((d + 1) / batch)`` for ``d`` roughly independent features. It splits into the part
    *along* the full gradient and the part *across* it; a step pays for both, weighted by the
    curvature (``efficiency``, see :class:`StepEfficiency`).
    """

    model: str
    n_params: int
    relative_noise: float  # RMS over batches of ||g_batch - g_full|| / ||g_full||
    along: float  # RMS over batches of the component of g_batch - g_full along g_full, / ||g_full||
    across: float  # RMS over batches of the rest, / ||g_full||
    efficiency: float  # StepEfficiency.efficiency for this batch size
    best_step: float  # StepEfficiency.best_step


def gradient_noise(data: Data, kernel_shape=(3, 3), batch: int = 10) -> list[NoiseReport]:
    """Mini-batch gradient noise of both students at the start of training (weights zero).

    Loss ``L = mean (y_hat - y)^2 / 2``; at ``w = 0`` the gradient of a batch is ``-mean(y_n a_n)``
    with ``a_n`` the student's features. Batches are consecutive slices of ``data``. All-zero
    targets (a zero gradient) raise ``ValueError``.
    """
    batch = require_int("batch", batch, 1)
    _require_data("data", data)
    if len(data.y) < 2 * batch:
        raise ValueError(f"data must hold at least two batches of {batch}, got {len(data.y)} examples")
    if not np.any(data.y):
        raise ValueError("data.y must not be all zero: at w = 0 the full gradient would be zero")
    reports = []
    for name, feats in (("FC", fc_features), ("conv", lambda x: conv_features(x, kernel_shape))):
        a = feats(data.x)
        per_example = -data.y[:, None] * a
        full = per_example.mean(axis=0)
        size = np.linalg.norm(full)
        if not size > 0:
            raise ValueError(f"the {name} student's full gradient is zero: no direction to measure along")
        n_batches = len(data.y) // batch
        batches = per_example[: n_batches * batch].reshape(n_batches, batch, -1).mean(axis=1)
        dev = batches - full
        along = dev @ (full / size)
        across = np.linalg.norm(dev - along[:, None] * (full / size), axis=1)
        step = step_efficiency(a, data.y, batch=batch)
        reports.append(
            NoiseReport(
                name,
                a.shape[1],
                float(np.sqrt(np.mean(np.sum(dev**2, axis=1))) / size),
                float(np.sqrt(np.mean(along**2)) / size),
                float(np.sqrt(np.mean(across**2)) / size),
                step.efficiency,
                step.best_step,
            )
        )
    return reports


def teacher_fc_weights(kernel_true, image_shape) -> np.ndarray:
    """The FC weights ``v`` (``(H, W)``) with ``v . x = sum(x * K_true)``: entry ``(r, s)`` is the
    sum of the kernel entries that read pixel ``(r, s)`` (the conv input gradient of ``dy = 1``)."""
    k = np.asarray(kernel_true, dtype=np.float64)
    h, w = as_pair("image_shape", image_shape, 1)
    return conv.conv_input_grad(np.zeros((h, w)), k, np.ones(conv.output_shape((h, w), k.shape)))


class OverfitStudy(NamedTuple):
    """Test errors of both students over seeds, with and without label noise, for one teacher.

    test_mse[(model, n_train, noise)]: ``(n_seeds,)`` test MSEs (one fresh training and test set
    per seed); train_mse likewise. teacher_norm2: ``||v||^2`` of the teacher's FC weights, so a
    min-norm FC fit from ``n < p`` noise-free examples is expected to miss
    ``||v||^2 (1 - n / p)`` on test data (the directions of ``v`` it never saw stay at zero).
    """

    seeds: tuple[int, ...]
    n_pixels: int
    teacher_norm2: float
    test_mse: dict
    train_mse: dict

    def expected_underdetermined(self, n_train: int) -> float:
        """``||v||^2 (1 - n/p)``: the FC student's expected zero-noise test error for ``n < p``."""
        return self.teacher_norm2 * max(0.0, 1 - n_train / self.n_pixels)


def _seeds(seeds) -> tuple[int, ...]:
    """``seeds`` as a non-empty tuple of ints >= 0 (a named error otherwise)."""
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a sequence of ints, got {seeds!r}")
    seeds = tuple(require_seed("seeds", s) for s in seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed, got none")
    return seeds


def overfit_study(
    seeds=(0, 1, 2, 3, 4), teacher_seed: int = 5, image_shape=(10, 10), n_trains=(50, 200, 1000),
    noises=(1.0, 0.0), n_test: int = 2000,
) -> OverfitStudy:  # fmt: skip
    """Fit both students for every seed, training-set size and noise level (one teacher kernel,
    drawn from ``teacher_seed``; each seed draws its own test set and training sets)."""
    seeds = _seeds(seeds)
    if isinstance(n_trains, (str, bytes)) or not hasattr(n_trains, "__iter__"):
        raise TypeError(f"n_trains must be a sequence of ints, got {n_trains!r}")
    n_trains = tuple(require_int("n_trains", v, 1) for v in n_trains)
    k_true = np.random.default_rng(require_int("teacher_seed", teacher_seed, 0)).standard_normal((3, 3))
    test_mse: dict = {}
    train_mse: dict = {}
    for noise in noises:
        for seed in seeds:
            rng = np.random.default_rng([seed, teacher_seed])
            test = teacher_data(n_test, image_shape, k_true, noise, rng)
            for n_train in n_trains:
                for r in fit_students(teacher_data(n_train, image_shape, k_true, noise, rng), test):
                    test_mse.setdefault((r.model, n_train, noise), []).append(r.test_mse)
                    train_mse.setdefault((r.model, n_train, noise), []).append(r.train_mse)
    v = teacher_fc_weights(k_true, image_shape)
    return OverfitStudy(
        seeds,
        v.size,
        float(np.sum(v**2)),
        {k: np.array(a) for k, a in test_mse.items()},
        {k: np.array(a) for k, a in train_mse.items()},
    )


#: The per-seed numbers a :class:`NoiseStudy` keeps (fields of :class:`NoiseReport`).
NOISE_FIELDS = ("relative_noise", "along", "across", "efficiency", "best_step")


class NoiseStudy(NamedTuple):
    """:func:`gradient_noise` over seeds (a fresh teacher and data set each) and image sizes.

    values[(model, side, field)]: ``(n_seeds,)`` array, field one of :data:`NOISE_FIELDS`;
    n_params[(model, side)]: the student's parameter count."""

    seeds: tuple[int, ...]
    sides: tuple[int, ...]
    batch: int
    values: dict
    n_params: dict


def noise_study(
    seeds=(0, 1, 2, 3, 4), sides=(6, 10, 20), n: int = 1000, batch: int = 10, kernel_shape=(3, 3)
) -> NoiseStudy:
    """Mini-batch gradient noise of both students on ``side``×``side`` images, for every seed (a
    3×3 teacher; the conv student's kernel is ``kernel_shape``: a kernel as large as the image
    shares nothing and makes it the FC student)."""
    seeds = _seeds(seeds)
    values: dict = {}
    n_params: dict = {}
    for side in sides:
        for seed in seeds:
            rng = np.random.default_rng([seed, side])
            k_true = rng.standard_normal((3, 3))
            data = teacher_data(n, (side, side), k_true, 1.0, rng)
            for r in gradient_noise(data, kernel_shape=kernel_shape, batch=batch):
                n_params[(r.model, side)] = r.n_params
                for field in NOISE_FIELDS:
                    values.setdefault((r.model, side, field), []).append(getattr(r, field))
    return NoiseStudy(seeds, tuple(sides), batch, {k: np.array(v) for k, v in values.items()}, n_params)


class ChapterResults(NamedTuple):
    """Everything the parameters chapter's optimization section shows."""

    overfit: OverfitStudy
    noise: NoiseStudy


def chapter_experiments(seeds=(0, 1, 2, 3, 4), teachers: int = 20) -> ChapterResults:
    """The parameters chapter's runs, in one place so every page quotes the same numbers: the
    overfitting study over ``seeds``, the noise study over ``teachers`` teachers (seeds 0, 1, ...)."""
    teachers = require_int("teachers", teachers, 2)
    return ChapterResults(overfit_study(seeds), noise_study(tuple(range(teachers))))


def overfit_table(study: OverfitStudy) -> str:
    """Markdown table of an :class:`OverfitStudy`: mean test MSE ± the half-width of its 95 %
    Student-t interval over seeds, one row per (student, examples, label noise)."""
    if not isinstance(study, OverfitStudy):
        raise TypeError(f"study must be an OverfitStudy (overfit_study()), got {type(study).__name__}")
    rows = [
        (model, f"{n:,}", f"{noise:g}", mean_interval(mse).text(".2f"))
        for (model, n, noise), mse in study.test_mse.items()
    ]
    return markdown_table(["student", "examples", "label noise", "test MSE (95 % interval)"], rows, "lrrr")


def noise_table(study: NoiseStudy) -> str:
    """Markdown table of a :class:`NoiseStudy`: RMS relative mini-batch noise, its parts along and
    across the full gradient, and the per-step efficiency; geometric mean over teachers (seeds)
    with its 95 % interval on the log scale (positive ratios), per image size and student."""
    if not isinstance(study, NoiseStudy):
        raise TypeError(f"study must be a NoiseStudy (noise_study()), got {type(study).__name__}")
    fields = ("relative_noise", "along", "across", "efficiency")
    rows = [
        (
            f"{side}×{side}",
            model,
            study.n_params[(model, side)],
            *(ratio_interval(study.values[(model, side, f)]).range_text(".2f") for f in fields),
        )
        for side in study.sides
        for model in ("FC", "conv")
    ]
    headers = ["image", "student", "weights", "RMS relative noise", "along g", "across g", "step efficiency"]
    return markdown_table(headers, rows, "llrrrrr")
