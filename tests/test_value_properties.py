"""Property tests that vary the *values*, not only the shapes: zeros, ties, integers, scales from
1e-8 to 1e8, all-zero arrays, and NaN/inf (refused by every function and its loop twin alike).

Each vectorised result is compared with its loop twin entry by entry to 1e-12 of the sum of the
absolute values of its terms (``gradient_asserts``); the batched layer's twin property is in
``tests/test_conv_layer.py``.
``make unit`` runs a few examples; the ``slow`` copies (run by ``make test``) run many more.
"""

from __future__ import annotations

import numpy as np
import pytest
from gradient_asserts import assert_matches_terms
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import conv_cases, value_arrays

from lessons_code import conv, conv_layer, fc, matrix_view


def _single_channel_property(data):
    h, w = data.draw(st.integers(1, 8)), data.draw(st.integers(1, 8))
    kh, kw = data.draw(st.integers(1, min(h, 5))), data.draw(st.integers(1, min(w, 5)))
    img, k = data.draw(value_arrays((h, w))), data.draw(value_arrays((kh, kw)))
    dy = data.draw(value_arrays((h - kh + 1, w - kw + 1)))
    a_img, a_k, a_dy = np.abs(img), np.abs(k), np.abs(dy)
    assert_matches_terms(conv.conv2d(img, k), conv.conv2d_loop(img, k), conv.conv2d_loop(a_img, a_k), "y")
    assert_matches_terms(conv.conv_weight_grad(img, k, dy), conv.conv_weight_grad_loop(img, k, dy),
                         conv.conv_weight_grad_loop(a_img, a_k, a_dy), "dK")  # fmt: skip
    assert_matches_terms(conv.conv_input_grad(img, k, dy), conv.conv_input_grad_loop(img, k, dy),
                         conv.conv_input_grad_loop(a_img, a_k, a_dy), "dx")  # fmt: skip
    M = matrix_view.conv_matrix(k, (h, w))  # the matrix view agrees to the same standard
    assert_matches_terms(M @ np.asarray(img, float).ravel(), conv.conv2d_loop(img, k).ravel(),
                         conv.conv2d_loop(a_img, a_k).ravel(), "M x")  # fmt: skip
    assert_matches_terms(matrix_view.tied_kernel_grad(img, dy, (kh, kw)), conv.conv_weight_grad_loop(img, k, dy),
                         conv.conv_weight_grad_loop(a_img, a_k, a_dy), "tied dK")  # fmt: skip


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_single_channel_conv_and_matrix_view_match_the_loops_for_any_values(data):
    _single_channel_property(data)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_single_channel_conv_and_matrix_view_match_the_loops_many_examples(data):
    _single_channel_property(data)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_fc_gradients_are_the_explicit_sums_for_any_values(data):
    n, n_in, n_out = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 6)), data.draw(st.integers(1, 5))
    X, W, dY = (
        data.draw(value_arrays((n, n_in))),
        data.draw(value_arrays((n_out, n_in))),
        data.draw(value_arrays((n, n_out))),
    )
    Xf, Wf, dYf = (np.asarray(a, dtype=np.float64) for a in (X, W, dY))
    dW, dX, db = fc.fc_backward_batch(X, W, dY)
    ref_dW = np.array(
        [[sum(dYf[k, i] * Xf[k, j] for k in range(n)) for j in range(n_in)] for i in range(n_out)]
    )
    ref_dX = np.array(
        [[sum(dYf[k, i] * Wf[i, j] for i in range(n_out)) for j in range(n_in)] for k in range(n)]
    )
    assert_matches_terms(dW, ref_dW.reshape(dW.shape), np.abs(dYf).T @ np.abs(Xf), "dW")
    assert_matches_terms(dX, ref_dX.reshape(dX.shape), np.abs(dYf) @ np.abs(Wf), "dX")
    assert_matches_terms(db, dYf.sum(axis=0), np.abs(dYf).sum(axis=0), "db")
    dW1, dx1 = fc.fc_backward(X[0], W, dY[0])
    assert np.array_equal(dW1, np.outer(dYf[0], Xf[0]))  # one product per entry: exact
    assert_matches_terms(dx1, ref_dX[0], np.abs(Wf).T @ np.abs(dYf[0]), "dx")


@settings(max_examples=20, deadline=None)
@given(data=st.data(), bad=st.sampled_from([np.nan, np.inf, -np.inf]), which=st.sampled_from(["x", "w", "b"]))
def test_nan_and_inf_are_refused_by_the_layer_and_its_loop_twin_alike(data, bad, which):
    x_shape, w_shape, params = data.draw(conv_cases(max_batch=2, max_channels=2, max_kernel=3))
    arrays = {"x": data.draw(value_arrays(x_shape)).astype(float), "w": data.draw(value_arrays(w_shape)).astype(float),
              "b": np.zeros(w_shape[0])}  # fmt: skip
    flat = arrays[which].reshape(-1)
    flat[data.draw(st.integers(0, flat.size - 1))] = bad
    for forward in (conv_layer.conv_forward, conv_layer.conv_forward_loop):
        with pytest.raises(ValueError, match=f"{which} must hold finite numbers"):
            forward(arrays["x"], arrays["w"], arrays["b"], **params)
    if which != "b":
        good = {k: np.where(np.isfinite(v), v, 0.0) for k, v in arrays.items()}
        out, cache = conv_layer.conv_forward(good["x"], good["w"], **params)
        dout = np.full(out.shape, bad)
        with pytest.raises(ValueError, match="dout must hold finite numbers"):
            conv_layer.conv_backward(dout, cache)
        with pytest.raises(ValueError, match="dout must hold finite numbers"):
            conv_layer.conv_backward_loop(dout, good["x"], good["w"], **params)


@settings(max_examples=20, deadline=None)
@given(data=st.data(), bad=st.sampled_from([np.nan, np.inf]))
def test_nan_and_inf_are_refused_by_the_single_channel_conv_and_its_loop_twin_alike(data, bad):
    h, w = data.draw(st.integers(1, 6)), data.draw(st.integers(1, 6))
    img = data.draw(value_arrays((h, w))).astype(float)
    k = np.ones((data.draw(st.integers(1, h)), data.draw(st.integers(1, w))))
    k.flat[data.draw(st.integers(0, k.size - 1))] = bad  # an inf kernel entry gave NaN in dx before
    dy = np.ones((h - k.shape[0] + 1, w - k.shape[1] + 1))
    for fn in (conv.conv_input_grad, conv.conv_input_grad_loop):
        with pytest.raises(ValueError, match="kernel must hold finite numbers"):
            fn(img, k, dy)


@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_integer_and_float32_inputs_give_the_float64_result(data):
    x_shape, w_shape, params = data.draw(conv_cases(max_batch=2, max_channels=3, max_kernel=4))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    xi, wi = rng.integers(-4, 5, size=x_shape), rng.integers(-4, 5, size=w_shape)
    out_i = conv_layer.conv_forward(xi, wi, **params)[0]
    assert out_i.dtype == np.float64
    assert np.array_equal(out_i, conv_layer.conv_forward(xi.astype(float), wi.astype(float), **params)[0])
    assert np.array_equal(out_i, np.round(out_i))  # integer sums below 2**53 are exact
    x32 = rng.standard_normal(x_shape).astype(np.float32)
    out32 = conv_layer.conv_forward(x32, wi, **params)[0]
    assert out32.dtype == np.float64  # computed in float64, not in float32
    assert np.array_equal(out32, conv_layer.conv_forward(x32.astype(np.float64), wi, **params)[0])
