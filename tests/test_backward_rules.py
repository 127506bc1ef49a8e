"""The backward pass written as convolutions (lessons_code.backward_rules): dilate, dx and dw as
convolutions, the im2col rules, the transposed convolution, the stride-2 frames."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import conv_cases

from lessons_code import backward_rules, conv_layer, gradcheck, matrix_view


def layer_cases():
    return conv_cases(max_batch=2, max_kernel=3, max_padding=2, max_dilation=2, max_extra=4)


def _setup(case, seed):
    x_shape, w_shape, g = case
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    out, cache = conv_layer.conv_forward(x, w, **g)
    dout = rng.standard_normal(out.shape)
    return x, w, g, dout, conv_layer.conv_backward(dout, cache)


# --- dilate ------------------------------------------------------------------------------------


def test_dilate_by_hand():
    a = np.array([[1, 2], [3, 4]])
    assert backward_rules.dilate(a, 2).tolist() == [[1, 0, 2], [0, 0, 0], [3, 0, 4]]
    assert backward_rules.dilate(a, (1, 3)).tolist() == [[1, 0, 0, 2], [3, 0, 0, 4]]
    assert np.array_equal(backward_rules.dilate(a, 1), a)
    assert backward_rules.dilate(np.ones((2, 3, 4, 5)), 2).shape == (2, 3, 7, 9)


@settings(max_examples=30, deadline=None)
@given(
    h=st.integers(1, 5),
    w=st.integers(1, 5),
    fh=st.integers(1, 4),
    fw=st.integers(1, 4),
    seed=st.integers(0, 99),
)
def test_dilate_matches_loop_and_keeps_every_entry(h, w, fh, fw, seed):
    a = np.random.default_rng(seed).standard_normal((h, w))
    d = backward_rules.dilate(a, (fh, fw))
    assert np.array_equal(d, backward_rules.dilate_loop(a, (fh, fw)))
    assert d.shape == (fh * (h - 1) + 1, fw * (w - 1) + 1)
    assert np.array_equal(d[::fh, ::fw], a) and np.count_nonzero(d) == np.count_nonzero(a)


def test_dilate_rejects_bad_input():
    with pytest.raises(ValueError, match="factor must be >= 1"):
        backward_rules.dilate(np.ones((2, 2)), 0)
    with pytest.raises(ValueError, match="a must be"):
        backward_rules.dilate(np.ones(3), 2)
    with pytest.raises(TypeError, match="real numbers"):
        backward_rules.dilate(np.array([["a"]]), 2)


# --- dx, dw, db as convolutions ----------------------------------------------------------------


def _rules_equal_the_layers_backward_pass(case, seed):
    x, w, g, dout, (dx, dw, db) = _setup(case, seed)
    np.testing.assert_allclose(backward_rules.input_grad_as_conv(dout, w, x.shape, **g), dx, atol=1e-12)
    np.testing.assert_allclose(backward_rules.weight_grad_as_conv(x, dout, w.shape[2:], **g), dw, atol=1e-12)
    np.testing.assert_allclose(backward_rules.input_grad_im2col(dout, w, x.shape, **g), dx, atol=1e-12)
    np.testing.assert_allclose(backward_rules.weight_grad_im2col(x, dout, w.shape[2:], **g), dw, atol=1e-12)
    np.testing.assert_allclose(backward_rules.bias_grad(dout), db, atol=1e-12)


@settings(max_examples=15, deadline=None)
@given(case=layer_cases(), seed=st.integers(0, 2**32 - 1))
def test_rules_equal_the_layers_backward_pass(case, seed):
    _rules_equal_the_layers_backward_pass(case, seed)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(case=layer_cases(), seed=st.integers(0, 2**32 - 1))
def test_rules_equal_the_layers_backward_pass_many_examples(case, seed):
    _rules_equal_the_layers_backward_pass(case, seed)


@settings(max_examples=15, deadline=None)
@given(case=layer_cases(), seed=st.integers(0, 2**32 - 1))
def test_rules_match_finite_differences(case, seed):
    x, w, g, dout, _ = _setup(case, seed)

    def loss(x_, w_):
        return np.sum(conv_layer.conv_forward(x_, w_, **g)[0] * dout)

    num_dx = gradcheck.numerical_gradient(lambda t: loss(t, w), x)
    num_dw = gradcheck.numerical_gradient(lambda t: loss(x, t), w)
    assert gradcheck.rel_error(backward_rules.input_grad_as_conv(dout, w, x.shape, **g), num_dx) < 1e-7
    assert gradcheck.rel_error(backward_rules.weight_grad_as_conv(x, dout, w.shape[2:], **g), num_dw) < 1e-7


def test_unread_pixels_get_exactly_zero():
    # 8 pixels, 3-tap kernel, stride 2: (8 - 3) mod 2 = 1 row and column no window reads
    rng = np.random.default_rng(0)
    dout = rng.standard_normal((1, 1, 3, 3))
    dx = backward_rules.input_grad_as_conv(dout, rng.standard_normal((1, 1, 3, 3)), (1, 1, 8, 8), stride=2)
    assert np.all(dx[..., 7, :] == 0) and np.all(dx[..., :, 7] == 0)
    assert np.count_nonzero(dx[..., :7, :7]) == 49


def test_padding_taps_collect_nothing_there():
    # same padding, 1 channel: the corner tap (0, 0) reads the padding for the first row and column
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    dout = np.ones((1, 1, 4, 4))
    dw = backward_rules.weight_grad_as_conv(x, dout, (3, 3), padding=1)
    assert dw[0, 0, 0, 0] == x[0, 0, :3, :3].sum()  # only the 9 real pixels it touched
    assert dw[0, 0, 1, 1] == x.sum()


def test_rules_reject_bad_shapes():
    x, w = np.ones((1, 2, 5, 5)), np.ones((3, 2, 3, 3))
    with pytest.raises(ValueError, match=r"dout must have shape \(1, 3, 3, 3\)"):
        backward_rules.input_grad_as_conv(np.ones((1, 3, 2, 2)), w, x.shape)
    with pytest.raises(ValueError, match="C_in=2"):
        backward_rules.input_grad_as_conv(np.ones((1, 3, 3, 3)), np.ones((3, 1, 3, 3)), x.shape)
    with pytest.raises(ValueError, match="dout must have shape"):
        backward_rules.weight_grad_as_conv(x, np.ones((1, 3, 4, 4)), (3, 3))
    with pytest.raises(ValueError, match="dout must be 4-D"):
        backward_rules.bias_grad(np.ones((3, 3)))


# --- the transposed convolution ------------------------------------------------------------------


def test_transposed_conv_by_hand():
    # stride 2, 2x2 kernel of ones: every input value becomes a 2x2 block (nearest upsampling)
    y = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    up = backward_rules.transposed_conv(y, np.ones((1, 1, 2, 2)), stride=2)
    assert up[0, 0].tolist() == [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]
    assert backward_rules.transposed_output_size(3, 3, stride=2) == 7
    assert backward_rules.transposed_output_size(3, 3, stride=2, padding=1, output_padding=1) == 6


def _transposed_conv_is_the_input_gradient_and_m_transpose(case, seed):
    x, w, g, dout, (dx, _, _) = _setup(case, seed)
    op = backward_rules.output_padding_for(x.shape, w.shape[2:], **g)
    t = backward_rules.transposed_conv(dout, w, output_padding=op, **g)
    assert t.shape == x.shape
    np.testing.assert_allclose(t, dx, atol=1e-12)
    np.testing.assert_allclose(
        backward_rules.transposed_conv_loop(dout, w, output_padding=op, **g), dx, atol=1e-12
    )
    M = matrix_view.conv_matrix(w, x.shape[1:], **g)
    np.testing.assert_allclose(t[0].ravel(), M.T @ dout[0].ravel(), atol=1e-12)


@settings(max_examples=15, deadline=None)
@given(case=layer_cases(), seed=st.integers(0, 2**32 - 1))
def test_transposed_conv_is_the_input_gradient_and_m_transpose(case, seed):
    _transposed_conv_is_the_input_gradient_and_m_transpose(case, seed)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(case=layer_cases(), seed=st.integers(0, 2**32 - 1))
def test_transposed_conv_is_the_input_gradient_and_m_transpose_many_examples(case, seed):
    _transposed_conv_is_the_input_gradient_and_m_transpose(case, seed)


def test_transposed_conv_rejects_bad_input():
    with pytest.raises(ValueError, match="output_padding must be smaller than the stride"):
        backward_rules.transposed_conv(
            np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), stride=2, output_padding=2
        )
    with pytest.raises(ValueError, match="C_out=2 rows"):
        backward_rules.transposed_conv(np.ones((1, 2, 2, 2)), np.ones((3, 1, 3, 3)))
    with pytest.raises(ValueError, match="crops everything"):
        backward_rules.transposed_output_size(1, 1, padding=1)
    with pytest.raises(TypeError, match="stride must be an int"):
        backward_rules.transposed_conv(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), stride=1.5)


def test_output_padding_is_the_unread_remainder():
    assert backward_rules.output_padding_for((8, 7), (3, 3), stride=2) == (1, 0)
    assert backward_rules.output_padding_for((227, 227), (11, 11), stride=4) == (0, 0)
    assert backward_rules.output_padding_for((224, 224), (11, 11), stride=4) == (1, 1)
    with pytest.raises(ValueError, match="kernel spans"):
        backward_rules.output_padding_for((2, 2), (3, 3))


# --- the stride-2 frames against the Jacobian ------------------------------------------------------


@pytest.mark.parametrize(
    ("x_shape", "k_shape", "stride"), [((8, 8), (3, 3), 2), ((7, 9), (3, 2), 2), ((9, 7), (2, 3), 3)]
)
def test_stride_frames_match_the_jacobian(x_shape, k_shape, stride):
    rng = np.random.default_rng(4)
    K = rng.standard_normal(k_shape)
    out_shape = tuple((n - k) // stride + 1 for n, k in zip(x_shape, k_shape, strict=True))
    dy = rng.standard_normal(out_shape)
    frames = backward_rules.strided_backward_frames(x_shape, K, dy, stride=stride)
    assert len(frames) == out_shape[0] * out_shape[1]
    M = matrix_view.conv_matrix(K, x_shape, stride=stride)
    x0 = rng.standard_normal(x_shape)
    for f in frames:
        i, j = f.unit
        assert f.t == i * out_shape[1] + j and f.dy_t == dy[i, j]
        # row t of the Jacobian dy/dx, by finite differences of the forward pass, and from M
        jac = gradcheck.numerical_gradient(
            lambda t, i=i, j=j: conv_layer.conv_forward(t[None, None], K[None, None], stride=stride)[0][
                0, 0, i, j
            ],
            x0,
        )
        np.testing.assert_allclose(f.dx_step, f.dy_t * jac, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(f.dx_step.ravel(), f.dy_t * M[f.t], atol=1e-12)
    full = backward_rules.input_grad_as_conv(dy[None, None], K[None, None], (1, 1, *x_shape), stride=stride)[
        0, 0
    ]
    np.testing.assert_allclose(frames[-1].dx_sum, full, atol=1e-12)
    # the dilated dy holds dy_t where the frame says
    d = backward_rules.dilate(dy, stride)
    assert all(d[f.dilated_at] == f.dy_t for f in frames)


def test_stride_frames_reject_a_wrong_dy():
    with pytest.raises(ValueError, match=r"dy must have shape \(3, 3\)"):
        backward_rules.strided_backward_frames((8, 8), np.ones((3, 3)), np.ones((4, 4)))
