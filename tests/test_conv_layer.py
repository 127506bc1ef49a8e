"""The batched conv layer: vectorised vs loop reference, finite differences, sizes, errors."""

import numpy as np
import pytest
from gradient_asserts import assert_matches_terms
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import conv_cases, value_arrays

from lessons_code import conv, conv_layer
from lessons_code.checks.gradients import conv_layer_gradient_rows
from lessons_code.gradcheck import numerical_gradient, rel_error


def layer_cases():
    """Small cases: the loop reference and finite differences stay fast."""
    return conv_cases(max_batch=2, max_kernel=3, max_padding=2, max_dilation=2, max_extra=4)


def big_layer_cases():
    return conv_cases(max_batch=4, max_channels=4, max_kernel=5, max_stride=2, max_padding=2, max_dilation=2,
                      max_extra=3)  # fmt: skip


def _layer_property(data):
    x_shape, w_shape, params = data.draw(big_layer_cases())
    x, w = data.draw(value_arrays(x_shape)), data.draw(value_arrays(w_shape))
    b = data.draw(value_arrays((w_shape[0],)))
    out, cache = conv_layer.conv_forward(x, w, b, **params)
    ax, aw, ab = np.abs(x), np.abs(w), np.abs(b)
    assert_matches_terms(out, conv_layer.conv_forward_loop(x, w, b, **params),
                         conv_layer.conv_forward_loop(ax, aw, ab, **params), "out")  # fmt: skip
    dout = data.draw(value_arrays(out.shape))
    got = conv_layer.conv_backward(dout, cache)
    ref = conv_layer.conv_backward_loop(dout, x, w, **params)
    mag = conv_layer.conv_backward_loop(np.abs(dout), ax, aw, **params)
    for name, g, r, m in zip(("dx", "dw", "db"), got, ref, mag, strict=True):
        assert g.dtype == np.float64
        assert_matches_terms(g, r, m, name)


@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_conv_layer_matches_its_loop_twin_for_any_values_to_1e_12_of_the_terms(data):
    _layer_property(data)


@pytest.mark.slow
@settings(max_examples=250, deadline=None)
@given(data=st.data())
def test_conv_layer_matches_its_loop_twin_for_any_values_many_examples(data):
    _layer_property(data)


@settings(max_examples=15, deadline=None)
@given(case=layer_cases(), seed=st.integers(0, 2**32 - 1))
def test_backward_matches_finite_differences(case, seed):
    x_shape, w_shape, params = case
    rng = np.random.default_rng(seed)
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    out, cache = conv_layer.conv_forward(x, w, b, **params)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = conv_layer.conv_backward(dout, cache)

    def loss(x_, w_, b_):
        return np.sum(conv_layer.conv_forward(x_, w_, b_, **params)[0] * dout)

    assert_gradient_close(dx, numerical_gradient(lambda t: loss(t, w, b), x))
    assert_gradient_close(dw, numerical_gradient(lambda t: loss(x, t, b), w))
    assert_gradient_close(db, numerical_gradient(lambda t: loss(x, w, t), b))


def assert_gradient_close(analytic, numeric):
    """Relative error below 1e-7, or, for a gradient that is itself nearly zero, agreement at the
    rounding level of the centred difference (about eps * |L| / h ~ 1e-9 here).

    Hypothesis found a case where db = sum(dout) = -0.002: the difference's rounding error, 1e-9,
    is then 3e-7 of the gradient. Only the relative test is loosened there, not the absolute one.
    """
    err = rel_error(analytic, numeric)
    assert err < 1e-7 or np.max(np.abs(analytic - numeric)) < 1e-8, (err, analytic, numeric)


@settings(max_examples=40, deadline=None)
@given(case=layer_cases(), seed=st.integers(0, 2**32 - 1))
def test_im2col_is_the_definition_and_col2im_its_adjoint(case, seed):
    x_shape, w_shape, params = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(x_shape)
    n, c, h, w = x_shape
    kh, kw = w_shape[2:]
    (sh, sw), (ph, pw), (dh, dw) = params["stride"], params["padding"], params["dilation"]
    cols = conv_layer.im2col(x, (kh, kw), **params)
    oh, ow = conv_layer.output_size(h, kh, sh, ph, dh), conv_layer.output_size(w, kw, sw, pw, dw)
    assert cols.shape == (c * kh * kw, n * oh * ow)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    expected = np.zeros_like(cols)  # cols[(ch, p, q), (m, i, j)] = xp[m, ch, i*s + p*d, j*s + q*d]
    for p in range(kh):
        for q in range(kw):
            for ch in range(c):
                for m in range(n):
                    for i in range(oh):
                        for j in range(ow):
                            row, col = (ch * kh + p) * kw + q, (m * oh + i) * ow + j
                            expected[row, col] = xp[m, ch, i * sh + p * dh, j * sw + q * dw]
    assert np.array_equal(cols, expected)
    d = rng.standard_normal(cols.shape)  # adjoint: <im2col(x), d> = <x, col2im(d)>
    back = conv_layer.col2im(d, x_shape, (kh, kw), **params)
    assert back.shape == x_shape and back.flags.c_contiguous
    assert np.isclose(np.sum(cols * d), np.sum(x * back), rtol=1e-12, atol=1e-12)


def test_col2im_adds_every_read_back_onto_its_pixel():
    # 1x1 image of a 3x3 kernel with padding 1: every tap reads the padding except the centre one
    d = np.arange(9.0).reshape(9, 1)
    assert conv_layer.col2im(d, (1, 1, 1, 1), (3, 3), padding=1).ravel().tolist() == [4.0]
    # 3x3 image, 2x2 kernel, stride 1: the centre pixel is read by all four windows, once per tap
    ones = np.ones((4, 4))
    assert conv_layer.col2im(ones, (1, 1, 3, 3), (2, 2))[0, 0].tolist() == [[1, 2, 1], [2, 4, 2], [1, 2, 1]]
    with pytest.raises(ValueError, match=r"dcols must have shape \(4, 4\)"):
        conv_layer.col2im(np.ones((4, 5)), (1, 1, 3, 3), (2, 2))


def test_single_channel_case_is_the_teaching_conv():
    rng = np.random.default_rng(0)
    img, k, dy = rng.standard_normal((6, 6)), rng.standard_normal((3, 3)), rng.standard_normal((4, 4))
    out, cache = conv_layer.conv_forward(img[None, None], k[None, None])
    assert np.allclose(out[0, 0], conv.conv2d(img, k), rtol=1e-12, atol=1e-12)
    dx, dw, db = conv_layer.conv_backward(dy[None, None], cache)
    assert np.allclose(dw[0, 0], conv.conv_weight_grad(img, k, dy), rtol=1e-12, atol=1e-12)
    assert np.allclose(dx[0, 0], conv.conv_input_grad(img, k, dy), rtol=1e-12, atol=1e-12)
    assert np.isclose(db[0], conv.conv_bias_grad(dy), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("n", "k", "s", "p", "d", "expected"),
    [(6, 3, 1, 0, 1, 4), (32, 3, 1, 1, 1, 32), (32, 3, 2, 1, 1, 16), (224, 7, 2, 3, 1, 112), (227, 11, 4, 0, 1, 55),
     (7, 3, 1, 0, 2, 3), (5, 5, 1, 0, 1, 1)],
)  # fmt: skip
def test_output_size_formula(n, k, s, p, d, expected):
    assert conv_layer.output_size(n, k, s, p, d) == expected


def test_gradcheck_rows_pass():
    rows = conv_layer_gradient_rows(seed=1)
    assert [r.gradient for r in rows] == ["dx", "dw", "db"]
    assert all(r.passed for r in rows)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: conv_layer.conv_forward(np.ones((2, 3, 5)), np.ones((4, 3, 3, 3))), ValueError, "x must be 4-D"),
        (lambda: conv_layer.conv_forward(np.ones((2, 3, 5, 5)), np.ones((4, 2, 3, 3))), ValueError, "C_in=3"),
        (lambda: conv_layer.conv_forward(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3))), ValueError, "kernel spans 3"),
        (lambda: conv_layer.conv_forward(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), stride=0), ValueError, "stride must be >= 1"),
        (lambda: conv_layer.conv_forward(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), padding=-1), ValueError, "padding must be >= 0"),
        (lambda: conv_layer.conv_forward(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), dilation=1.5), TypeError, "dilation must be an int"),
        (lambda: conv_layer.conv_forward(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), stride=(1, 2, 3)), ValueError, "pair"),
        (lambda: conv_layer.conv_forward(np.ones((1, 1, 5, 5)), np.ones((2, 1, 3, 3)), np.ones(3)), ValueError, r"b must have shape \(2,\)"),
        (lambda: conv_layer.conv_forward(np.ones((1, 1, 5, 5), dtype=str), np.ones((1, 1, 3, 3))), TypeError, "real numbers"),
        (lambda: conv_layer.conv_backward(np.ones((1, 1, 2, 2)), None), TypeError, "ConvCache"),
        (lambda: conv_layer.conv_backward(np.ones((1, 1, 2, 2)), conv_layer.conv_forward(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)))[1]),
         ValueError, r"dout must have shape \(1, 1, 3, 3\)"),
        (lambda: conv_layer.conv_backward_loop(np.ones((1, 1, 2, 2)), np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3))), ValueError, "dout must have shape"),
    ],
)  # fmt: skip
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_cache_keeps_cols_and_a_cache_without_them_gives_the_same_gradients():
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 2))
    params = dict(stride=(2, 1), padding=(1, 0), dilation=(1, 2))
    out, cache = conv_layer.conv_forward(x, w, **params)
    assert np.array_equal(cache.cols, conv_layer.im2col(x, (3, 2), **params))
    dout = rng.standard_normal(out.shape)
    kept = conv_layer.conv_backward(dout, cache)
    rebuilt = conv_layer.conv_backward(dout, cache._replace(cols=None))
    by_hand = conv_layer.conv_backward(dout, conv_layer.ConvCache(*cache[:5]))
    for a, b, c in zip(kept, rebuilt, by_hand, strict=True):
        assert np.array_equal(a, b) and np.array_equal(a, c)
    assert np.array_equal(conv_layer.conv_backward(dout, cache)[0], kept[0])  # the cache is not consumed


def test_a_cache_with_foreign_cols_is_refused():
    x, w = np.ones((2, 1, 5, 5)), np.ones((1, 1, 3, 3))
    _, cache = conv_layer.conv_forward(x, w)
    with pytest.raises(ValueError, match=r"cache.cols must have shape \(9, 18\)"):
        conv_layer.conv_backward(np.ones((2, 1, 3, 3)), cache._replace(cols=cache.cols[:, :9]))
    # x of one image, cols of two
    with pytest.raises(ValueError, match=r"cache.cols must have shape \(9, 9\)"):
        conv_layer.conv_backward(np.ones((1, 1, 3, 3)), cache._replace(x=x[:1]))
    with pytest.raises(TypeError, match=r"cache\.cols must be conv_forward.s float64 array"):
        conv_layer.conv_backward(np.ones((2, 1, 3, 3)), cache._replace(cols=cache.cols.tolist()))


# --- groups (issue 24): PyTorch's Conv2d(groups=g) ------------------------------------------------


@pytest.mark.parametrize(("c_in", "c_out", "groups"), [(4, 6, 2), (3, 3, 3), (2, 4, 2), (4, 4, 1)])
def test_grouped_layer_equals_its_loop_twin_and_the_ungrouped_weights(c_in, c_out, groups):
    rng = np.random.default_rng(c_in * 10 + groups)
    x = rng.standard_normal((2, c_in, 6, 5))
    w = rng.standard_normal((c_out, c_in // groups, 3, 2))
    b = rng.standard_normal(c_out)
    geo = {"stride": 2, "padding": 1, "dilation": (1, 2)}
    out, cache = conv_layer.conv_forward(x, w, b, groups=groups, **geo)
    assert np.allclose(out, conv_layer.conv_forward_loop(x, w, b, groups=groups, **geo), rtol=0, atol=1e-12)
    dense = conv_layer.ungroup_weights(w, groups)
    assert np.allclose(out, conv_layer.conv_forward(x, dense, b, **geo)[0], rtol=0, atol=1e-12)
    dout = rng.standard_normal(out.shape)
    got = conv_layer.conv_backward(dout, cache)
    for a, ref in zip(got, conv_layer.conv_backward_loop(dout, x, w, groups=groups, **geo), strict=True):
        assert np.allclose(a, ref, rtol=0, atol=1e-12)
    # the dense layer's weight gradient, read on the group blocks, is the grouped one
    dx_d, dw_d, _ = conv_layer.conv_backward(dout, conv_layer.conv_forward(x, dense, b, **geo)[1])
    assert np.allclose(got[0], dx_d, rtol=0, atol=1e-12)
    og, cg = c_out // groups, c_in // groups
    blocks = np.concatenate([dw_d[k * og : (k + 1) * og, k * cg : (k + 1) * cg] for k in range(groups)])
    assert np.allclose(got[1], blocks, rtol=0, atol=1e-12)


def test_depthwise_layer_is_one_single_channel_convolution_per_channel():
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((1, 3, 5, 5)), rng.standard_normal((3, 1, 3, 3))
    out = conv_layer.conv_forward(x, w, groups=3)[0]
    for c in range(3):
        assert np.allclose(
            out[0, c], conv_layer.conv_forward(x[:, c : c + 1], w[c : c + 1])[0][0, 0], atol=1e-12
        )


def test_groups_default_is_the_ordinary_layer_and_the_cache_records_groups():
    rng = np.random.default_rng(6)
    x, w = rng.standard_normal((2, 2, 4, 4)), rng.standard_normal((3, 2, 2, 2))
    a, cache_a = conv_layer.conv_forward(x, w)
    b, cache_b = conv_layer.conv_forward(x, w, groups=1)
    assert np.array_equal(a, b) and cache_a.groups == cache_b.groups == 1
    assert conv_layer.conv_forward(np.ones((1, 4, 3, 3)), np.ones((2, 2, 2, 2)), groups=2)[1].groups == 2
    with pytest.raises(ValueError, match="groups must divide"):
        conv_layer.conv_forward(np.ones((1, 4, 3, 3)), np.ones((3, 2, 2, 2)), groups=2)
