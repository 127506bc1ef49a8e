"""Receptive fields and translation equivariance."""

import numpy as np
import pytest

from lessons_code import geometry, params, tables


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


def test_param_counts_by_hand():
    assert params.fc_param_count(36, 16) == 592 and params.fc_param_count(36, 16, bias=False) == 576
    assert params.conv_param_count(3, 1, 1) == 10 and params.conv_param_count((11, 11), 3, 96) == 34_944
    with pytest.raises(ValueError, match="n_in must be >= 1"):
        params.fc_param_count(0, 3)
    with pytest.raises(TypeError, match="pair of ints"):
        params.conv_param_count(2.5, 1, 1)


def test_markdown_table():
    t = tables.markdown_table(["a", "b"], [(1, "x|y")], align="lr")
    assert t.splitlines() == ["| a | b |", "| :-- | --: |", "| 1 | x\\|y |"]
    with pytest.raises(ValueError, match="2 cells"):
        tables.markdown_table(["a", "b"], [(1,)])
    with pytest.raises(ValueError, match="align must be 2 characters"):
        tables.markdown_table(["a", "b"], [], align="x")


def test_shift_determined_mask():
    m = geometry.shift_determined((3, 4), rows=1, cols=-2)
    expected = np.zeros((3, 4), dtype=bool)
    expected[1:, :2] = True
    assert np.array_equal(m, expected)
    assert geometry.shift_determined((2, 2), 0, 0).all()
