"""The matrix view: M reproduces the convolution forward and backward, and sharing becomes summation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import conv_cases

from lessons_code import conv, matrix_view
from lessons_code.conv_layer import conv_backward, conv_forward


def test_hand_example_index_is_doubly_block_toeplitz():
    # 3x3 input, 2x2 kernel: 4 outputs x 9 pixels, kernel index p*2+q where the window covers the pixel
    expected = [
        [0, 1, -1, 2, 3, -1, -1, -1, -1],
        [-1, 0, 1, -1, 2, 3, -1, -1, -1],
        [-1, -1, -1, 0, 1, -1, 2, 3, -1],
        [-1, -1, -1, -1, 0, 1, -1, 2, 3],
    ]
    assert np.array_equal(matrix_view.conv_matrix_index((2, 2), (3, 3)), expected)
    M = matrix_view.conv_matrix([[1, 2], [3, 4]], (3, 3))
    assert np.array_equal(M[0], [1, 2, 0, 3, 4, 0, 0, 0, 0])


def test_padding_drops_taps_instead_of_adding_columns():
    # 1x1 input, 3x3 kernel, padding 1: one output, one column, only the centre tap (index 4) is real
    assert np.array_equal(matrix_view.conv_matrix_index(3, (1, 1), padding=1), [[4]])


def test_existing_single_channel_calls_are_unchanged():
    rng = np.random.default_rng(1)
    x, k = rng.standard_normal((6, 5)), rng.standard_normal((3, 2))
    M = matrix_view.conv_matrix(k, x.shape)
    assert M.shape == (4 * 4, 30)
    assert np.allclose(M @ x.ravel(), conv.conv2d(x, k).ravel(), rtol=1e-12, atol=1e-12)
    dy = rng.standard_normal((4, 4))
    assert np.allclose(M.T @ dy.ravel(), conv.conv_input_grad(x, k, dy).ravel(), rtol=1e-12, atol=1e-12)
    assert np.allclose(
        matrix_view.tied_kernel_grad(x, dy, k.shape), conv.conv_weight_grad(x, k, dy), rtol=1e-12, atol=1e-12
    )


def matrix_cases():
    """One image (the matrix view is per image), small enough to build ``M``."""
    return conv_cases(max_batch=1, max_padding=2, max_dilation=2, max_extra=4)


def _matrix_reproduces_forward_and_backward(case, seed):
    (_, *xshape), kshape, opts = case
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(xshape), rng.standard_normal(kshape)
    out, cache = conv_forward(x[None], w, **opts)
    M = matrix_view.conv_matrix(w, xshape, **opts)
    assert M.shape == (out.size, x.size)
    assert np.allclose(M @ x.ravel(), out.ravel(), rtol=1e-12, atol=1e-12)
    dy = rng.standard_normal(out.shape)
    dx, dw, _ = conv_backward(dy, cache)
    assert np.allclose(M.T @ dy.ravel(), dx.ravel(), rtol=1e-12, atol=1e-12)  # M^T dy is the input gradient
    # weight sharing becomes gradient summation: FC gradient outer(dy, x), summed over tied cells
    dK = matrix_view.tied_kernel_grad(x, dy[0], kshape, **opts)
    assert np.allclose(dK, dw, rtol=1e-12, atol=1e-12)
    index = matrix_view.conv_matrix_index(kshape, xshape, **opts)
    dM = np.outer(dy.ravel(), x.ravel())
    assert np.allclose(
        matrix_view.tie_sum(dM, index, kshape),
        matrix_view.tie_sum_loop(dM, index, kshape),
        rtol=1e-12,
        atol=1e-12,
    )


@settings(max_examples=20, deadline=None)
@given(case=matrix_cases(), seed=st.integers(0, 2**32 - 1))
def test_matrix_reproduces_forward_and_backward(case, seed):
    _matrix_reproduces_forward_and_backward(case, seed)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(case=matrix_cases(), seed=st.integers(0, 2**32 - 1))
def test_matrix_reproduces_forward_and_backward_many_examples(case, seed):
    _matrix_reproduces_forward_and_backward(case, seed)


@settings(max_examples=60, deadline=None)
@given(matrix_cases())
def test_counts_without_building_match_the_built_matrix(case):
    (_, *xshape), kshape, opts = case
    assert matrix_view.conv_matrix_counts(xshape, kshape, **opts) == matrix_view.conv_matrix_counts_built(
        xshape, kshape, **opts
    )
    assert np.array_equal(
        matrix_view.conv_matrix_index(kshape, xshape, **opts),
        matrix_view.conv_matrix_index_loop(kshape, xshape, **opts),
    )
    index = matrix_view.conv_matrix_index(kshape, xshape, **opts)
    counts = matrix_view.tie_counts(index)
    assert counts.sum() == (index >= 0).sum()


def test_counts_for_224_images_3x3_3_to_64():
    same = matrix_view.conv_matrix_counts((3, 224, 224), (64, 3, 3, 3), padding=1)
    assert same.rows == 64 * 224 * 224 == 3_211_264
    assert same.cols == 3 * 224 * 224 == 150_528
    assert same.entries == 483_385_147_392
    # 27 taps per row, minus the taps that fall on the zero border: per axis 223 + 224 + 223 = 670
    assert same.nonzeros == 64 * 3 * 670 * 670 == 86_188_800
    assert same.distinct == 1728
    valid = matrix_view.conv_matrix_counts((3, 224, 224), (64, 3, 3, 3))
    assert valid.entries == 64 * 222 * 222 * 150_528 == 474_791_804_928
    assert valid.nonzeros == 64 * 222 * 222 * 27 == 85_162_752
    assert valid.distinct == 1728


def test_tie_counts_are_the_number_of_products_in_each_kernel_gradient_entry():
    index = matrix_view.conv_matrix_index((3, 3), (6, 6))
    assert np.array_equal(matrix_view.tie_counts(index), np.full(9, 16))
    padded = matrix_view.conv_matrix_index((3, 3), (6, 6), padding=1)
    # corner taps lose a row and a column of outputs to the border: 5 * 5; the centre keeps 6 * 6
    assert matrix_view.tie_counts(padded).reshape(3, 3).tolist() == [[25, 30, 25], [30, 36, 30], [25, 30, 25]]


def test_weights_that_never_touch_the_input_are_not_distinct_values():
    # a 3x3 kernel with padding 2 on a 1x1 input: output 3x3, each tap reaches the pixel exactly once
    counts = matrix_view.conv_matrix_counts((1, 1), (3, 3), padding=2)
    assert (counts.rows, counts.cols, counts.nonzeros, counts.distinct) == (9, 1, 9, 9)
    # stride 3 with a 3-wide kernel on a 2-wide input padded by 2: some taps only ever read padding
    sparse = matrix_view.conv_matrix_counts((1, 2), (1, 3), padding=(0, 2), stride=(1, 3))
    assert sparse == matrix_view.conv_matrix_counts_built((1, 2), (1, 3), padding=(0, 2), stride=(1, 3))
    assert sparse.distinct < 3


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: matrix_view.conv_matrix_index((4, 4), (3, 3)), ValueError, "larger than input_shape"),
        (lambda: matrix_view.conv_matrix_index((2, 2), (3, 3), stride=0), ValueError, "stride must be >= 1"),
        (lambda: matrix_view.conv_matrix_index((2, 2), (3, 3), padding=-1), ValueError, "padding must be >= 0"),
        (lambda: matrix_view.conv_matrix_index((5, 5), (3, 3), dilation=2), ValueError, "kernel spans"),
        (lambda: matrix_view.conv_matrix_index((2, 3, 3, 3), (2, 5, 5)), ValueError, "C_in=3 channels"),
        (lambda: matrix_view.conv_matrix_index((2, 3, 3, 3), (5, 5)), ValueError, "tuple of 3 ints"),
        (lambda: matrix_view.conv_matrix_index((2.0, 2), (3, 3)), TypeError, "int or a pair"),
        (lambda: matrix_view.conv_matrix(np.ones((2, 2, 2)), (3, 3)), ValueError, "2-D or 4-D"),
        (lambda: matrix_view.conv_matrix(np.ones((2, 2), bool), (3, 3)), TypeError, "real numbers"),
        (lambda: matrix_view.tied_kernel_grad(np.ones((4, 4)), np.ones((3, 3)), (3, 3)), ValueError,
         r"dy must have shape \(2, 2\)"),
        (lambda: matrix_view.tie_sum(np.ones((2, 2)), np.zeros((3, 3), int), (1,)), ValueError,
         r"dM must have shape \(3, 3\)"),
        (lambda: matrix_view.tie_sum(np.ones((1, 1)), np.full((1, 1), 5), (2,)), ValueError,
         "refers to weight 5"),
        (lambda: matrix_view.tie_counts(np.ones((2, 2))), TypeError, "2-D int array"),
    ],
)  # fmt: skip
def test_bad_inputs_are_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()


@settings(max_examples=40, deadline=None)
@given(matrix_cases())
def test_products_per_weight_equal_the_tied_cells(case):
    (_, *xshape), kshape, opts = case
    index = matrix_view.conv_matrix_index(kshape, xshape, **opts)
    per_tap = matrix_view.products_per_weight(xshape, kshape, **opts)
    expected = np.broadcast_to(per_tap, kshape).ravel()
    counts = matrix_view.tie_counts(index)
    assert np.array_equal(np.pad(counts, (0, expected.size - counts.size)), expected)


def test_products_per_weight_at_224():
    per_tap = matrix_view.products_per_weight((224, 224), (3, 3), padding=1)
    assert per_tap.tolist() == [[223 * 223, 223 * 224, 223 * 223], [224 * 223, 224 * 224, 224 * 223],
                                [223 * 223, 223 * 224, 223 * 223]]  # fmt: skip
    assert per_tap.sum() * 3 * 64 == 86_188_800
