"""Overlap counts of upsampling layers (lessons_code.upsampling): the checkerboard and its remedies."""

import numpy as np
import pytest

from lessons_code import geometry, upsampling


def test_transposed_overlap_by_hand_along_one_axis():
    # k = 3, s = 2 on 4 inputs: output pixel r gets the (i, u) with 2i + u = r
    row = upsampling.transposed_overlap(4, 3, 2)[4]  # a row with 2 contributions
    one_axis = np.array([sum(1 for i in range(4) for u in range(3) if 2 * i + u == r) for r in range(9)])
    assert one_axis.tolist() == [1, 1, 2, 1, 2, 1, 2, 1, 1]
    assert np.array_equal(row, 2 * one_axis)  # 2-D counts are products of the two axes


@pytest.mark.parametrize(
    ("k", "s", "even"), [(3, 2, False), (4, 2, True), (6, 3, True), (5, 3, False), (2, 2, True)]
)
def test_interior_is_even_exactly_when_k_is_a_multiple_of_s(k, s, even):
    counts = upsampling.transposed_overlap(6, k, s)
    inner = counts[k:-k, k:-k]
    assert (inner.min() == inner.max()) == even
    if even:
        assert inner.min() == (k // s) ** 2


def test_overlap_is_the_path_count_of_the_strided_backward_pass():
    """The input gradient of a stride-2 3x3 convolution is the transposed convolution: the same counts."""
    fp = geometry.backward_footprint(11, [(3, 2, 1)], unit=(2, 2))
    counts = upsampling.transposed_overlap(5, 3, 2)
    assert fp[4, 4] == 1 and counts.shape == (11, 11)
    full = sum(geometry.backward_footprint(11, [(3, 2, 1)], unit=(i, j)) for i in range(5) for j in range(5))
    assert np.array_equal(full, counts)


def test_resize_then_convolve_is_even_inside():
    counts = upsampling.resize_conv_overlap(4, 3, 2)
    assert counts.shape == (8, 8) and np.all(counts[1:-1, 1:-1] == 9) and counts[0, 0] == 4
    with pytest.raises(ValueError, match="k must be odd"):
        upsampling.resize_conv_overlap(4, 4, 2)
