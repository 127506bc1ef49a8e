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
from ..checks.stats import mean_interval
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


class NoiseReport(NamedTuple):
    """How far mini-batch gradients stray from the full-batch gradient, relative to its size.

    ``relative_noise`` (the metric of the first version of the book) grows like
    ``sqrt((d + 1) / batch)`` for ``d`` roughly independent features, so it mostly counts
    parameters. It splits into the part *along* the full gradient (does a step go downhill as far
    as the full-batch step?) and the part *across* it (sideways, one direction per extra weight).
    """

    model: str
    n_params: int
    relative_noise: float  # mean over batches of ||g_batch - g_full|| / ||g_full||
    along: float  # RMS over batches of the component of g_batch - g_full along g_full, / ||g_full||
    across: float  # RMS over batches of the rest, / ||g_full||


def gradient_noise(data: Data, kernel_shape=(3, 3), batch: int = 10) -> list[NoiseReport]:
    """Mini-batch gradient noise of both students at the start of training (weights zero).

    Loss ``L = mean (y_hat - y)^2 / 2``; at ``w = 0`` the gradient of a batch is ``-mean(y_n a_n)``
    with ``a_n`` the student's features. Batches are consecutive slices of ``data``.
    """
    batch = require_int("batch", batch, 1)
    _require_data("data", data)
    if len(data.y) < 2 * batch:
        raise ValueError(f"data must hold at least two batches of {batch}, got {len(data.y)} examples")
    reports = []
    for name, feats in (("FC", fc_features), ("conv", lambda x: conv_features(x, kernel_shape))):
        a = feats(data.x)
        per_example = -data.y[:, None] * a
        full = per_example.mean(axis=0)
        n_batches = len(data.y) // batch
        batches = per_example[: n_batches * batch].reshape(n_batches, batch, -1).mean(axis=1)
        dev = batches - full
        size = np.linalg.norm(full)
        along = dev @ (full / size)
        across = np.linalg.norm(dev - along[:, None] * (full / size), axis=1)
        reports.append(
            NoiseReport(
                name,
                a.shape[1],
                float(np.mean(np.linalg.norm(dev, axis=1)) / size),
                float(np.sqrt(np.mean(along**2)) / size),
                float(np.sqrt(np.mean(across**2)) / size),
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


class NoiseStudy(NamedTuple):
    """:func:`gradient_noise` over seeds (a fresh teacher and data set each) and image sizes.

    values[(model, side, field)]: ``(n_seeds,)`` array, field one of ``relative_noise``, ``along``,
    ``across``; n_params[(model, side)]: the student's parameter count."""

    seeds: tuple[int, ...]
    sides: tuple[int, ...]
    batch: int
    values: dict
    n_params: dict


def noise_study(seeds=(0, 1, 2, 3, 4), sides=(6, 10, 20), n: int = 1000, batch: int = 10) -> NoiseStudy:
    """Mini-batch gradient noise of both students on ``side``×``side`` images, for every seed."""
    seeds = _seeds(seeds)
    values: dict = {}
    n_params: dict = {}
    for side in sides:
        for seed in seeds:
            rng = np.random.default_rng([seed, side])
            k_true = rng.standard_normal((3, 3))
            for r in gradient_noise(teacher_data(n, (side, side), k_true, 1.0, rng), batch=batch):
                n_params[(r.model, side)] = r.n_params
                for field in ("relative_noise", "along", "across"):
                    values.setdefault((r.model, side, field), []).append(getattr(r, field))
    return NoiseStudy(seeds, tuple(sides), batch, {k: np.array(v) for k, v in values.items()}, n_params)


class ChapterResults(NamedTuple):
    """Everything the parameters chapter's optimization section shows."""

    overfit: OverfitStudy
    noise: NoiseStudy


def chapter_experiments(seeds=(0, 1, 2, 3, 4)) -> ChapterResults:
    """The parameters chapter's runs, in one place so every page quotes the same numbers."""
    return ChapterResults(overfit_study(seeds), noise_study(seeds))


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
    """Markdown table of a :class:`NoiseStudy`: relative mini-batch noise and its parts along and
    across the full gradient, mean ± 95 % half-width over seeds, per image size and student."""
    if not isinstance(study, NoiseStudy):
        raise TypeError(f"study must be a NoiseStudy (noise_study()), got {type(study).__name__}")
    fields = ("relative_noise", "along", "across")
    rows = [
        (
            f"{side}×{side}",
            model,
            study.n_params[(model, side)],
            *(mean_interval(study.values[(model, side, f)]).text(".2f") for f in fields),
        )
        for side in study.sides
        for model in ("FC", "conv")
    ]
    headers = ["image", "student", "weights", "relative noise", "along g", "across g"]
    return markdown_table(headers, rows, "llrrrr")
