"""Receptive fields across stacked convolutions (lessons_code.receptive)."""

import numpy as np
import pytest

from lessons_code import geometry, matrix_view


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


def test_bad_input_is_named():
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
