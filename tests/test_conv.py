"""Single-channel convolution: hand-checked examples, loops vs vectorised, finite differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons_code import conv, fc_vs_conv
from lessons_code.gradcheck import numerical_gradient, rel_error


def test_d2l_worked_example():
    # The 3x3 input / 2x2 kernel example of Dive into Deep Learning, section 7.2.
    x = np.arange(9).reshape(3, 3)
    k = np.array([[0, 1], [2, 3]])
    assert np.array_equal(conv.conv2d(x, k), [[19, 25], [37, 43]])
    assert np.array_equal(conv.conv2d_loop(x, k), [[19, 25], [37, 43]])


def test_hand_example_of_the_gradients_chapter():
    x = np.arange(16).reshape(4, 4)
    k = np.array([[1, 2], [3, 4]])
    dy = np.ones((3, 3))
    assert np.array_equal(conv.conv_weight_grad(x, k, dy), [[45, 54], [81, 90]])
    assert np.array_equal(
        conv.conv_input_grad(x, k, dy), [[1, 3, 3, 2], [4, 10, 10, 6], [4, 10, 10, 6], [3, 7, 7, 4]]
    )
    assert conv.conv_bias_grad(dy) == 9.0


def test_weight_grad_has_no_flip():
    # One non-zero upstream gradient at (0, 0): dK is the top-left window of x, not its rotation.
    x = np.arange(25.0).reshape(5, 5)
    dy = np.zeros((3, 3))
    dy[0, 0] = 1.0
    dK = conv.conv_weight_grad(x, np.zeros((3, 3)), dy)
    assert np.array_equal(dK, x[:3, :3])
    assert not np.array_equal(dK, x[:3, :3][::-1, ::-1])


shapes = st.tuples(st.integers(1, 7), st.integers(1, 7), st.integers(1, 4), st.integers(1, 4)).filter(
    lambda s: s[2] <= s[0] and s[3] <= s[1]
)


@settings(max_examples=40, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**32 - 1))
def test_vectorised_matches_loops_and_finite_differences(shape, seed):
    h, w, kh, kw = shape
    rng = np.random.default_rng(seed)
    img, k = rng.standard_normal((h, w)), rng.standard_normal((kh, kw))
    dy = rng.standard_normal((h - kh + 1, w - kw + 1))
    assert np.allclose(conv.conv2d(img, k), conv.conv2d_loop(img, k), rtol=1e-12, atol=1e-12)
    dK, dx = conv.conv_weight_grad(img, k, dy), conv.conv_input_grad(img, k, dy)
    assert np.allclose(dK, conv.conv_weight_grad_loop(img, k, dy), rtol=1e-12, atol=1e-12)
    assert np.allclose(dx, conv.conv_input_grad_loop(img, k, dy), rtol=1e-12, atol=1e-12)
    loss = lambda a, b: np.sum(conv.conv2d(a, b) * dy)  # noqa: E731
    assert rel_error(dK, numerical_gradient(lambda t: loss(img, t), k)) < 1e-7
    assert rel_error(dx, numerical_gradient(lambda t: loss(t, k), img)) < 1e-7


def test_seed_api_names_and_shapes():
    rng = np.random.default_rng(18)
    dW, dx = fc_vs_conv.fc_backward(
        rng.standard_normal(5), rng.standard_normal((3, 5)), rng.standard_normal(3)
    )
    assert dW.shape == (3, 5) and dx.shape == (5,)
    dK = fc_vs_conv.conv_weight_grad(
        rng.standard_normal((6, 6)), rng.standard_normal((3, 3)), rng.standard_normal((4, 4))
    )
    assert dK.shape == (3, 3) and dK.dtype == np.float64


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: conv.conv2d(np.ones((2, 2)), np.ones((3, 3))), ValueError, "larger than img"),
        (lambda: conv.conv2d(np.ones(4), np.ones((3, 3))), ValueError, "img must be 2-D"),
        (lambda: conv.conv2d(np.ones((4, 4)), np.ones((0, 3))), ValueError, "empty"),
        (
            lambda: conv.conv_weight_grad(np.ones((6, 6)), np.ones((3, 3)), np.ones((3, 3))),
            ValueError,
            r"\(4, 4\)",
        ),
        (
            lambda: conv.conv_input_grad(np.ones((6, 6)), np.ones((3, 3)), np.ones((4, 4, 1))),
            ValueError,
            "dy must be 2-D",
        ),
        (lambda: conv.conv2d(np.ones((4, 4), dtype=complex), np.ones((3, 3))), TypeError, "complex"),
        (lambda: conv.conv2d(np.full((4, 4), None), np.ones((3, 3))), TypeError, "object"),
    ],
)
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
