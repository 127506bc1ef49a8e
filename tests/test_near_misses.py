"""Tests that kill the mutants which survived the earlier suite (issue 16), one per behaviour.

Each test is named after what it protects; the comment says which near miss it catches.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from gradient_asserts import REL, assert_matches_terms

from lessons_code import conv, conv_layer, fc, geometry, gradcheck, matrix_view, param_counts
from lessons_code.checks import gradients, tolerances
from lessons_code.checks.verdict import Verdict

RNG = np.random.default_rng(16)


# --- fc -------------------------------------------------------------------------------------


def test_fc_bias_grad_returns_a_new_array_not_dy_itself():
    # near miss: `return dy` instead of `dy.copy()` -- the caller's dy changes when db is updated
    dy = np.array([1.0, -2.0, 3.0])
    db = fc.fc_bias_grad(dy)
    assert np.array_equal(db, dy) and db is not dy and not np.shares_memory(db, dy)
    db += 1.0
    assert np.array_equal(dy, [1.0, -2.0, 3.0])


# --- conv: sizes -------------------------------------------------------------------------------


@pytest.mark.parametrize("kernel_shape", [(3, 1), (1, 3), (4, 4)], ids=["too-tall", "too-wide", "both"])
@pytest.mark.parametrize(
    "fn",
    [conv.conv2d, conv.conv2d_loop, conv.conv_weight_grad, conv.conv_weight_grad_loop, conv.conv_input_grad,
     conv.conv_input_grad_loop],
)  # fmt: skip
def test_conv_refuses_a_kernel_taller_or_wider_than_the_image(fn, kernel_shape):
    # near miss: only the too-tall case of `kh > H or kw > W` was tested
    img = np.ones((2, 2))
    args = (img, np.ones(kernel_shape)) + ((np.ones((1, 1)),) if "grad" in fn.__name__ else ())
    with pytest.raises(ValueError, match="larger than img"):
        fn(*args)


@pytest.mark.parametrize(
    ("x_shape", "w_shape"),
    [((0, 1, 5, 5), (1, 1, 3, 3)), ((2, 0, 5, 5), (1, 0, 3, 3)), ((2, 1, 5, 5), (0, 1, 3, 3)),
     ((2, 1, 0, 5), (1, 1, 1, 1)), ((2, 1, 5, 5), (1, 1, 0, 3))],
    ids=["empty-batch", "no-channels", "no-filters", "no-rows", "empty-kernel"],
)  # fmt: skip
def test_conv_layer_refuses_empty_arrays_and_its_loop_twin_agrees(x_shape, w_shape):
    # near miss: the empty-batch check (no test passed N = 0)
    x, w = np.ones(x_shape), np.ones(w_shape)
    for call in (lambda: conv_layer.conv_forward(x, w), lambda: conv_layer.conv_forward_loop(x, w)):
        with pytest.raises(ValueError, match="must not be empty"):
            call()


@pytest.mark.parametrize(
    ("kernel", "image"), [((3, 1), (2, 5)), ((1, 3), (5, 2))], ids=["too-tall", "too-wide"]
)
def test_conv_geometry_refuses_a_kernel_too_tall_or_too_wide_alone(kernel, image):
    # near miss: `kh > h or kw > w` -> `and` in conv_geometry
    with pytest.raises(ValueError, match="is larger than input_shape"):
        matrix_view.conv_geometry(kernel, image)


def test_output_sizes_are_checked_not_computed_from_nonsense():
    # the examples: (2, 2) image with a (5, 5) kernel gave (-2, -2); k=0 gave 6; stride 0 crashed
    with pytest.raises(ValueError, match="larger than img"):
        conv.output_shape((2, 2), (5, 5))
    for kwargs, name in ((dict(k=0), "k"), (dict(dilation=0), "dilation"), (dict(stride=-1), "stride"),
                         (dict(stride=0), "stride")):  # fmt: skip
        with pytest.raises(ValueError, match=name):
            conv_layer.output_size(**{"n": 5, "k": 3, **kwargs})
    with pytest.raises(TypeError, match="n must be an int"):
        conv_layer.output_size(5.5, 3)


# --- gradient checks ------------------------------------------------------------------------------


def test_numerical_gradient_moves_one_entry_at_a_time_and_restores_it():
    # near miss: `flat[k] = old` removed -- later entries are differenced at a moved point
    theta = np.array([1.0, 2.0, -0.5])
    seen = []

    def f(t):
        seen.append(t.copy())
        return t[0] * t[1] * t[2]

    g = gradcheck.numerical_gradient(f, theta, h=1e-3)
    assert np.array_equal(theta, [1.0, 2.0, -0.5])  # the caller's theta is untouched
    assert len(seen) == 6
    for call, t in enumerate(seen):
        moved = np.flatnonzero(t != theta)
        assert list(moved) == [call // 2], (call, t)  # exactly entry k moves, the others are restored
        assert abs(abs(t[call // 2] - theta[call // 2]) - 1e-3) < 1e-15
    # the product rule, exact for a function linear in each entry: no 1e-6 slack hides a moved entry
    assert np.allclose(g, [2.0 * -0.5, 1.0 * -0.5, 1.0 * 2.0], rtol=1e-12, atol=0)


def test_the_gradient_bound_fails_a_1e_6_error_and_passes_9e_8():
    # near misses on both sides: REL_ERROR_BOUND loosened to 1e-6 or tightened below 9e-8 fails here
    assert not Verdict("dW", 1e-6, tolerances.REL_ERROR_BOUND).passed
    assert Verdict("dW", 9e-8, tolerances.REL_ERROR_BOUND).passed


def _wrong(fn, which=None, factor=1.0 + 1e-5):
    """``fn`` with its result (or result[which]) scaled by ``factor``: a gradient 1e-5 off."""

    def wrapped(*args, **kwargs):
        out = fn(*args, **kwargs)
        if which is None:
            return out * factor
        out = list(out)
        out[which] = out[which] * factor
        return tuple(out)

    return wrapped


@pytest.mark.parametrize(
    ("check", "module", "name", "which", "row"),
    [
        (gradients.fc_gradient_rows, fc, "fc_backward", 0, "dW"),
        (gradients.fc_gradient_rows, fc, "fc_backward", 1, "dx"),
        (gradients.fc_gradient_rows, fc, "fc_bias_grad", None, "db"),
        (gradients.conv_gradient_rows, conv, "conv_weight_grad", None, "dK"),
        (gradients.conv_gradient_rows, conv, "conv_input_grad", None, "dx"),
        (gradients.conv_gradient_rows, conv, "conv_bias_grad", None, "db"),
        (gradients.conv_layer_gradient_rows, conv_layer, "conv_backward", 0, "dx"),
        (gradients.conv_layer_gradient_rows, conv_layer, "conv_backward", 1, "dw"),
        (gradients.conv_layer_gradient_rows, conv_layer, "conv_backward", 2, "db"),
    ],
)
def test_every_gradient_check_row_fails_when_its_gradient_is_off_by_1e_5(
    monkeypatch, check, module, name, which, row
):
    # near miss: a check comparing db (or dw) with itself passes whatever db is -- a vacuous check
    monkeypatch.setattr(module, name, _wrong(getattr(module, name), which))
    rows = {r.gradient: r for r in check(seed=3)}
    assert not rows[row].passed, rows[row]
    assert all(r.passed for g, r in rows.items() if g != row), rows


def test_a_gradient_compared_with_itself_is_rejected_by_rel_error_bound():
    # the vacuous check itself: rel_error(g, g) == 0 passes any bound, so the rows above must
    # compare with an independent numerical gradient -- this pins that a wrong g is not "itself"
    g = RNG.standard_normal(5)
    assert gradcheck.rel_error(g, g) == 0.0
    assert gradcheck.rel_error(g * (1 + 1e-5), g) > tolerances.REL_ERROR_BOUND


def test_book_layer_check_runs_with_its_stride_padding_and_dilation(monkeypatch):
    # near miss: check_conv_layer silently dropping stride, padding or dilation (label says 2, 1, 2)
    calls = []
    forward = conv_layer.conv_forward

    def spy(*args, **kwargs):
        calls.append({k: kwargs.get(k) for k in ("stride", "padding", "dilation")})
        return forward(*args, **kwargs)

    monkeypatch.setattr(conv_layer, "conv_forward", spy)
    rows = gradients.conv_layer_gradient_rows(seed=0)
    assert calls and all(c == {"stride": 2, "padding": 1, "dilation": 2} for c in calls)
    assert all("stride 2, padding 1, dilation 2" in r.layer for r in rows)
    rows = gradients.conv_layer_gradient_rows(0, (1, 1, 4, 4), (1, 1, 2, 2), stride=1, padding=0, dilation=1)
    assert calls[-1] == {"stride": 1, "padding": 0, "dilation": 1}


# --- 1e-9 of the sum of |terms| in any public gradient fails ------------------------------------------


def _fc_cases():
    x, W, dy = RNG.standard_normal(6), RNG.standard_normal((4, 6)), RNG.standard_normal(4)
    X, dY = RNG.standard_normal((5, 6)), RNG.standard_normal((5, 4))
    dW, dx = fc.fc_backward(x, W, dy)
    dWb, dXb, dbb = fc.fc_backward_batch(X, W, dY)
    terms = {  # name -> (got, reference from explicit sums, sum of |terms|)
        "fc_backward dW": (dW, dy[:, None] * x[None, :], np.abs(dy)[:, None] * np.abs(x)[None, :]),
        "fc_backward dx": (dx, np.array([sum(W[i, j] * dy[i] for i in range(4)) for j in range(6)]), np.abs(W).T @ np.abs(dy)),
        "fc_bias_grad": (fc.fc_bias_grad(dy), dy, np.abs(dy)),
        "fc_backward_batch dW": (dWb, sum(np.outer(dY[n], X[n]) for n in range(5)), np.abs(dY).T @ np.abs(X)),
        "fc_backward_batch dX": (dXb, np.stack([W.T @ dY[n] for n in range(5)]), np.abs(dY) @ np.abs(W)),
        "fc_backward_batch db": (dbb, dY.sum(axis=0), np.abs(dY).sum(axis=0)),
    }  # fmt: skip
    return terms


def _conv_cases():
    img, k, dy = RNG.standard_normal((7, 6)), RNG.standard_normal((3, 2)), RNG.standard_normal((5, 5))
    a_img, a_k, a_dy = np.abs(img), np.abs(k), np.abs(dy)
    x, w = RNG.standard_normal((2, 3, 7, 6)), RNG.standard_normal((4, 3, 3, 2))
    geo = dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2))
    out, cache = conv_layer.conv_forward(x, w, **geo)
    dout = RNG.standard_normal(out.shape)
    dx, dw, db = conv_layer.conv_backward(dout, cache)
    ldx, ldw, ldb = conv_layer.conv_backward_loop(dout, x, w, **geo)
    mdx, mdw, mdb = conv_layer.conv_backward_loop(np.abs(dout), np.abs(x), np.abs(w), **geo)
    return {
        "conv_weight_grad": (conv.conv_weight_grad(img, k, dy), conv.conv_weight_grad_loop(img, k, dy),
                             conv.conv_weight_grad_loop(a_img, a_k, a_dy)),
        "conv_input_grad": (conv.conv_input_grad(img, k, dy), conv.conv_input_grad_loop(img, k, dy),
                            conv.conv_input_grad_loop(a_img, a_k, a_dy)),
        "conv_bias_grad": (conv.conv_bias_grad(dy), np.sum(dy), np.sum(a_dy)),
        "conv_backward dx": (dx, ldx, mdx),
        "conv_backward dw": (dw, ldw, mdw),
        "conv_backward db": (db, ldb, mdb),
        "tied_kernel_grad": (matrix_view.tied_kernel_grad(img, dy, k.shape), conv.conv_weight_grad_loop(img, k, dy),
                             conv.conv_weight_grad_loop(a_img, a_k, a_dy)),
        "matrix M.T dy": (matrix_view.conv_matrix(k, img.shape).T @ dy.ravel(), conv.conv_input_grad_loop(img, k, dy).ravel(),
                          conv.conv_input_grad_loop(a_img, a_k, a_dy).ravel()),
    }  # fmt: skip


ALL_GRADIENTS = {**_fc_cases(), **_conv_cases()}


@pytest.mark.parametrize("name", list(ALL_GRADIENTS))
def test_public_gradients_match_an_independent_sum_to_1e_12_of_the_sum_of_absolute_terms(name):
    got, ref, magnitude = ALL_GRADIENTS[name]
    assert_matches_terms(got, ref, magnitude, name)


@pytest.mark.parametrize("name", list(ALL_GRADIENTS))
def test_an_error_of_1e_9_of_the_sum_of_absolute_terms_fails_that_comparison(name):
    # the acceptance bar: such an error in any public gradient must not survive
    got, ref, magnitude = ALL_GRADIENTS[name]
    got = np.asarray(got, dtype=np.float64)
    flat = np.argmax(np.asarray(magnitude)).item() if np.ndim(magnitude) else None
    wrong = got.copy()
    if flat is None:
        wrong = wrong + 1e-9 * magnitude
    else:
        wrong.flat[flat] += 1e-9 * np.asarray(magnitude).flat[flat]
    with pytest.raises(AssertionError, match=re.escape(f"{REL:.0e}")):
        assert_matches_terms(wrong, ref, magnitude, name)


# --- counts, formulas and receptive fields ------------------------------------------------------


def test_unshared_count_uses_both_output_sides():
    # near miss: `oh * oh` (every earlier test had a square output)
    per_position = param_counts.conv_param_count(3, 2, 4)
    assert param_counts.unshared_param_count(3, 2, 4, (3, 5)) == per_position * 15
    assert param_counts.unshared_param_count(3, 2, 4, (5, 3)) == per_position * 15
    assert param_counts.sharing_counts(3, 2, 4, (2, 7)).ratio == 14


def test_param_comparison_formulas_are_the_counts_as_products():
    # near miss: the parameter-formula strings (never compared with the numbers)
    rows = param_counts.param_comparison()
    assert [r.formula for r in rows] == [
        "150,528 × 1,000 + 1,000", "150,528 × 4,096 + 4,096", "3 × 3 × 3 × 64 + 64", "7 × 7 × 3 × 64 + 64",
    ]  # fmt: skip
    for bias in (True, False):
        for r in param_counts.param_comparison((5, 7, 2), (9,), (3,), c_out=4, bias=bias):
            value = eval(r.formula.replace(",", "").replace("×", "*"))  # the string is the arithmetic
            assert value == r.total == r.weights + r.biases
            assert (" + " in r.formula) == bias


def test_fc_receptive_field_reshapes_row_major_on_a_non_square_image():
    # near miss: the reshape order (the test used a dense W, where every order gives all True)
    h, w = 2, 3
    W = np.zeros((4, h * w))
    W[1, 4] = 0.5  # pixel (1, 1) in row-major order; column-major would put it at (0, 2)
    W[2, 2] = -1.0  # pixel (0, 2)
    mask = geometry.fc_receptive_field(W, 1, (h, w))
    assert mask.shape == (2, 3) and mask.sum() == 1 and mask[1, 1]
    assert geometry.fc_receptive_field(W, 2, (h, w))[0, 2]
    assert not geometry.fc_receptive_field(W, 0, (h, w)).any()


def test_conv_receptive_field_leaves_out_pixels_under_zero_kernel_entries():
    # near miss: kernels with zero entries (never tested): the output does not depend on those pixels
    k = np.array([[1.0, 0.0, 2.0], [0.0, 3.0, 0.0]])
    mask = geometry.conv_receptive_field(k, (1, 2), (4, 6))
    expected = np.zeros((4, 6), dtype=bool)
    expected[1:3, 2:5] = k != 0
    assert np.array_equal(mask, expected)
    # the same pattern as the Jacobian row of the loop twin
    dy = np.zeros((3, 4))
    dy[1, 2] = 1.0
    assert np.array_equal(conv.conv_input_grad_loop(np.zeros((4, 6)), k, dy) != 0, expected)


def test_matrix_view_index_arithmetic_is_intp():
    # np.bincount and indexing need the platform's index type (32-bit in a 32-bit Python)
    index = matrix_view.conv_matrix_index((3, 3), (5, 4))
    assert index.dtype == np.intp
    assert matrix_view.conv_matrix_index_loop((3, 3), (5, 4)).dtype == np.intp
    assert matrix_view.tie_counts(index.astype(np.int32)).dtype == np.intp
    assert np.array_equal(matrix_view.tie_counts(index.astype(np.int32)), matrix_view.tie_counts(index))
