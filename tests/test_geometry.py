"""Receptive fields, translation equivariance and coverage counts (lessons_code.geometry)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons_code import conv, geometry, matrix_view


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


# --- receptive fields across stacked layers ------------------------------------------------


@pytest.mark.parametrize(
    ("layers", "size"),
    [
        ([(3, 1, 1)], 3),
        ([(3, 1, 1)] * 2, 5),
        ([(3, 1, 1)] * 3, 7),
        ([(3, 2, 1)] * 3, 15),
        ([(3, 1, 1), (3, 1, 2), (3, 1, 4)], 15),
        ([(2, 2, 1), (3, 1, 1)], 6),
    ],
)
def test_formula_and_backward_footprint_agree(layers, size):
    assert geometry.receptive_field_size(layers) == size
    fp = geometry.backward_footprint(17, layers)
    assert geometry.footprint_extent(fp) == (size, size)
    np.testing.assert_array_equal(fp, geometry.backward_footprint(17, layers, loop=True))


def test_three_3x3_layers_count_the_paths():
    fp = geometry.backward_footprint(9, [(3, 1, 1)] * 3)
    # the one centre unit of the last 3x3 map: paths per pixel are products of 1-D counts 1,3,6,7,6,3,1
    counts = np.array([1, 3, 6, 7, 6, 3, 1])
    np.testing.assert_array_equal(fp[1:8, 1:8], np.outer(counts, counts))
    assert fp.sum() == 27**2  # 27 = 3^3 paths per axis


def test_footprint_is_the_row_of_the_matrix_product():
    layers = [(3, 2, 1), (3, 1, 2)]
    sizes = geometry.stack_shapes(13, layers)
    prod = matrix_view.conv_matrix(np.ones((3, 3)), (13, 13), stride=2)
    prod = matrix_view.conv_matrix(np.ones((3, 3)), (sizes[1], sizes[1]), dilation=2) @ prod
    c = sizes[-1] // 2
    row = prod[c * sizes[-1] + c].reshape(13, 13)
    np.testing.assert_array_equal(geometry.backward_footprint(13, layers), row)


def test_stacked_receptive_fields_name_bad_input():
    with pytest.raises(ValueError, match="non-empty list"):
        geometry.receptive_field_size([])
    with pytest.raises(ValueError, match="triple"):
        geometry.receptive_field_size([(3, 1)])
    with pytest.raises(ValueError, match="stride must be >= 1"):
        geometry.receptive_field_size([(3, 0, 1)])
    with pytest.raises(ValueError, match="unit must lie"):
        geometry.backward_footprint(5, [(3, 1, 1)], unit=(3, 0))
    with pytest.raises(ValueError, match="kernel spans"):
        geometry.stack_shapes(4, [(3, 1, 1)] * 2)
    assert geometry.footprint_extent(np.zeros((3, 3))) == (0, 0)


def test_stack_forward_is_the_conv_stack():
    from lessons_code.conv_layer import conv_forward

    layers = [(3, 2, 1), (2, 1, 2)]
    x = np.random.default_rng(0).standard_normal((11, 11))
    a = x[None, None]
    for k, s, d in layers:
        a = conv_forward(a, np.ones((1, 1, k, k)), stride=s, dilation=d)[0]
    np.testing.assert_allclose(geometry.stack_forward(x, layers), a[0, 0], atol=1e-12)
