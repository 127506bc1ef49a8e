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
