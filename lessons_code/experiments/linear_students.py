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
from .._checks import as_float_array, as_pair, check_int, check_real, check_rng, check_seed


class Data(NamedTuple):
    x: np.ndarray  # (N, H, W) images
    y: np.ndarray  # (N,) targets


def teacher_data(n: int, image_shape, kernel_true, noise: float, rng: np.random.Generator) -> Data:
    """``n`` white-noise images and their targets ``sum(x * K_true) + noise * N(0, 1)``."""
    n = check_int("n", n, 1)
    h, w = as_pair("image_shape", image_shape, 1)
    kernel_true = as_float_array("kernel_true", kernel_true, 2)
    conv.output_shape((h, w), kernel_true.shape)  # the kernel must fit the images
    noise = check_real("noise", noise, minimum=0.0)
    check_rng("rng", rng)
    x = rng.standard_normal((n, h, w))
    y = np.array([conv.conv2d(img, kernel_true).sum() for img in x]) + noise * rng.standard_normal(n)
    return Data(x, y)


def _check_data(name: str, data) -> None:
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
    """Conv student's inputs: ``S(x)`` flattened, ``(N, kh*kw)``; ``sum(x * K) = K . S(x)``."""
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
    _check_data("train", train)
    _check_data("test", test)
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
    """How far mini-batch gradients stray from the full-batch gradient, relative to its size."""

    model: str
    n_params: int
    relative_noise: float  # mean over batches of ||g_batch - g_full|| / ||g_full||


def gradient_noise(data: Data, kernel_shape=(3, 3), batch: int = 10) -> list[NoiseReport]:
    """Mini-batch gradient noise of both students at the start of training (weights zero).

    Loss ``L = mean (y_hat - y)^2 / 2``; at ``w = 0`` the gradient of a batch is ``-mean(y_n a_n)``
    with ``a_n`` the student's features. Batches are consecutive slices of ``data``.
    """
    batch = check_int("batch", batch, 1)
    _check_data("data", data)
    if len(data.y) < 2 * batch:
        raise ValueError(f"data must hold at least two batches of {batch}, got {len(data.y)} examples")
    reports = []
    for name, feats in (("FC", fc_features), ("conv", lambda x: conv_features(x, kernel_shape))):
        a = feats(data.x)
        per_example = -data.y[:, None] * a
        full = per_example.mean(axis=0)
        n_batches = len(data.y) // batch
        batches = per_example[: n_batches * batch].reshape(n_batches, batch, -1).mean(axis=1)
        rel = np.linalg.norm(batches - full, axis=1) / np.linalg.norm(full)
        reports.append(NoiseReport(name, a.shape[1], float(rel.mean())))
    return reports


class ChapterResults(NamedTuple):
    """Everything the parameters chapter's optimization section shows."""

    fits: list[FitReport]  # FC then conv, for each training-set size
    noise: list[NoiseReport]  # FC then conv


def chapter_experiments(
    seed: int = 5, image_shape=(10, 10), n_trains=(50, 200, 1000), n_test: int = 2000, noise: float = 1.0,
    batch: int = 10,
) -> ChapterResults:  # fmt: skip
    """The parameters chapter's runs, in one place so every page quotes the same numbers.

    One generator (``np.random.default_rng(seed)``) draws the teacher kernel (3x3), the test set,
    one training set per size in ``n_trains`` and a further 1,000 examples for the gradient noise.
    """
    rng = np.random.default_rng(check_seed("seed", seed))
    if isinstance(n_trains, (str, bytes)) or not hasattr(n_trains, "__iter__"):
        raise TypeError(f"n_trains must be a sequence of ints, got {n_trains!r}")
    n_trains = [check_int("n_trains", v, 1) for v in n_trains]
    n_test, batch = check_int("n_test", n_test, 1), check_int("batch", batch, 1)
    k_true = rng.standard_normal((3, 3))
    test = teacher_data(n_test, image_shape, k_true, noise, rng)
    fits = []
    for n_train in n_trains:
        fits += fit_students(teacher_data(n_train, image_shape, k_true, noise, rng), test)
    data = teacher_data(1000, image_shape, k_true, noise, rng)
    return ChapterResults(fits, gradient_noise(data, batch=batch))
