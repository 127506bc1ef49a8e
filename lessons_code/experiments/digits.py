"""Real images with no network: scikit-learn's bundled 8x8 handwritten digits.

``sklearn.datasets.load_digits`` ships 1,797 greyscale 8x8 images of the digits
0-9 inside the package (pixel values 0..16). Here they are scaled to ``[0, 1]``,
shaped ``(N, 1, 8, 8)`` float64 for the conv layer, and split once, stratified by
class, with a fixed seed. Two transformations probe what a model relies on:

* :func:`permute_pixels` -- one fixed shuffle of the 64 pixel positions, the same
  for every image: all the information stays, all the geometry goes;
* :func:`shift_images` -- every image moved by one pixel (zero fill).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._checks import as_float_array, as_index_array, check_int, check_real, check_seed
from ..geometry import shift_image


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
    """
    check_int("seed", seed, 0, 2**32 - 1)  # scikit-learn's random_state range
    test_fraction = check_real("test_fraction", test_fraction)
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be a float strictly between 0 and 1, got {test_fraction!r}")
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    bunch = load_digits()
    images = (bunch.images / 16.0).astype(np.float64)[:, None, :, :]
    labels = bunch.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(
        images, labels, test_size=test_fraction, stratify=labels, random_state=seed
    )
    return Digits(x_tr, y_tr, x_te, y_te)


def pixel_permutation(n_pixels: int = 64, seed: int = 0) -> np.ndarray:
    """A random permutation of ``range(n_pixels)`` from ``np.random.default_rng(seed)``."""
    return np.random.default_rng(check_seed("seed", seed)).permutation(check_int("n_pixels", n_pixels, 1))


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

    images: ``(N, C, H, W)``. Returns the shifted batch, same shape
    (each channel through :func:`lessons_code.geometry.shift_image`).
    """
    images = as_float_array("images", images, 4)
    out = np.empty_like(images)
    for n in range(images.shape[0]):
        for c in range(images.shape[1]):
            out[n, c] = shift_image(images[n, c], rows, cols)
    return out
