"""The locally connected layer: loop twin, finite differences, its matrix, and the convolution it
becomes when every position holds the same kernel."""

import numpy as np
import pytest
from gradient_asserts import assert_matches_terms
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import conv_cases, value_arrays

from lessons_code import conv_layer, locally_connected, matrix_view
from lessons_code.gradcheck import numerical_gradient, rel_error


def _w_shape(x_shape, k_shape, params):
    """``(H_out, W_out, C_out, C_in, kh, kw)`` for a conv case's shapes."""
    oh, ow = (
        conv_layer.output_size(
            x_shape[2 + a], k_shape[2 + a], params["stride"][a], params["padding"][a], params["dilation"][a]
        )
        for a in range(2)
    )
    return (oh, ow, *k_shape)


def small_cases():
    return conv_cases(max_batch=2, max_channels=2, max_kernel=3, max_stride=2, max_padding=2, max_dilation=2,
                      max_extra=3)  # fmt: skip


@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_layer_matches_its_loop_twin_for_any_values_to_1e_12_of_the_terms(data):
    x_shape, k_shape, params = data.draw(small_cases())
    w_shape = _w_shape(x_shape, k_shape, params)
    x, w = data.draw(value_arrays(x_shape)), data.draw(value_arrays(w_shape))
    b = data.draw(value_arrays(w_shape[:3]))
    out, cache = locally_connected.lc_forward(x, w, b, **params)
    ax, aw, ab = np.abs(x), np.abs(w), np.abs(b)
    assert out.shape == (x_shape[0], k_shape[0], *w_shape[:2]) and out.dtype == np.float64
    assert_matches_terms(out, locally_connected.lc_forward_loop(x, w, b, **params),
                         locally_connected.lc_forward_loop(ax, aw, ab, **params), "out")  # fmt: skip
    dout = data.draw(value_arrays(out.shape))
    got = locally_connected.lc_backward(dout, cache)
    ref = locally_connected.lc_backward_loop(dout, x, w, **params)
    mag = locally_connected.lc_backward_loop(np.abs(dout), ax, aw, **params)
    for name, g, r, m in zip(("dx", "dw", "db"), got, ref, mag, strict=True):
        assert g.shape == r.shape
        assert_matches_terms(g, r, m, name)


@settings(max_examples=12, deadline=None)
@given(case=small_cases(), seed=st.integers(0, 2**32 - 1))
def test_backward_matches_centred_finite_differences(case, seed):
    x_shape, k_shape, params = case
    w_shape = _w_shape(x_shape, k_shape, params)
    rng = np.random.default_rng(seed)
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[:3])
    out, cache = locally_connected.lc_forward(x, w, b, **params)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = locally_connected.lc_backward(dout, cache)

    def loss(x_, w_, b_):
        return np.sum(locally_connected.lc_forward(x_, w_, b_, **params)[0] * dout)

    for analytic, numeric in (
        (dx, numerical_gradient(lambda t: loss(t, w, b), x)),
        (dw, numerical_gradient(lambda t: loss(x, t, b), w)),
        (db, numerical_gradient(lambda t: loss(x, w, t), b)),
    ):
        err = rel_error(analytic, numeric)
        assert err < 1e-7 or np.max(np.abs(analytic - numeric)) < 1e-8, err


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_all_kernels_equal_is_the_convolution_and_its_gradient_sums_over_positions(data):
    x_shape, k_shape, params = data.draw(small_cases())
    x, k, bias = (data.draw(value_arrays(s)) for s in (x_shape, k_shape, (k_shape[0],)))
    conv_out, conv_cache = conv_layer.conv_forward(x, k, bias, **params)
    w, b = locally_connected.tied_weights(k, bias, conv_out.shape[2:])
    out, cache = locally_connected.lc_forward(x, w, b, **params)
    mag = conv_layer.conv_forward_loop(np.abs(x), np.abs(k), np.abs(bias), **params)
    assert_matches_terms(out, conv_out, mag, "out")
    dout = data.draw(value_arrays(out.shape))
    dx, dw, db = locally_connected.lc_backward(dout, cache)
    cdx, cdk, cdb = conv_layer.conv_backward(dout, conv_cache)
    cmag = conv_layer.conv_backward_loop(np.abs(dout), np.abs(x), np.abs(k), **params)
    assert_matches_terms(dx, cdx, cmag[0], "dx")
    # sharing is the sum over positions: the conv kernel gradient is the local one summed over (i, j)
    assert_matches_terms(dw.sum(axis=(0, 1)), cdk, cmag[1], "dK")
    assert_matches_terms(db.sum(axis=(0, 1)), cdb, cmag[2], "db")


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_matrix_has_the_convolutions_sparsity_and_no_tied_cells(data):
    x_shape, k_shape, params = data.draw(small_cases())
    w_shape = _w_shape(x_shape, k_shape, params)
    x, w = data.draw(value_arrays(x_shape[1:])), data.draw(value_arrays(w_shape))
    index = locally_connected.local_matrix_index(w_shape, x_shape[1:], **params)
    conv_index = matrix_view.conv_matrix_index(k_shape, x_shape[1:], **params)
    assert np.array_equal(index >= 0, conv_index >= 0)  # the same windows
    used = index[index >= 0]
    assert np.unique(used).size == used.size  # no weight fills two cells
    M = locally_connected.local_matrix(w, x_shape[1:], **params)
    out = locally_connected.lc_forward_loop(x[None], w, **params)[0]
    mag = locally_connected.lc_forward_loop(np.abs(x[None]), np.abs(w), **params)[0]
    assert_matches_terms(M @ x.ravel(), out.ravel(), mag.ravel(), "M x")
    # the weight gradient through M: one cell, one product per weight (no tie sum)
    counts = locally_connected.local_products_per_weight(w_shape, x_shape[1:], **params)
    per_tap = matrix_view.products_per_weight(x_shape[2:], k_shape[2:], **params)
    assert np.array_equal(counts.sum(axis=(0, 1)), per_tap) and counts.max() <= 1


def test_a_hand_example_one_product_per_weight():
    # 1x1x3x3 image, 2x2 kernels, stride 1: four positions, each its own kernel
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    w = np.zeros((2, 2, 1, 1, 2, 2))
    w[0, 0, 0, 0] = [[1, 0], [0, 0]]  # top-left position reads x[0, 0] = 0
    w[1, 1, 0, 0] = [[0, 0], [0, 1]]  # bottom-right position reads x[2, 2] = 8
    out, cache = locally_connected.lc_forward(x, w)
    assert out[0, 0].tolist() == [[0.0, 0.0], [0.0, 8.0]]
    dx, dw, _ = locally_connected.lc_backward(np.ones((1, 1, 2, 2)), cache)
    assert dw[0, 1, 0, 0].tolist() == [[1.0, 2.0], [4.0, 5.0]]  # the window of position (0, 1), once
    assert dx[0, 0].tolist() == [[1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.0]]


def test_changing_x_after_the_forward_pass_does_not_change_the_gradient():
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((1, 1, 4, 4)), rng.standard_normal((2, 2, 1, 1, 3, 3))
    out, cache = locally_connected.lc_forward(x, w)
    before = locally_connected.lc_backward(np.ones_like(out), cache)[1]
    x[:] = 0.0
    assert np.array_equal(locally_connected.lc_backward(np.ones_like(out), cache)[1], before)


@pytest.mark.parametrize(
    ("w_shape", "match"),
    [((2, 2, 1, 2, 3, 3), "C_in=1"), ((3, 2, 1, 1, 3, 3), r"\(H_out, W_out\) = \(2, 2\)")],
)
def test_wrong_weight_shapes_are_named(w_shape, match):
    with pytest.raises(ValueError, match=match):
        locally_connected.lc_forward(np.ones((1, 1, 4, 4)), np.ones(w_shape))
