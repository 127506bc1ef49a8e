"""The 1-D conv layer (lessons_code.conv1d): hand example, loop twins, finite differences, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons_code import conv1d, gradcheck


def test_stride_two_by_hand():
    x = np.array([[[1.0, 2.0, 0.0, -1.0, 3.0, 1.0, 2.0]]])
    k = np.array([[[2.0, -1.0, 1.0]]])
    out, cache = conv1d.conv1d_forward(x, k, stride=2)
    assert out[0, 0].tolist() == [0.0, 4.0, 7.0]  # 2-2+0, 0+1+3, 6-1+2
    dx, dk, db = conv1d.conv1d_backward(np.array([[[1.0, -1.0, 2.0]]]), cache)
    assert dx[0, 0].tolist() == [2, -1, -1, 1, 3, -2, 2]
    assert dk[0, 0].tolist() == [7, 5, 1] and db.tolist() == [2]


@st.composite
def cases_1d(draw):
    n, c_in, c_out = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    k, s, p, d = (
        draw(st.integers(1, 4)),
        draw(st.integers(1, 3)),
        draw(st.integers(0, 2)),
        draw(st.integers(1, 3)),
    )
    length = max(1, d * (k - 1) + 1 - 2 * p) + draw(st.integers(0, 6))
    return (n, c_in, length), (c_out, c_in, k), {"stride": s, "padding": p, "dilation": d}


def _layer_matches_loops_and_finite_differences(case, seed):
    x_shape, w_shape, g = case
    rng = np.random.default_rng(seed)
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    out, cache = conv1d.conv1d_forward(x, w, b, **g)
    assert out.shape == (
        x_shape[0],
        w_shape[0],
        (x_shape[2] + 2 * g["padding"] - g["dilation"] * (w_shape[2] - 1) - 1) // g["stride"] + 1,
    )
    np.testing.assert_allclose(out, conv1d.conv1d_forward_loop(x, w, b, **g), atol=1e-12)
    dout = rng.standard_normal(out.shape)
    grads = conv1d.conv1d_backward(dout, cache)
    for fast, slow in zip(grads, conv1d.conv1d_backward_loop(dout, x, w, **g), strict=True):
        np.testing.assert_allclose(fast, slow, atol=1e-12)
    num = gradcheck.numerical_gradient(lambda t: np.sum(conv1d.conv1d_forward(t, w, b, **g)[0] * dout), x)
    assert gradcheck.rel_error(grads[0], num) < 1e-7


@settings(max_examples=15, deadline=None)
@given(case=cases_1d(), seed=st.integers(0, 2**32 - 1))
def test_layer_matches_loops_and_finite_differences(case, seed):
    _layer_matches_loops_and_finite_differences(case, seed)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(case=cases_1d(), seed=st.integers(0, 2**32 - 1))
def test_layer_matches_loops_and_finite_differences_many_examples(case, seed):
    _layer_matches_loops_and_finite_differences(case, seed)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="x must be 3-D"):
        conv1d.conv1d_forward(np.ones((2, 5)), np.ones((1, 1, 3)))
    with pytest.raises(ValueError, match="C_in=2"):
        conv1d.conv1d_forward(np.ones((1, 2, 5)), np.ones((1, 1, 3)))
    with pytest.raises(ValueError, match="kernel spans 5 pixels"):
        conv1d.conv1d_forward(np.ones((1, 1, 4)), np.ones((1, 1, 3)), dilation=2)
    with pytest.raises(TypeError, match="stride must be an int"):
        conv1d.conv1d_forward(np.ones((1, 1, 5)), np.ones((1, 1, 3)), stride=(1, 2))
    with pytest.raises(TypeError, match="conv1d_forward"):
        conv1d.conv1d_backward(np.ones((1, 1, 3)), "cache")
    with pytest.raises(ValueError, match="dout must have shape"):
        conv1d.conv1d_backward_loop(np.ones((1, 1, 4)), np.ones((1, 1, 5)), np.ones((1, 1, 3)))
