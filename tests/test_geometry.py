"""Receptive fields, translation equivariance and coverage counts (lessons_code.geometry)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons_code import conv, geometry


def test_shift_image_moves_and_fills_with_zeros():
    img = np.arange(1.0, 10.0).reshape(3, 3)
    assert np.array_equal(geometry.shift_image(img, 0, 1), [[0, 1, 2], [0, 4, 5], [0, 7, 8]])
    assert np.array_equal(geometry.shift_image(img, -1, 0), [[4, 5, 6], [7, 8, 9], [0, 0, 0]])
    assert np.array_equal(geometry.shift_image(img, 0, 0), img)
    with pytest.raises(ValueError, match="smaller than the image size 3"):
        geometry.shift_image(img, 3, 0)
    with pytest.raises(TypeError, match="rows must be an int"):
        geometry.shift_image(img, 0.5, 0)


def test_receptive_fields():
    rng = np.random.default_rng(0)
    W, k = rng.standard_normal((16, 36)), rng.standard_normal((3, 3))
    assert geometry.fc_receptive_field(W, 3, (6, 6)).all()
    mask = geometry.conv_receptive_field(k, (2, 1), (6, 6))
    expected = np.zeros((6, 6), dtype=bool)
    expected[2:5, 1:4] = True
    assert np.array_equal(mask, expected)
    with pytest.raises(ValueError, match=r"index the \(4, 4\) output"):
        geometry.conv_receptive_field(k, (4, 0), (6, 6))
    with pytest.raises(ValueError, match="36 columns"):
        geometry.fc_receptive_field(W[:, :30], 0, (6, 6))
    with pytest.raises(ValueError, match="unit must be < n_out = 16"):
        geometry.fc_receptive_field(W, 16, (6, 6))


@pytest.mark.parametrize(("rows", "cols"), [(0, 1), (1, 0), (-1, 2), (2, -2)])
def test_conv_is_exactly_equivariant_away_from_the_border(rows, cols):
    rng = np.random.default_rng(5)
    img, k, W = rng.standard_normal((7, 6)), rng.standard_normal((3, 2)), rng.standard_normal((10, 42))
    report = geometry.shift_test(img, k, W, rows=rows, cols=cols)
    assert report.conv_interior == 0.0
    assert report.conv_border > 0.0
    assert report.fc_change > 0.1


def test_shift_determined_mask():
    m = geometry.shift_determined((3, 4), rows=1, cols=-2)
    expected = np.zeros((3, 4), dtype=bool)
    expected[1:, :2] = True
    assert np.array_equal(m, expected)
    assert geometry.shift_determined((2, 2), 0, 0).all()


def test_coverage_count_corners_and_centre():
    count = geometry.coverage_count((6, 6), (3, 3))
    assert count[0, 0] == count[0, 5] == count[5, 0] == count[5, 5] == 1
    assert np.array_equal(count[2:4, 2:4], np.full((2, 2), 9))
    assert count.sum() == 16 * 9  # every output reads 9 pixels
    assert np.array_equal(count[0], [1, 2, 3, 3, 2, 1])


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 8), st.integers(1, 8), st.integers(1, 8), st.integers(1, 8))
def test_coverage_count_matches_loop_and_frames(h, w, kh, kw):
    if kh > h or kw > w:
        with pytest.raises(ValueError):
            geometry.coverage_count((h, w), (kh, kw))
        return
    count = geometry.coverage_count((h, w), (kh, kw))
    assert np.array_equal(count, geometry.coverage_count_loop((h, w), (kh, kw)))
    oh, ow = conv.output_shape((h, w), (kh, kw))
    assert count.sum() == oh * ow * kh * kw
