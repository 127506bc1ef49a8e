"""The gradient-check utility: it must accept right gradients and catch wrong ones."""

import numpy as np
import pytest

from lessons_code import conv, gradcheck
from lessons_code.checks import gradients, tolerances


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


def test_all_book_checks_pass_and_are_reported():
    checks = gradients.gradient_rows(seed=0)
    assert [(c.layer.split(" (")[0], c.gradient) for c in checks] == [
        ("FC", "dW"), ("FC", "dx"), ("FC", "db"), ("Conv", "dK"), ("Conv", "dx"), ("Conv", "db"),
        ("Conv layer", "dx"), ("Conv layer", "dw"), ("Conv layer", "db"),
    ]  # fmt: skip
    assert all(c.rel_error < tolerances.REL_ERROR_BOUND for c in checks)
    table = gradients.report_table(checks)
    assert table.count("\n") == len(checks) + 1 and "FAIL" not in table


def test_a_flipped_kernel_gradient_is_caught(monkeypatch):
    # The acceptance test of the foundation issue: swap dK for its flipped version.
    right = conv.conv_weight_grad
    monkeypatch.setattr(conv, "conv_weight_grad", lambda img, k, dy: right(img, k, dy)[::-1, ::-1])
    rows = {c.gradient: c for c in gradients.conv_gradient_rows(seed=0)}
    assert not rows["dK"].passed and rows["dK"].rel_error > 1e-2
    assert rows["dx"].passed


def test_bad_step():
    with pytest.raises(ValueError, match="positive step"):
        gradcheck.numerical_gradient(lambda t: 0.0, np.ones(2), h=0.0)
