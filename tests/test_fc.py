"""The FC layer: exact small examples, finite differences, batching."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons_code import fc
from lessons_code.gradcheck import numerical_gradient, rel_error


def test_forward_by_hand():
    W = np.array([[1.0, 2.0], [3.0, 4.0], [0.0, -1.0]])
    assert np.array_equal(fc.fc_forward([1, 1], W, [0, 0, 5]), [3.0, 7.0, 4.0])
    assert np.array_equal(fc.fc_forward([1, 1], W), [3.0, 7.0, -1.0])


def test_backward_by_hand_is_outer_product_and_transpose():
    x, W, dy = (
        np.array([1.0, 2.0]),
        np.array([[1.0, 0.0], [2.0, -1.0], [0.5, 3.0]]),
        np.array([1.0, -1.0, 2.0]),
    )
    dW, dx = fc.fc_backward(x, W, dy)
    assert np.array_equal(dW, [[1, 2], [-1, -2], [2, 4]])
    assert np.array_equal(dx, [1 * 1 - 2 + 2 * 0.5, 0 + 1 + 6])
    assert np.linalg.matrix_rank(dW) == 1
    assert np.array_equal(fc.fc_bias_grad(dy), dy)


@settings(max_examples=25, deadline=None)
@given(n_in=st.integers(1, 6), n_out=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_gradients_match_finite_differences(n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    x, W, b, dy = (rng.standard_normal(n_in), rng.standard_normal((n_out, n_in)),
                   rng.standard_normal(n_out), rng.standard_normal(n_out))  # fmt: skip
    dW, dx = fc.fc_backward(x, W, dy)

    def loss(x_, W_, b_):
        return np.sum(fc.fc_forward(x_, W_, b_) * dy)

    assert rel_error(dW, numerical_gradient(lambda t: loss(x, t, b), W)) < 1e-7
    assert rel_error(dx, numerical_gradient(lambda t: loss(t, W, b), x)) < 1e-7
    assert rel_error(fc.fc_bias_grad(dy), numerical_gradient(lambda t: loss(x, W, t), b)) < 1e-7


def test_batch_is_sum_of_examples():
    rng = np.random.default_rng(1)
    X, W, b, dY = (
        rng.standard_normal((7, 4)),
        rng.standard_normal((3, 4)),
        rng.standard_normal(3),
        rng.standard_normal((7, 3)),
    )
    Y = fc.fc_forward_batch(X, W, b)
    assert np.allclose(Y, np.stack([fc.fc_forward(X[k], W, b) for k in range(7)]), rtol=1e-12, atol=1e-12)
    dW, dX, db = fc.fc_backward_batch(X, W, dY)
    assert np.allclose(dW, sum(np.outer(dY[k], X[k]) for k in range(7)), rtol=1e-12, atol=1e-12)
    assert np.allclose(dX, np.stack([W.T @ dY[k] for k in range(7)]), rtol=1e-12, atol=1e-12)
    assert np.allclose(db, fc.fc_bias_grad(dY), rtol=1e-12, atol=1e-12)
    loss = lambda t: np.sum(fc.fc_forward_batch(X, t, b) * dY)  # noqa: E731
    assert rel_error(dW, numerical_gradient(loss, W)) < 1e-7


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: fc.fc_backward(np.ones(4), np.ones((3, 5)), np.ones(3)), ValueError, "5 features"),
        (lambda: fc.fc_backward(np.ones(5), np.ones((3, 5)), np.ones(4)), ValueError, r"shape \(3,\)"),
        (lambda: fc.fc_backward(np.ones((1, 5)), np.ones((3, 5)), np.ones(3)), ValueError, "must be 1-D"),
        (lambda: fc.fc_backward(np.ones(5), np.ones(5), np.ones(3)), ValueError, "W must be 2-D"),
        (
            lambda: fc.fc_backward(np.array(list("abcde")), np.ones((3, 5)), np.ones(3)),
            TypeError,
            "real numbers",
        ),
        (lambda: fc.fc_forward(np.ones(5, dtype=bool), np.ones((3, 5))), TypeError, "dtype bool"),
        (lambda: fc.fc_forward(np.ones(5), np.ones((3, 5)), np.ones(2)), ValueError, "b must have shape"),
        (
            lambda: fc.fc_backward_batch(np.ones((2, 5)), np.ones((3, 5)), np.ones((3, 3))),
            ValueError,
            r"\(2, 3\)",
        ),
        (lambda: fc.fc_bias_grad(np.ones((2, 2, 2))), ValueError, "1-D or 2-D"),
    ],
)
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
