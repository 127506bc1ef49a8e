"""ReLU and max-pool (lessons_code.pooling): hand examples, loop twin, finite differences, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons_code import gradcheck, pooling


def test_maxpool_routes_to_the_argmax_by_hand():
    x = np.array([[[[1.0, 5.0, 2.0, 0.0], [3.0, 4.0, 1.0, 7.0]]]])
    out, arg = pooling.maxpool2_forward(x)
    assert out[0, 0].tolist() == [[5.0, 7.0]] and arg[0, 0].tolist() == [[1, 3]]
    dx = pooling.maxpool2_backward(np.array([[[[10.0, 20.0]]]]), arg)
    assert dx[0, 0].tolist() == [[0, 10, 0, 0], [0, 0, 0, 20]]
    assert np.count_nonzero(dx) == 2  # three zeros in every window


#: Batches of images with even sides (the 2x2 pool's input), and a seed for their values.
POOL_CASES = dict(
    n=st.integers(1, 2),
    c=st.integers(1, 3),
    h=st.integers(1, 3),
    w=st.integers(1, 3),
    seed=st.integers(0, 10**6),
)


def test_relu_masks_by_hand():
    z = np.array([-1.0, 0.0, 2.0])
    assert pooling.relu_forward(z).tolist() == [0, 0, 2]
    assert pooling.relu_backward(np.array([5.0, 5.0, 5.0]), z).tolist() == [0, 0, 5]


@settings(max_examples=30, deadline=None)
@given(**POOL_CASES)
def test_pool_backward_matches_loop_and_finite_differences(n, c, h, w, seed):
    rng = np.random.default_rng(seed)
    shape = (n, c, 2 * h, 2 * w)
    x = rng.permutation(np.prod(shape)).reshape(shape) * 0.1  # no ties
    out, arg = pooling.maxpool2_forward(x)
    dout = rng.standard_normal(out.shape)
    dx = pooling.maxpool2_backward(dout, arg)
    np.testing.assert_array_equal(dx, pooling.maxpool2_backward_loop(dout, x))
    num = gradcheck.numerical_gradient(lambda t: np.sum(pooling.maxpool2_forward(t)[0] * dout), x, h=1e-4)
    assert gradcheck.rel_error(dx, num) < 1e-7
    assert np.count_nonzero(dx) <= out.size


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="even, non-zero H and W"):
        pooling.maxpool2_forward(np.ones((1, 1, 3, 4)))
    with pytest.raises(ValueError, match="arg must have shape"):
        pooling.maxpool2_backward(np.ones((1, 1, 2, 2)), np.zeros((1, 1, 1, 2), dtype=int))
    with pytest.raises(ValueError, match=r"window indices 0\.\.3"):
        pooling.maxpool2_backward(np.ones((1, 1, 1, 1)), np.full((1, 1, 1, 1), 4))
    with pytest.raises(ValueError, match="dout must have shape"):
        pooling.relu_backward(np.ones(3), np.ones(4))
    with pytest.raises(TypeError, match="real numbers"):
        pooling.relu_forward(np.array(["a"]))


def test_pool_relu_sparsity_counts_what_reaches_the_conv():
    r = pooling.pool_relu_sparsity(0)
    assert r.zeros_after_pool == 0.75  # exactly 3 of every 4 pixels of a 2x2 window
    assert r.zeros_at_conv >= r.zeros_after_pool  # ReLU can only add zeros
    assert abs(r.zeros_at_conv - r.predicted) < 0.03 and r.predicted == 1 - 15 / 64
    assert r.positions == 36 and 0 < r.terms_per_entry <= 9  # at most one per pooling window
    assert r.conv_dk_zero < 0.05 and 0.4 < r.fc_dw_zero < 0.6
    assert pooling.pool_relu_sparsity(0) == r  # deterministic in the seed
    with pytest.raises(ValueError, match="size must be even"):
        pooling.pool_relu_sparsity(0, size=5)


@settings(max_examples=30, deadline=None)
@given(**POOL_CASES)
def test_pool_matches_argmax_of_the_windows_with_ties(n, c, h, w, seed):
    # the strided-view pool against its definition: argmax (first maximum) over each 2x2 window,
    # on small integers so that ties are common, bit for bit
    x = np.random.default_rng(seed).integers(-2, 3, size=(n, c, 2 * h, 2 * w)).astype(float)
    win = x.reshape(n, c, h, 2, w, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h, w, 4)
    out, arg = pooling.maxpool2_forward(x)
    assert arg.dtype == np.intp and np.array_equal(arg, win.argmax(axis=-1))
    assert np.array_equal(out, win.max(axis=-1))
    dout = np.random.default_rng(seed + 1).standard_normal(out.shape)
    routed = np.zeros_like(win)
    np.put_along_axis(routed, arg[..., None], dout[..., None], axis=-1)
    expected = routed.reshape(n, c, h, w, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(x.shape)
    assert np.array_equal(pooling.maxpool2_backward(dout, arg), expected)
    assert np.array_equal(pooling.maxpool2_backward(dout, arg), pooling.maxpool2_backward_loop(dout, x))
