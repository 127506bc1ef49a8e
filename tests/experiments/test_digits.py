"""The digits data (lessons_code.experiments.digits): a fixed stratified split, permutations, shifts."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_code.experiments import digits as data
from lessons_code.geometry import shift_image


@pytest.fixture(scope="module")
def digits():
    return data.load_digits_split(0)


def test_digits_split_is_fixed_stratified_and_scaled(digits):
    again = data.load_digits_split(0)
    assert digits.x_train.shape == (1347, 1, 8, 8) and digits.x_test.shape == (450, 1, 8, 8)
    assert digits.x_train.dtype == np.float64 and 0 <= digits.x_train.min() and digits.x_train.max() <= 1
    assert np.array_equal(digits.x_test, again.x_test) and np.array_equal(digits.y_test, again.y_test)
    counts = np.bincount(digits.y_test, minlength=10)
    assert counts.min() >= 43 and counts.max() <= 47  # stratified: about 45 of each class
    with pytest.raises(ValueError, match="test_fraction"):
        data.load_digits_split(0, test_fraction=1.5)


@pytest.mark.parametrize("seed, fraction", [(0, 0.25), (1, 0.25), (7, 0.1), (123, 0.5), (2**32 - 1, 0.33)])
def test_the_split_is_scikit_learns_without_importing_it(seed, fraction):
    # the same images and labels as sklearn's load_digits, in the same split as its
    # train_test_split(stratify=labels, random_state=seed), bit for bit
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    bunch = load_digits()
    raw, labels = data.bundled_digits()
    assert np.array_equal(raw, bunch.images) and np.array_equal(labels, bunch.target)
    images = (bunch.images / 16.0)[:, None]
    x_tr, x_te, y_tr, y_te = train_test_split(
        images, bunch.target, test_size=fraction, stratify=bunch.target, random_state=seed
    )
    got = data.load_digits_split(seed, fraction)
    for a, b in zip(got, (x_tr, y_tr, x_te, y_te), strict=True):
        assert np.array_equal(a, b)
    assert got.y_train.dtype == np.int64 and got.x_train.dtype == np.float64


def test_stratified_split_refuses_too_few_images_per_side():
    labels = np.repeat(np.arange(10), 5)
    with pytest.raises(ValueError, match="stratified split"):
        data.stratified_split(labels, 0.1, 0)  # 5 test images for 10 classes
    with pytest.raises(ValueError, match="stratified split"):
        data.stratified_split(np.arange(10), 0.5, 0)  # one image per class


def test_permutation_is_consistent_and_shift_matches_geometry(digits):
    perm = data.pixel_permutation(64, 0)
    x = digits.x_test[:5]
    xp = data.permute_pixels(x, perm)
    assert np.array_equal(xp[3, 0].ravel(), x[3, 0].ravel()[perm])
    assert np.array_equal(data.permute_pixels(xp, np.argsort(perm)), x)  # invertible: nothing is lost
    with pytest.raises(ValueError, match="permutation"):
        data.permute_pixels(x, np.zeros(64, dtype=int))
    xs = data.shift_images(x, 1, -1)
    assert np.array_equal(xs[2, 0], shift_image(x[2, 0], 1, -1))


def test_shift_images_shifts_every_channel_of_every_image_as_shift_image_does():
    batch = np.random.default_rng(3).standard_normal((4, 3, 5, 6))
    for rows in range(-4, 5):
        for cols in range(-5, 6):
            got = data.shift_images(batch, rows, cols)
            want = [[shift_image(ch, rows, cols) for ch in img] for img in batch]
            assert np.array_equal(got, np.array(want)), (rows, cols)
    for rows, cols in ((5, 0), (0, -6)):
        with pytest.raises(ValueError, match="rows" if rows else "cols"):
            data.shift_images(batch, rows, cols)
    with pytest.raises(ValueError, match="empty"):
        data.shift_images(batch[:0], 1, 1)
