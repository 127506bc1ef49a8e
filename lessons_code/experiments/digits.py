"""Real images with no network: scikit-learn's bundled 8x8 handwritten digits.

``sklearn.datasets.load_digits`` ships 1,797 greyscale 8x8 images of the digits
0-9 inside the package (pixel values 0..16); :func:`bundled_digits` reads that file.
Here they are scaled to ``[0, 1]``, shaped ``(N, 1, 8, 8)`` float64 for the conv layer, and
split once, stratified by class, with a fixed seed. Two transformations probe what a model relies on:

* :func:`permute_pixels` -- one fixed shuffle of the 64 pixel positions, the same
  for every image: all the information stays, all the geometry goes;
* :func:`shift_images` -- every image moved by one pixel (zero fill).
"""

from __future__ import annotations

import gzip
import importlib.util
import math
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .._checks import as_float_array, as_index_array, require_int, require_real, require_seed
from ..geometry import require_shift, shift_image_unchecked


class Digits(NamedTuple):
    """A train/test split: images ``(N, 1, 8, 8)`` float64 in ``[0, 1]``, labels ``(N,)`` int."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def load_digits_split(seed: int = 0, test_fraction: float = 0.25) -> Digits:
    """The bundled digits, split into train and test sets stratified by class.

    seed: the split's random state (the same seed gives the same split);
    test_fraction: share of the 1,797 images held out, a number strictly between 0 and 1
    (a Python or numpy float).

    The split is scikit-learn's ``train_test_split(images, labels, test_size=test_fraction,
    stratify=labels, random_state=seed)``, computed here by :func:`stratified_split` without
    importing scikit-learn (its import costs each page about half a second; the test suite
    compares the two).
    """
    require_int("seed", seed, 0, 2**32 - 1)  # scikit-learn's random_state range
    test_fraction = require_real("test_fraction", test_fraction)
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be a float strictly between 0 and 1, got {test_fraction!r}")
    raw, labels = bundled_digits()
    images = (raw / 16.0).astype(np.float64)[:, None, :, :]
    train, test = stratified_split(labels, test_fraction, seed)
    return Digits(images[train], labels[train], images[test], labels[test])


def bundled_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 digits as scikit-learn ships them (``sklearn.datasets.load_digits``): images
    ``(1797, 8, 8)`` float64 with grey levels 0..16 and labels ``(1797,)`` int64, read from the
    package's ``datasets/data/digits.csv.gz`` (64 pixels and the label per line) without
    importing scikit-learn."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the digits ship with scikit-learn: pip install scikit-learn")
    path = Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "digits.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        data = np.loadtxt(f, delimiter=",")
    return data[:, :-1].reshape(-1, 8, 8), data[:, -1].astype(np.int64)


def stratified_split(labels, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(train, test)`` index arrays of the class-stratified shuffle split of scikit-learn's
    ``StratifiedShuffleSplit(n_splits=1, test_size=test_fraction, random_state=seed)``, step by
    step: ``ceil(test_fraction * n)`` test images; each class's share of the train and the test
    set from ``_approximate_mode``; each class shuffled, then each set. The random numbers come
    from ``np.random.RandomState(seed)``, scikit-learn's generator for an int ``random_state``
    (a local generator, no global state): that is what makes the split the same as scikit-learn's.
    """
    labels = as_index_array("labels", labels, 1)
    require_int("seed", seed, 0, 2**32 - 1)
    n = labels.size
    n_test = math.ceil(require_real("test_fraction", test_fraction) * n)
    n_train = n - n_test
    classes, y = np.unique(labels, return_inverse=True)
    counts = np.bincount(y)
    if counts.min() < 2 or min(n_train, n_test) < classes.size:
        raise ValueError(
            f"a stratified split needs >= 2 images per class and >= {classes.size} (one per class) on "
            f"each side, got class sizes {counts.min()}..{counts.max()} and {n_train} / {n_test} images"
        )
    members = np.split(np.argsort(y, kind="mergesort"), np.cumsum(counts)[:-1])
    rng = np.random.RandomState(seed)
    n_i = _approximate_mode(counts, n_train, rng)
    t_i = _approximate_mode(counts - n_i, n_test, rng)
    train, test = [], []
    for i in range(classes.size):
        shuffled = members[i].take(rng.permutation(counts[i]), mode="clip")
        train.extend(shuffled[: n_i[i]])
        test.extend(shuffled[n_i[i] : n_i[i] + t_i[i]])
    return rng.permutation(train), rng.permutation(test)


def _approximate_mode(class_counts: np.ndarray, n_draws: int, rng: np.random.RandomState) -> np.ndarray:
    """How many of ``n_draws`` each class gets: its floored proportional share, then one more for
    the classes with the largest remainders, ties broken by ``rng`` (scikit-learn's
    ``sklearn.utils.extmath._approximate_mode``)."""
    continuous = class_counts / class_counts.sum() * n_draws
    floored = np.floor(continuous)
    need_to_add = int(n_draws - floored.sum())
    if need_to_add > 0:
        remainder = continuous - floored
        for value in np.sort(np.unique(remainder))[::-1]:
            (inds,) = np.where(remainder == value)
            add_now = min(len(inds), need_to_add)
            floored[rng.choice(inds, size=add_now, replace=False)] += 1
            need_to_add -= add_now
            if need_to_add == 0:
                break
    return floored.astype(int)


def pixel_permutation(n_pixels: int = 64, seed: int = 0) -> np.ndarray:
    """A random permutation of ``range(n_pixels)`` from ``np.random.default_rng(seed)``."""
    return np.random.default_rng(require_seed("seed", seed)).permutation(require_int("n_pixels", n_pixels, 1))


def permute_pixels(images, perm) -> np.ndarray:
    """Apply the same pixel shuffle to every image.

    images: ``(N, C, H, W)``; perm: a permutation of ``range(H * W)``.
    Returns ``out`` of the same shape with ``out[n, c].ravel() == images[n, c].ravel()[perm]``.
    """
    images = as_float_array("images", images, 4)
    n, c, h, w = images.shape
    perm = as_index_array("perm", perm, 1)
    if perm.shape != (h * w,) or not np.array_equal(np.sort(perm), np.arange(h * w)):
        raise ValueError(f"perm must be a permutation of range({h * w}) for {h}x{w} images, got {perm!r}")
    return images.reshape(n, c, h * w)[:, :, perm].reshape(n, c, h, w)


def shift_images(images, rows: int = 0, cols: int = 1) -> np.ndarray:
    """Shift every image down by ``rows`` and right by ``cols`` pixels (negative: up/left), zero fill.

    images: ``(N, C, H, W)``. Returns the shifted batch, same shape: every channel as
    :func:`lessons_code.geometry.shift_image` shifts it (its core, on the whole batch at once).
    """
    images = as_float_array("images", images, 4)
    return shift_image_unchecked(images, *require_shift(rows, cols, images.shape[2:]))
