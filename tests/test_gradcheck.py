"""The gradient-check utility: it must accept right gradients and catch wrong ones."""

import numpy as np
import pytest

from lessons_code import gradcheck


def test_numerical_gradient_of_a_quadratic_is_exact_enough():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([0.5, -1.5])
    g = gradcheck.numerical_gradient(lambda t: t @ A @ t, x)
    assert np.allclose(g, 2 * A @ x, rtol=1e-8, atol=0)
    assert np.array_equal(x, [0.5, -1.5])  # not modified


def test_numerical_gradient_of_a_scalar_parameter():
    g = gradcheck.numerical_gradient(lambda t: float(t) ** 3, np.array(2.0))
    assert g.shape == () and abs(float(g) - 12.0) < 1e-6


def test_rel_error_scale():
    a = np.array([1.0, 2.0, 3.0])
    assert gradcheck.rel_error(a, a) == 0.0
    assert gradcheck.rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert gradcheck.rel_error(a, -a) == 1.0
    with pytest.raises(ValueError, match="same shape"):
        gradcheck.rel_error(a, a[:2])


def test_bad_step():
    with pytest.raises(ValueError, match="positive step"):
        gradcheck.numerical_gradient(lambda t: 0.0, np.ones(2), h=0.0)
